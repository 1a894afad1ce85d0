"""Recognise a disclosure's structure from its normalised lines.

Everything here works from the national template (部门/单位预算公开), not from any one document:
- department (编制部门/编制单位/部门名称…), region (the most specific administrative unit in the
  department's name), fiscal year (the year the document budgets, read from the part headings —
  not any year it mentions);
- the standard tables 表1–表11 by title, with unit (元/万元/亿元), body line range, empty + 备注;
  a table's title block may come before its body (usual) or after it (some PDF extractions) —
  decided per document by which side carries the table's own header words;
- parts 第一部分…, narrative sections 一、…十二、, 名词解释 (glossary), 绩效目标表 (performance).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.document import Document, Section, TableInfo
from ingest.normalize import CJK

CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20 (up to 99)."""
    if not s or any(c not in CN_NUM for c in s):
        return None
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (CN_NUM[a] if a else 1) * 10 + (CN_NUM[b] if b else 0)
    return CN_NUM[s] if len(s) == 1 else None


@dataclass(frozen=True)
class TableKind:
    number: int
    kind: str
    title: str  # canonical title without the 部门/单位 prefix
    pattern: str  # regex over the compact title (prefix stripped)
    signature: tuple[str, ...]  # header words found in this table's body (compact text)


TABLE_KINDS: list[TableKind] = [
    TableKind(1, "income_expenditure_overview", "收支总体情况表", r"收支(预算)?总(体情况)?表",
              ("本年收入", "上年结转结余", "收入总计", "支出总计", "功能分类")),
    TableKind(2, "income_overview", "收入总体情况表", r"收入(预算)?总(体情况)?表",
              ("小计", "财政专户", "单位资金", "类款项", "上级一般公共预算安排的转移支付")),
    TableKind(3, "expenditure_overview", "支出总体情况表", r"支出(预算)?总(体情况)?表",
              ("支出预算", "基本支出", "项目支出", "类款项", "合计")),
    TableKind(4, "fiscal_overview", "财政拨款收支预算总体情况表", r"财政拨款收支(预算)?总(体情况)?表",
              ("财政拨款收入", "财政拨款支出", "财政拨款(补助)", "收入总计")),
    TableKind(5, "general_budget_expenditure", "一般公共预算支出情况表", r"一般公共预算(当年拨款)?支出(预算)?(情况)?表",
              ("一般公共预算支出", "基本支出", "项目支出", "类款项")),
    TableKind(6, "general_budget_basic", "一般公共预算基本支出情况表", r"一般公共预算基本支出(预算)?(情况)?表",
              ("经济分类", "人员经费", "公用经费", "基本工资")),
    TableKind(7, "general_budget_project", "一般公共预算项目支出情况表", r"一般公共预算项目支出(预算)?(情况)?表",
              ("项目名称", "项目支出", "商品和服务支出")),
    TableKind(8, "government_fund", "政府性基金预算支出情况表", r"政府性基金(预算)?支出(预算)?(情况)?表",
              ("政府性基金预算支出",)),
    TableKind(9, "state_capital", "国有资本经营预算支出情况表", r"国有资本经营(预算)?支出(预算)?(情况)?表",
              ("国有资本经营预算支出",)),
    TableKind(10, "sangong", "财政拨款“三公”经费支出情况表", r"(财政拨款)?[“\"']?三公[”\"']?经费支出(预算)?(情况)?表",
              ("因公出国", "公务接待费", "公务用车")),
    TableKind(11, "carryover", "上年结转结余情况明细表", r"上年结转结余(预算)?(情况)?(明细)?表",
              ("非财政拨款", "人员经费", "公用经费", "项目支出")),
]
KIND_BY_NUMBER = {k.number: k for k in TABLE_KINDS}

