"""表4 财政拨款收支预算总体情况表: appropriation income (left), spending by class and fund (right)."""

from __future__ import annotations

import re

from extract.schema import TableData, TableRow
from extract.tables.base import TableContext, shell
from extract.tables.labeled import class_values, is_reversed, label_values, tokens
from extract.tables.overview import _glue_numbered_labels, match_label

LABELS = [
    ("appropriation", re.compile(r"^一、?财政拨款")),
    ("general_budget", re.compile(r"^一般公共预算(拨款)?$")),
    ("gov_fund", re.compile(r"^(政府性)?基金预算(拨款)?$")),
    ("state_capital", re.compile(r"^国有资本经营预算(拨款)?$")),
    ("income_total", re.compile(r"^收入总计")),
    ("expenditure_total", re.compile(r"^支出(总计|合计)")),
]
COLUMNS = ["total", "general_budget", "gov_fund", "state_capital"]


def parse(ctx: TableContext) -> TableData:
    data = shell(ctx, "fiscal_overview", COLUMNS)
    if ctx.info is None:
        return data
    toks = _glue_numbered_labels(tokens(ctx.lines(), classes=True))
    rev = is_reversed(toks)
    seen: set[str] = set()
    for i, amounts, lines in label_values(toks, lambda i, t: t.kind == "text" and match_label(t.text, LABELS), rev):
        key = match_label(toks[i].text, LABELS)
        if key in seen or not amounts:
            continue
        seen.add(key)
        row = TableRow(level="item", name=key)
        for col, raw in zip(COLUMNS if key == "expenditure_total" else ["total"], amounts):
            row.values[col] = ctx.amount(raw, lines)
        data.rows.append(row)
    for tok, amounts in class_values(toks, rev):
        if not amounts:
            continue
        row = TableRow(code=tok.code, level="类", name=tok.text)
        for col, raw in zip(COLUMNS, amounts):
            row.values[col] = ctx.amount(raw, [tok.line])
        data.rows.append(row)
    data.totals = {r.name: r.values["total"] for r in data.rows if r.level == "item" and "total" in r.values}
    data.status = "parsed" if data.rows else ("empty" if data.status == "empty" else "unparsed")
    return data
