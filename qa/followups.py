"""Follow-up questions: what a question keeps from the one before it (`Conversation`).

A follow-up that names only units keeps the figure, the operation and the year (or the "previous
year" sense); one that names only a figure keeps the units and the year, and — when it says
nothing else ("公务接待费呢？", "What about reception?") — the operation too; whatever the follow-up
states itself (a year, 上年, an operation) wins.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.compute import _order_ratio
from qa.intent import Intent

# what may surround the named unit/figure in a follow-up that asks "the same, about this" ("公务接待费呢？",
# "那克州的呢？", "What about reception?", "And Jiashi's?"): nothing that names an operation or a year
_FOLLOW_UP_FILLER = re.compile(
    r"^(?:\s|[?？,，.。!！、:：;；'\"]|那么|那末|那|还有|另外|以及|再|和|跟|与|及|呢|吗|啊|呀|嘛|的|"
    r"\b(?:and|or|what|whats|about|how|also|then|so|now|same|again|the|for|of|in|on|at|its|it|s|"
    r"costs?|fees?|expenses?|expenditures?|spending|budget)\b)*$", re.I)
# words that mark a question as a follow-up ("…呢？", "那…", "And …?", "What about …?")
_FOLLOW_UP_MARK = re.compile(r"呢|^\s*(?:那|还有|另外)|^\s*(?:and|also|then)\b|\b(?:what|how)\s+about\b", re.I)
# operations whose question has one figure: a new figure is asked the same way
_ONE_FIGURE_OPS = ("change", "per", "sum", "difference", "ratio", "multiple", "max", "min", "rank", "average")


def _bare(intent: Intent) -> bool:
    """Only units/figures and follow-up words: no operation, year or question word of its own."""
    return (intent.op == "lookup" and intent.text_kind is None and intent.per is None and intent.year is None
            and not intent.previous_year and not intent.next_year and bool(_FOLLOW_UP_FILLER.match(intent.residual)))


def _carried_op(prev: Intent, intent: Intent, n_units: int) -> dict | None:
    """The previous question's operation applied to the figure(s) a bare follow-up names, as Intent
    fields, for `n_units` units; None when it does not carry over (a lookup, or an operation whose
    shape does not fit)."""
    new = list(intent.metrics)
    op = prev.op
    if op == "change" and len(new) == 1:
        return {"op": op, "change_kind": prev.change_kind, "metrics": new}
    if op == "per" and prev.per and len(new) == 1 and new[0].kind == "amount" and new[0].key != prev.per:
        return {"op": op, "per": prev.per, "metrics": new}
    if op in _ONE_FIGURE_OPS and len(prev.metrics) == 1 and len(new) == 1 and n_units >= 2:
        # the same comparison across the same units ("轮台和伽师三公经费合计" → "公务接待费呢？")
        return {"op": op, "metrics": new}
    if op in ("ratio", "multiple") and len(new) == 1 and n_units <= 1:
        if len(prev.metrics) == 1:
            return {"op": op, "metrics": new}  # "X占比" → "Y呢": Y's share of its own whole
        whole = _order_ratio(prev, list(prev.metrics))[1]  # "A占B的比例" → "C呢": C's share of B
        if whole.key != new[0].key and whole.unit == new[0].unit:
            return {"op": op, "metrics": [new[0], whole]}
        return None
    if op in ("sum", "difference") and n_units <= 1 and len(prev.metrics) >= 2 and len(new) >= 2 and (
            op == "sum" or len(new) == 2):
        return {"op": op, "metrics": new}
    if op == "text" and prev.text_kind and n_units <= 1:
        # "轮台三公经费为什么减少？" → "机关运行经费呢？": the same question about the other figure
        return {"op": op, "text_kind": prev.text_kind, "metrics": new, "residual": prev.residual}
    return None


def _year_sense(prev: Intent, intent: Intent) -> dict:
    """The year a follow-up asks about: its own (a year, 上年/last year, 明年) when it says one, else the
    previous question's — "那伽师呢？" after "轮台2023年…" or "轮台上年…" asks about the same year."""
    if intent.year is not None or intent.previous_year or intent.next_year:
        return {"year": intent.year, "previous_year": intent.previous_year, "next_year": intent.next_year}
    return {"year": prev.year, "previous_year": prev.previous_year, "next_year": prev.next_year}