_TITLE_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.])?(?:表\d+)?[:：]?(?:\d{4}年)?(?:[" + CJK + r"]{0,30}?)?")
_TABLE_MARK = re.compile(r"^表(\d{1,2})$")
_TABLE_MARK_PREFIX = re.compile(r"^表(\d{1,2})(?!\d)")
_UNIT = re.compile(r"(?:金额)?单位[:：]?(万元|亿元|千元|元)")
_ISSUER = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称|预算单位|填报单位)(?:\(盖章\))?[:：]?")
_PART = re.compile(r"^第([一二三四五六七八九十]+)部分(.*)$")
_NARR = re.compile(r"^([一二三四五六七八九十]{1,3})、(.+)$")
_AMOUNT = re.compile(r"\d+\.\d{2}")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_ADMIN_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|县|旗|区)"
# a place name has two or more characters before its suffix (青州市 is 青州 + 市, not 青 + 州 then 市…;
# 新市区 is 新市 + 区); a one-character name only with 县/旗 (沙县, 赵县), since 市/区/州 also end
# ordinary words of a department name (城市管理局, 市场监督管理局)
_ADMIN = re.compile(r"^(.{2,14}?" + _ADMIN_SUFFIX + ")")
_ADMIN_SHORT = re.compile(r"^(.(?:县|旗))")


def compact(norm: str) -> str:
    return re.sub(r"\s+", "", norm)


@dataclass
class _Block:
    """A table's title block: the title line plus nearby 表N / 编制 / 单位 lines."""

    kind: TableKind
    number: int
    title: str
    title_line: int
    start: int
    end: int
    unit: str | None = None
    has_mark: bool = False
    has_issuer: bool = False
    extra: list[int] = field(default_factory=list)
    note_lines: list[int] = field(default_factory=list)  # a 备注 right after the block


def match_title(c: str) -> TableKind | None:
    """The standard table a compact line titles, or None. The line must be a title, not prose."""
    if not c or len(c) > 60 or not c.endswith("表") and not re.search(r"表(\(\d{4}年\))?$", c):
        return None
    if "为空表" in c or c.endswith("。"):
        return None
    body = _TABLE_MARK_PREFIX.sub("", c)
    body = re.sub(r"^(?:[一二三四五六七八九十]+、|\d+[、.])", "", body)
    # longest (most specific) pattern that matches the end of the line wins
    best: TableKind | None = None
    best_len = 0
    for k in TABLE_KINDS:
        m = re.search(k.pattern + r"(\(\d{4}年\))?$", body)
        if not m:
            continue
        prefix = body[: m.start()]
        # what precedes the title must be a short unit / year prefix (部门, 单位, 2024年, a unit name…)
        if len(prefix) > 30 or re.search(r"[,。;:]", prefix):
            continue
        if k.number == 1 and prefix.endswith("财政拨款"):
            continue
        if k.number in (2, 3) and re.search(r"(财政拨款|一般公共预算|政府性基金|国有资本经营|基本|项目)$", prefix):
            continue
        if k.number == 5 and re.search(r"(基本|项目)$", prefix):
            continue
        if m.end() - m.start() > best_len:
            best, best_len = k, m.end() - m.start()
    return best


