"""Projects in the text: the description section (项目名称/设立的政策依据/资金分配情况…) and the
performance-target table (项目名称 … 项目总体目标) of each project, which project a question names (its
distinctive words decide, not the template words every name is built from), what its sections say
for a text question, and the amount its section states."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from qa.pick import FOCUS_MAX, _bigrams
from qa.sentences import _FIELD_LABEL, _FIELD_START, DocText, Sentence, sub_sentence
from qa.text import CJK, squeeze

_PROJECT_NAME = re.compile(r"项目名称[:：]?(.{2,120}?)(?=设立的政策依据|政策依据|项目负责人|项目资金|预算安排规模|$)")
_SECTION_END = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_TABLE_ROWS = re.compile(r"^一级(?:指标)?")
SECTION_MAX = 14  # sentences a project section can hold (description fields, or a table's head + goal)


@dataclass
class Project:
    doc: str
    name: str
    core: str  # the name without a leading year, a "XX局:" prefix or a trailing 项目
    start: int  # sentence index of the 项目名称 sentence
    end: int  # exclusive


def _core_name(name: str) -> str:
    core = re.sub(r"^\d{4}年(?:度)?", "", name)
    core = re.sub(r"^[^:：]{1,8}[:：]", "", core)
    core = re.sub(r"项目$", "", core)
    return core.strip("-")


def projects_of(dt: DocText) -> list[Project]:
    cached = getattr(dt, "_projects", None)
    if cached is not None:
        return cached
    out: list[Project] = []
    sents = dt.sentences
    starts = []
    for i, s in enumerate(sents):
        m = _PROJECT_NAME.search(s.text)
        if m and len(m.group(1)) >= 2:
            starts.append((i, m.group(1).rstrip(",，。;；:：")))
    for n, (i, name) in enumerate(starts):
        nxt = starts[n + 1][0] if n + 1 < len(starts) else len(sents)
        end = min(nxt, i + SECTION_MAX)
        for j in range(i + 1, end):
            if _SECTION_END.match(sents[j].text):
                end = j
                break
        core = _core_name(name)
        if len(_bigrams(core)) >= 2:
            out.append(Project(dt.doc, name, core, i, end))
    dt._projects = out  # type: ignore[attr-defined]
    return out


def name_match(core: str, question: str) -> float:
    """Share of a name's character bigrams found in the question."""
    grams = set(_bigrams(core))
    if not grams:
        return 0.0
    q = squeeze(question)
    return sum(1 for g in grams if g in q) / len(grams)


PROJECT_MATCH_MIN = 0.8


PROJECT_PART_MIN = 5  # CJK characters of a project's name a question must quote to name it by a part


def _common_run(a: str, b: str) -> int:
    """Length of the longest run of CJK characters `a` and `b` share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            piece = a[i:j]
            if not CJK.match(piece[-1]) or piece not in b:
                break
            best = j - i
    return best


# the words every project name is built from (a funding level, 补助资金, 经费, 项目…): they say nothing
# about which project is meant, so they neither make a match nor count against one
_NAME_TEMPLATE = re.compile(r"\d{4}\s*年度?|(?:自治区|中央|省级?|市级?|县级?|州级?|本级)?财政|自治区|中央|"
                            r"补助资金|专项资金|专项经费|工作经费|经费|资金|项目|专项|预算")
# what a question asks about a project (not part of its name): the name is the words between these
_ASK_SPLIT = re.compile(r"资金分配情况|分配情况|分配|设立的政策依据|政策依据|立项依据|依据|总体目标|绩效目标|目标|"
                        r"为什么|为何|什么|怎么|如何|多少|是|的|用来|用于|用途|哪些|请问|介绍|说明|具体|情况|"
                        r"钱|花|呢|吗|了|那个|这个|那笔|这笔|那项|这项|该|[^\u4e00-\u9fff]+")
PROJECT_QUESTION_MIN = 0.8  # share of the question's own name words a project's name must hold
PROJECT_DISTINCT_MIN = 5  # distinctive characters in a row a question must quote to name a project by a part


def _distinct(text: str) -> str:
    """A name with its template words (and anything not CJK) turned into breaks."""
    return re.sub(r"[^\u4e00-\u9fff]+", "|", _NAME_TEMPLATE.sub("|", _PUNCT.sub("", squeeze(text))))


def _named_part(seg: str, raw: set[str]) -> str:
    """The part of a question's words that names a project: from the first to the last character of
    `seg` the name's bigrams `raw` cover (what the question adds before or after — "每人每年的筹资标准",
    "预算安排规模" — asks about the project; words inside the span are part of the name)."""
    covered = [False] * len(seg)
    for i in range(len(seg) - 1):
        if seg[i:i + 2] in raw:
            covered[i] = covered[i + 1] = True
    if not any(covered):
        return ""
    lo = covered.index(True)
    hi = len(covered) - covered[::-1].index(True)
    return seg[lo:hi]


def project_fit(question: str, core: str) -> tuple[str, int, str] | None:
    """How a question names project `core`: ("full", n, words) when the distinctive words of the name
    are (nearly) all in the question, ("part", n, words) when it quotes a distinctive run of n characters
    of it; None when it does not name it — its distinctive words are not there, or the question's own
    name for the project has words the name lacks ("医保业务培训经费" is not "医保业务经费")."""
    cd = _distinct(core)
    cgrams = set(_bigrams(cd))
    if not cgrams:
        return None
    raw = set(_bigrams(_PUNCT.sub("", squeeze(core))))
    best = None
    for seg in _ASK_SPLIT.split(squeeze(question)):
        seg = _named_part(seg, raw)
        sd = _distinct(seg)
        sgrams = set(_bigrams(sd))
        if not sgrams or not (sgrams & cgrams):
            continue
        if sum(1 for g in sgrams if g in raw) / len(sgrams) < PROJECT_QUESTION_MIN:
            continue
        cover = sum(1 for g in cgrams if g in sgrams) / len(cgrams)
        run = max(_common_run(a, cd) for a in sd.split("|") if a) if sd.strip("|") else 0
        got = ("full", run, seg) if cover >= PROJECT_MATCH_MIN else ("part", run, seg) \
            if run >= PROJECT_DISTINCT_MIN else None
        if got and (best is None or (got[0] == "full", got[1]) > (best[0] == "full", best[1])):
            best = got
    return best


_FUNDS_END = re.compile(r"(?:补助资金|专项资金|专项经费|工作经费|经费)$")


def asked_project(question: str, docs: list[DocText]) -> str | None:
    """The project a question names in so many words ("…乡村振兴补助资金项目的资金分配情况"): a run of its
    words ending in 项目 with a distinctive part of its own, or ending in 经费/补助资金… and sharing a
    distinctive word with a project's name ("医保业务培训经费" next to 医保业务经费); None when it names none."""
    for seg in _ASK_SPLIT.split(squeeze(question)):
        seg = re.sub(r"^(?:该|本|这个|此)", "", seg)
        grams = set(_bigrams(_distinct(seg)))
        if len(_distinct(seg).replace("|", "")) < 2:
            continue
        if any(grams <= set(_bigrams(_PUNCT.sub("", squeeze(p.core)))) for d in docs for p in projects_of(d)):
            return None  # a project's name holds all its words: a short name for it, not another project
        if seg.endswith("项目") or (_FUNDS_END.search(seg) and near_projects(seg, docs, only_near=True)):
            return seg
    return None


