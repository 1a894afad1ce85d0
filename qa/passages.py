"""Text route: reasons, purposes, policy basis… answered with the supporting sentences, cited.

Candidates come from hybrid retrieval (`ingest.search.search`, BM25 + dense, restricted to the
documents of the units asked about); sentences of those documents are then scored by how much of
the question they cover (character bigrams weighted by rarity) plus the cue the question asks for
(主要用于 / 主要原因 / 依据…). The answer is the sentence (or the clause after the cue) and its
citation is the lines it spans, quoted as printed.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from qa.text import CJK, squeeze, to_decimal

CUES = {
    "allocation": (r"资金分配情况[:：]?", r"分配(?:情况|方案)?[:：]?", r"其中[:：]", r"包括[:：]"),
    "reason": (r"主要原因(?:是|为|在于)?[:：]?", r"原因(?:是|为|在于)[:：]?", r"由于"),
    "purpose": (r"主要用于[:：]?", r"用于[:：]?", r"用来", r"(?:主要是)?为了", r"旨在", r"主要支付"),
    "basis": (r"(?:设立的)?政策依据[:：]?(?:本项目立项依据为[:：]?)?", r"立项依据为?[:：]?", r"依据[:：]?", r"根据"),
    "duties": (r"主要职能", r"职责", r"负责"),
    "goal": (r"绩效目标", r"目标"),
    "structure": (r"下设", r"内设"),
}
# most a retrieval hit adds to a sentence's score (top hit; less further down): retrieval breaks ties,
# the sentence's own coverage of the question decides
HIT_BONUS = 0.15
SUBJECT_BONUS = 0.1
STOP = set("的了是在有和与及或吗呢啊么什么多少哪个怎么如何请问一下这那其为对于我们你们他们它们就都也还要会能可")
EN_HINTS = {
    "village": "驻村", "training": "培训", "information": "信息化", "insurance": "保险", "assistance": "救助",
    "retire": "离退休", "pension": "养老", "housing": "住房", "project": "项目", "reception": "公务接待",
    "vehicle": "公务用车", "procurement": "政府采购", "basis": "依据", "carryover": "结转", "carried": "结转",
    "reason": "原因", "why": "原因", "purpose": "用于", "used for": "用于", "duties": "职能", "function": "职能",
    "responsib": "职责", "contact": "联系人", "accident": "意外伤害", "medical": "医疗", "fund": "资金",
    "subsid": "补助", "increase": "增加", "decrease": "减少", "operating": "运行经费", "salary": "工资",
    "salaries": "工资", "staff": "人员", "personnel": "人员经费", "basic": "基本支出", "supervision": "监管",
    "publicity": "宣传", "network": "线路", "lease": "租赁", "goal": "目标", "target": "目标",
    "sangong": "三公", "three public": "三公", "overseas": "出国", "office": "办公", "residents": "城乡居民",
    "health": "卫生健康", "social security": "社会保障", "performance": "绩效",
}
_ITEM_START = re.compile(r"^(?:#+|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[、.．](?!\d)|"
                         r"\d{1,2}[.．](?=\d{4}\s*年)|-\s)")
# a bare heading ("一、主要职能") is no answer by itself: it is read with the sentence under it
_HEADING = re.compile(r"^(?:#+\s*)?(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[、.．])?"
                      r"[^。；;，,:：]{1,20}[:：]?$")
# a sentence that only gives the reason/use of the previous one stays with it
_CONTINUES = re.compile(r"^(?:主要原因|原因是|主要用于|其中[:：])")
# the labelled fields of a project description and of a performance-target table start a sentence of
# their own (they carry no full stop, so a whole project or table would otherwise read as one sentence)
_FIELD_START = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?(?:项目名称|设立的政策依据|预算安排规模|项目承担单位|"
                          r"资金分配情况|资金执行时间|资金来源|项目总体目|项目资金|预算单位|一级\s*(?:指标)?\s*$|一级指标|"
                          r"项目支出绩效目标表|年度绩效目标)")
# inside a project's description any short label at a line's start ("补贴标准：", "受益人群和社会效益：")
# is a field of its own: projects carry fields of their own kind beyond the common ones above
_FIELD_LABEL = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?[\u4e00-\u9fff]{2,8}[:：]")
# a table's title ("项目支出绩效目标表(2023年)预算单位…") names a subject without saying anything about it
_TABLE_TITLE = re.compile(r"^[^。；;，,]{0,30}表(?:[(（]\d{4}年?[)）])?(?:[^。；;，,]{0,30})$")


@dataclass
class Sentence:
    doc: str
    text: str  # squeezed
    first: int  # Line.no
    last: int
    marks: tuple = ()  # (offset in text, Line.no) where each line's text starts


def sub_sentence(s: Sentence, start: int, end: int | None = None) -> Sentence:
    """The part text[start:end] of a sentence, with the lines it spans."""
    end = len(s.text) if end is None else end
    first = last = s.first
    for off, no in s.marks or ((0, s.first),):
        if off <= start:
            first = no
        if off < end:
            last = no
    marks = tuple((max(0, off - start), no) for off, no in (s.marks or ()) if start <= off < end or no == first)
    marks = tuple(dict.fromkeys(marks))
    return Sentence(s.doc, s.text[start:end], first, max(first, last), marks)


@dataclass
class DocText:
    doc: str
    document: object  # ingest Document (or a light stand-in)
    sentences: list[Sentence]
    by_page_line: dict[tuple[int, int], int]


_LOCK = threading.Lock()
_DOCS: dict[tuple[str, str, str], DocText] = {}


class _Line:
    __slots__ = ("no", "text", "norm", "page", "page_line")

    def __init__(self, no: int, text: str):
        self.no, self.text, self.norm, self.page, self.page_line = no, text, text, None, None


class _PlainDoc:
    """Stand-in for a Document when the ingest store cannot give one (plain-text files only)."""

    def __init__(self, doc: str, path: Path):
        self.doc = doc
        raw = path.read_text(encoding="utf-8", errors="replace").splitlines()
        self.lines = [_Line(i + 1, t) for i, t in enumerate(raw)]

    def span(self, start: int, end: int | None = None):
        end = end or start
        quote = "\n".join(l.text.strip() for l in self.lines[start - 1 : end])

        class _S:
            def citation(s):  # noqa: N805
                return {"doc": self.doc, "page": None, "line": start, "quote": quote}

        return _S()


def _load_document(doc: str, home: Path, record: dict | None):
    try:
        from ingest.store import Store

        return Store(home).document(doc)
    except Exception:  # the store is optional for the text route: fall back to the source file
        path = Path((record or {}).get("path") or "")
        if path.suffix.lower() in (".txt", ".md") and path.exists():
            return _PlainDoc(doc, path)
        raise


def doc_text(doc: str, home: Path, record: dict | None = None) -> DocText | None:
    key = (str(home), doc, str((record or {}).get("sha256") or ""))
    with _LOCK:
        hit = _DOCS.get(key)
    if hit:
        return hit
    try:
        document = _load_document(doc, home, record)
    except Exception:
        return None
    tables = [(t.line_start, t.line_end) for t in getattr(document, "tables", []) or []
              if getattr(t, "line_start", 0) and getattr(t, "line_end", 0)]
    body_start = _body_start(document)
    lines = [l for l in document.lines if l.no >= body_start and not any(a <= l.no <= b for a, b in tables)]
    sentences = split_sentences(doc, lines)
    by_pl = {}
    for line in document.lines:
        if getattr(line, "page", None) is not None and getattr(line, "page_line", None) is not None:
            by_pl[(line.page, line.page_line)] = line.no
    dt = DocText(doc=doc, document=document, sentences=sentences, by_page_line=by_pl)
    with _LOCK:
        _DOCS[key] = dt
    return dt


_TOC_ENTRY = re.compile(r"^[-*\s#]*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|表\s*\d+)")


def _body_start(document) -> int:
    """First line of the body: the front matter before the first part heading (第一部分…) is skipped
    when it is a table of contents (目录, or three or more heading-like entries) — its bare headings
    would otherwise 'answer' questions about the sections they list."""
    parts = [s.line_start for s in getattr(document, "sections", None) or [] if getattr(s, "kind", "") == "part"]
    if not parts:
        return 1
    first = min(parts)
    front = [(getattr(l, "norm", None) or l.text or "").strip() for l in document.lines if l.no < first]
    toc = any("目录" in t.replace(" ", "") for t in front) or sum(bool(_TOC_ENTRY.match(t)) for t in front) >= 3
    return first if toc else 1


def split_sentences(doc: str, lines) -> list[Sentence]:
    out: list[Sentence] = []
    buf, first, last = "", None, None
    marks: list[tuple[int, int]] = []

    def flush():
        nonlocal buf, first, last, marks
        if buf and first is not None:
            if out and out[-1].doc == doc and (
                    (_CONTINUES.match(buf) and len(out[-1].text) < 600) or _HEADING.match(out[-1].text)):
                prev = out[-1]
                shifted = tuple((off + len(prev.text), no) for off, no in marks)
                out[-1] = Sentence(doc, prev.text + buf, prev.first, last, tuple(prev.marks) + shifted)
            else:
                out.append(Sentence(doc, buf, first, last, tuple(marks)))
        buf, first, last, marks = "", None, None, []

    def add(piece: str, no: int):
        nonlocal buf, first, last
        if first is None:
            first = no
        if not marks or marks[-1][1] != no:
            marks.append((len(buf), no))
        buf += piece
        last = no

    in_project = False  # between a 项目名称 line and the next section heading
    for line in lines:
        raw = (getattr(line, "norm", None) or line.text or "").strip()
        s = squeeze(raw.replace("\t", " "))
        s = re.sub(r"</?[a-zA-Z][^>]*>|\*\*", "", s)
        if not s:
            continue
        if re.match(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?项目名称", s):
            in_project = True
        elif re.match(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)", s):
            in_project = False
        if buf and (_ITEM_START.match(raw) or _FIELD_START.match(s) or (in_project and _FIELD_LABEL.match(s))
                    or len(buf) > 700):
            flush()
        pos = 0
        for m in re.finditer(r"[。！？；;]", s):
            add(s[pos : m.end()], line.no)
            flush()
            pos = m.end()
        rest = s[pos:]
        if rest:
            add(rest, line.no)
    flush()
    return out


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


# --- stated year-on-year change for metrics the extraction has no change field for -----------

_CHANGE = re.compile(r"比上年(?:预算)?(?:数)?(增加|减少|增长|下降)(\d+(?:\.\d+)?)万元[,，]?(?:(增长|下降)(\d+(?:\.\d+)?)%)?")


_AMOUNT = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:亿元|万元|元)")


def stated_change_in_text(dt: DocText, terms: list[str], kind: str) -> tuple[Decimal | None, Sentence | None]:
    """The change vs the previous year stated right after one of `terms` (e.g. 项目支出…比上年预算增加 X 万元)."""
    terms = [squeeze(t) for t in terms if t]
    for s in dt.sentences:
        for t in terms:
            i = s.text.find(t)
            if i < 0:
                continue
            m = _CHANGE.search(s.text, i + len(t))
            if not m or m.start() - (i + len(t)) > 60:
                continue
            between = s.text[i + len(t): m.start()]
            # the change belongs to the last figure stated before it: after "支出预算 X 万元，其中：基本支出
            # Y 万元，…比上年增加 Z" Z is 基本支出's change, not the total's
            if "比上年" in between or "其中" in between or len(_AMOUNT.findall(between)) > 1:
                continue
            if kind == "percent":
                if m.group(4) is None:
                    continue
                v = to_decimal(m.group(4))
                sign = m.group(3)
            else:
                v = to_decimal(m.group(2))
                sign = m.group(1)
            if v is None:
                continue
            return (-v if sign in ("减少", "下降") else v), s
    return None, None


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


# --- projects: the description section (项目名称/设立的政策依据/资金分配情况…) and the performance
# --- target table (项目名称 … 项目总体目标) of each project ------------------------------------------

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


# --- the reason for a change stated item by item ("X比上年增加 A 万元，其中：Y增加 0.00 万元，主要原因是…；
# --- Z增加 A 万元，主要原因是…") ----------------------------------------------------------------------

_PART_CHANGE = re.compile(r"(增加|减少|增长|下降)(-?\d+(?:\.\d+)?)万元")
_REASON = re.compile(r"主要原因(?:是|为|在于)?[:：]?|原因(?:是|为|在于)[:：]?|由于")


@dataclass
class ChangePart:
    subject: str
    sign: int  # +1 / -1 / 0 (no change)
    sentence: Sentence
    text: str  # the part's clause (subject, change, reason)
    reason: str


def _sign(word: str, amount: str) -> int:
    v = to_decimal(amount) or Decimal(0)
    if v == 0:
        return 0
    s = -1 if word in ("减少", "下降") else 1
    return -s if v < 0 else s


def change_block(dt: DocText, sentence: Sentence):
    """A total's change followed by its parts' changes and reasons, around `sentence`:
    (head sentence, total subject, total sign, total's own reason, [ChangePart]) or None."""
    try:
        i = next(k for k, s in enumerate(dt.sentences) if s is sentence or (
            s.first == sentence.first and s.text == sentence.text))
    except StopIteration:
        return None
    sents = dt.sentences
    head = None
    for k in range(i, max(-1, i - 6), -1):
        t = sents[k].text
        j = t.find("其中")
        if j > 0 and _PART_CHANGE.search(t[:j]) and "比上年" in t[:j]:
            head = k
            break
        if k < i and not t.endswith((";", "；")):
            break
    if head is None:
        return None
    t = sents[head].text
    j = t.find("其中")
    m = _PART_CHANGE.search(t, 0, j)
    subject = t[:t.find("比上年")]
    total_sign = _sign(m.group(1), m.group(2))
    own = _REASON.search(t, 0, j)
    own_reason = t[own.end():j].strip(",，") if own else ""
    parts: list[ChangePart] = []
    k, offset = head, j + 2
    while k < len(sents) and k < head + 10:
        s = sents[k]
        body = s.text[offset:].lstrip(":：")
        start = len(s.text) - len(body)
        for piece in re.finditer(r"[^;；。]+[;；。]?", body):
            clause = piece.group(0)
            pm = _PART_CHANGE.search(clause)
            if not pm:
                continue
            r = _REASON.search(clause)
            sub = sub_sentence(s, start + piece.start(), start + piece.end())
            subj = re.sub(r"^(?:其中|以及|另外)?[:：,，]?", "", clause[:pm.start()])
            parts.append(ChangePart(subj, _sign(pm.group(1), pm.group(2)), sub, clause.rstrip(";；。,，"),
                                    clause[r.end():].rstrip(";；。,，") if r else ""))
        if not s.text.endswith((";", "；")) or k + 1 >= len(sents):
            break
        k, offset = k + 1, 0
    if len(parts) < 2:
        return None
    return sents[head], subject, total_sign, own_reason, parts


_PUNCT = re.compile(r"[\"“”‘’'「」『』《》()（）【】\[\]、,，:：\s]")


def _names(a: str, b: str) -> bool:
    """Whether name `a` is (nearly) all in `b`, punctuation aside."""
    a, b = _PUNCT.sub("", a), _PUNCT.sub("", b)
    return bool(a) and (a in b or name_match(a, b) >= 0.75)


def reason_of_change(dt: DocText, sentence: Sentence, question: str, figures: list[list[str]] | None = None):
    """The stated reason for the change the question asks about, when `sentence` lies in a block that
    states a total's change part by part. `figures` are the names of each figure the question was
    understood to ask about. Returns None when it is not such a block, or not clearly about it;
    otherwise (answer text, [sentences to cite], value) — or ("", [], None) when no part explains it (a
    total that went up while the only reasons given are for parts that did not change)."""
    block = change_block(dt, sentence)
    if block is None:
        return None
    head, subject, total_sign, own_reason, parts = block
    q = squeeze(formal_change_words(question))
    named = [p for p in parts if len(_bigrams(p.subject)) >= 2 and _names(p.subject, q)]
    figures = [[squeeze(t) for t in names if t] for names in (figures or [])]
    if not named:
        named = [p for p in parts if any(_names(t, p.subject) or _names(p.subject, t) for f in figures for t in f)]
    j = head.text.find("其中")
    total_clause = head.text[:j].rstrip(",，")
    if named:
        if not any(p.reason for p in named):
            return "", [], None
        text = "；".join(p.text for p in named)
        return text, [p.sentence for p in named], "；".join(p.reason for p in named if p.reason)
    total_named = any(_names(t, subject) for f in figures for t in f)
    if figures and not total_named:
        return None  # a figure neither the total nor one of its parts: not this block's question
    if not figures and sentence.first != head.first:
        return None
    if own_reason:
        return None  # the total states its own reason: the ordinary sentence answers
    if total_sign == 0:
        # no change in total: the parts that moved (and offset each other), or — none moved — each
        # part's own reason for staying the same
        chosen = [p for p in parts if p.sign != 0 and p.reason] or [p for p in parts if p.reason]
    else:
        chosen = [p for p in parts if p.sign == total_sign and p.reason]
    if not chosen:
        return "", [], None
    text = total_clause + "，其中：" + "；".join(p.text for p in chosen)
    head_part = sub_sentence(head, 0, j)
    return text, [head_part] + [p.sentence for p in chosen], "；".join(p.reason for p in chosen)


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


_BREAKDOWN = re.compile(r"^(.{0,40}?)(\d+(?:\.\d+)?)万元[,，]?(?:其中|包括)[:：]?(.+)$")


_PART_AMOUNT = re.compile(r"^[^,，。;；:：]{1,20}?\d+(?:\.\d+)?万元")


def breakdown_sentence(docs: list[DocText], names: list[str]) -> list[Sentence]:
    """The sentence(s) that state a figure and how it splits ("三公经费数为 9.50 万元，其中：A x 万元，B y
    万元…", or "…其中：A x 万元，主要包括…。" + "B y 万元，…。"): one of `names` right before the amount,
    two or more amounts after 其中/包括, and no year-on-year change in between. First in document
    order; [] when none."""
    names = [_PUNCT.sub("", squeeze(n)) for n in names if n]
    for d in docs:
        for k, s in enumerate(d.sentences):
            text = re.sub(r"[\"“”‘’']", "", s.text)
            for n in names:
                i = text.find(n)
                if i < 0 or len(n) < 2:
                    continue
                m = _BREAKDOWN.match(text[i + len(n):])
                if not m or "比上年" in m.group(1):
                    continue
                amounts = len(re.findall(r"\d+(?:\.\d+)?万元", m.group(3)))
                out = [s]
                # the next parts may follow as sentences of their own
                for t in d.sentences[k + 1: k + 6]:
                    if not _PART_AMOUNT.match(t.text) or "比上年" in t.text[:30]:
                        break
                    out.append(t)
                    amounts += 1
                if amounts < 2:
                    continue
                # a section heading run into the sentence ("十、关于…情况说明X…") is not quoted
                j = s.text.find("说明")
                if 0 <= j < 80 and "其中" in s.text[j:]:
                    out[0] = sub_sentence(s, j + 2)
                return out
    return []
