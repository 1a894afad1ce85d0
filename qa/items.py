"""Items inside a figure: the named parts of a record (table rows of 经济/功能分类, projects, carryover
items, the narrative's projects) that a question naming something more specific than the figure found
asks for ("上年结转的第二批能力提升补助资金" → that item of 表11), matched tightly by the question's
distinctive words — or a `not_specific` decline listing the closest items."""

from __future__ import annotations

import re
from decimal import Decimal

from extract.store import leaf
from qa.compose import Answer, _cites, _json_value, _label, _show, _with_unit, _year, decline
from qa.intent import Intent
from qa.lexicon import Metric, row_metric
from qa.records import DERIVED_FIGURES, ROW_COLUMNS, ROW_TABLES, Figure, figure
from qa.text import to_decimal

# an item's name must share this much of what the question names (weighted by how rare each
# two-character piece is among the document's item names) to answer it
ITEM_MATCH_MIN = 0.6
ITEM_MATCH_MARGIN = 0.15


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


# the parts a figure is made of, by where the documents list them: the carryover's items are the rows of
# 表11 (上年结转结余情况明细表), the projects' those of 表7 and the narrative's project list, the basic
# expenditure's the 经济分类 rows of 表6; a figure whose parts are figures of their own (三公, 政府采购, staff,
# assets) has no named items. (tables, projects too); None: any item of the document.
ITEM_SCOPES: dict[str, tuple[tuple[str, ...], bool]] = {
    "income.carryover": (("carryover",), False),
    "expenditure.project": (("general_budget_project",), True),
    "fiscal.general_budget_project": (("general_budget_project",), True),
    "expenditure.basic": (("general_budget_basic",), False),
    "fiscal.general_budget_basic": (("general_budget_basic",), False),
    "expenditure.personnel": (("general_budget_basic",), False),
    "expenditure.public": (("general_budget_basic",), False),
    "operating_expenses": (("general_budget_basic",), False),
}
# the 表6 column that holds a part of the basic expenditure's halves (301/303 rows are 人员经费, 302 公用经费)
ITEM_COLUMN = {"expenditure.personnel": "personnel", "expenditure.public": "public", "operating_expenses": "public"}
NO_ITEMS = ("sangong.", "procurement.", "staffing.", "assets.", "contact.", "performance.fiscal_projects")


def _item_scope(metric: Metric) -> tuple[tuple[str, ...], bool] | None:
    if metric.key in ITEM_SCOPES:
        return ITEM_SCOPES[metric.key]
    if metric.key.startswith(NO_ITEMS):
        return (), False
    return None


def _items(rec: dict, scope: tuple[tuple[str, ...], bool] | None = None,
           column: str | None = None) -> list[tuple[str, Decimal, list[dict]]]:
    """The named items of a record with an amount: table rows (经济/功能分类, projects, carryover
    items) and the projects the narrative lists; only those of `scope` (tables, projects too) when given."""
    tables, with_projects = scope if scope is not None else (ROW_TABLES, True)
    out: list[tuple[str, Decimal, list[dict]]] = []
    seen: set[tuple[str, Decimal]] = set()
    for tid in (t for t in ROW_TABLES if t in tables):
        for row in ((rec.get("tables") or {}).get(tid) or {}).get("rows", []):
            names = [n for n in (row.get("extra"), row.get("name")) if isinstance(n, str) and not n.isascii()
                     and n not in ("合计", "总计", "小计")]
            for col in ((column,) if column else ROW_COLUMNS):
                raw, evidence = leaf(row.get("values") or {}, col)
                value = to_decimal(raw)
                if value is not None:
                    break
            else:
                continue
            for n in names[:1]:
                if (n, value) not in seen:
                    seen.add((n, value))
                    out.append((n, value, evidence[:2]))
    for key in ("projects", "narrative_projects") if with_projects else ():
        for p in rec.get(key) or []:
            (n, name_ev), (raw, evidence) = leaf(p, "name"), leaf(p, "amount")
            value = to_decimal(raw)
            if isinstance(n, str) and value is not None and (n, value) not in seen:
                seen.add((n, value))
                # the answer quotes the name (with its digits: "〔2023〕79号"): its line is cited too
                ev = list(evidence[:2]) + [e for e in name_ev[:1] if e not in evidence[:2]]
                out.append((n, value, ev))
    return out


