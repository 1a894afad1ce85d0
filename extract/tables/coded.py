"""Tables whose rows carry subject codes (类/款/项): 表2, 表3, 表5, 表6, 表7, 表8, 表9.

Where the layout lost blank cells, a row printing fewer amounts than the table has columns is placed
by (1) the cell positions when the layout kept them, (2) the template rule for economic classes
(301 工资福利支出 and 303 对个人和家庭的补助 are 人员经费, 302 商品和服务支出 is 公用经费),
(3) the arithmetic of the parent row (which split of the children adds up to the parent's split),
and otherwise (4) the first part column. The method is recorded per row (`TableRow.resolution`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from extract.amounts import to_decimal
from extract.rows import Row, parse_rows
from extract.schema import TableData, TableRow
from extract.tables.base import TableContext, shell
from extract.tables.names import split_subjects


@dataclass(frozen=True)
class Spec:
    columns: tuple[str, ...]
    split: tuple[str, str] | None = None  # total = split[0] + split[1]
    economic: bool = False
    projects: bool = False  # a 项目名称 column (表7): subject and project names may run together


SPECS: dict[str, Spec] = {
    "income_overview": Spec(("total",)),
    "expenditure_overview": Spec(("total", "basic", "project"), split=("basic", "project")),
    "general_budget_expenditure": Spec(("total", "basic", "project"), split=("basic", "project")),
    "general_budget_basic": Spec(("total", "personnel", "public"), split=("personnel", "public"), economic=True),
    "general_budget_project": Spec(("total",), projects=True),
    "government_fund": Spec(("total",)),
    "state_capital": Spec(("total",)),
    "fiscal_expenditure": Spec(("total", "basic", "project"), split=("basic", "project")),
    "fiscal_basic": Spec(("total", "personnel", "public"), split=("personnel", "public"), economic=True),
    "operating_expenses": Spec(("total",), economic=True),
}

_PERSONNEL_CLASSES = {"301", "303"}
_PUBLIC_CLASSES = {"302"}


def parse_coded(ctx: TableContext, table_id: str) -> TableData:
    spec = SPECS[table_id]
    data = shell(ctx, table_id, list(spec.columns))
    if ctx.info is None:
        return data
    rows = parse_rows(ctx.doc.lines, ctx.start, ctx.end)
    if spec.projects:
        split_subjects(rows, ctx.subjects or {})
    placed = [_place(r, spec) for r in rows if r.amounts]
    if spec.split:
        _resolve_splits(placed, spec)
    for row, cols, how in placed:
        tr = TableRow(code=row.code or None, level=row.level, name=row.name, extra=row.extra or None,
                      resolution=how)
        for col, raw in cols.items():
            if raw is not None:
                tr.values[col] = ctx.amount(raw, row.lines)
        data.rows.append(tr)
    total = next((r for r in data.rows if r.level == "total"), None)
    if total:
        data.totals = dict(total.values)
    if data.rows:
        data.status = "parsed"
    elif data.status != "empty":
        data.status = "unparsed" if _has_amounts(ctx) else "empty"
    return data


def _has_amounts(ctx: TableContext) -> bool:
    import re

    return any(re.search(r"\d+\.\d{2}", l.norm or l.text) for l in ctx.lines())


def _place(row: Row, spec: Spec) -> tuple[Row, dict[str, str | None], str]:
    cols: dict[str, str | None] = {c: None for c in spec.columns}
    names = list(spec.columns)
    if spec.split and row.positions is not None and len(row.positions) == len(row.amounts):
        for pos, raw in zip(row.positions, row.amounts):
            key = names[pos] if pos < len(names) else f"col{pos + 1}"
            cols[key] = raw
        return row, cols, "positional"
    amounts = list(row.amounts)
    if not spec.split:
        cols[names[0]] = amounts[0]
        for i, raw in enumerate(amounts[1:], start=2):
            cols[f"col{i}"] = raw
        return row, cols, "ordered"
    a, b = spec.split
    cols["total"] = amounts[0]
    if len(amounts) >= 3:
        cols[a], cols[b] = amounts[1], amounts[2]
        return row, cols, "ordered"
    if len(amounts) == 1:
        return row, cols, "ordered"
    # two amounts: the total and one part; which part is decided later
    cols["_part"] = amounts[1]
    if spec.economic and row.codes:
        cls = row.codes[0]
        if cls in _PERSONNEL_CLASSES or cls in _PUBLIC_CLASSES:
            cols[a if cls in _PERSONNEL_CLASSES else b] = cols.pop("_part")
            return row, cols, "rule"
    return row, cols, "pending"


def _resolve_splits(placed: list, spec: Spec) -> None:
    a, b = spec.split
    by_code = {r.code: i for i, (r, _, _) in enumerate(placed) if r.code}
    total_index = next((k for k, (x, _, _) in enumerate(placed) if x.level == "total"), None)

    def parent_index(i: int) -> int | None:
        r = placed[i][0]
        if r.level == "total":
            return None
        if len(r.codes) > 1:
            return by_code.get("".join(r.codes[:-1]))
        return total_index

    children: dict[int | None, list[int]] = {}
    for i in range(len(placed)):
        children.setdefault(parent_index(i), []).append(i)

    def d(x):
        return to_decimal(x) if x is not None else None

    for _ in range(8):  # propagate both ways until stable
        changed = False
        for i, (row, cols, how) in enumerate(placed):
            kids = children.get(i, [])
            if not kids:
                continue
            if how != "pending" and (cols.get(a) is not None or cols.get(b) is not None):
                target = d(cols.get(a)) or Decimal(0)
                known = sum((d(placed[k][1].get(a)) or Decimal(0)) for k in kids if placed[k][2] != "pending")
                pend = [k for k in kids if placed[k][2] == "pending"]
                if pend and len(pend) <= 14:
                    choice = _subset(pend, [d(placed[k][1]["_part"]) for k in pend], target - known)
                    if choice is not None:
                        for k in pend:
                            r2, c2, _ = placed[k]
                            c2[a if k in choice else b] = c2.pop("_part")
                            placed[k] = (r2, c2, "arithmetic")
                        changed = True
            elif how == "pending" and all(placed[k][2] != "pending" for k in kids):
                sa = sum((d(placed[k][1].get(a)) or Decimal(0)) for k in kids)
                sb = sum((d(placed[k][1].get(b)) or Decimal(0)) for k in kids)
                part = d(cols["_part"])
                if sb == 0 and sa == part or sa == 0 and sb == part:
                    cols[a if sb == 0 else b] = cols.pop("_part")
                    placed[i] = (row, cols, "arithmetic")
                    changed = True
        if not changed:
            break
    for i, (row, cols, how) in enumerate(placed):
        if how == "pending":
            cols[a] = cols.pop("_part")
            placed[i] = (row, cols, "default")


def _subset(ids: list[int], values: list[Decimal | None], target: Decimal) -> set[int] | None:
    """The unique subset of `ids` whose values add up to `target` (None when none or ambiguous)."""
    found: set[int] | None = None
    vals = [v or Decimal(0) for v in values]
    for n in range(len(ids) + 1):
        for combo in combinations(range(len(ids)), n):
            if sum((vals[j] for j in combo), Decimal(0)) == target:
                if found is not None:
                    return None
                found = {ids[j] for j in combo}
    return found
