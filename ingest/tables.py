"""Find the standard tables of a disclosure by their titles, against the catalogue
(ingest/catalog/tables.json), whatever their number or wording: 表1, 表一, 公开01表, 部门预算公开08表,
2.15单位收支总表, or no number at all; the title before or after its body; 部门：/单位： on the title's
line or around it; a table continued on the next page under its repeated title.

Each table found becomes a `TableInfo` whose `id` is its catalogue kind (`sangong`, `fiscal_overview`…)
and whose `label` is the number as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.catalog import LABEL, TableKind, match_kind, title_core
from ingest.document import Document, Section, TableInfo
from ingest.identity import ISSUER

_FULL_LABEL = re.compile(r"^(?:" + LABEL.pattern + r")$")
UNIT = re.compile(r"(?:金额)?单位[:：]?(万元|亿元|千元|元)")
PART = re.compile(r"^第([一二三四五六七八九十]+)部分(.*)$")
NARR = re.compile(r"^([一二三四五六七八九十]{1,3})、(.+)$")
AMOUNT = re.compile(r"\d+\.\d{2}")


@dataclass
class Block:
    """A table's title block: the title line plus nearby label / 部门 / 单位 lines."""

    kind: TableKind
    title: str
    title_line: int
    start: int
    end: int
    label: str | None = None
    unit: str | None = None
    has_mark: bool = False
    has_issuer: bool = False
    extra: list[int] = field(default_factory=list)
    note_lines: list[int] = field(default_factory=list)  # a 备注 right after the block
    continued: list[int] = field(default_factory=list)  # title lines of the same table on later pages

    @property
    def evidence(self) -> int:
        return self.has_mark + self.has_issuer + bool(self.unit)


def title_kind(c: str) -> tuple[TableKind, str | None] | None:
    """(kind, label) of a compact line that is a standard table's title, or None. Prose is not a title."""
    if not c or len(c) > 100 or c.endswith(("。", "说明", "如下", "：", ":")) or "为空表" in c:
        return None
    core, label = title_core(c)
    if len(core) > 60 or re.search(r"[,，;；。]", core):
        return None
    core = re.sub(r"(?:\([^()]{1,16}\))+$", "", core)
    if not core.endswith("表"):
        return None
    if core.count("表") > 1 and not re.search(r"[“\"]三公", core):
        return None  # a list of titles (a table of contents on one line)
    hit = match_kind(core)
    return (hit[0], label) if hit else None


