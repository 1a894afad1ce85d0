"""表10 财政拨款“三公”经费支出情况表. A row that is printed with blank cells counts as 0."""

from __future__ import annotations

import re
from decimal import Decimal

from extract.schema import Leaf, TableData, TableRow
from extract.tables.base import TableContext, shell
from extract.tables.labeled import label_values, squash, tokens

LABELS = [
    ("total", re.compile(r"^(合计|总计)$")),
    ("overseas_travel", re.compile(r"因公出国")),
    ("reception", re.compile(r"公务接待")),
    ("vehicle_total", re.compile(r"公务用车购置及运行")),
    ("vehicle_purchase", re.compile(r"公务用车购置(费)?$|其中:?公务用车购置")),
    ("vehicle_operation", re.compile(r"公务用车运行(维护)?费")),
]


def key_of(text: str) -> str | None:
    t = squash(text)
    for key, rx in LABELS:
        if rx.search(t):
            return key
    return None


def parse(ctx: TableContext) -> TableData:
    data = shell(ctx, "sangong", ["total"])
    if ctx.info is None:
        return data
    toks = tokens(ctx.lines())
    found = label_values(toks, lambda i, t: t.kind == "text" and key_of(t.text), reverse=_reversed(toks))
    rows: dict[str, TableRow] = {}
    for i, amounts, lines in found:
        key = key_of(toks[i].text)
        if key in rows and rows[key].values["total"].value not in (None, Decimal(0)):
            continue
        if key == "total" and not amounts and not _alone(ctx, toks[i]):
            continue  # the header's 合计 (a 合计 row of its own with blank cells counts as 0)
        row = TableRow(level="item", name=key)
        if amounts:
            row.values["total"] = ctx.amount(amounts[0], lines)
        else:
            row.values["total"] = Leaf(value=Decimal(0), evidence=[ctx.cite(lines[0])])
            row.resolution = "blank"
        rows[key] = row
    data.rows = list(rows.values())
    data.totals = {k: r.values["total"] for k, r in rows.items()}
    has_amount = any(r.resolution != "blank" for r in data.rows)
    data.status = "parsed" if has_amount else ("empty" if data.rows or data.status == "empty" else "unparsed")
    return data


def _alone(ctx: TableContext, tok) -> bool:
    line = ctx.doc.line(tok.line)
    return squash(line.norm or line.text) == squash(tok.text)


def _reversed(toks) -> bool:
    before = after = 0
    for i, t in enumerate(toks):
        if t.kind == "text" and key_of(t.text):
            if i + 1 < len(toks) and toks[i + 1].kind == "amount" and toks[i + 1].line == t.line:
                after += 1
            elif i > 0 and toks[i - 1].kind == "amount" and toks[i - 1].line == t.line:
                before += 1
    return before > after