# words in nearly every item name (and in questions about any of them): they never carry a match alone
GENERIC_ITEM_WORDS = re.compile(r"补助|补贴|资金|经费|费用|项目|专项|部分|支出|预算|财政|中央|自治区|本级|经办|"
                                r"安排|[的之中里和及与、]")
# the share of the question's own characters an item's name must hold (a word of the question the name
# lacks counts against it: "离休人员补助" is not "离休人员医疗费项目")
ITEM_COVER_MIN = 0.9


def _cover(asked: str, name: str) -> float:
    chars = [c for c in re.sub(r"[的之中里和及与、]", "", asked) if "\u4e00" <= c <= "\u9fff" or c.isdigit()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if c in name) / len(chars)


# what a name may hold between the words of the question and still be the item asked ("工会费" is
# "工会经费", "基金监管经费" is "基金监管专项经费项目"; "医疗费" is not "医疗保险缴费")
_NAME_GAP = r"(?:经|专项|补助|资金|项目|部分|财政|中央|自治区|本级)?"


def _in_order(asked: str, name: str) -> bool:
    """What is asked is in the name as one run, generic words allowed between its characters."""
    chars = [c for c in re.sub(r"[的之中里和及与、]", "", asked) if "\u4e00" <= c <= "\u9fff"]
    return len(chars) >= 2 and re.search(_NAME_GAP.join(re.escape(c) for c in chars), name) is not None


def _item_scores(asked: str, items: list[tuple[str, Decimal, list[dict]]],
                 tight: bool = True) -> list[tuple[float, int]]:
    """How well each item's name fits what the question names (0-1, best first): the share of the
    question's distinctive two-character pieces in the name (generic words such as 补助/资金 left out,
    a piece weighed by how rare it is among the names), 0 when the name lacks a word of the question."""
    grams = _bigrams(GENERIC_ITEM_WORDS.sub("", asked))
    if not grams or not items:
        return []
    names = [_bigrams(GENERIC_ITEM_WORDS.sub("", n)) | _bigrams(n) for n, _, _ in items]
    # a piece in several names tells them apart less; one in none (often a word junction) weighs as one in one
    weight = {g: 1.0 / (1 + max(1, sum(1 for nm in names if g in nm))) for g in grams}
    total = sum(weight.values())
    # a batch/ordinal or a year the question states must be in the item's name ("第二批" is not "第三批")
    markers = re.findall(r"第[一二三四五六七八九十\d]+|(?:19|20)\d{2}", asked)
    scored = []
    for k, nm in enumerate(names):
        name = re.sub(r"\s", "", items[k][0])
        score = sum(weight[g] for g in grams if g in nm) / total
        if tight and _in_order(asked, name) and GENERIC_ITEM_WORDS.sub("", asked):
            score = max(score, 0.9)  # the name holds the question's words, with more between them
        if not all(mk in name for mk in markers) or (tight and _cover(asked, name) < ITEM_COVER_MIN):
            score = 0.0
        scored.append((score, k))
    return sorted(scored, reverse=True)


