"""Answers from figures read by meaning (`qa.meaning`, `qa.relations`): a how-much question naming
no known figure, words beyond a figure that describe it or a relative, a listed item of a sum no name
covers. Each says what it understood and stays below the confidence of a figure named exactly."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from qa import meaning
from qa.compose import Answer, decline
from qa.intent import Intent
from qa.lexicon import Metric
from qa.records import Library
from qa.relations import relatives

MEANING_CONFIDENCE = 0.6  # a figure read by meaning, not named: below the exactly-named band

_ASKS_AMOUNT = re.compile(r"多少|几|金额|数额|规模|how\s+(?:much|many|big|large)|what\s+(?:is|was|are|were)\b.*\b(?:amount|"
                          r"cost|budget|figure|spend|spent)|\bamount\b", re.I)
_HOW_MUCH = re.compile(r"多少|how\s+(?:much|many)", re.I)
ASKS_QUANTITY = re.compile(r"多少|几|how\s+(?:much|many)|\bnumber\s+of\b|\bamount\b", re.I)


def listed_item(lib: Library, intent: Intent) -> Answer | None:
    """A listed sum one of whose items no figure's name covers ("trips abroad, official cars and hosting
    guests"): the item read by meaning joins the sum (said, below the exact band); otherwise declined —
    a sum of the items found alone would be a wrong total."""
    item = intent.missing_operand or ""
    reading = meaning.read(item, intent.english, lib.home, intent.question)
    if reading is None or reading.metric.key in {m.key for m in intent.metrics}:
        return decline(intent, "missing_operand",
                       f"问题列出的“{item}”在文件中找不到对应的数字，无法计算合计。",
                       f"I could not find a figure for \"{item}\" in the documents, so I cannot give the total.",
                       confidence=0.7)
    intent.metrics = [*intent.metrics, reading.metric]
    intent.missing_operand, intent.specific = None, []
    intent.read_as = reading.words
    return None


def by_meaning(lib: Library, intent: Intent, declined: Answer, answer_intent: Callable[[Library, Intent], Answer],
               within: Metric | None = None) -> Answer:
    """A how-much question naming no known figure: the figure its words mean (`qa.meaning`), answered
    as if named — said in the answer, and below the confidence of a figure named exactly. `within`: a
    figure the question did name, with words beyond it — only it or a relative of it is taken."""
    # one figure looked up: an operation over a figure read by meaning (平均工资 read as 人员经费, then
    # averaged) compounds the guess
    if intent.op not in ("lookup", "text") or not _ASKS_AMOUNT.search(intent.question) or (
            intent.text_kind and not _HOW_MUCH.search(intent.question)):  # "用于X的开支安排了多少" asks how much
        return declined
    # beyond a figure named, the words beyond it must themselves mean it (or a relative): a name of
    # something else (东郊国宾馆收入) is no description of the figure
    words = intent.residual if within is None else " ".join(intent.specific)
    if not words.strip():
        return declined
    reading = meaning.read(words, intent.english, lib.home, intent.question, named=within)
    if reading is None or (within is not None and not within.funds_source and reading.metric.key not in
                           {within.key, *(r.key for r in relatives(within))}):
        # (a figure that names a source of funds may only qualify the figure the other words describe:
        # "维持机关日常运转的财政拨款经费" is the 机关运行经费 paid from appropriations)
        return declined
    if within is not None and reading.metric.key != within.key and \
            meaning.coverage(meaning.content(words, intent.english), within, intent.english) >= reading.coverage:
        reading = replace(reading, metric=within)  # the words describe the figure named as well as its relative
    # a figure whose own meaning is about the year before (上年结转: "去年没花完的钱") is this year's figure
    about_before = any(w in f"{reading.metric.label_zh}{reading.metric.description}" for w in ("上年", "以前年度"))
    understood = replace(intent, metrics=[reading.metric], op="lookup" if intent.op == "text" else intent.op,
                           specific=[], previous_year=intent.previous_year and not about_before)
    ans = answer_intent(lib, understood)
    if ans.declined:
        # the figure understood is not in the document: say that (it names what was understood)
        return ans if ans.reason == "not_disclosed" else declined
    m = reading.metric
    if intent.english:
        ans.answer = f"(Read \"{reading.words}\" as {m.label_en}.) " + ans.answer
    else:
        ans.answer = f"（按“{reading.words}”理解为{m.label_zh}）" + ans.answer
    ans.confidence = min(ans.confidence, MEANING_CONFIDENCE)
    ans.notes = [*ans.notes, f"figure read by meaning: {m.key} (coverage {reading.coverage:.2f}, "
                             f"similarity {reading.similarity:.3f})"]
    if ans.intent is not None:
        ans.intent = {**ans.intent, "matched_by": "meaning"}
    return ans




def said_read_as(ans: Answer, intent: Intent) -> None:
    """A figure read by meaning (`qa.relations.refine`, a listed item): the answer says which, below the
    exact band."""
    m = intent.metrics[-1] if intent.op == "sum" else intent.metrics[0]
    if intent.english:
        ans.answer = f"(Read \"{intent.read_as}\" as {m.label_en}.) " + ans.answer
    else:
        ans.answer = f"（按“{intent.read_as}”理解为{m.label_zh}）" + ans.answer
    ans.confidence = min(ans.confidence, MEANING_CONFIDENCE)