class Structure:
    """Runs the recognisers over a Document's lines and fills its fields."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.n = len(doc.lines)
        self.c = [""] + [compact(l.norm) for l in doc.lines]  # 1-based

    # -- helpers ---------------------------------------------------------------------------------
    def nonblank(self, start: int, step: int, limit: int):
        i, seen = start, 0
        while 1 <= i <= self.n and seen < limit:
            if self.c[i]:
                yield i
                seen += 1
            i += step

    def region_text(self, a: int, b: int) -> str:
        return "".join(self.c[max(1, a) : min(self.n, b) + 1])

    # -- parts and TOC ---------------------------------------------------------------------------
    def parts(self) -> list[Section]:
        found: dict[int, tuple[int, str]] = {}
        for i in range(1, self.n + 1):
            m = _PART.match(self.c[i])
            if m and len(self.c[i]) <= 50 and not self.c[i].startswith("-"):
                num = cn_to_int(m.group(1))
                if num:
                    found[num] = (i, self.doc.lines[i - 1].norm.strip())  # last occurrence wins (TOC first)
        # a later part cannot start before an earlier one
        items = sorted(found.items())
        kept: list[tuple[int, int, str]] = []
        for num, (line, title) in items:
            if kept and line < kept[-1][1]:
                continue
            kept.append((num, line, title))
        out = []
        for idx, (num, line, title) in enumerate(kept):
            end = kept[idx + 1][1] - 1 if idx + 1 < len(kept) else self.n
            out.append(Section(kind="part", title=title, line_start=line, line_end=end, number=num))
        return out

    def toc_end(self, parts: list[Section]) -> int:
        """Last line of a table of contents (目录) at the top, or 0."""
        for i in range(1, min(self.n, 80) + 1):
            if self.c[i] in ("目录", "目次"):
                return (parts[0].line_start - 1) if parts else 0
        return 0

    # -- tables ----------------------------------------------------------------------------------
    def title_blocks(self, toc_end: int) -> list[_Block]:
        blocks: list[_Block] = []
        for i in range(toc_end + 1, self.n + 1):
            c = self.c[i]
            kind = match_title(c)
            title_text = c
            if kind is None and c and len(c) <= 30 and not c.endswith("。"):
                # a title wrapped over two lines
                j = next(self.nonblank(i + 1, 1, 1), None)
                if j and j - i <= 2 and len(self.c[j]) <= 20:
                    kind = match_title(c + self.c[j])
                    title_text = c + self.c[j] if kind else c
                    if kind and match_title(self.c[j]):
                        kind = None
            if kind is None:
                continue
            blk = _Block(kind=kind, number=kind.number, title=title_text, title_line=i, start=i, end=i)
            m = _TABLE_MARK_PREFIX.match(c)
            if m:
                blk.number, blk.has_mark = int(m.group(1)), True
            for j in self._near(i, -1) + self._near(i, 1):
                cj = self.c[j]
                mark = _TABLE_MARK.match(cj)
                if mark and not blk.has_mark:
                    blk.number, blk.has_mark = int(mark.group(1)), True
                    blk.extra.append(j)
                elif _ISSUER.search(cj) and len(cj) <= 80:
                    blk.has_issuer = True
                    blk.extra.append(j)
                elif _UNIT.search(cj) and len(cj) <= 40:
                    blk.extra.append(j)
                else:
                    continue
                if not blk.unit:
                    um = _UNIT.search(cj)
                    blk.unit = um.group(1) if um else None
            um = _UNIT.search(c)
            if um:
                blk.unit = blk.unit or um.group(1)
            if not (blk.has_mark or blk.has_issuer or blk.unit):
                continue  # a title without its block (table of contents, a mention)
            # keep the block contiguous around the title line
            near = sorted(set(blk.extra + [i]))
            blk.start, blk.end = near[0], near[-1]
            if title_text != c:
                blk.end = max(blk.end, next(self.nonblank(i + 1, 1, 1)))
            nxt = next(self.nonblank(blk.end + 1, 1, 1), None)
            if nxt is not None and nxt - blk.end <= 3 and self.c[nxt].startswith("备注"):
                blk.note_lines = self._note_lines(nxt)
            blocks.append(blk)
        # drop duplicates: one block per table number (keep the one with the most evidence)
        best: dict[int, _Block] = {}
        for b in blocks:
            score = (b.has_mark + b.has_issuer + bool(b.unit), -b.title_line)
            old = best.get(b.number)
            if old is None or score > (old.has_mark + old.has_issuer + bool(old.unit), -old.title_line):
                best[b.number] = b
        out = sorted(best.values(), key=lambda b: b.title_line)
        # blocks must not overlap
        for a, b in zip(out, out[1:]):
            if a.end >= b.start:
                a.end = b.start - 1
        return out

    def _near(self, i: int, step: int) -> list[int]:
        """Up to 4 non-blank lines next to a title line, stopping at prose or a part heading (a
        sentence that mentions 预算单位 is not the block's issuer line)."""
        out = []
        for j in self.nonblank(i + step, step, 4):
            if self._prose_stop(j):
                break
            out.append(j)
        return out

    def _score(self, kind: TableKind, a: int, b: int) -> int:
        if b < a:
            return 0
        text = self.region_text(a, b)
        return sum(1 for w in kind.signature if w in text)

    def _prose_stop(self, i: int) -> bool:
        c = self.c[i]
        if _PART.match(c) or (_NARR.match(c) and not _AMOUNT.search(c) and len(c) > 6 and not re.search(r"\d{3}", c)):
            return True
        return c.endswith("。") or (len(c) > 25 and "," in c and not _AMOUNT.search(c))

    def tables(self, blocks: list[_Block], parts: list[Section]) -> list[TableInfo]:
        if not blocks:
            return []
        bounds = [p.line_start for p in parts]

        def next_bound(after: int) -> int:
            """First structural boundary (part / narrative heading) after a line."""
            cands = [x for x in bounds if x > after]
            for i in range(after + 1, self.n + 1):
                c = self.c[i]
                if _NARR.match(c) and not _AMOUNT.search(c) and "关于" in c:
                    cands.append(i)
                    break
            return min(cands) - 1 if cands else self.n

        # bodies if titles come first …
        before_ranges = []
        for k, b in enumerate(blocks):
            end = blocks[k + 1].start - 1 if k + 1 < len(blocks) else next_bound(b.end)
            before_ranges.append((b.end + 1, end))
        # … or after the body
        after_ranges = []
        for k, b in enumerate(blocks):
            if k > 0:
                prev = blocks[k - 1]
                start = max([prev.end] + prev.note_lines) + 1
            else:
                start = b.start
                i = b.start - 1
                skipped_heading = False
                while i >= 1:
                    if self.c[i] and self._prose_stop(i):
                        # a part heading right above the first title block sits between body and block
                        if not skipped_heading and start == b.start and _PART.match(self.c[i]) and b.start - i <= 3:
                            skipped_heading = True
                            i -= 1
                            start = i + 1
                            continue
                        break
                    if self.c[i]:
                        start = i
                    i -= 1
                if skipped_heading and start > b.start - 4:
                    start = b.start  # nothing but the heading: no body before the block
            after_ranges.append((start, b.start - 1))
        s_before = sum(self._score(b.kind, *r) for b, r in zip(blocks, before_ranges))
        s_after = sum(self._score(b.kind, *r) for b, r in zip(blocks, after_ranges))
        title_after = s_after > s_before
        ranges = after_ranges if title_after else before_ranges
        if title_after:
            self.doc.warnings.append("table titles follow their bodies (title-after layout)")

        notes = self._notes(blocks, ranges, title_after)
        if title_after:
            for b in blocks:
                if b.note_lines:
                    notes[b.number] = b.note_lines
        out = []
        for b, (a, e) in zip(blocks, ranges):
            # trim blank lines (and the next block's leading 备注 is not ours)
            while a <= e and not self.c[a]:
                a += 1
            while e >= a and (not self.c[e] or _PART.match(self.c[e])):
                e -= 1
            if e < a:
                a = e = b.end
            note_lines = notes.get(b.number)
            note = None
            if note_lines:
                note = "".join(self.c[i] for i in note_lines)
                if title_after:
                    e = max(e, note_lines[-1]) if note_lines[0] > b.end else e
            unit = b.unit or self._unit_near(a, e)
            body = self.region_text(a, e)
            if note_lines:
                body = body.replace(note, "")
            empty = bool(note and "空表" in note) or not _AMOUNT.search(body)
            out.append(TableInfo(id=f"表{b.number}", title=self.doc.lines[b.title_line - 1].norm.strip(),
                                 kind=b.kind.kind, unit=unit, line_start=a, line_end=e,
                                 title_line=b.title_line, empty=empty, note=note))
        return out

    def _unit_near(self, a: int, e: int) -> str | None:
        for i in range(max(1, a - 3), min(self.n, a + 5) + 1):
            m = _UNIT.search(self.c[i])
            if m:
                return m.group(1)
        return None

    def _note_lines(self, i: int) -> list[int]:
        lines = [i]
        j = i
        while not self.c[j].endswith("。") and len(lines) < 4:
            nxt = next(self.nonblank(j + 1, 1, 1), None)
            if nxt is None or nxt - j > 2 or match_title(self.c[nxt]) or _TABLE_MARK.match(self.c[nxt]) \
                    or _ISSUER.search(self.c[nxt]) or _PART.match(self.c[nxt]):
                break
            j = nxt
            lines.append(j)
        return lines

    def _notes(self, blocks, ranges, title_after: bool) -> dict[int, list[int]]:
        """备注 lines → the table they belong to (by the title they name, else by position)."""
        out: dict[int, list[int]] = {}
        first = min(r[0] for r in ranges)
        last = max(max(r[1] for r in ranges), blocks[-1].end + 6)
        for i in range(first, min(self.n, last) + 1):
            if not self.c[i].startswith("备注"):
                continue
            lines = self._note_lines(i)
            text = "".join(self.c[x] for x in lines)
            target = None
            for b in blocks:
                if re.search(b.kind.pattern, text):
                    target = b.number
            if target is None:
                for b, (a, e) in zip(blocks, ranges):
                    if a <= i <= e or (title_after and 0 < i - b.end <= 3):
                        target = b.number
            if target is not None and target not in out:
                out[target] = lines
        return out

    # -- narrative -------------------------------------------------------------------------------
    def narrative(self, parts: list[Section], tables: list[TableInfo], toc_end: int) -> list[Section]:
        in_table = set()
        for t in tables:
            in_table.update(range(t.line_start, t.line_end + 1))
        glossary = [p for p in parts if "名词解释" in compact(p.title)]
        gloss_start = glossary[0].line_start if glossary else self.n + 1
        heads: list[tuple[int, int, str, int]] = []  # line, number, title, last line of heading
        expected = 1
        cur_part = None
        for i in range(toc_end + 1, gloss_start):
            part = next((p for p in parts if p.line_start == i), None)
            if part:
                cur_part, expected = part, 1
                continue
            c = self.c[i]
            m = _NARR.match(c)
            if not m or i in in_table or _AMOUNT.search(c) or len(c) > 60:
                continue
            num = cn_to_int(m.group(1))
            if num is None or (num != expected and num != expected + 1):
                continue
            title, last = c, i
            if "关于" in title and not title.endswith("说明"):
                # a heading wrapped over lines: "一、关于…2024 年收支预算情况" + "的总体说明"
                for j in self.nonblank(i + 1, 1, 2):
                    cj = self.c[j]
                    if j - last > 5 or _NARR.match(cj) or _PART.match(cj) or len(cj) > 30 or "," in cj:
                        break
                    if title.endswith("情况") and not cj.startswith(("的", "说明")):
                        break
                    title += cj
                    last = j
                    if title.endswith("说明"):
                        break
            heads.append((i, num, title, last))
            expected = num + 1
        out = []
        part_starts = sorted(p.line_start for p in parts)
        for k, (i, num, title, last) in enumerate(heads):
            nxt = [heads[k + 1][0]] if k + 1 < len(heads) else []
            nxt += [s for s in part_starts if s > i]
            nxt += [t.title_line for t in tables if t.title_line > i] + [t.line_start for t in tables if t.line_start > i]
            end = min(nxt) - 1 if nxt else self.n
            out.append(Section(kind="narrative", title=title, line_start=i, line_end=end, number=num))
        for g in glossary:
            out.append(Section(kind="glossary", title=g.title, line_start=g.line_start, line_end=g.line_end))
        return out

    def performance(self, parts: list[Section]) -> list[Section]:
        heads = []
        for i in range(1, self.n + 1):
            c = self.c[i]
            if c.endswith("绩效目标表") and len(c) <= 24 and not c.startswith("-"):
                heads.append(i)
        out = []
        part_starts = sorted(p.line_start for p in parts)
        for k, i in enumerate(heads):
            nxt = ([heads[k + 1]] if k + 1 < len(heads) else []) + [s for s in part_starts if s > i]
            end = min(nxt) - 1 if nxt else self.n
            # a performance table inside a narrative block ends before the next narrative heading
            for j in range(i + 1, end + 1):
                m = _NARR.match(self.c[j])
                if m and "关于" in self.c[j] or self.c[j].startswith("(五)") and False:
                    end = j - 1
                    break
            out.append(Section(kind="performance", title=self.doc.lines[i - 1].norm.strip(), line_start=i, line_end=end))
        return out

    # -- identity --------------------------------------------------------------------------------
    def department(self) -> tuple[str | None, int | None]:
        votes: Counter[str] = Counter()
        first: dict[str, int] = {}
        for i in range(1, self.n + 1):
            c = self.c[i]
            m = _ISSUER.search(c)
            if not m:
                continue
            rest = c[m.end():]
            rest = re.split(r"单位[:：]|金额单位|\t|联系|\d", rest)[0]
            rest = re.sub(r"[^" + CJK + r"()（）]", "", rest)
            if 4 <= len(rest) <= 40:
                votes[rest] += 3 if "编制" in m.group(0) else 1
                first.setdefault(rest, i)
        if votes:
            # a truncated repetition ("…医疗保障") votes for the full name it prefixes
            for name in list(votes):
                for other in list(votes):
                    if other != name and other.startswith(name):
                        votes[other] += votes[name]
            name = max(votes, key=lambda k: (votes[k], len(k)))
            return name, first[name]
        # fall back: a heading such as "X预算公开" / "X2024年部门预算"
        for i in range(1, min(self.n, 40) + 1):
            m = re.match(r"^(.{4,40}?)(?:\d{4}年)?(?:部门|单位)?(?:预算|决算)(?:公开|信息公开)", self.c[i])
            if m:
                return m.group(1), i
        return None, None

    @staticmethod
    def region(department: str | None) -> str | None:
        if not department:
            return None
        rest, units = department, []
        while True:
            m = _ADMIN.match(rest) or _ADMIN_SHORT.match(rest)
            if not m:
                break
            units.append(m.group(1))
            rest = rest[m.end():]
        return units[-1] if units else None

    def fiscal_year(self, parts: list[Section]) -> tuple[int | None, int | None]:
        votes: Counter[int] = Counter()
        where: dict[int, int] = {}
        for p in parts:
            for m in _YEAR.finditer(compact(p.title)):
                y = int(m.group(1))
                votes[y] += 1
                where.setdefault(y, p.line_start)
        if not votes:
            for i in range(1, self.n + 1):
                c = self.c[i]
                for m in re.finditer(r"((?:19|20)\d\d)年(?:度)?(?:部门|单位)?(?:预算|收支预算|支出预算)", c):
                    y = int(m.group(1))
                    votes[y] += 1
                    where.setdefault(y, i)
        if not votes:
            for i in range(1, self.n + 1):
                for m in _YEAR.finditer(self.c[i]):
                    before = self.c[i][max(0, m.start() - 3) : m.start()]
                    if "截至" in before or "截止" in before:
                        continue
                    y = int(m.group(1))
                    votes[y] += 1
                    where.setdefault(y, i)
        if not votes:
            return None, None
        year = max(votes, key=lambda y: (votes[y], y))
        return year, where[year]


def recognise(doc: Document) -> Document:
    """Fill department/region/fiscal_year (+spans), tables and sections of `doc` in place."""
    s = Structure(doc)
    parts = s.parts()
    toc_end = s.toc_end(parts)
    blocks = s.title_blocks(toc_end)
    tables = s.tables(blocks, parts)
    doc.tables = sorted(tables, key=lambda t: int(t.id[1:]))
    dept, dept_line = s.department()
    doc.department = dept
    if dept and dept_line:
        doc.department_span = doc.span(dept_line, quote=doc.lines[dept_line - 1].text.strip())
    doc.region = s.region(dept)
    year, year_line = s.fiscal_year(parts)
    doc.fiscal_year = year
    if year and year_line:
        doc.fiscal_year_span = doc.span(year_line, quote=doc.lines[year_line - 1].text.strip())
    sections = list(parts)
    sections += s.narrative(parts, tables, toc_end)
    sections += s.performance(parts)
    extent = {f"表{b.number}": (b.start, max([b.end] + b.note_lines)) for b in blocks}
    for t in doc.tables:
        bs, be = extent.get(t.id, (t.title_line, t.title_line))
        sections.append(Section(kind="table", title=f"{t.id} {t.title}", line_start=min(t.line_start, bs),
                                line_end=max(t.line_end, be), number=int(t.id[1:])))
    doc.sections = sorted(sections, key=lambda x: (x.line_start, x.kind != "part"))
    return doc
