"""One small parser per standard table (表1–表11), on the shared row/column toolkit.

`PARSERS` maps a table id to ``parse(ctx) -> TableData``; `parse_all(doc)` runs every one.
"""

from __future__ import annotations


from extract.schema import TableData
from extract.tables import carryover, fiscal, overview, sangong
from extract.tables.base import context
from extract.tables.coded import parse_coded
from extract.tables.names import subject_names


def _coded(table_id: str):
    return lambda ctx: parse_coded(ctx, table_id)


PARSERS = {
    "income_expenditure_overview": overview.parse,
    "income_overview": _coded("income_overview"),
    "expenditure_overview": _coded("expenditure_overview"),
    "fiscal_overview": fiscal.parse,
    "general_budget_expenditure": _coded("general_budget_expenditure"),
    "general_budget_basic": _coded("general_budget_basic"),
    "general_budget_project": _coded("general_budget_project"),
    "government_fund": _coded("government_fund"),
    "state_capital": _coded("state_capital"),
    "sangong": sangong.parse,
    "carryover": carryover.parse,
}


def _widened(doc, ctx):
    """The lines between the neighbouring tables: where the body must be when the given range missed it
    (e.g. a body printed before its title with a part heading in between)."""
    from dataclasses import replace

    info = ctx.info
    others = sorted((t for t in doc.tables if t is not info and t.line_start), key=lambda t: t.line_start)
    anchor = info.title_line or info.line_start
    prev_end = max((t.line_end for t in others if t.line_end < anchor), default=0)
    next_start = min((t.line_start for t in others if t.line_start > anchor), default=len(doc.lines) + 1)
    if prev_end + 1 >= info.line_start and next_start - 1 <= info.line_end:
        return None
    wide = replace(info, line_start=prev_end + 1, line_end=next_start - 1, empty=False)
    return replace(ctx, info=wide)


def parse_all(doc) -> dict[str, TableData]:
    out: dict[str, TableData] = {}
    for table_id, parser in PARSERS.items():
        ctx = context(doc, table_id)
        if table_id == "general_budget_project":  # the subject names the tables without a project column print
            ctx.subjects = subject_names(out.get(t) for t in ("income_overview", "expenditure_overview", "general_budget_expenditure"))
        try:
            data = parser(ctx)
            if ctx.info is not None and data.status != "parsed" and not ctx.info.note:
                wide = _widened(doc, ctx)
                retry = parser(wide) if wide is not None else None
                if retry is not None and retry.status == "parsed":
                    data = retry
            if ctx.info is not None and ctx.info.empty and ctx.info.note and data.status == "parsed" \
                    and not any(v.value for r in data.rows for v in r.values.values()):
                data.status, data.rows, data.totals = "empty", [], {}  # 备注 says 空表 and no figure was read
            out[table_id] = data
        except Exception as exc:  # a parser bug must not lose the rest of the record
            data = TableData(id=table_id, status="unparsed", unit=ctx.unit)
            data.title = f"parser error: {type(exc).__name__}: {exc}"
            out[table_id] = data
    return out
