"""Picking the sentence that answers a text question (reason, purpose, policy basis…).

Sentences of the documents asked about are scored by how much of the question they cover (character
bigrams weighted by rarity) plus the cue the question asks for (主要用于 / 主要原因 / 依据…); hybrid
retrieval (`ingest.search.search`, BM25 + dense) adds a small bonus to the lines it hits. Also: the
number a how-much question asks for in a sentence, colloquial change words, and a long passage cut
to the part that answers.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from qa.sentences import DocText, Sentence, sub_sentence
from qa.text import CJK, squeeze

CUES = {
    "allocation": (r"资金分配情况[:：]?", r"分配(?:情况|方案)?[:：]?", r"其中[:：]", r"包括[:：]"),
    "reason": (r"主要原因(?:是|为|在于)?[:：]?", r"原因(?:是|为|在于)[:：]?", r"由于"),
    "purpose": (r"主要用于[:：]?", r"用于[:：]?", r"用来", r"(?:主要是)?为了", r"旨在", r"主要支付"),
    "basis": (r"(?:设立的)?政策依据[:：]?(?:本项目立项依据为[:：]?)?", r"立项依据为?[:：]?", r"依据[:：]?", r"根据"),
    "duties": (r"主要职能", r"职责", r"负责"),
    "goal": (r"绩效目标", r"目标"),
    "structure": (r"下设", r"内设"),
    "members": (r"从预算单位构成看", r"编制范围的预算单位", r"预算单位(?:共计?\s*\S{1,3}家[,，]?)?(?:具体|仅)?包括[:：]?",
                r"所属单位包括", r"下属单位包括"),
    "scope": (r"不含", r"不包括", r"包括", r"包含", r"纳入", r"含"),
}
# most a retrieval hit adds to a sentence's score (top hit; less further down): retrieval breaks ties,
# the sentence's own coverage of the question decides
HIT_BONUS = 0.15
SUBJECT_BONUS = 0.1
STOP = set("的了是在有和与及或吗呢啊么什么多少哪个怎么如何请问一下这那其为对于我们你们他们它们就都也还要会能可")
# English words of a question → the documents' Chinese words for them (qa/text_words.json)
EN_HINTS: dict[str, str] = json.loads(Path(__file__).with_name("text_words.json").read_text(encoding="utf-8"))["en_hints"]


# a table's title ("项目支出绩效目标表(2023年)预算单位…") names a subject without saying anything about it
_TABLE_TITLE = re.compile(r"^[^。；;，,]{0,30}表(?:[(（]\d{4}年?[)）])?(?:[^。；;，,]{0,30})$")


def _bigrams(text: str) -> list[str]:
    chars = [c for c in text if CJK.match(c)]
    grams = []
    run = ""
    for c in text:
        if CJK.match(c):
            run += c
        else:
            if run:
                grams += [run[i : i + 2] for i in range(len(run) - 1)]
            run = ""
    if run:
        grams += [run[i : i + 2] for i in range(len(run) - 1)]
    del chars
    return [g for g in grams if not (g[0] in STOP and g[1] in STOP)]


def query_terms(question: str, extra: list[str]) -> list[str]:
    q = question
    for w in ("是多少", "什么", "为什么", "主要", "多少", "哪些", "哪个", "请问", "如何", "怎么"):
        q = q.replace(w, " ")
    low = question.lower()
    hints = [zh for en, zh in EN_HINTS.items() if en in low]
    text = " ".join([q, *extra, *hints])
    nums = [n for n in re.findall(r"\d+\.\d+|\d{2,}", squeeze(question)) if not re.fullmatch(r"20\d\d", n)]
    return list(dict.fromkeys(_bigrams(text) + nums))


@dataclass
class Picked:
    sentence: Sentence
    score: float
    coverage: float
    cue: bool
    clause: str


def pick(question: str, docs: list[DocText], kind: str | None, extra_terms: list[str],
         hit_lines: dict[str, list[tuple[int, int, int]]] | None = None, top: int = 2) -> list[Picked]:
    terms = query_terms(question, extra_terms)
    if not terms and not hit_lines:
        return []
    subjects = [squeeze(t) for t in dict.fromkeys(extra_terms) if len(squeeze(t)) >= 2]
    sentences = [s for d in docs for s in d.sentences]
    if not sentences:
        return []
    n = len(sentences)
    # a figure the question quotes ("the 12.34 万元 carryover") names the passage that prints it
    quoted = [t for t in terms if t[0].isdigit()]
    anchored = [s for s in sentences if any(t in s.text for t in quoted)]
    if anchored:
        sentences = anchored
    df = {t: 0 for t in terms}
    for s in sentences:
        for t in terms:
            if t in s.text:
                df[t] += 1
    idf = {t: math.log(1 + n / (1 + df[t])) * (3.0 if t[0].isdigit() else 1.0) for t in terms}
    total = sum(idf.values()) or 1.0
    cues = [re.compile(c) for c in CUES.get(kind or "", ())]
    picked: list[Picked] = []
    for s in sentences:
        cover = sum(w for t, w in idf.items() if t in s.text) / total
        cue = any(c.search(s.text) for c in cues) if cues else False
        bonus = 0.0
        for a, b, rank in (hit_lines or {}).get(s.doc, []):
            if a <= s.first <= b or a <= s.last <= b:
                bonus = max(bonus, HIT_BONUS / (1 + rank))
        # a sentence that starts with the figure asked about is about it ("公用经费 X 万元，主要包括…"),
        # one that only lists it among others ("基本支出：包括人员经费、公用经费") is not
        subject = SUBJECT_BONUS if any(t in s.text[: len(t) + 8] for t in subjects) else 0.0
        if _TABLE_TITLE.match(s.text) or (re.search(r"目标表|情况表|明细表", s.text) and not re.search(r"[。；;]$", s.text)):
            continue
        # the unit's own goal paragraph is the goal question's answer, not a sentence that mentions goals
        label = 0.2 if kind == "goal" and s.text.startswith("年度绩效目标") else 0.0
        score = (cover + (0.25 if cue else 0.0) + bonus + subject + label - (0.1 if len(s.text) < 8 else 0.0)
                 - 0.1 * max(0.0, len(s.text) / 400 - 1))
        if score <= 0:
            continue
        picked.append(Picked(s, score, cover, cue, _clause(s.text, cues)))
    picked.sort(key=lambda p: p.score, reverse=True)
    return picked[:top]


def _clause(text: str, cues: list[re.Pattern]) -> str:
    for c in cues:
        m = c.search(text)
        if m and len(text) - m.end() >= 4:
            return text[m.end():].rstrip("。；;")
    return text.rstrip("。；;")


def hits_by_doc(question: str, docs: list[str] | None, home: Path, k: int) -> dict[str, list[tuple[int, int, int]]]:
    """Line ranges of the hybrid-retrieval hits, per document (empty when retrieval is unavailable)."""
    try:
        from ingest.search import search
    except ImportError:
        return {}
    try:
        hits = search(question, k=k, docs=docs, home=home)
    except Exception:
        return {}
    out: dict[str, list[tuple[int, int, int]]] = {}
    for rank, h in enumerate(hits):
        span = h.chunk.span
        a = span.line or 0
        b = span.line_end or a
        out.setdefault(h.chunk.doc, []).append((a, b, rank))
    return out


def to_doc_lines(dt: DocText, ranges: list[tuple[int, int, int]], page: int | None = None):
    return ranges


CUE_WORDS = re.compile(r"为什么|为何|什么原因|原因|是谁|谁|哪位|主要用于|用于|用途|干什么|做什么|用来|是什么|什么|依据|根据|哪些|"
                       r"有哪些|多少|是多少|主要|情况|请问|介绍|说明|具体|呢|吗|是|的|了|"
                       # colloquial cue and direction words, and the generic nouns every project line
                       # carries: the sentence need not repeat them
                       r"为啥|咋|怎么|涨|降|增加|减少|增长|下降|上升|变化|变动|没有|没|不变|未变|持平|"
                       r"分配情况|分配|分给|怎么分|怎么花|花在|花|用在|哪里|哪儿|哪|专项经费|专项资金|经费|资金|款项|钱")


def residual_coverage(residual: str, sentence: Sentence) -> float:
    """Share of the question's own words (not unit, metric or cue words) found in the sentence."""
    terms = query_terms(CUE_WORDS.sub(" ", residual), [])
    terms = [t for t in terms if not all(c in STOP for c in t)]
    if not terms:
        return 1.0
    hit = sum(1 for t in terms if t in sentence.text)
    if hit and len(terms) <= 3:
        return max(0.5, hit / len(terms))
    return hit / len(terms)


