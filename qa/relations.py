"""What the catalogue's relations (a figure's parent, its parts) say about a question that names
more than one figure, or names one loosely:

- a part named with an exclusion word ("not counting retirees", 不含上年结转) is taken out of its whole:
  whole − part, computed (`exclude`);
- a part named with an inclusion word ("including money carried over", 连同上年结转在内) only says
  the whole is meant;
- a whole and its part named together without a conjunction ("how much of the basic budget goes on
  personnel", "procurement … buying goods") ask the part;
- Chinese names the thing last: of two adjacent unrelated figures (办公楼物业管理费) the second is asked;
- one figure named loosely ("serving employees", 购买各类服务 after 政府采购): a relative (part,
  sibling, whole) whose names and description cover the question's other words better is asked
  instead — a reading by meaning, said in the answer (`Intent.read_as`).
"""

from __future__ import annotations

import re

from qa.lexicon import BY_KEY, METRICS, Metric
from qa.meaning import asks_both, content, coverage, kind_fits

EXCLUDE = re.compile(r"(?:not\s+(?:counting|including)|excluding|exclusive\s+of|except(?:\s+for)?|other\s+than|apart\s+from|"
                     r"less|minus\s+the|不含|不包括|不包含|不算|不计|除去|除了|除|扣除|剔除|去掉|减去)\s*(?:the\s+|its\s+)?$", re.I)
INCLUDE = re.compile(r"(?:including|inclusive\s+of|counting|with|连同|包括|包含|含)\s*(?:the\s+|its\s+|money\s+|funds\s+)?$",
                     re.I)
CONJUNCTION = re.compile(r"和|与|及|、|跟|同|以及|还有|分别|各|\band\b|&|as\s+well\s+as|\bboth\b|respectively|\bvs\b|versus|"
                         r"比|compared|than|plus|加|[,，;；]", re.I)
HEAD_GAP = re.compile(r"^$")  # "办公楼物业管理费"; "X的Y" is a part inside a whole (qa.specifics._part_of)
REFINE_MIN_ZH = 0.6  # share of the question's other characters a relative must cover
REFINE_MIN_EN = 0.3  # … of its other English words (longer sentences, more filler)
REFINE_MIN_WORDS = 2  # words a relative must cover (one is enough when it is half of them)
CONJ_GAP = 12


def ancestors(m: Metric) -> list[str]:
    out, up = [], m.parent
    while up and up not in out:
        out.append(up)
        up = BY_KEY[up].parent if up in BY_KEY else None
    return out


def relatives(m: Metric) -> list[Metric]:
    """A figure's parts, its siblings and its whole (the catalogue's parent relation)."""
    out = [x for x in METRICS if x.parent == m.key]
    if m.parent:
        out += [x for x in METRICS if x.parent == m.parent and x.key != m.key]
        if m.parent in BY_KEY:
            out.append(BY_KEY[m.parent])
    return [x for x in out if x.kind == m.kind]


