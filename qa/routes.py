"""Routing a question once understood: the records it is about, then the structured route (figures,
Decimal arithmetic), the previous year (derived from the stated change), the stated change, several
years of one body (`qa.years`) or the text route (`qa.textroute`); every answer's numbers are checked
against its citations (`qa.grounding`) and the optional LLM may rephrase it (`qa.llm`).
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal

from qa import grounding, readings
from qa import years as over_years
from qa.changes import change_answer, previous_year_answer, stated_change
from qa.compose import Answer, _show, decline
from qa.compute import structured
from qa.intent import Intent
from qa.lexicon import BY_KEY
from qa.records import DERIVED_FIGURES, Figure, Library, figure
from qa.selection import pick_records, twins
from qa.text import NUMBER, squeeze, to_decimal
from qa.textroute import _text

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
    if over_years.applies(intent, records):
        return _ground(over_years.answer(intent, records), intent, records)
    if intent.previous_year and intent.metrics and records and intent.op == "lookup":
        result = _previous(lib, intent, records)
    elif intent.previous_year and intent.metrics and records and intent.op not in ("change", "text"):
        result = _previous_op(lib, intent, records)
    elif intent.op == "change" and intent.metrics and records:
        result = _change(lib, intent, records)
    elif intent.op != "text" and intent.metrics:
        if intent.op == "sum" and intent.missing_operand and len(intent.metrics) >= 2:
            listed = readings.listed_item(lib, intent)
            if listed is not None:
                return listed
        result = structured(lib, intent, records)
        if result is not None and not result.declined:
            result = _disagreement(lib, intent, records, result)
    if result is None:
        result = _text(lib, intent, records)
        if intent.text_kind == "scope" and not result.declined:
            result = _scope_named(intent, result)
        if result.declined and result.reason == "not_found" and not intent.metrics:
            result = readings.by_meaning(lib, intent, result, answer_intent)
    elif result.declined and result.reason == "not_specific" and intent.op == "lookup":
        # the question asks something of the figure's item that is no figure ("X项目的补贴标准/负责人"):
        # the text says it when a passage answers it; otherwise the decline naming the item stands
        text = _text(lib, intent, records)
        if not text.declined and _states_item_figure(text, intent):
            result = text
        elif len(intent.metrics) == 1:
            # …or the words beyond the figure only describe it, or one of its relatives, by meaning
            result = readings.by_meaning(lib, intent, result, answer_intent, within=intent.metrics[0])
    result = _ground(result, intent, records)
    if intent.read_as and not result.declined:
        readings.said_read_as(result, intent)
    if not result.declined and result.route == "retrieval" and readings.ASKS_QUANTITY.search(intent.question) and \
            not isinstance(result.value, (int, float, Decimal)):
        # a how-much question answered with a passage that gives no number: what it says, not the number
        result.confidence = min(result.confidence, readings.MEANING_CONFIDENCE)
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


def _disagreement(lib: Library, intent: Intent, records: list[dict], result: Answer) -> Answer:
    """Two documents of the same body, year and kind (`qa.selection._by_year`): the answer stands when
    each gives the same figure; when they differ no figure is chosen — both are said, each cited."""
    from pathlib import Path

    if not any(twins(r) for r in records):
        return result
    result = _ground(result, intent, records)
    if result.declined:
        return result
    others: list[tuple[dict, Answer]] = []
    for i, rec in enumerate(records):
        for twin in twins(rec):
            recs = records[:i] + [twin] + records[i + 1:]
            alt = structured(lib, intent, recs)
            alt = _ground(alt, intent, recs) if alt is not None else None
            if alt is not None and not alt.declined and alt.value != result.value:
                others.append((twin, alt))
    if not others:
        return result
    first = next(r for r in records if twins(r))

    def name(rec: dict) -> str:
        return Path(str(rec.get("path") or rec.get("doc") or "")).name

    parts = [(first, result)] + others
    if intent.english:
        text = ("The ingested documents of the same body and year disagree, so I give no single figure: "
                + "; ".join(f"{name(r)}: {a.answer.rstrip('.')}" for r, a in parts)
                + ". Check which document is the final version.")
    else:
        text = ("同一单位同一年度的几份文件数字不一致，无法给出唯一的数：" + "；".join(f"《{name(r)}》：{a.answer.rstrip('。')}" for r, a in parts)
                + "。请核对哪一份是正式版本。")
    cites = [c for _, a in parts for c in a.citations]
    return Answer(question=intent.question, answer=text, declined=True, reason="documents_disagree",
                  citations=cites, confidence=0.9, route=result.route, intent=intent.describe(),
                  computed=[c for _, a in parts for c in a.computed])


_SCOPE_WORDS = re.compile(r"部门预算|单位预算|部门决算|预算公开|预算|决算|包含|包括|含有|涵盖|纳入|是否|吗|么|没有|与否|的|了|是")


def _scope_named(intent: Intent, ans: Answer) -> Answer:
    """"Does the budget include X?": a passage answers only when it names X (a list of what is included
    that does not name X says nothing about X); in English, where X cannot be read off a Chinese quote,
    the passage is shown below the sure band."""
    if intent.english:
        ans.confidence = min(ans.confidence, readings.MEANING_CONFIDENCE)
        return ans
    names = re.findall(r"[\u4e00-\u9fff]{2,}", _SCOPE_WORDS.sub(" ", intent.residual))
    quotes = "".join(squeeze(c.get("quote") or "") for c in ans.citations)
    if names and all(n not in quotes for n in names):
        return decline(intent, "not_found", f"文件中没有提到“{'、'.join(names)}”，无法回答。",
                       f"The documents do not mention {', '.join(names)}; I cannot answer that.",
                       confidence=0.6, route="retrieval")
    return ans


def _year(rec: dict | None) -> int:
    try:
        return int(((rec or {}).get("fiscal_year") or {}).get("value") or 0)
    except (TypeError, ValueError):
        return 0


def _stated(lib: Library, intent: Intent, rec: dict, metric, kind: str):
    """The change vs the previous year the document states: (value, evidence, route) or None."""
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
    out = []
    for m in re.finditer(r"(?:注意：文件自身数据存在不一致（|Note: the document's own figures disagree here \()(.*?)[）)]\W*$",
                         answer):
        out.append(m.group(1))
    return out


def _llm_session(breaker):
    """The question's LLM deadline and the conversation's breaker (a no-op when no LLM is set)."""
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