NEAR = 12  # characters either side of a number that count as "about" it
_UNIT_AFTER = re.compile(r"^(万元/人|元/人|万元|元|万人|人次|人|%|个|辆|台|套|平方米|次|场|种|家)")


def number_in(sentence: Sentence, question: str) -> tuple[float | None, str | None]:
    """The figure a how-much question asks for: the first number after the question's last word found."""
    text = sentence.text
    terms = query_terms(CUE_WORDS.sub(" ", question), [])
    # the number whose own clause, near it, says most of what was asked ("每人每年平均 X 元的筹资标准")
    best, best_score = None, 0
    for m in re.finditer(r"(?<![\d.])\d+(?:\.\d+)?", text):
        after, before = text[m.end(): m.end() + 1], text[max(0, m.start() - 1): m.start()]
        if (re.fullmatch(r"20\d\d", m.group(0)) and after in "年】〕]") or after == "号" or before in "【〔[":
            continue  # a year or a document number
        lo = max(text.rfind(c, 0, m.start()) for c in ",，;；。") + 1
        hi = min([i for i in (text.find(c, m.end()) for c in ",，;；。") if i >= 0] or [len(text)])
        window = text[max(lo, m.start() - NEAR): min(hi, m.end() + NEAR)]
        score = sum(1 for t in terms if t in window)
        if score > best_score:
            best, best_score = m, score
    if best is not None and best_score >= 3:
        unit = _UNIT_AFTER.match(text[best.end():])
        return float(best.group(0)), (unit.group(1) if unit else None)
    pos = 0
    for t in terms:
        i = text.rfind(t)
        if i >= 0:
            pos = max(pos, i + len(t))
    for m in re.finditer(r"(?<![\d.])\d+(?:\.\d+)?", text[pos:]):
        if re.fullmatch(r"20\d\d", m.group(0)) and text[pos + m.end(): pos + m.end() + 1] == "年":
            continue
        unit = _UNIT_AFTER.match(text[pos + m.end():])
        return float(m.group(0)), (unit.group(1) if unit else None)
    return None, None


