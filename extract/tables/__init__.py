"""One small parser per standard table (表1–表11), on the shared row/column toolkit.

`PARSERS` maps a table id to ``parse(ctx) -> TableData``; `parse_all(doc)` runs every one.
"""

from __future__ import annotations

from functools import partial

from extract.schema import TableData
from extract.tables import carryover, fiscal, overview, sangong
from extract.tables.base import context
from extract.tables.coded import parse_coded


def _coded(table_id: str):
    return lambda ctx: parse_coded(ctx, table_id)


PARSERS = {
    "表1": overview.parse,
    "表2": _coded("表2"),
    "表3": _coded("表3"),
    "表4": fiscal.parse,
    "表5": _coded("表5"),
    "表6": _coded("表6"),
    "表7": _coded("表7"),
    "表8": _coded("表8"),
    "表9": _coded("表9"),
    "表10": sangong.parse,
    "表11": carryover.parse,
}


def parse_all(doc) -> dict[str, TableData]:
    out: dict[str, TableData] = {}
    for table_id, parser in PARSERS.items():
        ctx = context(doc, table_id)
        try:
            out[table_id] = parser(ctx)
        except Exception as exc:  # a parser bug must not lose the rest of the record
            data = TableData(id=table_id, status="unparsed", unit=ctx.unit)
            data.title = f"parser error: {type(exc).__name__}: {exc}"
            out[table_id] = data
    return out
