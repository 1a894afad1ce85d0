"""Figures by meaning: a how-much question that names no figure of the catalogue by any of its names
("招待客人花了多少钱", "running costs of the office") is matched against what each figure *is* — its
names and its description in `qa/figures.json` — by two signals that must agree:

- the bundled embedder (the same one that indexes passages; figure vectors are cached like passage
  vectors), which ranks the figures by meaning, and
- character (Chinese) or word-stem (English) coverage: the question's own content words must be
  found in the figure's names and description, so a figure the embedder merely ranks high for an
  unrelated word (广告费, 出差人数) is not taken.

A match is a reading, not a fact: the answer says which figure it understood, and its confidence
stays below the band of exactly named figures. When two figures fit equally, neither is chosen.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from qa.lexicon import METRICS, ROW_MEANINGS, Metric

# the catalogue's figures and the economic-classification rows it has no figure for (会议费 is one)
CANDIDATES: list[Metric] = [m for m in METRICS if m.kind != "text"] + [
    r for r in ROW_MEANINGS if not any(r.row in m.zh or r.row in m.rows for m in METRICS)]

# words that only ask (they name no figure)
_ASK = re.compile(r"是多少|有多少|多少钱|多少|安排|计划|打算|准备|用于|用来|花在|是什么|什么|几个|几|吗|呢|啊|呀|请问|请|告诉我|查询|一下|大概|大约|"
                  r"一共|总共|共|能|要|会|了|的|是|有|给|用|为|在|和|与|及|把|被|这边|那边|这里|那里|这|那|该|其|各|预算|年度|今年|本年|年")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_EN_STOP = set("""a an the of for to in on at by with and or is was are were be been do does did how much many what
which who whom whose this that these those its it their there here much many total amount figure budget budgeted
year years planned plan spend spent spending cost costs money yuan rmb wan please tell me show give about
would could should will can has have had much s""".split())
COVERAGE_MIN = 0.6  # share of the question's content the figure's names and description must cover …
COVERAGE_NEAREST = 0.4  # … or less, when it covers them far better (CLEAR_FACTOR×) than any other near figure
CLEAR_FACTOR = 2.0
EMBED_TOP = 5  # the figure must be among the embedder's nearest
TIE_EMBED = 0.005  # two supported figures this close in similarity …
TIE_COVERAGE = 0.1  # … and in coverage are a tie: neither is chosen


@dataclass
class Reading:
    metric: Metric
    coverage: float
    similarity: float
    words: str  # the question's words that were read as the figure


_ASKS_COUNT = re.compile(r"(?:多少|几)[^，。？?,]{0,12}?(?:人(?!员?经费|员?工资|员?支出|均)|名|位|辆|台|套|处|批|次|"
                         r"项(?!目)|家|间|平方)|how\s+many", re.I)
_ASKS_MONEY = re.compile(r"多少钱|金额|经费|资金|费用|how\s+much|\bcost|\bspend|\bspent|\bbudget(?:ed)?\b|万元|\byuan\b", re.I)


def asks_both(question: str) -> bool:
    """The question asks how many and how much ("车辆有几辆，价值多少")."""
    return bool(_ASKS_COUNT.search(question)) and bool(re.search(r"多少钱|价值|值多少|金额|how\s+much", question, re.I))


def kind_fits(question: str, m: Metric) -> bool:
    """A question asking how many is not answered with an amount, nor one asking how much money with a count."""
    if m.kind == "amount" and _ASKS_COUNT.search(question):
        return False
    if m.kind == "count" and m.unit in _DISCRETE and _ASKS_MONEY.search(question) and not _ASKS_COUNT.search(question):
        return False  # (an area is a quantity "how much" may ask: "how much office space")
    return True


_DISCRETE = ("人", "辆", "个", "台", "项", "家", "处", "套", "批", "次")


def content(residual: str, english: bool) -> list[str]:
    """The question's content: CJK characters (Chinese) or word stems (English) that are not asking words."""
    if english:
        words = re.findall(r"[a-z]+", residual.lower())
        return [_stem(w) for w in words if w not in _EN_STOP and len(w) > 2]
    return _CJK.findall(_ASK.sub(" ", residual))


