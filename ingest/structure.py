"""Recognise a disclosure's structure from its normalised lines.

Everything here works from the national template (部门/单位预算 and 决算), not from any one document:
- identity (ingest/identity.py): the issuing body, its region and level, the fiscal year, the kind
  of document (部门预算/单位预算/部门决算/单位决算);
- the standard tables (ingest/tables.py, against the catalogue ingest/catalog/tables.json) with unit
  (元/万元/亿元), body line range, empty + 备注, the label as printed; a table's title block may come
  before its body (usual) or after it (some PDF extractions);
- parts 第一部分…, narrative sections 一、…十二、, 名词解释 (glossary), 绩效目标表 (performance).
"""

from __future__ import annotations

import re

from ingest.document import Document, Section, TableInfo
from ingest.identity import Identity, region_and_level
from ingest.catalog import table_kinds
from ingest.tables import AMOUNT as _AMOUNT, NARR as _NARR, PART as _PART, TableFinder, block_extents

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


def compact(norm: str) -> str:
    return re.sub(r"\s+", "", norm)


class Structure:
    """Parts, narrative sections, glossary and performance tables of a Document's lines."""

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

    @staticmethod
    def region(department: str | None) -> str | None:
        """The most specific administrative unit in a body's name (see ingest.identity)."""
        return region_and_level(department)[0]

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


def recognise(doc: Document) -> Document:
    """Fill identity (department, region, level, fiscal year, kind + spans), tables and sections of
    `doc` in place."""
    s = Structure(doc)
    parts = s.parts()
    toc_end = s.toc_end(parts)
    finder = TableFinder(doc, s.c)
    blocks = finder.blocks(toc_end)
    tables = finder.tables(blocks, parts)
    order = {k.kind: n for n, k in enumerate(table_kinds())}
    doc.tables = sorted(tables, key=lambda t: order.get(t.id, 99))
    ident = Identity(s.c, [None] + [l.page for l in doc.lines])
    dept, dept_line = ident.department()
    doc.department = dept
    if dept and dept_line:
        doc.department_span = doc.span(dept_line, quote=doc.lines[dept_line - 1].text.strip())
    else:
        doc.warnings.append("issuing body not found: no cover line, 部门：/编制单位： line or title names one")
    doc.region, doc.level = region_and_level(dept)
    year, year_line = ident.fiscal_year([p.line_start for p in parts], [t.title_line for t in tables])
    doc.fiscal_year = year
    if year and year_line:
        doc.fiscal_year_span = doc.span(year_line, quote=doc.lines[year_line - 1].text.strip())
    else:
        doc.warnings.append("fiscal year not found in the cover, title lines, part headings or table titles")
    kind, kind_line = ident.doc_kind([t.title for t in tables], dept_line)
    doc.doc_kind = kind
    if kind_line:
        doc.doc_kind_span = doc.span(kind_line, quote=doc.lines[kind_line - 1].text.strip())
    sections = list(parts)
    sections += s.narrative(parts, tables, toc_end)
    sections += s.performance(parts)
    extent = block_extents(blocks)
    for t in doc.tables:
        bs, be = extent.get(t.id, (t.title_line, t.title_line))
        sections.append(Section(kind="table", title=f"{t.label + ' ' if t.label else ''}{t.title}",
                                line_start=min(t.line_start, bs), line_end=max(t.line_end, be), ref=t.id))
    doc.sections = sorted(sections, key=lambda x: (x.line_start, x.kind != "part"))
    return doc