class TableFinder:
    def __init__(self, doc: Document, c: list[str]):
        self.doc = doc
        self.c = c  # 1-based compact lines
        self.n = len(doc.lines)

    def nonblank(self, start: int, step: int, limit: int):
        i, seen = start, 0
        while 1 <= i <= self.n and seen < limit:
            if self.c[i]:
                yield i
                seen += 1
            i += step

    def region_text(self, a: int, b: int) -> str:
        return "".join(self.c[max(1, a): min(self.n, b) + 1])

    def prose_stop(self, i: int) -> bool:
        c = self.c[i]
        if "\t" in (self.doc.lines[i - 1].norm or ""):
            return False  # a table row (tab-separated cells), however its first cell begins (二十三、…)
        if PART.match(c) or (NARR.match(c) and not AMOUNT.search(c) and len(c) > 6 and not re.search(r"\d{3}", c)
                             and not title_kind(c)):
            return True
        return c.endswith("。") or (len(c) > 25 and "," in c and not AMOUNT.search(c))

    # -- title blocks ----------------------------------------------------------------------------
    def blocks(self, toc_end: int) -> list[Block]:
        found: list[Block] = []
        i = toc_end
        while i < self.n:
            i += 1
            c = self.c[i]
            hit = title_kind(c)
            title_text = c
            if hit is None and c and len(c) <= 40 and not c.endswith("。") and not _FULL_LABEL.match(c):
                # a title wrapped over two or three lines (a line of stray quote marks between: “ ”)
                joined, last = c, i
                for j in self.nonblank(i + 1, 1, 2):
                    cj = self.c[j]
                    if j - last > 2 or len(cj) > 40 or title_kind(cj) or AMOUNT.search(cj) or ISSUER.search(cj):
                        break
                    joined += "" if re.fullmatch(r"[“”\"'‘’]+", cj) else cj
                    last = j
                    hit = title_kind(joined)
                    if hit:
                        title_text = joined
                        break
            if hit is None:
                continue
            kind, label = hit
            blk = Block(kind=kind, title=title_text, title_line=i, start=i, end=i, label=label,
                        has_mark=label is not None)
            if ISSUER.search(title_text):
                blk.has_issuer = True
            um = UNIT.search(title_text)
            if um:
                blk.unit = um.group(1)
            for j in self.near(i, -1) + self.near(i, 1):
                cj = self.c[j]
                if _FULL_LABEL.match(cj) and not blk.has_mark:
                    blk.label, blk.has_mark = cj.rstrip(":："), True
                    blk.extra.append(j)
                elif ISSUER.search(cj) and len(cj) <= 80:
                    blk.has_issuer = True
                    blk.extra.append(j)
                elif UNIT.search(cj) and len(cj) <= 40:
                    blk.extra.append(j)
                else:
                    continue
                if not blk.unit:
                    um = UNIT.search(cj)
                    blk.unit = um.group(1) if um else None
            if not blk.evidence:
                continue  # a title without its block (table of contents, a mention)
            near = sorted(set(blk.extra + [i]))
            blk.start, blk.end = near[0], near[-1]
            if title_text != c:
                blk.end = max(blk.end, last)
            nxt = next(self.nonblank(blk.end + 1, 1, 1), None)
            if nxt is not None and nxt - blk.end <= 3 and self.c[nxt].startswith("备注"):
                blk.note_lines = self.note_lines(nxt)
            found.append(blk)
        return self._one_per_kind(found)

    def _one_per_kind(self, blocks: list[Block]) -> list[Block]:
        """One block per kind. The same title again right after its own table (no other table in
        between) continues it on a later page; otherwise the block with the most evidence wins."""
        out: list[Block] = []
        for b in blocks:
            prev = out[-1] if out else None
            if prev is not None and prev.kind.kind == b.kind.kind:
                prev.continued.append(b.title_line)
                continue
            same = next((x for x in out if x.kind.kind == b.kind.kind), None)
            if same is None:
                out.append(b)
            elif (b.evidence, -b.title_line) > (same.evidence, -same.title_line):
                out[out.index(same)] = b
        out.sort(key=lambda b: b.title_line)
        for a, b in zip(out, out[1:]):  # blocks must not overlap
            if a.end >= b.start:
                a.end = b.start - 1
        return out

    def near(self, i: int, step: int) -> list[int]:
        """Up to 4 non-blank lines next to a title line, stopping at prose, a part heading or another
        table's title (a sentence that mentions 预算单位 is not the block's issuer line)."""
        out = []
        for j in self.nonblank(i + step, step, 4):
            if self.prose_stop(j) or title_kind(self.c[j]):
                break
            if AMOUNT.search(self.c[j]) or "\t" in self.doc.lines[j - 1].norm \
                    and not ISSUER.search(self.c[j]) and not UNIT.search(self.c[j]):
                break  # a table's rows: lines past them belong to the next (or previous) table
            out.append(j)
        return out

    def note_lines(self, i: int) -> list[int]:
        lines = [i]
        j = i
        while not self.c[j].endswith("。") and len(lines) < 4:
            nxt = next(self.nonblank(j + 1, 1, 1), None)
            if nxt is None or nxt - j > 2 or title_kind(self.c[nxt]) or _FULL_LABEL.match(self.c[nxt]) \
                    or ISSUER.search(self.c[nxt]) or PART.match(self.c[nxt]):
                break
            j = nxt
            lines.append(j)
        return lines

    # -- bodies ----------------------------------------------------------------------------------
    def score(self, kind: TableKind, a: int, b: int) -> int:
        if b < a:
            return 0
        text = self.region_text(a, b)
        return sum(1 for w in kind.signature if w in text)

    def tables(self, blocks: list[Block], parts: list[Section]) -> list[TableInfo]:
        if not blocks:
            return []
        bounds = [p.line_start for p in parts]

        def next_bound(after: int) -> int:
            """First structural boundary (part / narrative heading) after a line."""
            cands = [x for x in bounds if x > after]
            for i in range(after + 1, self.n + 1):
                c = self.c[i]
                if NARR.match(c) and not AMOUNT.search(c) and ("关于" in c or c.endswith("说明")):
                    cands.append(i)
                    break
            return min(cands) - 1 if cands else self.n

        before_ranges = []  # bodies if titles come first …
        for k, b in enumerate(blocks):
            end = blocks[k + 1].start - 1 if k + 1 < len(blocks) else next_bound(max([b.end] + b.continued))
            before_ranges.append((b.end + 1, end))
        after_ranges = []  # … or after the body
        for k, b in enumerate(blocks):
            if k > 0:
                prev = blocks[k - 1]
                start = max([prev.end] + prev.note_lines) + 1
            else:
                start = b.start
                i = b.start - 1
                skipped_heading = False
                while i >= 1:
                    if self.c[i] and self.prose_stop(i):
                        # a part heading right above the first title block sits between body and block
                        if not skipped_heading and start == b.start and PART.match(self.c[i]) and b.start - i <= 3:
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
        s_before = sum(self.score(b.kind, *r) for b, r in zip(blocks, before_ranges))
        s_after = sum(self.score(b.kind, *r) for b, r in zip(blocks, after_ranges))
        title_after = s_after > s_before
        ranges = after_ranges if title_after else before_ranges
        if title_after:
            self.doc.warnings.append("table titles follow their bodies (title-after layout)")

        notes = self._notes(blocks, ranges, title_after)
        if title_after:
            for b in blocks:
                if b.note_lines:
                    notes[b.kind.kind] = b.note_lines
        out = []
        for b, (a, e) in zip(blocks, ranges):
            while a <= e and not self.c[a]:
                a += 1
            while e >= a and (not self.c[e] or PART.match(self.c[e])):
                e -= 1
            if e < a:
                a = e = b.end
            note_lines = notes.get(b.kind.kind)
            note = None
            if note_lines:
                note = "".join(self.c[i] for i in note_lines)
                if title_after:
                    e = max(e, note_lines[-1]) if note_lines[0] > b.end else e
            unit = b.unit or self.unit_near(a, e)
            body = self.region_text(a, e)
            if note_lines:
                body = body.replace(note, "")
            empty = bool(note and "空表" in note) or not AMOUNT.search(body)
            out.append(TableInfo(id=b.kind.kind, title=self.doc.lines[b.title_line - 1].norm.strip(),
                                 kind=b.kind.kind, unit=unit, line_start=a, line_end=e,
                                 title_line=b.title_line, empty=empty, note=note, label=b.label))
        return out

    def unit_near(self, a: int, e: int) -> str | None:
        for i in range(max(1, a - 3), min(self.n, a + 5) + 1):
            m = UNIT.search(self.c[i])
            if m:
                return m.group(1)
        return None

    def _notes(self, blocks, ranges, title_after: bool) -> dict[str, list[int]]:
        """备注 lines → the table they belong to (by the title they name, else by position)."""
        out: dict[str, list[int]] = {}
        first = min(r[0] for r in ranges)
        last = max(max(r[1] for r in ranges), blocks[-1].end + 6)
        for i in range(first, min(self.n, last) + 1):
            if not self.c[i].startswith("备注"):
                continue
            lines = self.note_lines(i)
            text = "".join(self.c[x] for x in lines)
            target = None
            for b in blocks:
                if any(rx.search(text) for rx in b.kind.titles):
                    target = b.kind.kind
            if target is None:
                for b, (a, e) in zip(blocks, ranges):
                    if a <= i <= e or (title_after and 0 < i - b.end <= 3):
                        target = b.kind.kind
            if target is not None and target not in out:
                out[target] = lines
        return out


def block_extents(blocks: list[Block]) -> dict[str, tuple[int, int]]:
    return {b.kind.kind: (b.start, max([b.end] + b.note_lines)) for b in blocks}
