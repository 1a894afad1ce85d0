"""Structured route: figures from the validated records, arithmetic in Decimal, cited.

Every figure used contributes its evidence to the citations; a figure the validator flagged (or a
table/narrative disagreement) is said in the answer and lowers the confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qa.lexicon import BY_KEY, Metric
from extract.store import leaf
from qa.records import DERIVED_FIGURES, Figure, Library, figure
from qa.text import fmt_number, to_decimal
from qa.intent import Intent
from qa.unit_names import Unit

# computed amounts and percentages are shown to 2 decimals, as the disclosures print 万元 figures
CENTS = Decimal("0.01")


@dataclass
class Answer:
    question: str
    answer: str
    value: Any = None
    unit: str | None = None
    declined: bool = False
    citations: list[dict] = field(default_factory=list)
    confidence: float = 0.0
    route: str = "structured"
    reason: str | None = None  # why it was declined (machine-readable)
    notes: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)  # numbers computed by code (for grounding)
    intent: dict | None = None

    def to_dict(self) -> dict:
        out = {"question": self.question, "answer": self.answer, "value": self.value, "unit": self.unit,
               "declined": self.declined, "citations": self.citations, "confidence": round(self.confidence, 2),
               "route": self.route}
        if self.reason:
            out["reason"] = self.reason
        if self.notes:
            out["notes"] = self.notes
        if self.intent is not None:
            out["intent"] = self.intent
        return out


def decline(intent: Intent, reason: str, zh: str, en: str, confidence: float = 0.9,
            route: str = "structured") -> Answer:
    return Answer(question=intent.question, answer=en if intent.english else zh, declined=True, reason=reason,
                  confidence=confidence, route=route, intent=intent.describe())


def _q(d: Decimal) -> Decimal:
    return d.quantize(CENTS, rounding=ROUND_HALF_UP)


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    return v


def _cites(figs: list[Figure]) -> list[dict]:
    out, seen = [], set()
    for f in figs:
        for ev in f.evidence:
            c = {"doc": ev.get("doc") or f.doc, "page": ev.get("page"), "line": ev.get("line"),
                 "quote": ev.get("quote") or ""}
            key = (c["doc"], c["page"], c["line"], c["quote"])
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out


def _label(m: Metric, en: bool) -> str:
    return (m.label_en or m.label_zh) if en else m.label_zh


def _name(f: Figure | Unit, en: bool) -> str:
    dep = f.department
    return dep


def _show(value: Any, metric: Metric, unit: str | None = None) -> str:
    unit = metric.unit if unit is None else unit
    if isinstance(value, Decimal):
        return fmt_number(value, unit)
    return str(value)


def _with_unit(text: str, unit: str, en: bool) -> str:
    if not unit:
        return text
    if unit == "%":
        return f"{text}%"
    if en and unit == "人":
        return f"{text} people"
    if en and unit == "辆":
        return f"{text} vehicles"
    if en and unit == "个":
        return text
    return f"{text} {unit}"


def _flag_text(figs: list[Figure], en: bool) -> str:
    """The validator's/document's disagreement about a figure used (numbers come from the validator)."""
    notes = [n for f in figs for n in f.notes]
    if not notes:
        return ""
    if en:
        return " Note: the document's own figures disagree here (" + "; ".join(notes[:3]) + ")."
    return "注意：文件自身数据存在不一致（" + "；".join(notes[:3]) + "）。"


def _confidence(figs: list[Figure], base: float) -> float:
    return base - (0.3 if any(f.flagged for f in figs) else 0.0)


# ---------------------------------------------------------------------------------------------


def pick_records(lib: Library, intent: Intent) -> tuple[list[dict], Answer | None]:
    """The records the question is about (one per unit), or a decline (other unit/year)."""
    if not lib.records:
        return [], decline(intent, "no_documents", "还没有导入任何预算公开文件（先运行 gongkai ingest）。",
                           "No budget disclosures are ingested yet (run `gongkai ingest` first).")
    if intent.unknown_units and (not intent.units or intent.op != "text"):
        # a figure of a unit that is not ingested cannot be given, summed or compared: never a partial guess
        have = "、".join(sorted({u.department for u in lib.units.units}))
        names = "、".join(intent.unknown_units)
        return [], decline(intent, "unknown_unit", f"已导入的文件中没有“{names}”的预算公开，无法回答。已收录：{have}。",
                           f"None of the ingested disclosures is from {', '.join(intent.unknown_units)}; "
                           f"I cannot answer that. Ingested: {have}.")
    if intent.next_year:
        return [], decline(intent, "other_year", "预算公开文件只有已公布年度的预算，没有下一年度的数字，无法回答。",
                           "The disclosures give only the published budget year, not next year's; I cannot answer that.")
    units = intent.units or (lib.units.units if intent.all_units else [])
    if not units:
        return [], None
    # one body may have documents of several years (and its name printed differently across them): group
    # by the canonical body, then take the year(s) asked — the exact year when it is ingested
    from ingest.identity import canonical_body

    bodies: dict[str, list[tuple[Unit, dict]]] = {}
    for u in units:
        rec = lib.record(u.doc)
        if rec is not None:
            bodies.setdefault(canonical_body(u.department) or u.department, []).append((u, rec))
    # budget or final accounts: a question about actual spending is answered from a 决算 only; a budget
    # question from a 预算, or from the budget a 决算 prints beside its final figures
    final_of = {b: [(u, r) for u, r in docs if _is_final(r)] for b, docs in bodies.items()}
    if intent.kind == "final":
        if not any(final_of.values()):
            dep = next(iter(bodies.values()))[0][0].department if bodies else ""
            return [], decline(intent, "other_kind",
                               f"已导入的{dep}文件都是预算公开，没有决算（实际支出）数字，无法回答。",
                               f"The ingested {dep} documents are budgets: they give no final-accounts (actual "
                               "spending) figures, so I cannot answer that.")
        bodies = {b: docs for b, docs in final_of.items() if docs}
    else:
        bodies = {b: ([x for x in docs if not _is_final(x[1])] or [(u, _budget_view(r)) for u, r in docs])
                  for b, docs in bodies.items()}
    wanted = intent.years or ([intent.year] if intent.year is not None else [])
    chosen: list[dict] = []
    missing: list[tuple[str, list[int]]] = []
    for body, docs in bodies.items():
        have = {(u.fiscal_year or 0): rec for u, rec in docs}
        if not wanted:
            chosen.append(have[max(have)])
            continue
        for y in wanted:
            if y in have:
                chosen.append(have[y])
            elif y + 1 in have and len(wanted) == 1 and intent.op == "lookup" and not intent.all_units:
                intent.previous_year = True  # the budget before: derivable from the stated change
                chosen.append(have[y + 1])
            else:
                missing.append((docs[0][0].department, sorted(k for k in have if k)))
    seen_docs: set[str] = set()
    chosen = [r for r in chosen if not (r.get("doc") in seen_docs or seen_docs.add(r.get("doc")))]
    if missing and (not chosen or not intent.all_units):
        dep, years = missing[0]
        ys = "、".join(str(y) for y in years)
        asked = "、".join(str(y) for y in wanted if y not in years) or str(intent.year)
        return [], decline(intent, "other_year",
                           f"{dep}只有 {ys} 年的预算公开文件，没有 {asked} 年的，无法回答。",
                           f"Only the {ys} budget of {dep} is ingested, not {asked}; I cannot answer for {asked}.")
    return chosen, None


def _is_final(rec: dict) -> bool:
    return "决算" in str((rec.get("doc_kind") or {}).get("value") or "")


def _budget_view(rec: dict) -> dict:
    """A 决算 read for its budget figures: the budget printed beside each final figure (budget.<path>)
    stands at the standard path; a figure with no budget printed beside it is not given."""
    if not _is_final(rec):
        return rec
    side = rec.get("budget") or {}
    view = {k: v for k, v in rec.items() if k not in ("income", "expenditure", "fiscal", "sangong", "procurement",
                                                      "operating_expenses", "meeting_fee", "training_fee")}
    view.update({k: v for k, v in side.items()})
    view["_view"] = "budget"
    return view


def _year(rec: dict | None) -> int | None:
    if not rec:
        return None
    v = (rec.get("fiscal_year") or {}).get("value") if isinstance(rec.get("fiscal_year"), dict) else None
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def not_disclosed(intent: Intent, rec: dict, metric: Metric) -> Answer:
    dep = (rec.get("department") or {}).get("value") or rec.get("doc")
    en = intent.english
    return decline(intent, "not_disclosed",
                   f"{dep}的预算公开文件没有披露{metric.label_zh}，无法回答。",
                   f"The {dep} disclosure does not state {_label(metric, True)}; I cannot answer that.",
                   confidence=0.8)


def structured(lib: Library, intent: Intent, records: list[dict]) -> Answer | None:
    """Answer a numeric/structured question, or None when it is not one."""
    if not intent.metrics:
        return None
    op = intent.op
    if op == "change":
        return None  # handled by answer_change (needs the text as a fallback)
    if op in ("max", "min", "rank", "average") or (op == "sum" and len(records) > 1 and len(intent.metrics) == 1):
        return _across(intent, records, op)
    if len(records) == 0:
        return None
    if intent.missing_operand is not None and len(intent.metrics) < 2:
        return _missing_operand(intent, records)
    if intent.specific:
        ans = _specific_item(intent, records)
        if ans is not None:
            return ans
    if op in ("ratio", "multiple"):
        return _ratio(intent, records, op)
    if op == "per" and intent.per:
        return _per(intent, records)
    if op == "difference":
        return _difference(intent, records)
    if op == "sum":
        return _sum_metrics(intent, records)
    return _lookup(intent, records)


def structured_resolved(intent: Intent, records: list[dict]) -> Answer:
    """The operation once both of its figures are known (the answer keeps the question's intent)."""
    if intent.op in ("ratio", "multiple"):
        return _ratio(intent, records, intent.op)
    if intent.op == "sum":
        return _sum_metrics(intent, records)
    return _difference(intent, records)


def _lookup(intent: Intent, records: list[dict]) -> Answer:
    en = intent.english
    metric = intent.metrics[0]
    figs, lines, missing = [], [], []
    for rec in records:
        metrics = intent.metrics if len(records) == 1 else [metric]
        for m in metrics:
            f = figure(rec, m)
            if f is None:
                missing.append((rec, m))
                continue
            figs.append(f)
    if not figs:
        rec, m = missing[0]
        return not_disclosed(intent, rec, m)
    for f in figs:
        shown = _with_unit(_show(f.value, f.metric), f.metric.unit, en)
        yr = f" {f.fiscal_year}" if f.fiscal_year else ""
        if en:
            lines.append(f"{f.department}{yr}: {_label(f.metric, True)} {shown}.")
        else:
            lines.append(f"{f.department}{yr or ''}{' 年' if yr else ''}{f.metric.label_zh}为 {shown}。")
    for rec, m in missing:
        dep = (rec.get("department") or {}).get("value") or rec.get("doc")
        lines.append(f"{dep}: {_label(m, True)} not stated." if en else f"{dep}未披露{m.label_zh}。")
    text = " ".join(lines) if en else "".join(lines)
    text = text.replace(" 年", "年").replace("  ", " ") if not en else text
    text += _flag_text(figs, en)
    single = len(figs) == 1
    f0 = figs[0]
    return Answer(question=intent.question, answer=text, value=_json_value(f0.value) if single else None,
                  unit=f0.metric.unit if single else (f0.metric.unit if len({f.metric.unit for f in figs}) == 1
                                                      else None),
                  citations=_cites(figs), confidence=_confidence(figs, 0.95), route="structured",
                  intent=intent.describe())


def _missing_operand(intent: Intent, records: list[dict]) -> Answer:
    """A difference/sum/ratio that found only one of its two figures: say which, never answer the one."""
    m = intent.metrics[0]
    name = intent.missing_operand if intent.missing_operand not in (None, "?") else ""
    if name and len(records) == 1 and records[0].get(DERIVED_FIGURES) is None:
        # the other figure may be a table row named loosely ("基本工资比津贴多多少" → 津贴补贴)
        from dataclasses import replace

        from qa.lexicon import row_metric

        rec = records[0]
        items = _items(rec)
        scored = _item_scores(name, items)
        if scored and scored[0][0] >= ITEM_MATCH_MIN:
            close = [k for sc, k in scored if sc >= scored[0][0] - ITEM_MATCH_MARGIN]
            other = row_metric(items[scored[0][1]][0])
            if len({items[k][1] for k in close}) == 1 and figure(rec, other) is not None and other.key != m.key:
                q = intent.question
                first = q.find(name) < min((i for i in (q.find(t) for t in m.zh) if i >= 0), default=len(q))
                resolved = replace(intent, metrics=[other, m] if first else [m, other], missing_operand=None,
                                   specific=[])
                return structured_resolved(resolved, records)
    f = figure(records[0], m) if len(records) == 1 else None
    op_zh = {"sum": "相加", "ratio": "相除", "multiple": "相除"}.get(intent.op, "比较")
    op_en = {"sum": "add", "ratio": "divide", "multiple": "divide"}.get(intent.op, "compare")
    have_zh = f"{m.label_zh}（{_with_unit(_show(f.value, m), m.unit, False)}）" if f is not None else m.label_zh
    have_en = f"{_label(m, True)} ({_with_unit(_show(f.value, m), m.unit, True)})" if f is not None else _label(m, True)
    ans = decline(intent, "missing_operand",
                  f"这个问题要{op_zh}两个数，但只找到了{have_zh}，没有找到{f'“{name}”' if name else '另一个数'}对应的数字，"
                  f"无法计算。",
                  f"The question needs two figures to {op_en}, but only {have_en} was found; "
                  f"{f'nothing matches “{name}”' if name else 'the other figure was not found'}, so I cannot compute it.",
                  confidence=0.7)
    if f is not None:
        ans.citations = _cites([f])
    return ans


# an item's name must share this much of what the question names (weighted by how rare each
# two-character piece is among the document's item names) to answer it
ITEM_MATCH_MIN = 0.6
ITEM_MATCH_MARGIN = 0.15


def _bigrams(s: str) -> set[str]:
    import re

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
    from qa.records import ROW_COLUMNS, ROW_TABLES

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
    import re

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
            from qa.lexicon import row_metric

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


def _need(intent: Intent, records: list[dict], metrics: list[Metric]) -> tuple[list[Figure], Answer | None]:
    figs = []
    for rec in records:
        for m in metrics:
            f = figure(rec, m)
            if f is None:
                return [], not_disclosed(intent, rec, m)
            if not isinstance(f.value, (Decimal, int)):
                return [], not_disclosed(intent, rec, m)
            figs.append(f)
    return figs, None


def _dec(f: Figure) -> Decimal:
    return f.value if isinstance(f.value, Decimal) else Decimal(f.value)


def _sum_metrics(intent: Intent, records: list[dict]) -> Answer:
    en = intent.english
    rec = records[0]
    figs, bad = _need(intent, [rec], intent.metrics)
    if bad:
        return bad
    total = sum((_dec(f) for f in figs), Decimal(0))
    unit = figs[0].metric.unit
    parts = " + ".join(f"{_label(f.metric, en)} {_show(f.value, f.metric)}" for f in figs)
    shown = _show(total, figs[0].metric)
    if en:
        text = f"{figs[0].department}: {parts} = {_with_unit(shown, unit, en)}."
    else:
        text = f"{figs[0].department}：{parts} = {_with_unit(shown, unit, en)}。"
    text += _flag_text(figs, en)
    return Answer(intent.question, text, float(total) if unit != "人" else int(total), unit, citations=_cites(figs),
                  confidence=_confidence(figs, 0.9), computed=[shown], intent=intent.describe())


def _ratio(intent: Intent, records: list[dict], op: str) -> Answer:
    en = intent.english
    metrics = list(intent.metrics)
    if len(records) >= 2 and len(metrics) == 1:
        # A's figure relative to B's
        figs, bad = _need(intent, records[:2], metrics)
        if bad:
            return bad
        num, den = figs
    else:
        metrics = _order_ratio(intent, metrics)
        if len(metrics) == 1:
            parent = BY_KEY.get(metrics[0].parent or "")
            if parent is None:
                parent = BY_KEY["expenditure.total"] if metrics[0].unit == "万元" else None
            if parent is None:
                return decline(intent, "not_understood", "没有说明占什么的比例。", "Share of what? Please name the whole.",
                               confidence=0.4)
            metrics.append(parent)
        figs, bad = _need(intent, records[:1], metrics[:2])
        if bad:
            return bad
        num, den = figs
    if _dec(den) == 0:
        return decline(intent, "division_by_zero", f"{_label(den.metric, False)}为 0，无法计算比例。",
                       f"{_label(den.metric, True)} is zero; no ratio can be computed.", confidence=0.7)
    if op == "multiple":
        value = _q(_dec(num) / _dec(den))
        unit = "倍"
        shown = fmt_number(value, unit)
        text = (f"{num.department} {_label(num.metric, True)} {_show(num.value, num.metric)} is {shown} times "
                f"{den.department} {_label(den.metric, True)} {_show(den.value, den.metric)}." if en else
                f"{num.department}{num.metric.label_zh} {_show(num.value, num.metric)} 是"
                f"{'' if den.department == num.department else den.department}{den.metric.label_zh} "
                f"{_show(den.value, den.metric)} 的 {shown} 倍。")
    else:
        value = _q(_dec(num) * 100 / _dec(den))
        unit = "%"
        shown = fmt_number(value, unit)
        same = den.department == num.department
        if en:
            text = (f"{num.department}: {_label(num.metric, True)} {_show(num.value, num.metric)} / "
                    f"{'' if same else den.department + ' '}{_label(den.metric, True)} "
                    f"{_show(den.value, den.metric)} = {shown}%.")
        else:
            text = (f"{num.department}{num.metric.label_zh} {_show(num.value, num.metric)} 占"
                    f"{'' if same else den.department}{den.metric.label_zh} {_show(den.value, den.metric)} 的 "
                    f"{shown}%。")
    figs = [num, den]
    text += _flag_text(figs, en)
    return Answer(intent.question, text, float(value), unit, citations=_cites(figs),
                  confidence=_confidence(figs, 0.9), computed=[shown], intent=intent.describe())


def _per(intent: Intent, records: list[dict]) -> Answer:
    """A figure divided by a count the document states (per vehicle, per head), per unit asked about."""
    en = intent.english
    metric, count = intent.metrics[0], BY_KEY[intent.per or ""]
    figs: list[Figure] = []
    lines, values, computed = [], [], []
    for rec in records:
        pair, bad = _need(intent, [rec], [metric, count])
        if bad:
            return bad
        amount, n = pair
        if _dec(n) == 0:
            return decline(intent, "division_by_zero", f"{amount.department}的{count.label_zh}为 0，无法计算。",
                           f"{amount.department} states {_label(count, True)} as 0; nothing to divide by.",
                           confidence=0.7)
        value = _q(_dec(amount) / _dec(n))
        shown = fmt_number(value, metric.unit)
        n_shown = _with_unit(_show(n.value, count), count.unit, en)
        computed.append(shown)
        values.append(value)
        figs += pair
        if en:
            lines.append(f"{amount.department}: {_label(metric, True)} {_show(amount.value, metric)} / "
                         f"{_label(count, True)} {n_shown} = {_with_unit(shown, metric.unit, en)} each.")
        else:
            lines.append(f"{amount.department}{metric.label_zh} {_show(amount.value, metric)} ÷ {count.label_zh} "
                         f"{n_shown} = 平均每{count.unit} {_with_unit(shown, metric.unit, en)}。")
    text = (" " if en else "").join(lines) + _flag_text(figs, en)
    single = len(values) == 1
    return Answer(intent.question, text, float(values[0]) if single else None, metric.unit,
                  citations=_cites(figs), confidence=_confidence(figs, 0.85), computed=computed,
                  intent=intent.describe())


def _order_ratio(intent: Intent, metrics: list[Metric]) -> list[Metric]:
    """Numerator first: the part before its whole; one fund scope for both (general budget)."""
    from qa.lexicon import function_metric

    if len(metrics) < 2:
        return metrics
    a, b = metrics[0], metrics[1]
    import re

    q = intent.question.lower()
    share_of = re.search(r"(?:share|percentage|proportion|percent|fraction|portion)\s+of\b", q)
    if b.parent == a.key or (intent.english and share_of and not re.search(r"\bof\s+(?:the\s+)?total\b", q[
            share_of.end(): share_of.end() + 10])):
        a, b = b, a
    general = {"income.general_budget", "fiscal.general_budget", "fiscal.income_total"}
    if b.key in general and a.function_code and not a.fiscal:
        a = function_metric(a.function_code, a.label_zh, fiscal=True)
    return [a, b, *metrics[2:]]


def _difference(intent: Intent, records: list[dict]) -> Answer:
    en = intent.english
    if len(records) >= 2:
        figs, bad = _need(intent, records[:2], intent.metrics[:1])
    else:
        figs, bad = _need(intent, records[:1], intent.metrics[:2])
    if bad:
        return bad
    a, b = figs
    diff = _dec(a) - _dec(b)
    unit = a.metric.unit
    shown = _show(abs(diff), a.metric)
    an = f"{a.department}{'' if en else ''}"
    a_lbl = f"{a.department} {_label(a.metric, en)}" if en else f"{a.department}{a.metric.label_zh}"
    b_lbl = (f"{'' if b.department == a.department else b.department + ' '}{_label(b.metric, en)}" if en else
             f"{'' if b.department == a.department else b.department}{b.metric.label_zh}")
    if en:
        rel = "more than" if diff > 0 else ("less than" if diff < 0 else "the same as")
        text = (f"{a_lbl} ({_show(a.value, a.metric)}) is {_with_unit(shown, unit, en)} {rel} {b_lbl} "
                f"({_show(b.value, b.metric)})." if diff != 0 else
                f"{a_lbl} ({_show(a.value, a.metric)}) is the same as {b_lbl} ({_show(b.value, b.metric)}).")
    else:
        rel = "多" if diff > 0 else "少"
        text = (f"{a_lbl} {_show(a.value, a.metric)} 比{b_lbl} {_show(b.value, b.metric)} {rel} "
                f"{_with_unit(shown, unit, en)}。" if diff != 0 else
                f"{a_lbl} {_show(a.value, a.metric)} 与{b_lbl} {_show(b.value, b.metric)} 相同。")
    del an
    text += _flag_text(figs, en)
    signed = _show(diff, a.metric)
    return Answer(intent.question, text, float(diff) if unit != "人" else int(diff), unit, citations=_cites(figs),
                  confidence=_confidence(figs, 0.9), computed=[shown, signed], intent=intent.describe())


def _across(intent: Intent, records: list[dict], op: str) -> Answer:
    en = intent.english
    metric = intent.metrics[0]
    figs, missing = [], []
    for rec in records:
        f = figure(rec, metric)
        if f is None or not isinstance(f.value, (Decimal, int)):
            missing.append((rec.get("department") or {}).get("value") or rec.get("doc"))
        else:
            figs.append(f)
    if not figs:
        return not_disclosed(intent, records[0], metric) if records else decline(
            intent, "no_documents", "没有可比较的文件。", "No documents to compare.")
    years = sorted({f.fiscal_year for f in figs if f.fiscal_year})
    year_note = ""
    if len(years) > 1:
        year_note = (f" (budget years differ: {', '.join(str(y) for y in years)})" if en else
                     f"（注意：各文件预算年度不同：{'、'.join(str(y) for y in years)}）")
    miss_note = ""
    if missing:
        miss_note = (f" Not stated by: {', '.join(missing)}." if en else f"未披露：{'、'.join(missing)}。")
    unit = metric.unit
    ordered = sorted(figs, key=lambda f: _dec(f), reverse=(op != "min"))
    listing = ("; " if en else "；").join(f"{f.department} {_with_unit(_show(f.value, metric), unit, en)}"
                                          for f in ordered)
    if op in ("max", "min"):
        top = ordered[0]
        ties = [f for f in ordered if _dec(f) == _dec(top)]
        names = ("、" if not en else ", ").join(f.department for f in ties)
        word = ("highest" if op == "max" else "lowest") if en else ("最高" if op == "max" else "最低")
        text = (f"{names} has the {word} {_label(metric, True)}: {_with_unit(_show(top.value, metric), unit, en)}"
                f"{year_note}. All: {listing}.{miss_note}" if en else
                f"{_label(metric, False)}{word}的是{names}，为 {_with_unit(_show(top.value, metric), unit, en)}"
                f"{year_note}。各单位：{listing}。{miss_note}")
        value: Any = names
        out_unit = None
        computed = []
    elif op == "rank":
        text = (f"{_label(metric, True)}, from highest to lowest{year_note}: {listing}.{miss_note}" if en else
                f"{_label(metric, False)}从高到低{year_note}：{listing}。{miss_note}")
        value = [f.department for f in ordered]
        value = ", ".join(value) if en else "、".join(value)
        out_unit = None
        computed = []
    elif op == "average":
        avg = _q(sum((_dec(f) for f in figs), Decimal(0)) / len(figs))
        shown = _show(avg, metric, unit if unit != "人" else "万元")
        text = (f"Average {_label(metric, True)} over {len(figs)} units{year_note}: {_with_unit(shown, unit, en)} "
                f"({listing}).{miss_note}" if en else
                f"{len(figs)} 家单位{_label(metric, False)}平均为 {_with_unit(shown, unit, en)}{year_note}"
                f"（{listing}）。{miss_note}")
        value, out_unit, computed = float(avg), unit, [shown]
    else:  # sum across units
        total = sum((_dec(f) for f in figs), Decimal(0))
        shown = _show(total, metric)
        text = (f"Total {_label(metric, True)} of {len(figs)} units{year_note}: {_with_unit(shown, unit, en)} "
                f"({listing}).{miss_note}" if en else
                f"{len(figs)} 家单位{_label(metric, False)}合计 {_with_unit(shown, unit, en)}{year_note}"
                f"（{listing}）。{miss_note}")
        value, out_unit, computed = (float(total) if unit != "人" else int(total)), unit, [shown]
        if missing:
            return decline(intent, "not_disclosed", f"无法合计：{'、'.join(missing)}未披露{metric.label_zh}。",
                           f"Cannot total: {', '.join(missing)} do not state {_label(metric, True)}.",
                           confidence=0.7)
    text += _flag_text(figs, en)
    computed = [*computed, str(len(figs))]  # "N 家单位" is counted, not quoted
    return Answer(intent.question, text, value, out_unit, citations=_cites(figs),
                  confidence=_confidence(figs, 0.9), computed=computed, intent=intent.describe())


# --- change vs the previous year, as stated --------------------------------------------------


def stated_change(rec: dict, metric: Metric, kind: str) -> tuple[Decimal | None, list[dict]]:
    if not metric.change:
        return None, []
    value, evidence = leaf(rec, f"{metric.change}.{'percent' if kind == 'percent' else 'amount'}")
    if value is None:
        return None, []
    return to_decimal(value), evidence[:2]


def change_answer(intent: Intent, rec: dict, metric: Metric, value: Decimal, evidence: list[dict],
                  kind: str) -> Answer:
    en = intent.english
    dep = (rec.get("department") or {}).get("value") or rec.get("doc")
    year = _year(rec)
    unit = "%" if kind == "percent" else metric.unit
    shown = fmt_number(abs(value), unit)
    if en:
        word = "increased" if value > 0 else ("decreased" if value < 0 else "did not change")
        amount = f" by {_with_unit(shown, unit, en)}" if value != 0 else ""
        text = f"{dep}: {_label(metric, True)} in {year} {word}{amount} compared with the previous year's budget."
    else:
        word = "增加" if value > 0 else ("减少" if value < 0 else "持平")
        if kind == "percent":
            word = "增长" if value > 0 else ("下降" if value < 0 else "持平")
        amount = f" {_with_unit(shown, unit, en)}" if value != 0 else "（变化 0）"
        text = f"{dep}{year or ''}{'年' if year else ''}{metric.label_zh}比上年预算{word}{amount}。"
    return Answer(intent.question, text, float(value), unit, citations=[
        {"doc": ev.get("doc") or rec.get("doc"), "page": ev.get("page"), "line": ev.get("line"),
         "quote": ev.get("quote") or ""} for ev in evidence], confidence=0.9, route="structured",
        intent=intent.describe())


def previous_year_answer(intent: Intent, rec: dict, metric: Metric, current: Figure, change: Decimal,
                         change_evidence: list[dict]) -> Answer:
    """The previous year's budget = this year's figure − the change the document states."""
    en = intent.english
    if intent.specific:
        # the question names something inside the figure ("上年…的第二批补助"): no item has a stated change
        asked = "".join(intent.specific)
        return decline(intent, "not_specific",
                       f"文件没有给出“{asked}”上一年度的数字（{metric.label_zh}的上年数也不是“{asked}”本身），无法回答。",
                       f"The disclosure gives no previous-year figure for “{asked}” (the previous year's "
                       f"{_label(metric, True)} is not “{asked}” itself); I cannot answer that.", confidence=0.7)
    prev = current.value - change if isinstance(current.value, Decimal) else Decimal(current.value) - change
    unit = metric.unit
    shown = _show(prev, metric)
    cur = _show(current.value, metric)
    ch = _show(abs(change), metric)
    y = current.fiscal_year
    py = (y - 1) if y else None
    sign = "+" if change >= 0 else "−"
    if en:
        text = (f"{current.department}: the {py or 'previous'} budget for {_label(metric, True)} was "
                f"{_with_unit(shown, unit, en)} — not printed, computed from the {y} budget {cur} and the stated "
                f"change {sign}{ch} versus the previous year.")
    else:
        word = "增加" if change >= 0 else "减少"
        text = (f"{current.department}{py or '上'}年{metric.label_zh}预算为 {_with_unit(shown, unit, en)}"
                f"（文件未直接列出；由 {y} 年预算 {cur} 与文件所述比上年{word} {ch} 推算）。")
    cites = _cites([current]) + [{"doc": ev.get("doc") or rec.get("doc"), "page": ev.get("page"),
                                  "line": ev.get("line"), "quote": ev.get("quote") or ""} for ev in change_evidence]
    return Answer(intent.question, text, float(prev) if unit != "人" else int(prev), unit, citations=cites,
                  confidence=0.8, computed=[shown, cur, ch, str(py or "")], intent=intent.describe())