def follow_up(prev: Intent | None, intent: Intent) -> Intent:
    """`intent` read as a follow-up of `prev` (the previous question's intent, None for the first)."""
    if prev is None:
        return intent
    names_unit = bool(intent.units or intent.unknown_units or intent.has_unit_mention)
    if not intent.metrics and intent.text_kind is None and (names_unit or intent.year or intent.previous_year
                                                            or intent.next_year):
        same_units = not names_unit
        op = prev.op if prev.op in ("lookup", "change", "ratio", "text", "per") else "lookup"
        if same_units and prev.all_units:
            op = prev.op
        if intent.op in ("sum", "difference", "max", "min", "rank", "average") and (
                len(intent.units) >= 2 or intent.all_units):
            op = intent.op
        change_kind = prev.change_kind
        if intent.op == "change":
            op, change_kind = "change", intent.change_kind  # "那伽师比上年呢？": asked as a change
        elif intent.previous_year and op == "change":
            op = "lookup"  # "那伽师上年呢？" after a change: the previous year's figure
        years = _year_sense(prev, intent)
        if op != "lookup":  # only a lookup reads "the previous year" (derived from the stated change)
            years["previous_year"] = False
        intent = replace(intent, metrics=list(prev.metrics), op=op, change_kind=change_kind,
                         text_kind=prev.text_kind if op == "text" else None,
                         residual=prev.residual if op == "text" else intent.residual, per=prev.per,
                         units=list(prev.units) if same_units else intent.units, **years)
        # only a year changed ("那2023年呢？"): the same units, or all of them again
        intent.all_units = same_units and prev.all_units and op in ("max", "min", "rank", "average", "sum")
    elif not intent.metrics and not intent.units and not intent.unknown_units and intent.text_kind is None \
            and intent.op in ("max", "min", "rank", "average") and prev.metrics:
        # "最低的呢？" after "哪家…最高？": the same metric, another ordering
        intent = replace(intent, metrics=list(prev.metrics), year=intent.year or prev.year)
        intent.all_units = True
    elif intent.metrics and not intent.units and not intent.unknown_units and not intent.all_units \
            and prev.all_units and prev.op in ("max", "min", "rank", "average", "sum") and intent.op == "lookup":
        # "What about personnel expenses?" after "Which bureau … highest?": the same comparison
        intent = replace(intent, op=prev.op, year=intent.year or prev.year)
        intent.all_units = True
    elif intent.metrics and not intent.units and not intent.unknown_units and not intent.all_units \
            and prev.units and intent.op not in ("max", "min", "rank", "average"):
        metrics = list(intent.metrics)
        if intent.op == "ratio" and len(metrics) == 1 and prev.metrics and prev.metrics[0].key != metrics[0].key \
                and prev.metrics[0].unit == metrics[0].unit:
            metrics = [prev.metrics[0], metrics[0]]  # "占三公经费的比例呢？": the previous figure's share
        carried = _carried_op(prev, intent, len(prev.units)) if _bare(intent) else None
        intent = replace(intent, units=list(prev.units), **{"metrics": metrics, **_year_sense(prev, intent),
                                                            **(carried or {})})
        if intent.op != "lookup":
            intent.previous_year = False
    elif intent.metrics and intent.units and not intent.unknown_units and prev.metrics and _bare(intent) \
            and _FOLLOW_UP_MARK.search(intent.question):
        # "那克州的公务接待费呢？" / "And Jiashi's reception?": the same question about another unit's figure
        carried = _carried_op(prev, intent, len(intent.units))
        intent = replace(intent, **_year_sense(prev, intent), **(carried or {}))
        if intent.op != "lookup":
            intent.previous_year = False
    elif not intent.metrics and not intent.units and intent.text_kind and prev.units:
        intent = replace(intent, units=list(prev.units), metrics=list(prev.metrics))
    return intent
