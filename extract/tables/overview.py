"""表1 收支总体情况表: income by source (left), expenditure by function class (right), totals."""

from __future__ import annotations

import re

from extract.schema import TableData, TableRow
from extract.tables.base import TableContext, shell
from extract.tables.labeled import class_values, is_reversed, label_values, squash, tokens

# Left-side labels of the national template → keys (matched on the label with spaces removed).
INCOME_LABELS: list[tuple[str, re.Pattern]] = [
    ("current_year", re.compile(r"^(一、?)?本年收入(合计|小计)?$")),
    ("general_budget", re.compile(r"^(1[.、]?|一、?)一般公共预算(拨款)?(收入)?$")),
    ("general_own", re.compile(r"^(其中:?)?一般财力")),
    ("upper_transfer", re.compile(r"^上级一般公共预算安排(的)?转移支付")),
    ("gov_fund", re.compile(r"^(2[.、]?|二、?)(政府性)?基金预算(拨款)?(收入)?$")),
    ("state_capital", re.compile(r"^(3[.、]?|三、?)国有资本经营预算(拨款)?(收入)?$")),
    ("special_account", re.compile(r"^(4[.、]?|四、?)财政专户(核拨|管理资金)?(收入)?$")),
    ("unit_funds", re.compile(r"^(5[.、]?|五、?)单位资金(收入)?$")),
    ("carryover", re.compile(r"^(二、?|[六七八]、?)?上年结转(结余)?(资金)?$")),
    ("carryover_fiscal", re.compile(r"^1[.、]?财政拨款结转")),
    ("carryover_nonfiscal", re.compile(r"^2[.、]?非财政拨款")),
    ("income_total", re.compile(r"^收入总计")),
    ("expenditure_total", re.compile(r"^支出(总计|合计)")),
]


def match_label(text: str, labels) -> str | None:
    t = squash(text)
    for key, rx in labels:
        if rx.search(t):
            return key
    return None


def parse(ctx: TableContext) -> TableData:
    data = shell(ctx, "income_expenditure_overview", ["amount"])
    if ctx.info is None:
        return data
    toks = tokens(ctx.lines(), classes=True)
    # a digit-led label such as "1." is split by the tokenizer: glue "1." + "一般公共预算拨款" back
    toks = _glue_numbered_labels(toks)
    rev = is_reversed(toks)
    seen: set[str] = set()
    for i, amounts, lines in label_values(toks, lambda i, t: t.kind == "text" and match_label(t.text, INCOME_LABELS),
                                          rev):
        key = match_label(toks[i].text, INCOME_LABELS)
        if key in seen:
            continue
        seen.add(key)
        row = TableRow(level="item", name=key, resolution="ordered")
        if amounts:
            row.values["amount"] = ctx.amount(amounts[0], lines[:2] if len(lines) > 1 else lines)
        else:
            row.values["amount"] = ctx.text(None, lines)
        data.rows.append(row)
    for tok, amounts in class_values(toks, rev):
        if not amounts:
            continue
        row = TableRow(code=tok.code, level="类", name=tok.text, resolution="ordered")
        row.values["amount"] = ctx.amount(amounts[0], [tok.line])
        data.rows.append(row)
    data.totals = {r.name: r.values["amount"] for r in data.rows if r.level == "item" and r.values.get("amount")}
    data.status = "parsed" if data.rows else ("empty" if data.status == "empty" else "unparsed")
    return data


def _glue_numbered_labels(toks):
    from extract.tables.labeled import Tok

    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if (t.kind == "amount" and re.fullmatch(r"\d\.?", t.text) and i + 1 < len(toks)
                and toks[i + 1].kind == "text" and toks[i + 1].line == t.line
                and (not out or out[-1].line != t.line or out[-1].kind == "text")):
            nxt = toks[i + 1]
            lead = t.text if t.text.endswith(".") else t.text + "."
            out.append(Tok("text", lead + nxt.text.lstrip(".、"), nxt.line))
            i += 2
            continue
        out.append(t)
        i += 1
    return out