def resolve(q: str, spans: list[tuple[int, int, Metric]], metrics: list[Metric],
            op_sum: bool = False) -> tuple[list[Metric], str | None]:
    """(metrics, op) once exclusions, inclusions, whole-and-part and the Chinese head are read;
    op is "exclude" (metrics = [whole, part]) or None (the operation stays as understood)."""
    keys = {m.key for m in metrics}
    first: dict[str, tuple[int, int, Metric]] = {}
    for i, j, m in sorted(spans, key=lambda t: t[0]):
        if m.key in keys:
            first.setdefault(m.key, (i, j, m))  # a figure named twice: where it is first named
    spans = sorted(first.values(), key=lambda t: t[0])
    excluded = [m for i, _, m in spans if EXCLUDE.search(q[max(0, i - 24):i])]
    included = [m for i, _, m in spans if INCLUDE.search(q[max(0, i - 24):i]) and m not in excluded]
    rest = [m for m in metrics if m not in excluded and m not in included]
    if excluded and op_sum:
        return rest, None  # "X和Y合计（不算Z）": Z is not summed
    if len(excluded) == 1:
        part = excluded[0]
        whole = next((m for m in rest if m.key in ancestors(part)), None)
        if whole is None and not rest and part.parent in BY_KEY:
            whole = BY_KEY[part.parent]
        if whole is not None:
            return [whole, part], "exclude"
    if included and not excluded:
        if rest:
            return rest, None
        whole = included[0].parent
        if whole in BY_KEY:
            return [BY_KEY[whole]], None
    if len(spans) == 2 and len(metrics) == 2:
        (i1, j1, a), (i2, j2, b) = spans
        gap = q[j1:i2]
        # a conjunction joins the two names only next to them ("X和Y", "X budget plus the Y"); one deep
        # inside a long gap belongs to a description ("people - salaries, pensions and other …")
        near = gap if len(gap) <= 2 * CONJ_GAP else gap[:CONJ_GAP] + " | " + gap[-CONJ_GAP:]
        if not op_sum and not CONJUNCTION.search(near):
            if a.key in ancestors(b):
                return [b], None
            if b.key in ancestors(a):
                return [a], None
            if HEAD_GAP.match(gap) and not a.function_code and not b.function_code and not q[i1:j2].isascii():
                return [b], None
            if q[i1:j2].isascii() and not a.function_code and not b.function_code and len(gap.strip()) > CONJ_GAP:
                return [a], None  # English names what it asks first; a later figure only describes it
    return metrics, None


def agree_kind(question: str, metrics: list[Metric]) -> list[Metric]:
    """The figures whose kind the question asks for: "how much" money is no head count, "how many" no
    amount. A figure of the other kind that only describes the one asked is dropped; when every figure
    is of the other kind none is kept (the question is read by meaning, or declined)."""
    if asks_both(question):
        return metrics  # "车辆有几辆，价值多少": both kinds asked
    return [m for m in metrics if kind_fits(question, m)]


def list_items(q: str, spans: list[tuple[int, int, Metric]]) -> list[str]:
    """The items of a listed sum ("A、B和C合计", "A, B and C combined") that no figure's name covers."""
    if len(spans) < 2:
        return []
    start, end = min(i for i, _, _ in spans), max(j for _, j, _ in spans)
    tail = re.split(r"[?？。；;]|合计|共计|总计|加起来|一共|总共|combined|together|in\s+total|altogether", q[end:], maxsplit=1)[0]
    region = q[start:end] + tail
    covered = [(i - start, j - start) for i, j, _ in spans]
    out = []
    pos = 0
    for piece in re.split(r"(、|，|,|和|及|与|以及|\band\b|\bplus\b|&)", region):
        lo, hi = pos, pos + len(piece)
        pos = hi
        if not piece.strip() or re.fullmatch(r"(、|，|,|和|及|与|以及|\band\b|\bplus\b|&)", piece):
            continue
        if any(i < hi and j > lo for i, j in covered):
            continue
        english = piece.isascii()
        if len(content(piece, english)) >= (1 if english else 2):
            out.append(piece.strip())
    return out


def refine(m: Metric, other_words: str, english: bool) -> Metric | None:
    """The relative of `m` that the question's other words describe better than `m` itself, or None."""
    if m.key not in BY_KEY or m.function_code or m.row:
        return None  # classes and table rows have no catalogue relatives to choose among
    if not english:
        return None  # Chinese words beyond a figure are its `specific` words, read in qa.routes._by_meaning
    words = content(other_words, english)
    if len(words) < REFINE_MIN_WORDS:
        return None
    floor = REFINE_MIN_EN if english else REFINE_MIN_ZH
    own = coverage(words, m, english)
    scored = sorted(((coverage(words, r, english), r) for r in relatives(m)), key=lambda t: -t[0])
    if not scored:
        return None
    best_cov, best = scored[0]
    runner = scored[1][0] if len(scored) > 1 else 0.0
    hits = round(best_cov * len(words))
    if best_cov >= floor and (hits >= REFINE_MIN_WORDS or best_cov >= 0.5) and best_cov > own and best_cov > runner:
        return best
    return None
