"""`ask(question, history=None, home=None) -> dict` and `Conversation` (follow-up questions).

The returned object is the `gongkai ask --json` contract: question, answer, value, unit, declined,
citations [{doc, page, line, quote}], confidence, route (structured | retrieval | llm), plus
`reason` when declined and `notes` (e.g. validator flags, LLM rejections).
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from qa import grounding
from qa.changes import change_answer, stated_change
from qa.compose import Answer, decline
from qa.compute import structured
from qa.records import Library, load_library
from qa.selection import pick_records
from qa.intent import Intent
from qa.understand import understand
from qa.vocabulary import Vocabulary

# share of a text question's weighted terms a sentence must contain to be the answer (Chinese terms)
TEXT_COVERAGE_MIN = 0.3
# English questions reach Chinese text only through the few Chinese/number terms they carry
TEXT_COVERAGE_MIN_EN = 0.15
# a sentence match this good (with a cue word) needs no hybrid re-rank; keeps warm asks fast
STRONG_MATCH_COVERAGE = 0.6

_VOCAB: dict[int, tuple[Library, Vocabulary]] = {}
_VLOCK = threading.Lock()


def _vocabulary(lib: Library) -> Vocabulary:
    with _VLOCK:
        hit = _VOCAB.get(id(lib))
        if hit and hit[0] is lib:
            return hit[1]
    vocab = Vocabulary(lib.function_names, lib.row_names)
    with _VLOCK:
        _VOCAB.clear()
        _VOCAB[id(lib)] = (lib, vocab)
    return vocab


def warm(home: Path | str | None = None) -> None:
    """Load records and the vocabulary for `home` (the UI calls this at start)."""
    lib = load_library(home)
    _vocabulary(lib)


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
        from qa.compute import _order_ratio

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


class Conversation:
    """Keeps the previous question's units, year, metric and operation for follow-ups ("那X县呢？").

    A follow-up that names only units keeps the figure, the operation and the year (or the "previous
    year" sense); one that names only a figure keeps the units and the year, and — when it says
    nothing else ("公务接待费呢？", "What about reception?") — the operation too; whatever the follow-up
    states itself (a year, 上年, an operation) wins."""

    def __init__(self, home: Path | str | None = None, breaker=None):
        from extract.endpoint.budget import Breaker

        self.home = home
        self.last: Intent | None = None
        self.history: list[dict] = []
        # after an LLM timeout the rest of this conversation goes without the LLM (and says so)
        self.breaker = breaker if breaker is not None else Breaker("conversation")

    def _context(self, intent: Intent) -> Intent:
        prev = self.last
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

    def observe(self, question: str) -> Intent:
        lib = load_library(self.home)
        intent = self._context(understand(question, lib.units, _vocabulary(lib)))
        self.last = intent
        return intent

    def ask(self, question: str) -> dict:
        lib = load_library(self.home)
        intent = self._context(understand(question, lib.units, _vocabulary(lib)))
        # answering may note what it inferred (a year before a document's budget year read as "the
        # previous year"); the next follow-up continues from what was asked, not from that inference
        asked = copy.copy(intent)
        with _llm_session(self.breaker) as llm_on:
            result = answer_intent(lib, intent)
            if result.declined and llm_on is not None:
                from qa import llm_intent

                result, understood = llm_intent.resolve(lib, intent, result, answer_intent)
                if understood is not None:
                    asked = copy.copy(understood)
        if not (result.declined and result.reason in ("not_understood",)):
            self.last = asked
        out = result.to_dict()
        self.history.append(out)
        return out


def ask(question: str, history: list | None = None, home: Path | str | None = None, breaker=None) -> dict:
    """Answer one question; `history` holds earlier questions (strings or ask() dicts) for follow-ups.
    `breaker` (extract.endpoint.budget.Breaker) lets a batch of questions share one LLM circuit breaker."""
    conv = Conversation(home=home, breaker=breaker)
    for turn in history or []:
        q = turn.get("question") if isinstance(turn, dict) else str(turn)
        if q:
            conv.observe(q)
    return conv.ask(question)


# ---------------------------------------------------------------------------------------------


def answer_intent(lib: Library, intent: Intent) -> Answer:
    records, declined = pick_records(lib, intent)
    if declined:
        return declined
    if not records and intent.metrics and intent.op not in ("text",):
        # no unit named: a single document answers; several → answer for each
        if len(lib.records) == 1:
            records = list(lib.records)
        else:
            latest: dict[str, dict] = {}
            for u in lib.units.units:
                if intent.year is not None and u.fiscal_year != intent.year:
                    continue
                rec = lib.record(u.doc)
                if rec is not None and (u.department not in latest or (u.fiscal_year or 0) >
                                        _year(latest[u.department])):
                    latest[u.department] = rec
            records = list(latest.values())
            if not records and intent.year is not None:
                return decline(intent, "other_year", f"没有 {intent.year} 年的预算公开文件。",
                               f"No {intent.year} budget disclosure is ingested.")
    result: Answer | None = None
    from qa import years as over_years

    if over_years.applies(intent, records):
        return _ground(over_years.answer(intent, records), intent, records)
    if intent.previous_year and intent.metrics and records and intent.op == "lookup":
        result = _previous(lib, intent, records)
    elif intent.previous_year and intent.metrics and records and intent.op not in ("change", "text"):
        result = _previous_op(lib, intent, records)
    elif intent.op == "change" and intent.metrics and records:
        result = _change(lib, intent, records)
    elif intent.op != "text" and intent.metrics:
        result = structured(lib, intent, records)
    if result is None:
        result = _text(lib, intent, records)
    elif result.declined and result.reason == "not_specific" and intent.op == "lookup":
        # the question asks something of the figure's item that is no figure ("X项目的补贴标准/负责人"):
        # the text says it when a passage answers it; otherwise the decline naming the item stands
        text = _text(lib, intent, records)
        if not text.declined and _states_item_figure(text, intent):
            result = text
    result = _ground(result, intent, records)
    return _maybe_llm(lib, intent, result)


_CLAUSE_END = re.compile(r"[。；;！!？?]")
_ASK_WORDS = re.compile(r"是多少|多少|是什么|什么|有多|的|是|中|呢|吗|了|请问")


def _states_item_figure(ans: Answer, intent: Intent) -> bool:
    """A text answer standing in for a `not_specific` decline: a text value is fine (负责人, 执行时间);
    a number only when a cited quote names the thing asked about (the item's name, or what the
    question asks beyond the figure found: 补贴标准) in the number's own clause, before it — not a
    figure of the whole that merely lists the item ("公用经费 19.29 万元，主要包括：办公费…")."""
    value = ans.value
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return True
    items = intent.metrics[1:] or intent.metrics
    names = [t for m in items for t in (m.zh or ()) if t]
    names += [w for w in re.findall(r"[\u4e00-\u9fff]{2,}", _ASK_WORDS.sub(" ", intent.residual or "")) if len(w) >= 2]
    from qa.text import NUMBER, squeeze, to_decimal

    want = Decimal(str(value))
    for c in ans.citations:
        quote = squeeze(c.get("quote") or "")
        for m in NUMBER.finditer(quote):
            if to_decimal(m.group(0)) != want:
                continue
            starts = [x.end() for x in _CLAUSE_END.finditer(quote, 0, m.start())]
            clause = quote[(starts[-1] if starts else 0): m.start()]
            if any(n in clause for n in names):
                return True
    return False


def _year(rec: dict | None) -> int:
    try:
        return int(((rec or {}).get("fiscal_year") or {}).get("value") or 0)
    except (TypeError, ValueError):
        return 0


def _stated(lib: Library, intent: Intent, rec: dict, metric, kind: str):
    """The change vs the previous year the document states: (value, evidence, route) or None."""
    from qa.sentences import doc_text
    from qa.stated import stated_change_in_text

    value, evidence = stated_change(rec, metric, kind)
    if value is not None:
        return value, evidence, "structured"
    dt = _narrative_text(lib, rec)
    if dt is not None:
        value, sentence = stated_change_in_text(dt, list(metric.zh), kind)
        if value is not None and sentence is not None:
            return value, [dt.document.span(sentence.first, sentence.last).citation()], "retrieval"
    return None


def _previous(lib: Library, intent: Intent, records: list[dict]) -> Answer:
    from qa.changes import previous_year_answer
    from qa.records import figure

    rec, metric = records[0], intent.metrics[0]
    dep = (rec.get("department") or {}).get("value") or rec.get("doc")
    cur = figure(rec, metric)
    stated = _stated(lib, intent, rec, metric, "amount") if cur is not None else None
    if cur is None or stated is None or not isinstance(cur.value, (Decimal, int)):
        y = _year(rec)
        return decline(intent, "other_year",
                       f"{dep}的文件是 {y} 年预算，没有给出上一年度的{metric.label_zh}，也没有写明比上年的增减，无法回答。",
                       f"The {dep} disclosure is the {y} budget; it gives neither the previous year's "
                       f"{metric.label_en} nor the change from it.")
    value, evidence, route = stated
    ans = previous_year_answer(intent, rec, metric, cur, value, evidence)
    ans.route = "structured" if route == "structured" else "retrieval"
    return ans


def _previous_op(lib: Library, intent: Intent, records: list[dict]) -> Answer:
    """A sum, difference, ratio, ranking… over previous-year figures: each one derived from this
    year's figure and the change the document states (as `_previous` does for one figure), then the
    ordinary arithmetic over them. Declined when any figure it needs has no stated change."""
    from qa.compose import _show
    from qa.lexicon import BY_KEY
    from qa.records import DERIVED_FIGURES, Figure, figure

    metrics = list(intent.metrics) + ([BY_KEY[intent.per]] if intent.op == "per" and intent.per in BY_KEY else [])
    views, computed, missing = [], [], []
    for rec in records:
        derived: dict[str, Figure] = {}
        for m in metrics:
            cur = figure(rec, m)
            stated = _stated(lib, intent, rec, m, "amount") if cur is not None else None
            if cur is None or stated is None or not isinstance(cur.value, (Decimal, int)):
                missing.append((rec, m))
                continue
            change, evidence, _route = stated
            value = Decimal(cur.value) - change
            year = cur.fiscal_year - 1 if cur.fiscal_year else None
            derived[m.key] = Figure(cur.doc, cur.department, year, m, value if m.unit != "人" else int(value),
                                    cur.path, list(cur.evidence) + list(evidence)[:1], list(cur.notes), cur.flagged)
            computed += [_show(value, m), _show(abs(change), m)]
        year = _year(rec)
        computed.append(str(year - 1) if year else "")
        views.append({**rec, DERIVED_FIGURES: derived,
                      "fiscal_year": {"value": year - 1 if year else None, "evidence": []}})
    if missing:
        names = "、".join(dict.fromkeys(f"{(r.get('department') or {}).get('value') or r.get('doc')}的{m.label_zh}"
                                        for r, m in missing))
        names_en = "; ".join(dict.fromkeys(f"{(r.get('department') or {}).get('value') or r.get('doc')}: {m.label_en}"
                                           for r, m in missing))
        return decline(intent, "other_year",
                       f"文件只有本年度预算；{names}没有上一年度的数字，也没有写明比上年的增减，无法按上年计算。",
                       f"The disclosures give this year's budget; the previous year's figure is neither printed nor "
                       f"derivable from a stated change for {names_en}, so I cannot compute that for the previous year.")
    ans = structured(lib, intent, views)
    if ans is None or ans.declined:
        return ans
    ans.computed = list(ans.computed) + computed
    ans.answer += (" (Previous-year figures are not printed: each is this year's budget minus the change the document "
                   "states versus the previous year.)" if intent.english else
                   "（上年数字文件未直接列出，均由本年预算减去文件所述比上年的增减推算。）")
    ans.confidence = min(ans.confidence, 0.8)
    return ans


def _change(lib: Library, intent: Intent, records: list[dict]) -> Answer:
    from qa.sentences import doc_text
    from qa.stated import stated_change_in_text

    metric = intent.metrics[0]
    rec = records[0]
    value, evidence = stated_change(rec, metric, intent.change_kind)
    if value is not None:
        return change_answer(intent, rec, metric, value, evidence, intent.change_kind)
    dt = _narrative_text(lib, rec)
    if dt is not None:
        value, sentence = stated_change_in_text(dt, list(metric.zh), intent.change_kind)
        if value is not None and sentence is not None:
            cite = dt.document.span(sentence.first, sentence.last).citation()
            ans = change_answer(intent, rec, metric, value, [cite], intent.change_kind)
            ans.route = "retrieval"
            ans.confidence = 0.8
            return ans
    dep = (rec.get("department") or {}).get("value") or rec.get("doc")
    return decline(intent, "not_disclosed", f"{dep}的文件没有说明{metric.label_zh}比上年的变化。",
                   f"The {dep} disclosure does not state how {metric.label_en} changed from the previous year.",
                   confidence=0.7)


def _narrative_text(lib: Library, rec: dict):
    """The DocText of the file that holds a record's narrative (the text half of a split disclosure)."""
    from qa.sentences import doc_text

    files = lib.files_of(rec)
    best = max(files, key=lambda f: (f[1].get("document_part") != "tables", 0))
    return doc_text(best[0], lib.home, best[1])


def _text(lib: Library, intent: Intent, records: list[dict]) -> Answer:
    import re

    from gongkai import settings as gsettings
    from qa.pick import CUES, focus, formal_change_words, hits_by_doc, number_in, pick, residual_coverage
    from qa.projects import named_projects
    from qa.sentences import doc_text
    from qa.stated import reason_of_change

    not_found = ("文件中没有找到相关内容，无法回答。", "The documents do not say; I cannot answer that.")
    recs = records or lib.records
    docs = [doc_text(d, lib.home, own) for r in recs for d, own in lib.files_of(r)]
    docs = [d for d in docs if d is not None]
    if not docs:
        return decline(intent, "not_found", *not_found, confidence=0.5, route="retrieval")
    if intent.english and not intent.text_kind:
        return decline(intent, "not_found", *not_found, confidence=0.5, route="retrieval")
    extra = [m.label_zh for m in intent.metrics] + [t for m in intent.metrics for t in m.zh[:2]]
    try:
        k = gsettings.load().top_k
    except Exception:
        k = 5
    # the document says 上年/增加/减少 where people say 去年/多了/少了
    query = formal_change_words(intent.residual if intent.residual.strip() else intent.question)
    text_q = query if not intent.english else intent.question
    if intent.text_kind == "goal" and not intent.english:
        # "绩效目标里X目标是多少": 目标 says where to look (the cue); X, when the question names one, is
        # what the sentence must cover
        from qa.pick import CUE_WORDS, query_terms

        bare = re.sub(r"(?:年度|整体|单位|部门|项目)?绩效目标|目标值|目标|指标值|里面|里", " ", text_q)
        if len(query_terms(CUE_WORDS.sub(" ", bare), [])) >= 2:
            query = text_q = bare
    # a question naming a project is answered from that project's own sections first
    named = intent.question  # the question without its unit names (some project names repeat them)
    for alias in sorted({a for u in intent.units for a in [u.department, *u.aliases] if a}, key=len, reverse=True):
        named = named.replace(alias, " ")
    projects = named_projects(intent.question, docs, named)
    if projects and intent.text_kind not in ("reason", "duties", "structure"):
        ans = _project_text(lib, intent, projects, query, named)
        if ans is not None:
            return ans
    if not projects and intent.text_kind not in ("reason", "duties", "structure"):
        from qa.projects import asked_project, near_projects

        asked = asked_project(named, docs)
        if asked:
            # the question names a project the documents do not have: another project's sentences
            # would answer for it
            near = near_projects(asked, docs)
            return decline(intent, "not_found",
                           f"文件中没有名为“{asked}”的项目。" + (f"文件中的项目有：{'；'.join(near)}。" if near else ""),
                           f"The documents have no project called “{asked}”."
                           + (f" Their projects: {'; '.join(near)}." if near else ""),
                           confidence=0.7, route="retrieval")
    if intent.text_kind == "allocation":
        # no project named: only a sentence that states the figure asked about and its split answers
        # ("X 数为 A 万元，其中：…"); a project's split or a glossary line would not
        from qa.projects import ambiguous_projects
        from qa.stated import breakdown_sentence

        found = (breakdown_sentence(docs, extra) or None) if intent.metrics else None
        several = ambiguous_projects(intent.residual, docs) if found is None else []
        if several:
            return decline(intent, "ambiguous", "有多个项目符合："+ "；".join(several) + "。请说明是哪一个项目。",
                           "Several projects fit: " + "; ".join(several) + ". Which one do you mean?",
                           confidence=0.6, route="retrieval")
        if found is None and intent.metrics and not several:
            # no split stated for that figure: what it is used for ("卫生健康支出…主要用于…") is where it goes
            intent = replace(intent, text_kind="purpose")
        elif found is None:
            return decline(intent, "not_found", "文件没有写明这笔资金的分配情况（可以问某个具体项目的资金分配情况）。",
                           "The documents do not state how that money is split (a named project's allocation "
                           "can be asked).", confidence=0.6, route="retrieval")
        else:
            dt = next(d for d in docs if d.doc == found[0].doc)
            rec = lib.record(found[0].doc)
            dep = ((rec or {}).get("department") or {}).get("value") or ""
            text = "".join(s.text for s in found).rstrip("。；;")
            return _passage_answer(intent, dt, dep, text, found, text, 0.75)
    picked = pick(text_q, docs, intent.text_kind, extra)
    # hybrid retrieval (BM25 + dense) re-ranks when the sentence match alone is not convincing, and
    # carries English questions (the dense model is multilingual)
    weak = not picked or picked[0].coverage < STRONG_MATCH_COVERAGE or not picked[0].cue
    if intent.text_kind and weak:
        hits = hits_by_doc(intent.question, [d.doc for d in docs], lib.home, max(k, 5))
        if hits:
            picked = pick(text_q, docs, intent.text_kind, extra, hits)
    if not picked:
        return decline(intent, "not_found", *not_found, confidence=0.6, route="retrieval")
    best = picked[0]
    res_cov = residual_coverage(query, best.sentence) if not intent.english else 1.0
    digits = sum(c.isdigit() for c in best.sentence.text) / max(1, len(best.sentence.text))
    if intent.text_kind:
        threshold = TEXT_COVERAGE_MIN
        if intent.english and not any("\u4e00" <= c <= "\u9fff" for c in query):
            threshold = TEXT_COVERAGE_MIN_EN
        ok = (best.coverage >= threshold or (best.cue and best.coverage >= threshold * 0.6)) and res_cov >= 0.5
    else:
        ok = best.coverage >= 0.75 and res_cov >= 0.75 and digits < 0.25
    if not ok:
        return decline(intent, "not_found", *not_found, confidence=0.6, route="retrieval")
    dt = next(d for d in docs if d.doc == best.sentence.doc)
    dep = ""
    rec = lib.record(best.sentence.doc)
    if rec:
        dep = (rec.get("department") or {}).get("value") or ""
    conf = min(0.85, 0.4 + best.coverage * 0.5 + (0.1 if best.cue else 0.0))
    if intent.text_kind == "reason":
        # a total's change explained part by part: the reason is the one of the part that changed the
        # same way, not the first reason printed after the total
        why = reason_of_change(dt, best.sentence, formal_change_words(intent.question),
                               [[m.label_zh, *m.zh] for m in intent.metrics])
        if why is not None:
            text, sentences, value = why
            if not text:
                return decline(intent, "not_found", "文件列出了各项的增减，但没有说明该变化的原因，无法回答。",
                               "The document lists the changes item by item but gives no reason for this one.",
                               confidence=0.6, route="retrieval")
            return _passage_answer(intent, dt, dep, text, sentences, value, conf)
    sentence = focus(best.sentence, text_q, extra, CUES.get(intent.text_kind or "", ()))
    cite = dt.document.span(sentence.first, sentence.last).citation()
    value: object = best.clause if sentence is best.sentence else _clause_of(sentence.text, intent.text_kind)
    unit = None
    how_much = re.search(r"多少|几|多大|how\s+much|how\s+many", intent.question, re.I)
    if how_much and intent.text_kind in (None, "goal"):  # a target figure is a number too
        num, unit = number_in(best.sentence, query)
        if num is not None:
            value = num
        elif intent.text_kind is None:
            # a how-much question is answered by a sentence that states the figure, never by a name line
            return decline(intent, "not_found", *not_found, confidence=0.6, route="retrieval")
    if intent.english:
        text = f"According to the {dep} disclosure (line {cite.get('line')}): {sentence.text}"
    else:
        text = f"根据{dep}的预算公开：{sentence.text}"
    return Answer(intent.question, text, value, unit, citations=[cite], confidence=conf, route="retrieval",
                  intent=intent.describe())


def _clause_of(text: str, kind: str | None) -> str:
    import re

    from qa.pick import CUES, _clause

    return _clause(text, [re.compile(c) for c in CUES.get(kind or "", ())])


def _passage_answer(intent: Intent, dt, dep: str, text: str, sentences: list, value, conf: float) -> Answer:
    cites = []
    for s in sentences:
        c = dt.document.span(s.first, s.last).citation()
        if c not in cites:
            cites.append(c)
    lines = ", ".join(str(c.get("line")) for c in cites)
    if intent.english:
        out = f"According to the {dep} disclosure (line{'s' if len(cites) > 1 else ''} {lines}): {text}"
    else:
        out = f"根据{dep}的预算公开：{text}"
    return Answer(intent.question, out, value, None, citations=cites, confidence=conf, route="retrieval",
                  intent=intent.describe())


def p_sentence(dt, project):
    return dt.sentences[project.start]


def _project_amount(lib: Library, intent: Intent, projects: list, named: str) -> Answer | None:
    """How much a named project has: the amount its own section states (预算安排规模：26.40 万元), or a
    decline when another place prints a different amount under the name the question uses. None when
    its section states no amount."""
    from qa.projects import amounts_named, project_amount, project_fit

    found = [(d, p, *a) for d, p in projects if (a := project_amount(d, p)) is not None]
    if not found:
        return None

    def cite(d, s):
        return d.document.span(s.first, s.last).citation()

    d, p, s, amount, unit = found[0]
    fit = project_fit(named, p.core)
    said = (fit[2] if fit else "") or p.core
    # only a question about the project's own amount ("X项目预算安排规模多少"), not about a figure
    # inside it ("X每人每年的筹资标准是多少")
    from qa.pick import CUE_WORDS, STOP

    rest = CUE_WORDS.sub(" ", named.replace(said, " "))
    rest = re.sub(r"项目|预算安排规模|安排规模|规模|预算|安排|金额|总额|一共|总共|共|有|年度|本年|今年|多大|几", " ", rest)
    if len([c for c in rest if "\u4e00" <= c <= "\u9fff" and c not in STOP]) >= 2:
        return None
    others = [(od, os_, a) for od, os_, a in amounts_named(said, [d]) if a != amount]
    others += [(od, os_, a) for od, _, os_, a, _ in found[1:] if a != amount]
    if others:
        listed = [f"{p.name}：{s.text}（第{cite(d, s).get('line')}行）"]
        listed += [f"{os_.text}（第{cite(od, os_).get('line')}行）" for od, os_, _ in others]
        out = decline(intent, "ambiguous", f"“{said}”在文件中对应不同的金额：" + "；".join(listed) + "。请说明是哪一项。",
                      f"“{said}” matches different amounts in the document: " + "; ".join(listed)
                      + ". Which one do you mean?", confidence=0.6, route="retrieval")
        out.citations = [cite(d, s)] + [cite(od, os_) for od, os_, _ in others]
        return out
    rec = lib.record(d.doc)
    dep = ((rec or {}).get("department") or {}).get("value") or ""
    sents = [s] if not re.search(r"\d", p.name) else [p_sentence(d, p), s]
    ans = _passage_answer(intent, d, dep, f"{p.name}：{s.text}", sents, float(amount), 0.8)
    ans.unit = unit
    return ans


def _project_text(lib: Library, intent: Intent, projects: list, query: str, named: str = "") -> Answer | None:
    """A text question about a named project, from that project's own sections (its description —
    设立的政策依据, 资金分配情况… — and its performance-target table's 项目总体目标): the labelled field the
    question asks for, or the sentence of those sections that covers what it asks. None when they do
    not say (the whole documents are searched then), a decline for an allocation they do not state."""
    import re

    from qa.pick import pick
    from qa.projects import project_passages, section_text, without_name

    how_much = re.search(r"多少|几|多大|how\s+much|how\s+many", intent.question, re.I) and not intent.text_kind
    if how_much:
        ans = _project_amount(lib, intent, projects, named or intent.question)
        if ans is not None:
            return ans
    dt0 = projects[0][0]
    rec = lib.record(dt0.doc)
    dep = ((rec or {}).get("department") or {}).get("value") or ""
    name = projects[0][1].name
    got = project_passages(intent.text_kind or "", projects)
    if got:
        if len({g[0].doc for g in got}) > 1:
            got = [g for g in got if g[0].doc == dt0.doc]
        # each project's name, then what its sections say (two projects may share a name: both shown)
        names = list(dict.fromkeys(p.name for _, _, _, p in got))
        cite_sents, parts = [], []
        for n in names:
            mine = [g for g in got if g[3].name == n]
            if re.search(r"\d", n):  # the name's own numbers are quoted: its 项目名称 line is cited
                p = mine[0][3]
                cite_sents.append(p_sentence(mine[0][0], p))
            pieces = [re.sub(r"^(项目总体目标)(?![:：])", r"\1：", s.text) for _, s, _, _ in mine]
            parts.append(f"{n}：" + " ".join(pieces))
            cite_sents += [s for _, s, _, _ in mine]
        value = "；".join(c for _, _, c, _ in got)
        return _passage_answer(intent, dt0, dep, "；".join(parts), cite_sents, value, 0.8)
    # any other question about the project ("补贴范围是什么"): what it asks, minus the project's name,
    # looked up in the project's sections
    from qa.pick import CUE_WORDS

    ask = CUE_WORDS.sub(" ", query) if not intent.text_kind else query
    for _, p in projects:
        ask = without_name(ask, p.core)
    ask = re.sub(r"项目|本项目|该项目", " ", ask)  # the project itself was named
    sections = {}
    for d, p in projects:
        sections.setdefault(d.doc, (d, []))[1].append(p)
    docs = [section_text(d, ps) for d, ps in sections.values()]
    if intent.english:
        ask = intent.question
    picked = pick(ask, docs, intent.text_kind, [])
    if picked and picked[0].coverage >= (0.5 if intent.text_kind else 0.75):
        best = picked[0]
        dt = next(d for d, _ in sections.values() if d.doc == best.sentence.doc)
        ans = _passage_answer(intent, dt, dep, best.sentence.text, [best.sentence], best.clause,
                              min(0.85, 0.4 + best.coverage * 0.5))
        if how_much:
            from qa.pick import number_in

            num, unit = number_in(best.sentence, ask)
            if num is None:
                return None  # a how-much question is not answered by a sentence without its figure
            ans.value, ans.unit = num, unit
        return ans
    if intent.text_kind == "allocation":
        return decline(intent, "not_disclosed", f"文件没有写明{name}的资金分配情况。",
                       f"The document does not state how the {name} funds are allocated.",
                       confidence=0.7, route="retrieval")
    return None


def _ground(ans: Answer, intent: Intent, records: list[dict]) -> Answer:
    if ans.declined:
        return ans
    quotes = [c.get("quote") or "" for c in ans.citations]
    allowed = [intent.question] + [str(_year(r)) for r in records] + [str(c.get("line")) for c in ans.citations]
    allowed += [str(((r.get("department") or {}).get("value") or "")) for r in records]
    computed = list(ans.computed) + list(ans.notes)
    computed += [c for c in _flag_numbers(ans.answer)]
    g = grounding.check(ans.answer, quotes, computed, allowed)
    if g.ok:
        return ans
    # unit conversions (元 → 万元) are computation too
    scaled = []
    for q in quotes:
        for n in grounding.numbers(q):
            try:
                d = Decimal(n)
            except Exception:
                continue
            scaled += [f"{(d / 10000):.2f}", f"{(d * 10000):.2f}"]
    g = grounding.check(ans.answer, quotes, computed + scaled, allowed)
    if g.ok:
        return ans
    out = decline(intent, "ungrounded", "答案中的数字在引用原文中找不到（" + "、".join(g.unsupported) + "），不予回答。",
                  "A number in the answer is not in the cited passages (" + ", ".join(g.unsupported)
                  + "); not answering.", confidence=0.3, route=ans.route)
    out.citations = ans.citations
    return out


def _flag_numbers(answer: str) -> list[str]:
    """Numbers inside the validator note of an answer (computed by the validator, not quoted)."""
    import re

    out = []
    for m in re.finditer(r"(?:注意：文件自身数据存在不一致（|Note: the document's own figures disagree here \()(.*?)[）)]\W*$",
                         answer):
        out.append(m.group(1))
    return out


def _llm_session(breaker):
    """The question's LLM deadline and the conversation's breaker (a no-op when no LLM is set)."""
    import contextlib

    from gongkai import settings as gsettings

    try:
        cfg = gsettings.load()
    except Exception:  # noqa: BLE001 - unreadable settings: no LLM
        return contextlib.nullcontext()
    if not cfg.llm_enabled:
        return contextlib.nullcontext()
    from extract.endpoint.budget import session

    return session(breaker, cfg.llm_timeout_s)


def _maybe_llm(lib: Library, intent: Intent, ans: Answer) -> Answer:
    """The answer rephrased by the optional LLM, when its text passes the exact number check (qa.llm)."""
    if ans.declined:
        return ans
    from qa import llm

    years = [y for y in (_year(lib.record(c.get("doc"))) for c in ans.citations) if y]
    return llm.phrase(intent, ans, years, _flag_numbers(ans.answer))


def to_json(obj: Any) -> Any:
    return obj
