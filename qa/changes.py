"""Change vs the previous year, as the document states it, and the previous year's budget derived
from it (this year's figure − the stated change; the answer says it was derived)."""

from __future__ import annotations

from decimal import Decimal

from extract.store import leaf
from qa.compose import Answer, _cites, _label, _show, _with_unit, _year, decline
from qa.intent import Intent
from qa.lexicon import Metric
from qa.records import Figure
from qa.text import fmt_number, to_decimal

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
