"""Row/column toolkit shared by the table parsers.

A table body (a range of `Document.lines`) is turned into logical rows whatever the layout:

* tab-separated cells (markdown/HTML extractions): cells keep their column position;
* space-separated cells (pdftotext): blank cells vanish, so only the order is known;
* reversed rows (some PDFs print a row right-to-left: ``5.615.61行政运行0101201``): amounts come
  first in reverse column order and the subject code is printed 项-款-类;
* wrapped rows: a code line, one or more name lines, then an amount line; amounts split across lines
  (``45.6`` / ``7``) are re-joined.

Each `Row` keeps the `Line.no` range it came from, so every value can be cited as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.amounts import clean, decimals, split_amounts
from extract.catalog import ECONOMIC_CLASSES, FUNCTION_CLASSES, class_code

_TOKEN = re.compile(r"(?:(?<=\s)|^)-\d[\d.]*|\d[\d.]*|[^\d\s]+")
_TOTAL_LABELS = ("合计", "总计")
_TEXT_AFTER_NUMBER = set("年月日号")
# Header words: a line made only of these is a column header, not a row.
_HEADER_HINT = re.compile(
    r"^(科目|项目|功能分类|经济分类|科目编码|类|款|项|合计|总计|基本支出|项目支出|人员经费|公用经费|支出预算|"
    r"一般公共预算|政府性基金|国有资本|财政拨款|资金来源|编制|单位)"
)


@dataclass
class Row:
    lines: list[int] = field(default_factory=list)  # Line.no of every line the row spans
    codes: list[str] = field(default_factory=list)  # ["210", "15", "01"]
    name: str = ""
    amounts: list[str] = field(default_factory=list)  # printed amounts, logical (left→right) order
    positions: list[int] | None = None  # column index of each amount when the layout keeps cells
    reversed: bool = False
    total: bool = False  # a 合计/总计 row
    extra: str = ""  # further text cells (e.g. a project name in 表7)
    parts: list[str] = field(default_factory=list)  # the name as printed, one piece per line (wrapped cells)

    @property
    def code(self) -> str:
        return "".join(self.codes)

    @property
    def level(self) -> str:
        if self.total:
            return "total"
        return {1: "类", 2: "款", 3: "项"}.get(len(self.codes), "other")


@dataclass
class _Piece:
    no: int
    lead: list[str]
    text: str
    trail: list[str]
    cells: list[str] | None  # tab-separated cells, when present


def _plausible_class(s: str) -> bool:
    return len(s) == 3 and s[0] in "123456789"


def _known_class(s: str) -> bool:
    """A 类 of the national subject catalogues: function classes (2xx) or economic classes (3xx, 5xx)."""
    return s in FUNCTION_CLASSES or s in ECONOMIC_CLASSES or s[0] in "35"


def parse_codes(tokens: list[str], reversed_first: bool = False) -> list[str] | None:
    """Subject codes from digit tokens: "208 05 01", "2080501" (normal) or "0105208" (printed 项款类)."""
    if not tokens or not all(t.isdigit() for t in tokens):
        return None
    if len(tokens) == 1:
        s = tokens[0]
        if len(s) not in (3, 5, 7):
            return None
        normal = [s[:3]] + [s[i : i + 2] for i in range(3, len(s), 2)] if _plausible_class(s[:3]) else None
        rest = s[:-3]
        rev = [s[-3:]] + list(reversed([rest[i : i + 2] for i in range(0, len(rest), 2)])) \
            if _plausible_class(s[-3:]) else None
        if len(s) == 3:
            return normal
        if normal and rev and _known_class(normal[0]) != _known_class(rev[0]):
            return normal if _known_class(normal[0]) else rev  # "9915210": 991 is no class, 210 is
        return (rev or normal) if reversed_first else (normal or rev)
    if len(tokens) <= 3 and _plausible_class(tokens[0]) and all(len(t) == 2 for t in tokens[1:]):
        return list(tokens)
    if len(tokens) <= 3 and _plausible_class(tokens[-1]) and all(len(t) == 2 for t in tokens[:-1]):
        return [tokens[-1]] + list(reversed(tokens[:-1]))
    return None


def _isnum(tok: str) -> bool:
    return tok[0].isdigit() or (tok[0] == "-" and len(tok) > 1 and tok[1].isdigit())


_BRACKET_CODE = re.compile(r"[\[【(（]\s*(\d{3,7})\s*[\]】)）]")


def _piece(no: int, raw: str, norm: str) -> _Piece:
    cells = None
    if "\t" in raw:
        cells = [clean(c).strip() for c in raw.split("\t")]
    elif raw.count("|") >= 2:  # cells joined with " | " (markdown tables, PDF table rows)
        inner = raw.strip()
        inner = inner[1:] if inner.startswith("|") else inner
        inner = inner[:-1] if inner.endswith("|") else inner
        cells = [clean(c).strip() for c in inner.split("|")]
    s = _BRACKET_CODE.sub(r"\1 ", clean(norm if norm is not None else raw))
    toks = _TOKEN.findall(s)
    i = 0
    while i < len(toks) and _isnum(toks[i]):
        i += 1
    j = len(toks)
    while j > i and _isnum(toks[j - 1]):
        j -= 1
    # a table label ("government_fund") is text, not an amount
    if j < len(toks) and j > i and toks[j - 1].endswith("表") and toks[j].isdigit():
        j += 1
    # a number that is part of a date or a count in a name ("2024 年…", "…5 万元") is text, not an amount
    while i > 0 and i < len(toks) and toks[i - 1].isdigit() and toks[i][0] in _TEXT_AFTER_NUMBER:
        i -= 1
    text = "".join(toks[i:j])
    return _Piece(no=no, lead=toks[:i], text=text, trail=toks[j:], cells=cells)


def _amounts(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        out.extend(split_amounts(t))
    return out


def _is_total(text: str) -> bool:
    t = text.replace(" ", "").replace("|", "")
    return t in _TOTAL_LABELS


def _from_cells(p: _Piece) -> Row | None:
    cells = p.cells or []
    codes: list[str] = []
    k = 0
    while k < len(cells) and k < 3 and (cells[k].isdigit() or cells[k] == ""):
        if cells[k]:
            codes.append(cells[k])
        k += 1
    texts = [(i, c) for i, c in enumerate(cells) if c and not re.fullmatch(r"-?[\d.]+", c)]
    if not texts:
        return None
    name_i, name = texts[0]
    if name_i < k:  # a text cell among the code cells: not a coded row
        codes = []
    last_text = texts[-1][0]
    amounts: list[str] = []
    positions: list[int] = []
    for i in range(last_text + 1, len(cells)):
        if re.fullmatch(r"-?\d+(?:\.\d+)?", cells[i]):
            amounts.append(cells[i])
            positions.append(i - last_text - 1)
    codes = parse_codes(codes) or [] if codes else []
    extra = " ".join(c for i, c in texts[1:])
    row = Row(lines=[p.no], codes=codes, name=name.replace(" ", ""), amounts=amounts, positions=positions,
              total=_is_total(name) and not codes, extra=extra, parts=[name.replace(" ", "")])
    return row


def orientation(pieces: list[_Piece]) -> bool:
    """True when the body prints rows right-to-left (amounts before the subject name)."""
    before = after = 0
    for p in pieces:
        if not p.text or p.cells:
            continue
        lead_amt = any("." in t for t in p.lead)
        trail_amt = any("." in t for t in p.trail)
        if lead_amt and not trail_amt:
            before += 1
        elif trail_amt and not lead_amt:
            after += 1
    return before > after


def parse_rows(lines, start: int, end: int) -> list[Row]:
    """Logical rows of the body lines start..end (Line.no, inclusive) of a coded table (表2/3/5/6/7/8/9)."""
    pieces = [_piece(l.no, l.text, l.norm) for l in lines if start <= l.no <= end and (l.norm or l.text).strip()]
    rev = orientation(pieces)
    rows: list[Row] = []
    pending: Row | None = None

    def finish(row: Row, amounts: list[str]) -> None:
        row.amounts = list(reversed(amounts)) if row.reversed else amounts
        rows.append(row)

    for p in pieces:
        if p.cells is not None and len([c for c in p.cells if c]) >= 2:
            row = _from_cells(p)
            if row and (row.codes or row.total) and (row.amounts or row.total):
                pending = None
                rows.append(row)
            continue
        codes_lead = parse_codes(p.lead) if p.lead and not any("." in t for t in p.lead) else None
        codes_trail = None
        trail_tokens = p.trail
        if not codes_lead and p.trail:
            # reversed code printed after the name, possibly followed by amounts ("…支出9913210 12.3412.34")
            codes_trail = parse_codes(p.trail[:1], reversed_first=True) if p.trail[0].isdigit() else None
            if codes_trail:
                trail_tokens = p.trail[1:]
        if not p.text:
            # a line of digits only: a code line, amounts, or a fragment of a wrapped amount
            code_only = parse_codes(p.lead, reversed_first=rev) if not any("." in t for t in p.lead) else None
            if code_only and (pending is None or pending.amounts):
                pending = Row(lines=[p.no], codes=code_only, reversed=rev)
                continue
            amts = _amounts(p.lead)
            if pending is not None and not pending.amounts:
                pending.lines.append(p.no)
                finish(pending, amts)
                pending = None
            elif rows and amts:
                last = rows[-1]
                i = -1 if not last.reversed else 0
                head = p.lead[0]
                if last.amounts and "." in last.amounts[i] and decimals(last.amounts[i]) < 2 and head.isdigit() \
                        and len(head) <= 2 - decimals(last.amounts[i]):
                    # an amount split across lines ("45.6" / "7", "73.5" / "8 …"): join the pieces
                    last.amounts[i] = last.amounts[i] + head
                    last.lines.append(p.no)
                    rest = _amounts(p.lead[1:])
                    if rest and all("." in a for a in rest) and not last.reversed:
                        last.amounts.extend(rest)
                elif rows[-1].lines and p.no - rows[-1].lines[-1] <= 2 and not last.reversed \
                        and all("." in a for a in amts):  # a cell wrapped onto its own line (not a page number)
                    last.amounts.extend(amts)
                    last.lines.append(p.no)
            continue
        total = _is_total(p.text)
        codes = codes_lead or codes_trail
        if not codes and not total and (pending is None or pending.amounts) and (p.lead or p.trail):
            named = class_code(p.text.replace(" ", ""))
            if named:  # a 类 row printed by its name only
                codes = [named]
                if rev:
                    codes_trail = codes
                    trail_tokens = p.trail
        if codes or total:
            # a single-line row shows its own direction: amounts after the name (normal) or before it
            lead_amt, trail_amt = any("." in t for t in p.lead), any("." in t for t in trail_tokens)
            row_rev = rev
            if codes_lead and trail_amt and not lead_amt:
                row_rev = False
            elif (codes_trail or (total and not codes)) and lead_amt and not trail_amt:
                row_rev = True
            elif total and not codes and trail_amt and not lead_amt:
                row_rev = False
            if row_rev:
                # printed right-to-left: amounts before the name; any printed after the code go last
                after = _amounts(trail_tokens) if codes_trail else (_amounts(p.trail) if total and p.lead else [])
                amts = list(reversed(after)) + _amounts(p.lead if codes_trail or total or not codes_lead else p.trail)
                if total and not codes and not amts:
                    amts = _amounts(p.trail)
            else:
                amts = _amounts(trail_tokens if not codes_trail else trail_tokens)
                if total and not amts and p.lead:
                    amts = _amounts(p.lead)
            row = Row(lines=[p.no], codes=codes or [], name=p.text, reversed=row_rev, total=total and not codes,
                      parts=[p.text] if p.text else [])
            if amts:
                finish(row, amts)
                pending = None
            else:
                pending = row
            continue
        # text without a code: continuation of a pending row's name (or its project name + amounts)
        if pending is not None and not pending.amounts:
            amts = _amounts(p.lead) + _amounts(p.trail)
            if pending.total and not any("." in a for a in amts):
                continue  # a 合计 row's label is fixed: text after it is not part of it
            pending.lines.append(p.no)
            if amts:
                pending.extra = p.text
                finish(pending, amts)
                pending = None
            elif not _HEADER_HINT.match(p.text) or pending.name:
                pending.name += p.text
                pending.parts.append(p.text)
            continue
    return rows
