"""Questions over several years of one body ("省法院从2017年到2019年预算总额增加了多少", "三年合计",
"哪一年最高", "三年分别是多少"): each year's figure is read from that year's document and the
arithmetic runs here, in Decimal. The documents' own stated year-on-year changes are not used: the
figures of two documents are compared directly, each cited.
"""

from __future__ import annotations

import re
from decimal import Decimal

from qa.compose import Answer, _cites, _confidence, _flag_text, _json_value, _label, _q, _show, _with_unit, decline
from qa.intent import Intent
from qa.operations import CHANGE_PCT, RANK_MAX, RANK_MIN, SUM
from qa.records import Figure, figure, leaf
from qa.text import fmt_number

_EACH = r"分别|各是|各为|每年|逐年|历年|\beach\b|\brespectively\b|\bper year\b"
_CHANGE = (r"增加|增长|减少|下降|变化|变动|多了|少了|涨|降|差|\bchange|\bincrease|\bdecrease|\bgrow|\bgrew|\brise|\brose|"
           r"\bfall|\bfell|\bdrop|\bdiffer|\bmore\b|\bless\b")


def applies(intent: Intent, records: list[dict]) -> bool:
    """Several years of the same body asked about, with their documents at hand."""
    if len(intent.years) < 2 or not intent.metrics or len(records) < 2:
        return False
    from ingest.identity import canonical_body

    bodies = {canonical_body(str(leaf(r, "department")[0] or "")) for r in records}
    years = {leaf(r, "fiscal_year")[0] for r in records}
    return len(bodies) == 1 and len(years) >= 2


def answer(intent: Intent, records: list[dict]) -> Answer:
    en = intent.english
    metric = intent.metrics[0]
    figs: list[Figure] = []
    missing: list[int] = []
    for rec in sorted(records, key=lambda r: (r.get("fiscal_year") or {}).get("value") or 0):
        f = figure(rec, metric)
        if f is None or not isinstance(f.value, (Decimal, int)):
            missing.append((rec.get("fiscal_year") or {}).get("value"))
            continue
        figs.append(f)
    if missing or len(figs) < 2:
        dep = figs[0].department if figs else ""
        ys = "、".join(str(y) for y in missing if y)
        return decline(intent, "not_disclosed", f"{dep} {ys} 年的文件没有披露{metric.label_zh}，无法按年比较。",
                       f"The {dep} {ys} disclosure does not state {_label(metric, True)}; the years cannot be "
                       "compared.", confidence=0.8)
    q = intent.question
    values = [Decimal(str(f.value)) for f in figs]
    listing = _listing(figs, en)
    dep = figs[0].department
    unit = metric.unit
    if intent.op in ("max", "min") or re.search(RANK_MAX + "|" + RANK_MIN, q, re.I) and re.search(
            r"哪一?年|哪个年度|\bwhich year\b", q, re.I):
        pick = max if intent.op != "min" and not re.search(RANK_MIN, q, re.I) else min
        best = pick(figs, key=lambda f: Decimal(str(f.value)))
        shown = _with_unit(_show(best.value, metric), unit, en)
        text = (f"{dep}: {best.fiscal_year} had the {'highest' if pick is max else 'lowest'} "
                f"{_label(metric, True)}, {shown}. {listing}" if en else
                f"{dep}{_label(metric, False)}{'最高' if pick is max else '最低'}的是 {best.fiscal_year} 年，"
                f"{shown}。{listing}")
        return Answer(q, text + _flag_text(figs, en), _json_value(best.value), unit, citations=_cites(figs),
                      confidence=_confidence(figs, 0.9), route="structured", intent=intent.describe())
    if intent.op == "sum" or re.search(SUM, q, re.I) and not re.search(_CHANGE, q, re.I):
        total = sum(values, Decimal(0))
        shown = _show(total, metric)
        years = "、".join(str(f.fiscal_year) for f in figs)
        text = (f"{dep} {_label(metric, True)}, {years} combined: {' + '.join(_show(f.value, metric) for f in figs)} = "
                f"{_with_unit(shown, unit, en)}." if en else
                f"{dep} {years} 年{_label(metric, False)}合计：{' + '.join(_show(f.value, metric) for f in figs)} = "
                f"{_with_unit(shown, unit, en)}。")
        return Answer(q, text + _flag_text(figs, en), float(total), unit, citations=_cites(figs),
                      confidence=_confidence(figs, 0.9), computed=[shown], route="structured",
                      intent=intent.describe())
    if (re.search(_CHANGE, q, re.I) or intent.op in ("change", "difference")) and not (
            re.search(_EACH, q, re.I) and len(set(values)) == 1):
        first, last = figs[0], figs[-1]
        diff = values[-1] - values[0]
        if re.search(CHANGE_PCT, q, re.I):
            if values[0] == 0:
                return decline(intent, "division_by_zero", f"{first.fiscal_year} 年为 0，无法计算增长率。",
                               f"The {first.fiscal_year} figure is zero; no growth rate can be computed.",
                               confidence=0.7)
            value, out_unit = _q(diff * 100 / values[0]), "%"
        else:
            value, out_unit = _q(diff) if unit == "万元" else diff, unit
        shown = fmt_number(value, out_unit) if out_unit == "%" else _show(value, metric)
        text = (f"{dep} {_label(metric, True)}: {first.fiscal_year}: {_show(first.value, metric)}, {last.fiscal_year}: "
                f"{_show(last.value, metric)}; change {_with_unit(shown, out_unit, en)}. {listing}" if en else
                f"{dep}{_label(metric, False)}：{first.fiscal_year} 年 {_show(first.value, metric)}，{last.fiscal_year} 年 "
                f"{_show(last.value, metric)}，变化 {_with_unit(shown, out_unit, en)}。{listing}")
        return Answer(q, text + _flag_text(figs, en), float(value), out_unit, citations=_cites(figs),
                      confidence=_confidence(figs, 0.9), computed=[shown], route="structured",
                      intent=intent.describe())
    # each year's figure (one value when it did not change)
    same = len(set(values)) == 1
    text = listing + ((" It is the same every year." if en else "各年相同，没有变化。") if same else "")
    return Answer(q, text + _flag_text(figs, en), _json_value(figs[0].value) if same else None, unit,
                  citations=_cites(figs), confidence=_confidence(figs, 0.9), route="structured",
                  intent=intent.describe())


def _listing(figs: list[Figure], en: bool) -> str:
    m = figs[0].metric
    parts = [f"{f.fiscal_year}: {_with_unit(_show(f.value, m), m.unit, en)}" for f in figs]
    return ("By year — " + "; ".join(parts) + ".") if en else ("逐年：" + "；".join(parts) + "。")
