"""Shared pieces of the table parsers: where a table is, its unit, and making cited leaves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from extract.amounts import to_decimal, to_wan, unit_in
from extract.schema import Citation, Leaf, TableData


@dataclass
class TableContext:
    doc: object  # ingest.document.Document
    info: object | None  # ingest.document.TableInfo
    unit: str | None
    subjects: dict[str, list[str]] | None = None  # code → subject names other tables print (for 表7)

    @property
    def start(self) -> int:
        return self.info.line_start if self.info else 0

    @property
    def end(self) -> int:
        return self.info.line_end if self.info else -1

    def lines(self):
        if not self.info:
            return []
        return [l for l in self.doc.lines if self.start <= l.no <= self.end]

    def cite(self, first: int, last: int | None = None) -> Citation:
        span = self.doc.span(first, last or first)
        c = span.citation()
        return Citation(**c)

    def amount(self, raw: str | None, lines: list[int]) -> Leaf:
        value = to_wan(to_decimal(raw), self.unit)
        if value is None:
            return Leaf()
        return Leaf(value=value, evidence=[self.cite(min(lines), max(lines))])

    def text(self, value: str | None, lines: list[int]) -> Leaf:
        if not value:
            return Leaf()
        return Leaf(value=value, evidence=[self.cite(min(lines), max(lines))])


def context(doc, table_id: str) -> TableContext:
    info = doc.table(table_id) if hasattr(doc, "table") else None
    unit = getattr(info, "unit", None) if info else None
    if info and not unit:
        # the unit line is usually inside or right around the body
        lo, hi = max(1, info.line_start - 6), min(len(doc.lines), info.line_end + 6)
        for l in doc.lines[lo - 1 : hi]:
            unit = unit_in(l.text)
            if unit:
                break
    return TableContext(doc=doc, info=info, unit=unit)


def shell(ctx: TableContext, table_id: str, columns: list[str]) -> TableData:
    info = ctx.info
    data = TableData(id=table_id, columns=columns, unit=ctx.unit)
    if info is None:
        data.status = "missing"
        return data
    data.title = info.title or ""
    data.label = getattr(info, "label", None)
    data.kind = info.kind or ""
    if info.note:
        note_line = _find_line(ctx.doc, info.note, info.line_start, info.line_end)
        data.note = Leaf(value=info.note, evidence=[ctx.cite(note_line)] if note_line else [])
    data.status = "empty" if info.empty else "unparsed"
    return data


def _find_line(doc, text: str, start: int, end: int) -> int | None:
    key = "".join(text.split())[:12]
    for l in doc.lines[max(0, start - 10) : min(len(doc.lines), end + 12)]:
        if key and key in "".join((l.norm or l.text).split()):
            return l.no
    return None


def dec(leaf: Leaf) -> Decimal | None:
    return leaf.value if isinstance(leaf.value, Decimal) else None
