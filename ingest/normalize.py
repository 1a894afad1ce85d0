"""Text normalisation that never loses the original.

`normalize_line(text)` gives the comparable form kept in `Line.norm` (one printed line stays one
line): full-width digits/punctuation → half-width, markup (HTML tags, markdown emphasis/heading
marks) dropped, spaces between CJK characters removed (`收 入 总 计` → `收入总计`), spaces between a
number and its unit word removed (`2024 年` → `2024年`), thousands separators dropped
(`1,234.56` → `1234.56`), runs of spaces collapsed (tabs, which separate cells, are kept).

Derived views for the extractor:
- `join_wrapped(lines)` joins lines wrapped mid-sentence (no space) and keeps the source line numbers.
- `split_run_together(text)` splits reversed-column rows such as `0.310.31教育支出205` into
  amounts, label and code.
- `compact(text)` — the normalised text with all whitespace removed (for matching headings).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese punctuation that behaves like a CJK character for spacing purposes.
CJK_PUNCT = "“”‘’《》〔〕【】、。；：（）！？…"

_FW_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FW_TABLE[0x3000] = 0x20  # ideographic space
_FW_TABLE.update({ord("\u00a0"): 0x20, ord("\u2002"): 0x20, ord("\u2003"): 0x20, ord("\u2009"): 0x20,
                  ord("\u200b"): None, ord("\ufeff"): None})

_TAGS = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_EMPH = re.compile(r"\*\*|__")
_SPACES = re.compile(r"[ \f\v\r]+")
_CJK_CLASS = f"[{CJK}{re.escape(CJK_PUNCT)}]"
_CJK_GAP = re.compile(rf"(?<={_CJK_CLASS}) +(?={_CJK_CLASS})")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?![\d]))")
_UNIT_JOIN2 = re.compile(r"(?<=\d) +(?=(?:万元|亿元|千元|元|%|月|日|平方米|辆|台|套|次))")


def halfwidth(text: str) -> str:
    """Full-width ASCII (digits, letters, punctuation) and odd spaces → half-width."""
    return text.translate(_FW_TABLE)


# Every substitution below needs one of these characters (after the half-width mapping): a line
# without any of them — most lines of a PDF table or of running CJK text — skips them all, and each
# pass runs only when its character is there (the same result, a fraction of the regex work).
_NEEDS_WORK = re.compile(r"[ \f\v\r\t,<#*_]")
_CJK_PUNCT_GAP = re.compile(rf"(?<={_CJK_CLASS}) +(?=[(),:;])|(?<=[(),:;]) +(?={_CJK_CLASS})")
_YEAR_GAP = re.compile(r"(?<![\d.])((?:19|20)\d\d) +(?=年)")
_COUNT_GAP = re.compile(rf"(?<=\d) +(?=(?:人|个|项|名|家)(?![{CJK}]))")
_TAB_GAP = re.compile(r" *\t *")


def normalize_line(text: str) -> str:
    """The normalised form of one printed line (see module doc)."""
    if not text:
        return ""
    s = unicodedata.normalize("NFC", text)
    s = halfwidth(s)
    if not _NEEDS_WORK.search(s):
        return s if s.strip() else ""
    if "<" in s:
        s = _TAGS.sub(" ", s)
    if "#" in s:
        s = _MD_HEADING.sub("", s)
    if "*" in s or "_" in s:
        s = _MD_EMPH.sub("", s)
    s = _SPACES.sub(" ", s)
    if "\t" in s:
        s = _TAB_GAP.sub("\t", s)
    if "," in s:
        s = _THOUSANDS.sub("", s)
    if " " in s:
        # half-width punctuation that stood for CJK punctuation still separates CJK runs
        s = _CJK_GAP.sub("", s)
        s = _CJK_PUNCT_GAP.sub("", s)
        s = _YEAR_GAP.sub(r"\1", s)
        s = _UNIT_JOIN2.sub("", s)
        s = _COUNT_GAP.sub("", s)
    return s.strip(" ").rstrip("\t ") if s.strip() else ""


def compact(text: str) -> str:
    """Normalised text with every whitespace removed (heading/title matching)."""
    return re.sub(r"\s+", "", normalize_line(text))


# -- derived views -------------------------------------------------------------------------------

_SENTENCE_END = tuple("。；;：:！？!?")


@dataclass
class Joined:
    text: str
    lines: list[int] = field(default_factory=list)  # Line.no of every source line


def join_wrapped(lines, max_width: int | None = None) -> list[Joined]:
    """Join lines wrapped mid-sentence (pdftotext output) into logical lines, without spaces.

    `lines` is an iterable of `Line`. A line continues onto the next when it does not end a
    sentence and the next line does not start a new item (heading, numbered item, table row).
    Blank lines between wrapped halves are skipped. Provenance: each result lists its lines.
    """
    out: list[Joined] = []
    cur: Joined | None = None
    for line in lines:
        norm = line.norm.strip()
        if not norm:
            continue
        if cur is not None and _continues(cur.text, norm):
            cur.text += norm
            cur.lines.append(line.no)
            continue
        if cur is not None:
            out.append(cur)
        cur = Joined(norm, [line.no])
    if cur is not None:
        out.append(cur)
    return out


_ITEM_START = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|表\s*\d+|备注|其中)"
)


_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def _continues(prev: str, nxt: str) -> bool:
    if prev.endswith(_SENTENCE_END) or "\t" in prev or "\t" in nxt:
        return False
    if _HEADING.match(prev) and len(prev) <= 40 and not nxt.startswith(("的", "说明")) and "关于" not in prev:
        return False
    if _ITEM_START.match(nxt):
        return False
    # a table-ish row (several separated numbers) is not wrapped prose
    if len(re.findall(r"\d+\.\d+", prev)) >= 2 and " " in prev:
        return False
    return bool(re.search(rf"[{CJK}\d%）)”,，、]$", prev))


@dataclass
class RunSplit:
    amounts: list[str]
    label: str
    code: str | None


_AMOUNT2 = re.compile(r"\d+\.\d{2}")


def split_amounts(token: str) -> list[str]:
    """`0.310.31` → ['0.31', '0.31']; amounts in these tables carry two decimals."""
    token = token.replace(",", "").strip()
    if re.fullmatch(r"\d+(?:\.\d{1,2})?", token):
        return [token]
    parts = _AMOUNT2.findall(token)
    if parts and "".join(parts) == token:
        return parts
    return re.findall(r"\d+(?:\.\d+)?", token)


def split_run_together(text: str) -> RunSplit | None:
    """Split a reversed-column row `0.310.31教育支出205` (or `0.310.31205 教育支出`) into amounts
    ['0.31','0.31'], label '教育支出' and code '205'. None when the row does not start with
    run-together two-decimal amounts."""
    s = normalize_line(text).replace(" ", "").replace("\t", "")
    m = re.match(r"[\d.]+", s)
    if not m or "." not in m.group(0):
        return None
    head, rest = m.group(0), s[m.end():]
    amounts, pos = [], 0
    for a in re.finditer(r"\d+\.\d{2}", head):
        if a.start() != pos:
            break
        amounts.append(a.group(0))
        pos = a.end()
    tail = head[pos:]
    if not amounts or (tail and not re.fullmatch(r"\d{3}(?:\d{2}){0,2}", tail)):
        return None
    code = tail or None
    label = rest
    m2 = re.search(r"(\d{3}(?:\d{2}){0,2})$", label)
    if code is None and m2:
        code, label = m2.group(1), label[: m2.start()]
    return RunSplit(amounts=amounts, label=label, code=code)
