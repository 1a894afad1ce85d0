"""Unit mentions in a question beyond the Chinese aliases: Latin spellings and English body names,
and place-like names that match no ingested unit (XX市医保局, a bare name before 医保局, a capitalised
name before "bureau"), reported as unknown so that the caller declines instead of guessing.

The finders take the `UnitIndex` they search (`qa.units`) and the question's `taken` mask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.unit_names import UNIT_WORDS, Unit, _org_forms, parse_levels, skeleton

ORG_EN = tuple(UNIT_WORDS["org_en"])
LEVEL_EN = tuple(UNIT_WORDS["level_en"])
ORG_WORDS = tuple(UNIT_WORDS["org_words"])
EN_COMMON = set(UNIT_WORDS["en_common"])


@dataclass
class Mention:
    text: str
    start: int
    end: int
    units: list[Unit]
    kind: str = "zh"  # zh | latin | unknown
    merged: bool = False  # a place folded into the English body name that follows it


def english_orgs(index, question: str, taken: list[bool], latin: list[Mention]) -> list[Mention]:
    """A body named in English by its kind ("the Jiangsu High People's Court", "procuratorate"): the
    bodies of that kind, narrowed by a place named right before it ("Jiangsu …")."""
    if not index.english:
        return []
    low = question.lower().replace("’", "'")
    out = []
    for phrase, units in index.english:
        for m in re.finditer(r"\b" + re.escape(phrase) + r"(?:'s)?\b", low):
            i, j = m.start(), m.end()
            if any(taken[i:j]):
                continue
            hits = list(units)
            before = [x for x in latin if x.end <= i and not re.search(r"[,.;?]|\band\b|\bor\b", low[x.end:i])
                      and len(low[x.end:i].split()) <= 3]
            if before:
                place = before[-1]
                narrowed = [u for u in hits if u in place.units]
                if narrowed:
                    hits = narrowed
                    place.merged = True
                    i = place.start
            for k in range(i, j):
                taken[k] = True
            out.append(Mention(question[i:j], i, j, hits, kind="latin"))
    return out


def latin_mentions(index, question: str, taken: list[bool]) -> list[Mention]:
    words = list(re.finditer(r"[A-Za-z][A-Za-z'-]{2,}", question))
    if not words:
        return []
    index.ensure_latin()
    out = []
    for w in words:
        token = re.sub(r"'s$", "", w.group(0)).strip("'-")
        low = token.lower()
        if low in EN_COMMON or re.fullmatch(r"[A-Z]{2,6}s?", token):  # acronyms (SMEs) are not places
            continue
        hits = [u for u in index.units if low in u.latin]
        if not hits and token[0].isupper() and len(token) >= 4:
            sk = skeleton(low)
            if len(sk) >= 2:
                hits = [u for u in index.units
                        if any(skeleton(p) == sk and p[0] == low[0] and abs(len(p) - len(low)) <= 3
                               for p in u.latin)]
        if hits:
            out.append(Mention(token, w.start(), w.end(), hits, kind="latin"))
            for k in range(w.start(), w.end()):
                taken[k] = True
        elif token[0].isupper() and (w.start() > 0 or _names_org_after(question, w)) \
                and _looks_like_place(question, w):
            out.append(Mention(token, w.start(), w.end(), [], kind="unknown"))
    return out


def unknown_zh(index, question: str, taken: list[bool]) -> list[Mention]:
    """Place-like spans (XX县/XX州 + department word) that match no known unit or region."""
    out = []
    # the department word may follow a second place joined by 和/与/、 ("X市和Y县医保局")
    # …or a department name ending in one ("X市卫健委"), as long as no other place comes in between
    pat = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:自治州|自治县|地区|县|市|州|区|旗|盟))(?=(?:[和与及、跟或]"
                     r"[\u4e00-\u9fff]{1,14}?)?(?:的)?(?:(?![县市州区旗盟])[\u4e00-\u9fff]){0,6}?(?:"
                     + "|".join(ORG_WORDS) + r"))")
    for m in pat.finditer(question):
        i, j = m.start(1), m.end(1)
        if any(taken[i:j]):
            continue
        name = m.group(1)
        # strip leading words that are not part of the place (e.g. 请问, 那)
        name = re.sub(r"^(请问|那么|那|和|与|及|跟|比较|对比|查询|告诉我|问下|问一下|一下)+", "", name)
        if len(name) < 2 or name in index.lowest_places:
            continue
        levels, _ = parse_levels(name + "局")
        if not levels:
            continue
        out.append(Mention(name, i, j, [], kind="unknown"))
        for k in range(i, j):
            taken[k] = True
    out += bare_place(index, question, taken)
    return out


def bare_place(index, question: str, taken: list[bool]) -> list[Mention]:
    """A name without a level word right before a department short form the documents use (XX医保局),
    matching no known unit: an unknown unit, not "every unit"."""
    orgs = sorted({f for u in index.units for f in _org_forms(u.org) if len(f) >= 3}, key=len, reverse=True)
    if not orgs:
        return []
    out = []
    for m in re.finditer(r"([\u4e00-\u9fff]{2,8}?)(?:的)?(?:" + "|".join(map(re.escape, orgs)) + ")", question):
        i, j = m.start(1), m.end(1)
        while i < j and taken[i]:
            i += 1
        name = question[i:j]
        if any(taken[i:j]) or len(name) < 2:
            continue
        name2 = re.sub(r"^(?:请问|那么|那|和|与|及|跟|比较|对比|查询|告诉我|问下|问一下|一下|以及|或者|还有)+", "", name)
        i += len(name) - len(name2)
        name = name2
        # a known higher-level place + this department word is that level's own department: not ingested
        if len(name) < 2 or _DETERMINER.match(name) or name in index.lowest_places:
            continue
        out.append(Mention(name, i, j, [], kind="unknown"))
        for k in range(i, j):
            taken[k] = True
    return out


# what may stand right before a bare level word that names a body's level (2019年省检察院, 问省法院…)
_BEFORE_LEVEL_WORD = set("年度的和与及跟或、，,。？?！!：: 在对比请问看查那这该其个各把给跟同\t\n()（）“”\"'")

# words before a department name that select among units rather than name one
_DETERMINER = re.compile(r"^(?:哪|各|每|所有|全部|其他|其它|其余|这|该|本|两|三|四|五|六|七|八|九|十|几|多|某|同|上级|下级|"
                         r"县级|州级|市级|区级|省级|地级|基层|全|此|任何|一家|一个|那)")


_ORG_AFTER = re.compile(r"^(?:的)?([\u4e00-\u9fff]{1,10}?(?:局|委员会|委|办公室|厅|院|中心|公司|学校|医院))")


def _other_org(after: str, units: list[Unit], aliases: list[str]) -> str | None:
    """A department word right after a place that is NOT the department of the matched units."""
    m = _ORG_AFTER.match(after)
    if not m:
        return None
    org = m.group(1)
    if re.search(r"[和与及、跟比或对同,，]", org) or any(a in org for a in aliases if len(a) >= 2):
        return None
    for u in units:
        forms = _org_forms(u.org) if u.org else []
        if any(org.startswith(f) or f.startswith(org) or org.endswith(f) or _abbreviates(org, f) for f in forms) \
                or org in ("部门", "单位"):
            return None
    if re.match(r"^(?:哪个|哪家|哪一家|那个|这个|两个|两家|各|每个)", org) or org.startswith(("医保", "医疗保障")):
        return None
    return m.group(0)


def _names_org_after(question: str, w: re.Match) -> bool:
    """A capitalised first word followed by a department/level word ("Someplace medical security bureau…")."""
    after = question[w.end(): w.end() + 40].lower().lstrip()
    return any(after.startswith(x) for x in LEVEL_EN + ORG_EN if x not in ("bureau", "administration"))


def _abbreviates(short: str, full: str) -> bool:
    """Usual abbreviation of a department name: same first character, same final character (局/委…),
    the rest a subsequence (应急管理局 → 应急局, 交通运输局 → 交通局, 市场监督管理局 → 市场监管局)."""
    if len(short) < 3 or len(short) >= len(full) or short[0] != full[0] or short[-1] != full[-1] and not (
            short[-1] == "委" and full.endswith("委员会")):
        return False
    it = iter(full)
    return all(c in it for c in short)


def _looks_like_place(question: str, w: re.Match) -> bool:
    after = question[w.end(): w.end() + 40].lower().lstrip()
    before = question[max(0, w.start() - 12): w.start()].lower()
    if any(after.startswith(x) for x in LEVEL_EN) or any(after.startswith(x) for x in ORG_EN):
        return True
    return bool(re.search(r"\b(did|does|in|for|about|of|and|or|vs|versus|with|than|between)\s*$", before))