def _stem(w: str) -> str:
    return w[:6]


def _text(m: Metric, english: bool) -> str:
    if english:
        return " ".join([*m.en, m.label_en, m.description_en])
    return "".join([*m.zh, m.label_zh, m.description])


def coverage(words: list[str], m: Metric, english: bool) -> float:
    if not words:
        return 0.0
    if english:
        have = {_stem(w) for w in re.findall(r"[a-z]+", _text(m, True).lower())}
    else:
        have = set(_CJK.findall(_text(m, False)))
    return sum(1 for w in words if w in have) / len(words)


class _Vectors:
    """The catalogue's figure vectors (one per figure: names + description, both languages)."""

    _lock = threading.Lock()
    _cache: dict[str, tuple] = {}

    @classmethod
    def get(cls, home=None):
        from ingest.index.embedders import cache_dir, get_embedder

        emb = get_embedder()
        with cls._lock:
            hit = cls._cache.get(emb.name)
            if hit is None:
                texts = [f"{m.label_zh}：{m.description}。{m.label_en}: {m.description_en}" for m in CANDIDATES]
                hit = (emb, emb.embed_passages(texts, cache_dir=cache_dir(home)))
                cls._cache[emb.name] = hit
            return hit


def warm(home=None) -> None:
    """Embed the catalogue once (cached like passage vectors), so the first question read by meaning
    does not pay for it: `gongkai ingest`/`embed` and the app's start call this."""
    try:
        _Vectors.get(home)
    except Exception:  # no embedder: questions are then read by name only
        pass


def read(residual: str, english: bool, home=None, question: str = "", named: Metric | None = None) -> Reading | None:
    """The one figure of the catalogue the words mean, or None (nothing fits, or two fit equally).

    `named`: a figure the question names besides these words; the words describe it when it is the
    embedder's nearest and no other near figure covers them as well, even below the coverage bar."""
    words = content(residual, english)
    if (english and not words) or (not english and len(words) < 2):
        return None
    try:
        emb, vectors = _Vectors.get(home)
        q = emb.embed_query(" ".join(words) if english else residual)
    except Exception:  # no embedder available: no reading by meaning
        return None
    sims = vectors @ q
    order = sorted(range(len(CANDIDATES)), key=lambda i: -float(sims[i]))[:EMBED_TOP]
    asked = question or residual
    fits = [Reading(CANDIDATES[i], coverage(words, CANDIDATES[i], english), float(sims[i]),
                    " ".join(words) if english else "".join(words)) for i in order]
    fits = [f for f in fits if kind_fits(asked, f.metric) and not any(w in asked.lower() for w in f.metric.unlike)]
    if not fits:
        return None
    def clear(f: Reading) -> bool:  # well covered, or covered far better than every other near figure
        return f.coverage >= COVERAGE_MIN or (f.coverage >= COVERAGE_NEAREST and all(
            f.coverage >= CLEAR_FACTOR * o.coverage for o in fits if o is not f))

    supported = [f for f in fits if clear(f)]
    if not supported:
        top = fits[0]
        if named is not None and top.metric.key == named.key and top.coverage >= COVERAGE_NEAREST and all(
                top.coverage > o.coverage for o in fits[1:]):
            return top  # the words beyond a named figure describe it best of all
        return None
    best = supported[0]  # the nearest by meaning among those the words support
    for other in supported[1:]:
        if best.similarity - other.similarity < TIE_EMBED and abs(best.coverage - other.coverage) < TIE_COVERAGE:
            part = _part_of_other(best, other)
            if part is None:
                return None  # two figures fit as well: neither is chosen
            best = part
    return best


def _part_of_other(a: Reading, b: Reading) -> Reading | None:
    """Of a whole and its own part fitting as near, the part — when the words are covered strictly better
    by it: they describe only the part (油费、修车、保险 are the running of cars, not their purchase)."""
    for part, whole in ((a, b), (b, a)):
        if (part.metric.parent == whole.metric.key or part.metric.key in whole.metric.contains) \
                and part.coverage > whole.coverage:
            return part
    return None