# --- colloquial change words --------------------------------------------------------------------

_COLLOQUIAL = (
    (re.compile(r"去年|上一年度?|前一年"), "上年"),
    (re.compile(r"(?:多了|涨了|增多了?|多出来?了?|变多了?|上涨了?|提高了|升高了|增加了)"), "增加"),
    (re.compile(r"(?:少了|降了|减少了|变少了?|下降了|降低了?|下调了?)"), "减少"),
)


def formal_change_words(question: str) -> str:
    """The document's wording for colloquial change words: 去年→上年, 多了/涨了→增加, 少了/降了→减少."""
    for rx, word in _COLLOQUIAL:
        question = rx.sub(word, question)
    return question


FOCUS_MAX = 320  # longest passage an answer quotes whole; a longer one is cut to the part that answers


def focus(s: Sentence, question: str, extra: list[str], cues: tuple[str, ...] = ()) -> Sentence:
    """A long sentence (a table read as text, a paragraph without full stops) cut to the clauses
    around the cue or, without one, around the most question terms."""
    if len(s.text) <= FOCUS_MAX:
        return s
    text = s.text
    at = None
    for c in cues:
        m = re.search(c, text)
        if m:
            at = m.start()
            break
    if at is None:
        terms = query_terms(question, extra)
        best, best_n = 0, -1
        for i in range(0, len(text), 20):
            window = text[i:i + FOCUS_MAX // 2]
            n = sum(1 for t in terms if t in window)
            if n > best_n:
                best, best_n = i, n
        at = best
    lo = max(text.rfind(c, 0, at) for c in "。；;") + 1 if at > 0 else 0
    if at - lo > FOCUS_MAX // 2:
        lo = max([text.rfind(c, 0, at) for c in ",，:："] + [at - FOCUS_MAX // 2]) + 1
        lo = min(lo, at)
    hi = lo + FOCUS_MAX
    for c in "。；;":
        k = text.find(c, at)
        if 0 <= k < hi:
            hi = k + 1
    if hi > lo + FOCUS_MAX:
        hi = lo + FOCUS_MAX
    return sub_sentence(s, lo, min(hi, len(text)))