def near_projects(name: str, docs: list[DocText], most: int = 6, only_near: bool = False) -> list[str]:
    """Names of the projects closest to `name` (sharing a distinctive word; else every project of the
    documents), to list when no project has that name."""
    grams = set(_bigrams(_distinct(name)))
    names = list(dict.fromkeys(p.name for d in docs for p in projects_of(d)))
    need = 0.5 * len(grams) if only_near else 1  # a close name shares half the words, not one of them
    near = [n for n in names if grams and len(grams & set(_bigrams(_distinct(n)))) >= need]
    return (near if near or only_near else names)[:most]


_AMOUNT_FIELD = re.compile(r"(?:预算安排规模|项目资金|资金规模|预算资金|预算金额|资金总额|项目总金额)[^\d。；;]{0,8}?"
                           r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|元)")


def project_amount(dt: DocText, p: Project) -> tuple[Sentence, Decimal, str] | None:
    """The amount a project's own section states for it (预算安排规模：26.40 万元): (sentence, figure, unit)."""
    for j in range(p.start, p.end):
        s = dt.sentences[j]
        m = _AMOUNT_FIELD.search(s.text)
        if m:
            k = s.text.rfind("。", 0, m.start()) + 1
            return sub_sentence(s, k), Decimal(m.group(1)), m.group(2)
    return None


def amounts_named(name: str, docs: list[DocText]) -> list[tuple[DocText, Sentence, Decimal]]:
    """Every place the documents print `name` followed by an amount ("基金监管经费 50 万元", a table row
    "基金监管专项经费项目 26.40"): the other sources a how-much question about that name could mean."""
    name = _PUNCT.sub("", squeeze(name))
    if len(name) < 3:
        return []
    rx = re.compile(re.escape(name) + r"(?:项目)?[:：\s]*(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\s*(?:年|号|%|％))")
    out = []
    for d in docs:
        for s in d.sentences:
            for m in rx.finditer(_PUNCT.sub("", s.text)):
                out.append((d, s, Decimal(m.group(1))))
    return out


