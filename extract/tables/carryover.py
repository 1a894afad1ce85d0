"""表11 上年结转结余情况明细表: carried-over items and their total (first amount column = 总计)."""

from __future__ import annotations

import re

from extract.schema import TableData, TableRow
from extract.tables.base import TableContext, shell
from extract.tables.labeled import Tok, squash, tokens

_HEADER = re.compile(r"^(项目名称|项目|名称|总计|合计|财政拨款|非财政拨款|基本支出|项目支出|人员经费|公用经费|"
                     r"编制|单位|上年结转)")

# a column header wrapped cell by cell ("项目支出人员" / "经费" / "公用" / "经费"): only header words
_HEADER_WORDS = re.compile(r"(项目名称|项目|名称|总计|合计|财政拨款|非财政拨款|基本支出|项目支出|人员经费|公用经费|"
                           r"人员|公用|经费|其中|小计|单位|万元|[:：()（）])+")


_SECTION = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、关于|[一二三四五六七八九十]+、)")


# a whole number followed by one of these is part of a name ("2023 年…", "（第 2 批）", "…村 5 万元"),
# not an amount of the row
_AFTER_NUMBER = tuple("年月日号批期次届个万元")


def _numbers_in_names(toks: list[Tok]) -> list[Tok]:
    """Whole numbers printed inside an item's name become text: one followed on its line by 年/月/批…,
    or one between two pieces of text on the same line (``巴财预〔2023〕21 号``). A number with decimals
    is always an amount."""
    out: list[Tok] = []
    for i, t in enumerate(toks):
        if t.kind == "amount" and re.fullmatch(r"\d+", t.text):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            prev = out[-1] if out else None
            follows = nxt is not None and nxt.kind == "text" and nxt.line == t.line
            if follows and (nxt.text.startswith(_AFTER_NUMBER)
                            or (prev is not None and prev.kind == "text" and prev.line == t.line)):
                t = Tok("text", t.text, t.line)
        out.append(t)
    return out


def parse(ctx: TableContext) -> TableData:
    data = shell(ctx, "carryover", ["total"])
    if ctx.info is None:
        return data
    lines = []
    for line in ctx.lines():
        if _SECTION.match(squash(line.norm or line.text).lstrip("#")):
            break  # the body ended: a new part or narrative section starts
        lines.append(line)
    toks = _numbers_in_names(tokens(lines))
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
            header = _HEADER.match(txt) or (not name and _HEADER_WORDS.fullmatch(txt))  # "经费" may end a name
            if not header and not txt.startswith("备注"):
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