def _specific_item(intent: Intent, records: list[dict]) -> Answer | None:
    """The question names something more specific than the figure found ("上年结转的第二批能力提升
    补助资金" found 上年结转结余): the item of that name, or a decline that says the figure found is
    not it (with the figure and the closest items). None when the figure found is the item asked."""
    en = intent.english
    asked = "".join(intent.specific)
    metric = intent.metrics[0]
    if len(records) != 1 or intent.op != "lookup" or any(not m.row for m in intent.metrics[1:]):
        found = "、".join(m.label_zh for m in intent.metrics)
        return decline(intent, "not_specific",
                       f"问题提到“{asked}”，但只找到了{found}，没有找到与“{asked}”对应的数字，无法回答。",
                       f"The question names “{asked}”, but only {', '.join(_label(m, True) for m in intent.metrics)} "
                       f"was found, not a figure for “{asked}”; I cannot answer that.", confidence=0.7)
    rec = records[0]
    # a previous-year view holds only the derived figures; its tables are this year's. An item inside a
    # figure is one of that figure's parts, never larger than it.
    items = [] if rec.get(DERIVED_FIGURES) is not None else (
        _items(rec, _item_scope(metric), ITEM_COLUMN.get(metric.key)) or _items(rec, _item_scope(metric)))
    whole = figure(rec, metric)
    if whole is not None and isinstance(whole.value, Decimal) and metric.unit == "万元":
        items = [it for it in items if it[1] <= whole.value]
    rows = [m.row for m in intent.metrics if m.row]
    said = "".join(r for r in rows if r not in asked and asked + r in intent.question)
    if asked and said:
        asked += said  # "离休人员" + 医疗费, as the question says it
    if len(intent.metrics) == 1 and metric.row:
        grams = _bigrams(asked)
        if grams and len(grams & _bigrams(metric.row)) >= 0.5 * len(grams):
            return None  # the row found is the item the question describes (in other words too)
    # the question's words for the item: what is left plus the row names it matched ("线路" + 租赁费)
    scored = _item_scores(asked + "".join(r for r in rows if r not in asked), items)
    best = scored[0] if scored else (0.0, -1)
    if best[0] >= ITEM_MATCH_MIN:
        close = [k for s, k in scored if s >= best[0] - ITEM_MATCH_MARGIN]
        if len({items[k][1] for k in close}) == 1:
            name, value, evidence = items[best[1]]
            dep = str(leaf(rec, "department")[0] or rec.get("doc"))
            year = _year(rec)
            m = row_metric(name)
            f = Figure(rec.get("doc", ""), dep, year, m, value, f"item:{name}", evidence)
            shown = _with_unit(_show(value, m), m.unit, en)
            text = (f"{dep} ({year or ''} budget disclosure): the item “{name}” is {shown}." if en else
                    f"{dep}（{year or ''}{'年' if year else ''}预算公开）：“{name}”为 {shown}。")
            return Answer(intent.question, text, _json_value(value), m.unit, citations=_cites([f]),
                          confidence=0.85, route="structured", intent=intent.describe())
    # not found as an item: say what was found instead (and the nearest items), never answer it as if it were
    f = figure(rec, metric)
    dep = str(leaf(rec, "department")[0] or rec.get("doc"))
    near: list[tuple[str, Decimal, list[dict]]] = []
    loose = _item_scores(asked + "".join(r for r in rows if r not in asked), items, tight=False)
    all_parts = not any(sc >= 0.2 for sc, _ in loose) and len(items) <= 5 and bool(_item_scope(metric))
    if all_parts:
        loose = [(1.0, k) for k in range(len(items))]  # a figure of few parts: name them all
    for sc, k in loose:
        n, v, _ = items[k]
        if sc >= 0.2 and len(near) < 5 and n != metric.row and not any(
                v == v2 and (n in n2 or n2 in n) for n2, v2, _ in near):
            near.append(items[k])  # (a table row and the narrative's project of the same name: once)
    listing_zh = "；".join(f"{n} {_with_unit(_show(v, metric), '万元', False)}" for n, v, _ in near)
    listing_en = "; ".join(f"{n} {_with_unit(_show(v, metric), '万元', True)}" for n, v, _ in near)
    found_zh = (f"文件中的{metric.label_zh}为 {_with_unit(_show(f.value, metric), metric.unit, False)}，"
                f"不是“{asked}”本身" if f is not None else f"文件中没有{metric.label_zh}")
    found_en = (f"the document's {_label(metric, True)} is {_with_unit(_show(f.value, metric), metric.unit, True)}, "
                f"which is not “{asked}” itself" if f is not None else f"the document does not state {_label(metric, True)}")
    several = best[0] >= ITEM_MATCH_MIN  # more than one item fits, with different amounts
    ans = decline(intent, "not_specific",
                  (f"{dep}的文件中有多项与“{asked}”相符，无法确定是哪一项（{found_zh}）。" if several else
                   f"{dep}的文件没有单独列出“{asked}”的数字（{found_zh}）。") +
                  (f"{f'{metric.label_zh}的明细' if all_parts else '相近的明细'}：{listing_zh}。" if near else ""),
                  (f"Several items of the {dep} disclosure fit “{asked}”; I cannot tell which one ({found_en})."
                   if several else f"The {dep} disclosure does not list a figure for “{asked}” ({found_en}).") +
                  (f" {'Its items' if all_parts else 'Closest items'}: {listing_en}." if near else ""), confidence=0.7)
    ans.citations = _cites([f]) if f is not None else []
    return ans
