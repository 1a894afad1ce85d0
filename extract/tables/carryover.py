"""表11 上年结转结余情况明细表: carried-over items and their total (first amount column = 总计)."""

from __future__ import annotations

import re

from extract.schema import TableData, TableRow
from extract.tables.base import TableContext, shell
from extract.tables.labeled import squash, tokens

_HEADER = re.compile(r"^(项目名称|项目|名称|总计|合计|财政拨款|非财政拨款|基本支出|项目支出|人员经费|公用经费|"
                     r"编制|单位|上年结转)")


_SECTION = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、关于|[一二三四五六七八九十]+、)")


def parse(ctx: TableContext) -> TableData:
    data = shell(ctx, "表11", ["total"])
    if ctx.info is None:
        return data
    lines = []
    for line in ctx.lines():
        if _SECTION.match(squash(line.norm or line.text).lstrip("#")):
            break  # the body ended: a new part or narrative section starts
        lines.append(line)
    toks = tokens(lines)
    name: list[str] = []
    name_lines: list[int] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "text":
            txt = squash(t.text)
            if re.fullmatch(r"(合计|总计)", txt):
                amts = []
                j = i + 1
                while j < len(toks) and toks[j].kind == "amount":
                    amts.append(toks[j])
                    j += 1
                if amts:
                    row = TableRow(level="total", name="合计")
                    row.values["total"] = ctx.amount(amts[0].text, [t.line, amts[0].line])
                    data.rows.append(row)
                    data.totals = dict(row.values)
                i = j
                name, name_lines = [], []
                continue
            if not _HEADER.match(txt) and not txt.startswith("备注"):
                name.append(t.text)
                name_lines.append(t.line)
            i += 1
            continue
        # amounts: a run of amounts closes an item row
        amts = []
        j = i
        while j < len(toks) and toks[j].kind == "amount":
            amts.append(toks[j])
            j += 1
        if any("." in a.text for a in amts):  # an item (its name may be printed elsewhere)
            row = TableRow(level="item", name="".join(name), resolution="ordered")
            row.values["total"] = ctx.amount(amts[0].text, name_lines + [amts[0].line])
            data.rows.append(row)
        name, name_lines = [], []
        i = j
    if data.rows:
        data.status = "parsed"
    elif data.status != "empty":
        data.status = "empty" if not any(t.kind == "amount" and "." in t.text for t in toks) else "unparsed"
    return data
