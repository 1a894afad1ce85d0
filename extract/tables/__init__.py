"""One small parser per standard table kind (ingest/catalog/tables.json), on two toolkits:

- a ruled PDF table carries cell positions: it is read as a grid (extract/grid.py,
  extract/tables/gridded.py), each figure placed by the header above it;
- a text source (or an unruled table) is read by the text parsers, one per kind (`PARSERS`), which
  handle tab cells, space-separated cells, reversed and wrapped rows.

`parse_all(doc)` runs every kind; a kind the document does not print is `missing`.
"""

from __future__ import annotations


from extract.schema import TableData
from extract.tables import carryover, fiscal, gridded, overview, sangong
from extract.tables.base import context, shell
from extract.tables.coded import SPECS, parse_coded
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
    "fiscal_expenditure": _coded("fiscal_expenditure"),
    "fiscal_basic": _coded("fiscal_basic"),
    "operating_expenses": _coded("operating_expenses"),
    "procurement": lambda ctx: shell(ctx, "procurement", ["total"]),
    "purchase_services": lambda ctx: shell(ctx, "purchase_services", ["total"]),
}

LABEL_KINDS = {"income_expenditure_overview": ("income", "expenditure"), "fiscal_overview": ("income", "expenditure"),
               "income_overview": ("income",), "procurement": ("procurement",)}
COLUMN_KINDS = {"sangong", "expenditure_overview"}


def _sangong_totals(data: TableData) -> None:
    """A 三公 table that also prints 会议费/培训费: its 合计 column is the grand total, the 三公 subtotal is
    the 三公 total. Without a 三公 subtotal column, 合计 is the 三公 total only when no other item is printed.
    The same for a 决算's budget columns (budget_…)."""
    for row in [*data.rows, None]:
        values = row.values if row is not None else data.totals
        for q in ("", "budget_", "budget_initial_"):
            total = q[:-1] if q else "total"
            others = {f"{q}meeting", f"{q}training"} & set(values)
            if f"{q}sangong_total" in values:
                if total in values:
                    values[f"{q}grand_total"] = values.pop(total)
                values[total] = values.pop(f"{q}sangong_total")
            elif others and total in values:
                values[f"{q}grand_total"] = values.pop(total)


def _grid_wanted(grid, kind: str, final: bool = False) -> bool:
    """Should a tab-separated TEXT table be read as a grid rather than by the text parser? When its
    header carries what the text parsers do not model: a 决算 (its budget and final columns, its 行次
    row numbers), or a 三公 table whose items are columns under a multi-level header."""
    from extract.vocab import column_role

    if final or any(column_role([h.compact])[0] == "row_no" for r in grid.header for h in r.cells):
        return True
    paths = [grid.path(c) for r in grid.body for c in r.amounts]
    if any(column_role(p)[1] in ("budget", "budget_initial", "final") for p in paths) or any(
            "决算" in h.compact for r in grid.header for h in r.cells):
        return True
    roles = {column_role(p)[0] for p in paths}
    return kind == "sangong" and len(roles & {"overseas_travel", "reception", "vehicle_total", "vehicle_operation"}) >= 2


def parse_grid(ctx, text_tabs: bool = False) -> TableData | None:
    """The gridded parse of a ruled PDF table (or, with `text_tabs`, of a tab-separated text table whose
    header the text parsers do not model), or None when there is no grid to read (or it yields nothing,
    so that the text parser is tried)."""
    from extract.grid import grid_of

    if ctx.info is None:
        return None
    grid = grid_of(ctx.lines(), text_tabs=text_tabs)
    if grid is not None and text_tabs and not _grid_wanted(grid, ctx.info.kind,
                                                            "决算" in str(getattr(ctx.doc, "doc_kind", "") or "")):
        return None
    if grid is None or not grid.body:
        return None
    kind = ctx.info.kind
    spec = SPECS.get(kind)
    data = shell(ctx, kind, list(spec.columns) if spec else ["total"])
    if kind in COLUMN_KINDS and not gridded.has_codes(grid):
        roles = gridded.header_roles(grid)
        if kind == "sangong" and not roles & {"overseas_travel", "reception", "vehicle_total", "vehicle_operation"}:
            # its items are rows (因公出国（境）费 | 预算数 | 决算数): read by label
            data = gridded.labeled(ctx, grid, data, ("sangong",), classes=False, value_col="total")
            return data if data.status == "parsed" else None
        data = gridded.by_column(ctx, grid, data)
        if kind == "sangong":
            _sangong_totals(data)
    elif kind in LABEL_KINDS and not gridded.has_codes(grid):
        data = gridded.labeled(ctx, grid, data, LABEL_KINDS[kind], classes=kind != "procurement",
                               value_col="total" if kind in ("fiscal_overview", "procurement") else "amount")
    elif spec is not None or gridded.has_codes(grid):
        data = gridded.coded(ctx, grid, data)
    else:
        return None
    return data if data.status == "parsed" else None


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
            gridded_ok = table_id not in ("general_budget_project", "carryover")
            data = (parse_grid(ctx) if gridded_ok else None) or \
                (parse_grid(ctx, text_tabs=True) if gridded_ok and doc.source_type != "pdf" else None) or parser(ctx)
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
