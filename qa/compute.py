"""Structured route: figures from the validated records, arithmetic in Decimal, cited — lookup, sum,
difference, ratio/share, multiple, per vehicle/head, and max/min/rank/average/sum across units.

Every figure used contributes its evidence to the citations; a figure the validator flagged (or a
table/narrative disagreement) is said in the answer and lowers the confidence.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from qa.compose import (Answer, _cites, _confidence, _flag_text, _json_value, _label, _q, _show, _with_unit, decline,
                        not_disclosed)
from qa.intent import Intent
from qa.items import ITEM_MATCH_MARGIN, ITEM_MATCH_MIN, _item_scores, _items, _specific_item
from qa.lexicon import BY_KEY, Metric, function_metric, row_metric
from qa.records import DERIVED_FIGURES, Figure, Library, figure
from qa.text import fmt_number

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
    if op == "exclude":
        return _exclude(intent, records)
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
    if len(metrics) < 2:
        return metrics
    a, b = metrics[0], metrics[1]
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


def _exclude(intent: Intent, records: list[dict]) -> Answer:
    """A whole without one of its parts ("not counting retirees", 不含上年结转): whole − part."""
    en = intent.english
    figs, bad = _need(intent, records[:1], intent.metrics[:2])
    if bad:
        return bad
    whole, part = figs
    rest = _dec(whole) - _dec(part)
    unit = whole.metric.unit
    shown = _show(rest, whole.metric)
    if en:
        text = (f"{whole.department}: {_label(whole.metric, en)} excluding {_label(part.metric, en)} = "
                f"{_show(whole.value, whole.metric)} − {_show(part.value, part.metric)} = {_with_unit(shown, unit, en)}.")
    else:
        text = (f"{whole.department}{whole.metric.label_zh}（不含{part.metric.label_zh}）为 {_show(whole.value, whole.metric)} − "
                f"{_show(part.value, part.metric)} = {_with_unit(shown, unit, en)}。")
    text += _flag_text(figs, en)
    return Answer(intent.question, text, float(rest) if unit != "人" else int(rest), unit, citations=_cites(figs),
                  confidence=_confidence(figs, 0.85), computed=[shown], intent=intent.describe())


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
