"""Text route: reasons, purposes, policy basis… answered with the supporting sentences, cited.

Candidates come from the sentences of the documents of the units asked about (`qa.sentences`),
scored by `qa.pick` and, when the match is weak, re-ranked with hybrid retrieval
(`ingest.search.search`, BM25 + dense). A question naming a project is answered from that project's
own sections first (`qa.projects`); a total's change explained part by part gives the reason of the
part that moved (`qa.stated`). The answer is the sentence (or the clause after the cue) and its
citation is the lines it spans, quoted as printed.

The text modules are imported inside the functions: a structured question's cold start never loads them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.compose import Answer, decline
from qa.intent import Intent
from qa.records import Library

# share of a text question's weighted terms a sentence must contain to be the answer (Chinese terms)
TEXT_COVERAGE_MIN = 0.3
# English questions reach Chinese text only through the few Chinese/number terms they carry
TEXT_COVERAGE_MIN_EN = 0.15
# a sentence match this good (with a cue word) needs no hybrid re-rank; keeps warm asks fast
STRONG_MATCH_COVERAGE = 0.6


def _text(lib: Library, intent: Intent, records: list[dict]) -> Answer:
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
    if projects and intent.text_kind not in ("reason", "duties", "structure", "members"):
        ans = _project_text(lib, intent, projects, query, named)
        if ans is not None:
            return ans
    if not projects and intent.text_kind not in ("reason", "duties", "structure", "members"):
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
