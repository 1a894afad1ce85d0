"""Figures stated in the narrative by name (extract/statements.json): `NAME [filler] NUMBER 万元`.

One rule for every figure: the name, then only filler words (预算, 支出, 为, 总计…), then the number and
its unit. A change (比上年增加 X 万元), a share (占 X%) or a number after another figure's name is never
read, because nothing but filler may stand between a name and its number. At one position the longest
name wins (财政拨款基本支出 is not 基本支出). The first statement of a figure in the text is kept.

`stated_figures(text)` returns {path: Leaf}; `fill_from_statements` puts them into the record where
the tables left a path empty — tables come first, the narrative fills what they do not print.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from extract.schema import BudgetRecord, Leaf

_NUM = r"(-?\d+(?:\.\d+)?)"
_CHANGE_BEFORE = re.compile(r"(?:增加|减少|增长|下降|上升|增|减|降低|提高|压缩|节约)$")


@lru_cache(maxsize=1)
def _catalog() -> tuple[re.Pattern, dict[str, tuple[list[str], str]], re.Pattern | None]:
    data = json.loads(Path(__file__).with_name("statements.json").read_text(encoding="utf-8"))
    names: list[tuple[str, str, str]] = []  # (regex, paths, kind)
    for paths, regexes, kind in data["figures"]:
        for rx in regexes:
            names.append((rx, paths, kind))
    names.sort(key=lambda n: len(re.sub(r"\\.", "", n[0])), reverse=True)
    filler = "|".join(sorted((re.escape(w) for w in data["filler"]), key=len, reverse=True))
    groups = {}
    alts = []
    for i, (rx, paths, kind) in enumerate(names):
        alts.append(f"(?P<n{i}>{rx})")
        groups[f"n{i}"] = (paths.split("|"), kind)
    units = sorted({u for _, _, k in names if k.startswith("count:") for u in k[6:].split("|")})
    pattern = re.compile(r"(?:" + "|".join(alts) + r")(?:" + filler + r")*" + _NUM + r"(万元|亿元|元|"
                         + "|".join(units) + r")(?!/)")
    counts = [(rx, i) for i, (rx, _, k) in enumerate(names) if k.startswith("count:")]
    before = re.compile(r"(?<![\d.])(\d+)(" + "|".join(units) + r")(?:" + "|".join(
        f"(?P<c{i}>{rx})" for rx, i in counts) + ")") if counts else None
    return pattern, groups, before


_CLAUSE_START = re.compile(r"[,，。;；:：(（]")
_OTHER_YEAR = re.compile(r"(?:19|20)\d\d年|上年|去年|上一年|前一年")


def _other_year(text: str, start: int, year: int | None) -> bool:
    """Does the clause a figure's name opens with speak of another year ("（2016 年度部门支出预算安排为 X
    万元）", "上年预算数为 X")? Such a figure is a comparison, not this document's."""
    head = text[max(0, start - 30): start]
    cut = max((m.end() for m in _CLAUSE_START.finditer(head)), default=0)
    clause = head[cut:]
    for m in _OTHER_YEAR.finditer(clause):
        if not m.group(0)[:4].isdigit() or (year and int(m.group(0)[:4]) != year):
            return True
    return False


def stated_figures(t, final: bool = False, year: int | None = None) -> dict[str, Leaf]:
    """{record path: Leaf} of the figures a document's text (`extract.narrative.Text`) states by name.
    `final` (a 决算): a figure stated as a budget (预算数, 年初预算) goes to `budget.<path>`."""
    from extract.amounts import to_decimal, to_wan

    pattern, groups, before = _catalog()
    out: dict[str, Leaf] = {}
    pos = 0
    text = t.text
    while True:
        m = pattern.search(text, pos)
        if not m:
            break
        pos = m.start() + 1
        name = next(g for g, v in m.groupdict().items() if v is not None and g in groups)
        paths, kind = groups[name]
        raw, unit = m.group(m.lastindex - 1), m.group(m.lastindex)
        if kind.startswith("count") != (unit not in ("万元", "亿元", "元")) or (
                kind.startswith("count:") and unit not in kind[6:].split("|")):
            continue
        if text[m.end(): m.end() + 1] == "%" or _CHANGE_BEFORE.search(text[max(0, m.start() - 4): m.start()]):
            continue  # a share, or a change ("增加人员经费 1408.29 万元" is the increase, not the figure)
        if _other_year(text, m.start(), year):
            continue
        value = int(raw) if kind.startswith("count") and raw.isdigit() else to_wan(to_decimal(raw), unit)
        if value is None:
            continue
        leaf = Leaf(value=value, evidence=[t.cite(m.start(), m.end())])
        said = text[m.start(): m.end()]
        budget_side = final and "预算" in said.replace("一般公共预算", "") and "决算" not in said
        for path in paths:
            out.setdefault(f"budget.{path}" if budget_side else path, leaf)
        pos = m.end()
    if before is not None:  # counts printed before their name: "包括 23 个内设机构"
        for m in before.finditer(text):
            name = next(g for g, v in m.groupdict().items() if v is not None)
            paths, kind = groups["n" + name[1:]]
            if m.group(2) not in kind[6:].split("|") or _other_year(text, m.start(), year):
                continue
            leaf = Leaf(value=int(m.group(1)), evidence=[t.cite(m.start(), m.end())])
            for path in paths:
                out.setdefault(path, leaf)
    return out


def _get(rec: BudgetRecord, path: str):
    node = rec
    parts = path.split(".")
    for p in parts[:-1]:
        node = getattr(node, p, None)
        if node is None:
            return None, None
    return node, parts[-1]


@lru_cache(maxsize=1)
def _mirrors() -> dict[str, str]:
    data = json.loads(Path(__file__).with_name("statements.json").read_text(encoding="utf-8"))
    return data.get("narrative_mirror", {})


def fill_from_statements(t, rec: BudgetRecord) -> list[str]:
    """Put each stated figure where the record has no value yet (and into its narrative mirror path,
    sangong.total → sangong_narrative.total, for the text-vs-table checks); returns the paths filled
    on the standard side."""
    filled = []
    final = "决算" in str(getattr(rec.doc_kind, "value", None) or "")
    mirrors = _mirrors()
    year = rec.fiscal_year.value if isinstance(rec.fiscal_year.value, int) else None
    for path, leaf in stated_figures(t, final=final, year=year).items():
        for target in (path, mirrors.get(path)):
            if not target:
                continue
            node, key = _get(rec, target)
            if node is None or not hasattr(node, key):
                continue
            current = getattr(node, key)
            if isinstance(current, Leaf) and current.value is None:
                setattr(node, key, leaf.model_copy() if target != path else leaf)
                if target == path:
                    filled.append(path)
    return filled