def named_projects(question: str, docs: list[DocText], rest: str | None = None) -> list[tuple[DocText, Project]]:
    """The projects a question names (best-matching name; several when their names tie, e.g. the
    description section and the performance-target table of the same project). `rest` is the question
    without its unit names (which some project names repeat). The name's distinctive words decide —
    template words (自治区财政, 补助资金, 经费, 项目…) do not — and words of the question's name that the
    project's name lacks rule it out. A question may also name a project by a distinctive part of a
    long name ("全民参保补助项目" for "…2024年自治区财政全民参保补助及医疗服务经费资金项目"): at least
    PROJECT_DISTINCT_MIN distinctive characters in a row, shared with exactly one project name."""
    text = rest if rest and rest.strip() else question
    scored, parts = [], []
    for d in docs:
        for p in projects_of(d):
            fit = project_fit(text, p.core)
            if fit is None:
                continue
            if fit[0] == "full":
                # a longer name matched fully beats a short one that happens to be inside it
                scored.append((name_match(p.core, question), len(p.core), d, p))
            else:
                parts.append((fit[1], d, p))
    if not scored and parts:
        best = max(n for n, _, _ in parts)
        top = [(d, p) for n, d, p in parts if n == best]
        if len({_PUNCT.sub("", p.core) for _, p in top}) == 1:
            return top
        return []
    if not scored:
        return []
    best = max(s for s, _, _, _ in scored)
    if best < PROJECT_MATCH_MIN and len({_PUNCT.sub("", p.core) for _, _, _, p in scored}) > 1:
        # several projects hold the question's words and it does not give one's full name: the template
        # words one of them lacks do not make it the one meant
        return []
    top = [(s, n, d, p) for s, n, d, p in scored if s >= best - 1e-9]
    longest = max(n for _, n, _, _ in top)
    return [(d, p) for s, n, d, p in top if n >= longest * 0.8]


def ambiguous_projects(rest: str, docs: list[DocText]) -> list[str]:
    """The names of the several projects a question's words fit equally (to list them in a decline)."""
    q = _PUNCT.sub("", squeeze(rest or ""))
    runs = [(_common_run(q, _PUNCT.sub("", p.core)), p) for d in docs for p in projects_of(d)]
    best = max((n for n, _ in runs), default=0)
    names = list({_PUNCT.sub("", p.core): p.name for n, p in reversed(runs) if n == best}.values())[::-1]
    return names if best >= PROJECT_PART_MIN and len(names) > 1 else []


_FIELD_CUES = {
    "allocation": ("资金分配情况",),
    "basis": ("设立的政策依据", "政策依据", "立项依据"),
    "goal": ("项目总体目",),
}
_PURPOSE_CUE = re.compile(r"主要用于|用于|用来|为了|旨在|主要支付|用以")


def project_passages(kind: str, found: list[tuple[DocText, Project]]) -> list[tuple[DocText, Sentence, str, Project]]:
    """What a project's own sections say for a text question of `kind`: (doc, sentence, answer clause,
    project) in document order, or [] when its sections do not say it."""
    out: list[tuple[DocText, Sentence, str, Project]] = []

    def field(dt: DocText, p: Project, labels: tuple[str, ...], follow: int = 0):
        got = []
        for j in range(p.start, p.end):
            s = dt.sentences[j]
            for lab in labels:
                k = s.text.find(lab)
                if k < 0 or (k > 0 and lab != "项目总体目" and not re.match(r"^[\d、.．()（）]*$", s.text[:k])):
                    continue
                clause = re.sub(r"^标?[:：]?", "", s.text[k + len(lab):]).rstrip("。；;")
                if len(clause) < 2:
                    continue
                got.append((dt, sub_sentence(s, k), clause))
                # a goal paragraph goes on for a sentence or two after its label
                size = len(clause)
                for jj in range(j + 1, min(p.end, j + 1 + follow)):
                    t = dt.sentences[jj]
                    size += len(t.text)
                    if (_FIELD_START.match(t.text) or _FIELD_LABEL.match(t.text) or _TABLE_ROWS.match(t.text)
                            or size > FOCUS_MAX):
                        break
                    got.append((dt, t, t.text.rstrip("。；;")))
                break
        return got

    for dt, p in found:
        if kind == "purpose":
            goal = field(dt, p, _FIELD_CUES["goal"], follow=2)
            alloc = field(dt, p, _FIELD_CUES["allocation"])
            got = goal + alloc
            if not got:
                for j in range(p.start + 1, p.end):
                    s = dt.sentences[j]
                    if _PURPOSE_CUE.search(s.text) and not re.search(r"依据|通知|文件", s.text[:12]):
                        got.append((dt, s, s.text.rstrip("。；;")))
                        break
        elif kind in _FIELD_CUES:
            got = field(dt, p, _FIELD_CUES[kind], follow=2 if kind == "goal" else 0)
        else:
            got = []
        out += [(g[0], g[1], g[2], p) for g in got
                if all(g[1].first != o[1].first or g[1].text != o[1].text for o in out)]
    return out


_PUNCT = re.compile(r"[\"“”‘’'「」『』《》()（）【】\[\]、,，:：\s]")


def without_name(question: str, core: str) -> str:
    """The question with a (project) name's characters blanked out: what it asks about that project."""
    q = squeeze(question)
    grams = set(_bigrams(core))
    mask = [False] * len(q)
    for i in range(len(q) - 1):
        if q[i:i + 2] in grams:
            mask[i] = mask[i + 1] = True
    return "".join(" " if m else c for c, m in zip(q, mask))


def section_text(dt: DocText, projects: list[Project]) -> DocText:
    """The DocText restricted to the sentences of the given projects' sections."""
    keep = sorted({j for p in projects for j in range(p.start, p.end)})
    return DocText(dt.doc, dt.document, [dt.sentences[j] for j in keep], dt.by_page_line)
