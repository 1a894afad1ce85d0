"""Which unit(s) a question is about, from the ingested documents' OWN names.

Aliases are derived from each record's department (and region) name by the usual abbreviation
rules, never from a hand-made list of places:

* administrative levels are parsed off the name (省/自治区/自治州/地区/市/县/区/旗…);
* a level's short forms drop the level word (XX县 → XX) and, for autonomous units, the ethnic
  group names (XX柯尔克孜自治州 → XX州, and first character + 州 → X州);
* common department names have short forms (医疗保障局 → 医保局, 卫生健康委员会 → 卫健委…);
* pinyin (pypinyin, every reading of polyphonic characters) matches Latin spellings
  case-insensitively, and loosely (same consonant skeleton) when capitalised, so that an English
  exonym such as a Turkic spelling of a Xinjiang place still matches.

A mention that looks like a unit but matches none of the documents is reported as unknown so the
caller can decline instead of guessing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
ETHNIC = (
    "维吾尔", "哈萨克", "柯尔克孜", "蒙古", "回族", "藏族", "彝族", "苗族", "土家族", "布依族", "朝鲜族", "傣族",
    "哈尼族", "白族", "景颇族", "傈僳族", "壮族", "侗族", "羌族", "瑶族", "塔吉克", "锡伯", "锡伯族", "土族",
    "撒拉族", "纳西族", "黎族", "畲族", "满族", "达斡尔族", "鄂温克族", "鄂伦春族", "仡佬族", "水族", "仫佬族",
    "毛南族", "拉祜族", "佤族", "普米族", "怒族", "独龙族", "阿昌族", "德昂族", "布朗族", "基诺族", "门巴族",
    "珞巴族", "东乡族", "保安族", "裕固族", "俄罗斯族", "乌孜别克族", "塔塔尔族", "赫哲族", "京族", "高山族",
    "各族", "回", "壮", "藏", "蒙古族", "哈萨克族", "柯尔克孜族", "维吾尔族", "塔吉克族",
)
LEVELS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "州", "盟", "县", "旗", "区")
_LEVEL_RE = re.compile(r"([\u4e00-\u9fff]{2,12}?)(" + "|".join(LEVELS) + r")")

# Department names and their usual short forms / English renderings come from the catalogue
# (ingest/catalog/bodies.json "org_forms"): rules over a body's own part, applied to each ingested body.
_PARTY = re.compile(r"^(?:中国共产党|中共)")


@lru_cache(maxsize=1)
def _org_rules() -> list[tuple[re.Pattern, list[str], list[str]]]:
    import json

    from ingest.catalog import HERE

    data = json.loads((HERE / "bodies.json").read_text(encoding="utf-8"))
    return [(re.compile(r["full"]), list(r.get("zh", [])), list(r.get("en", []))) for r in data.get("org_forms", [])]


def org_short_forms(org: str) -> list[str]:
    """The body's own part and the short forms the catalogue's rules give it (人民检察院 → 检察院)."""
    forms = [org] if org else []
    for rx, zh, _ in _org_rules():
        m = rx.search(org)
        if m:
            forms += [m.expand(z) for z in zh]
    return list(dict.fromkeys(f for f in forms if f))


def org_english(org: str) -> list[str]:
    out: list[str] = []
    for rx, _, en in _org_rules():
        if rx.search(org):
            out += en
    return list(dict.fromkeys(out))


ORG_EN = (
    "medical insurance bureau", "medical security bureau", "healthcare security bureau", "health care security bureau",
    "healthcare security administration", "health insurance bureau", "medical insurance administration",
    "medical insurance office", "medical insurance department", "health security bureau", "insurance bureau",
    "bureau", "administration",
)
LEVEL_EN = ("autonomous prefecture", "prefecture", "county", "city", "district", "region", "autonomous region",
            "league", "banner")
ORG_WORDS = ("医疗保障局", "医保局", "医保部门", "医疗保障部门", "局", "委员会", "委", "办公室", "中心", "部门", "单位")
VOWELS = set("aeiouvyw")
EN_COMMON = {
    "how", "much", "what", "which", "who", "did", "does", "the", "and", "for", "about", "spend", "spent", "budget",
    "many", "total", "share", "ratio", "compare", "compared", "than", "more", "less", "what's", "whats", "year",
    "bureau", "county", "prefecture", "city", "medical", "insurance", "healthcare", "security", "health", "fees",
    "expenses", "expenditure", "please", "tell", "show", "give", "list", "rank", "highest", "lowest", "most",
    "least", "largest", "smallest", "between", "difference", "percentage", "percent", "proportion", "average",
    "in", "of", "on", "is", "was", "were", "are", "its", "it", "their", "there", "this", "that", "with", "from",
    "by", "to", "a", "an", "as", "at", "be", "or", "vs", "versus", "each", "all", "both", "combined", "together",
    "xinjiang", "china", "chinese", "uyghur", "autonomous", "region", "and", "what", "about", "then", "also",
    "why", "reason", "purpose", "used", "use", "policy", "basis", "contact", "person", "phone", "number",
    "project", "projects", "staff", "retired", "active", "authorized", "vehicles", "vehicle", "cars", "official",
    "reception", "procurement", "government", "goods", "services", "works", "operating", "basic", "personnel",
    "public", "income", "revenue", "carryover", "transfer", "sangong", "three", "overseas", "travel", "change",
    "increase", "decrease", "previous", "last", "prior", "up", "down", "did", "has", "have", "had", "does", "do",
    "gongkai", "kirghiz", "kyrgyz", "kazakh", "mongol", "mongolian", "hui", "tibetan", "ili", "if", "when",
}


@dataclass
class Level:
    name: str  # as printed, e.g. XX县
    core: str  # without the level word / ethnic names, e.g. XX
    level: str  # 县, 自治州, …

    def forms(self) -> list[str]:
        out = [self.name]
        if self.level in ("自治州", "州"):
            out += [self.core + "州", self.core[0] + "州", self.core]
        elif self.level in ("自治县",):
            out += [self.core + "县", self.core[0] + "县", self.core]
        elif self.level in ("自治区",):
            out += [self.core]
        elif self.level in ("地区", "盟"):
            out += [self.core + self.level, self.core]
        else:
            if len(self.core) >= 2:
                out.append(self.core)
        seen, result = set(), []
        for f in out:
            if f and f not in seen:
                seen.add(f)
                result.append(f)
        return result


@dataclass
class Unit:
    doc: str
    department: str
    fiscal_year: int | None
    levels: list[Level] = field(default_factory=list)
    org: str = ""  # e.g. 医疗保障局
    aliases: list[str] = field(default_factory=list)  # Chinese, longest first
    latin: list[str] = field(default_factory=list)  # pinyin spellings of the lowest level's core
    level_aliases: list[str] = field(default_factory=list)  # 省检察院: the level word, no place name

    @property
    def lowest(self) -> Level | None:
        return self.levels[-1] if self.levels else None

    @property
    def short(self) -> str:
        """A short display name (lowest level short form + org short form)."""
        low = self.lowest
        forms = org_short_forms(self.org) if self.org else []
        org = forms[1] if len(forms) > 1 else (self.org or "")
        return (low.forms()[1] if low and len(low.forms()) > 1 else (low.name if low else "")) + org


def parse_levels(name: str) -> tuple[list[Level], str]:
    """Administrative levels in a department name and the remaining department part (a party
    organ's 中共/中国共产党 prefix is not part of either: 中共江苏省委办公厅 → 江苏省 + 委办公厅)."""
    rest = _PARTY.sub("", name.strip())
    levels: list[Level] = []
    for prov in sorted(PROVINCES, key=len, reverse=True):
        if rest.startswith(prov):
            m = re.match(re.escape(prov) + r"([\u4e00-\u9fff]{0,6}?)(自治区|省|特别行政区|市)", rest)
            full = m.group(0) if m else prov
            levels.append(Level(name=full, core=prov, level=m.group(2) if m else "省"))
            rest = rest[len(full):]
            break
    while rest:
        m = _LEVEL_RE.match(rest)
        if not m:
            break
        body, level = m.group(1), m.group(2)
        remainder = rest[m.end():]
        # a level word inside the department part (e.g. 社区, 城市) is not a place
        if not remainder or len(body) > 12:
            break
        if level == "区" and any(body.endswith(w) for w in ("社", "园", "景", "开发", "新")):
            break
        core = body
        for eth in sorted(ETHNIC, key=len, reverse=True):
            if core.endswith(eth) and len(core) - len(eth) >= 2:
                core = core[: -len(eth)]
                break
        if level == "自治州" or level == "自治县":
            for eth in sorted(ETHNIC, key=len, reverse=True):
                if core.endswith(eth) and len(core) - len(eth) >= 2:
                    core = core[: -len(eth)]
        levels.append(Level(name=body + level, core=core, level=level))
        rest = remainder
    return levels, rest


def _org_forms(org: str) -> list[str]:
    return org_short_forms(org)


def _pinyin_variants(core: str, limit: int = 16) -> list[str]:
    try:
        from pypinyin import Style, pinyin
    except ImportError:  # pragma: no cover
        return []
    readings = pinyin(core, style=Style.NORMAL, heteronym=True)
    combos = []
    for parts in itertools.islice(itertools.product(*[r[:3] for r in readings]), limit):
        combos.append("".join(parts).lower())
    return list(dict.fromkeys(combos))


def skeleton(word: str) -> str:
    """Consonant skeleton of a Latin spelling: vowels (and y/w) dropped, digraph h folded."""
    w = word.lower().replace("zh", "z").replace("ch", "c").replace("sh", "s").replace("ng", "n")
    return "".join(c for c in w if c.isalpha() and c not in VOWELS)


def build_unit(doc: str, department: str, fiscal_year: int | None, region: str | None = None) -> Unit:
    levels, org = parse_levels(department or "")
    if not levels and region:
        levels, _ = parse_levels(region + "X")
    unit = Unit(doc=doc, department=department or "", fiscal_year=fiscal_year, levels=levels, org=org)
    orgs = _org_forms(org)
    aliases = {unit.department}
    if levels:
        # the name without its leading (higher) levels, and each short form of the lowest level
        for i in range(len(levels)):
            aliases.add("".join(l.name for l in levels[i:]) + org)
        for form in levels[-1].forms():
            aliases.add(form)
            for o in orgs:
                aliases.add(form + o)
        # the level word alone before the body's own part: 省检察院, 省委办公厅, 区委社会工作部, 县医保局
        word = levels[-1].level[-1:] if levels[-1].level else ""
        if word in ("省", "市", "县", "区", "州", "旗"):
            for o in orgs:
                if len(o) >= 2:
                    unit.level_aliases.append(word + o)
                    aliases.add(word + o)
        if len(levels) >= 2:
            for upper in levels[-2].forms():
                for form in levels[-1].forms():
                    aliases.add(upper + form)
    unit.aliases = sorted((a for a in aliases if len(a) >= 2), key=len, reverse=True)
    return unit


@dataclass
class Mention:
    text: str
    start: int
    end: int
    units: list[Unit]
    kind: str = "zh"  # zh | latin | unknown
    merged: bool = False  # a place folded into the English body name that follows it


class UnitIndex:
    """All units of the ingested records, with alias lookup."""

    def __init__(self, units: list[Unit]):
        self.units = units
        self._latin_ready = False
        self._by_alias: dict[str, list[Unit]] = {}
        for u in units:
            for a in u.aliases:
                self._by_alias.setdefault(a, []).append(u)
        # a body's own part alone names it (检察院, 江苏高院 → 高院) when it tells bodies apart: a form every
        # ingested body shares (医保局 in a library of 医保局s) names none in particular
        bare: dict[str, list[Unit]] = {}
        self._bare: set[str] = set()
        for u in units:
            for o in _org_forms(u.org):
                if (len(o) >= 3 or (len(o) == 2 and o[-1] in "院局委办厅部")) and o not in self._by_alias:
                    bare.setdefault(o, []).append(u)
        depts = {u.department for u in units}
        for o, us in bare.items():
            if {u.department for u in us} != depts or len(depts) == 1:
                self._by_alias[o] = us
                self._bare.add(o)
        self._aliases = sorted(self._by_alias, key=len, reverse=True)
        self._level_aliases = {a for u in units for a in u.level_aliases}
        # English renderings of each body's kind (procuratorate, high people's court…), longest first
        self._english: list[tuple[str, list[Unit]]] = []
        by_en: dict[str, list[Unit]] = {}
        for u in units:
            for e in org_english(u.org):
                by_en.setdefault(e, []).append(u)
        self._english = sorted(by_en.items(), key=lambda kv: len(kv[0]), reverse=True)
        # every level name/short form known (to tell an ancestor region from an unknown place)
        self.known_places: set[str] = set()
        self.lowest_places: set[str] = set()
        for u in units:
            for lv in u.levels:
                self.known_places.update(lv.forms())
            if u.lowest is not None:
                self.lowest_places.update(u.lowest.forms())

    @classmethod
    def from_records(cls, records: list[dict]) -> "UnitIndex":
        units = []
        for r in records:
            dep = _val(r.get("department")) or ""
            year = _val(r.get("fiscal_year"))
            try:
                year = int(year) if year is not None else None
            except (TypeError, ValueError):
                year = None
            units.append(build_unit(r.get("doc", ""), str(dep), year, _val(r.get("region"))))
        return cls(units)

    def _ensure_latin(self) -> None:
        if self._latin_ready:
            return
        for u in self.units:
            low = u.lowest
            if low is not None:
                u.latin = _pinyin_variants(low.core)
        self._latin_ready = True

    def find(self, question: str) -> list[Mention]:
        """Unit mentions in `question`, left to right (Chinese aliases, Latin spellings, unknown places)."""
        mentions: list[Mention] = []
        taken = [False] * len(question)
        for alias in self._aliases:
            start = 0
            while True:
                i = question.find(alias, start)
                if i < 0:
                    break
                j = i + len(alias)
                if (alias in self._level_aliases or alias in self._bare) and i > 0 \
                        and question[i - 1] not in _BEFORE_LEVEL_WORD:
                    start = i + 1  # "伊犁州医保局": 州 ends another place's name, it is no level word here
                    continue
                if not any(taken[i:j]):
                    units = list(self._by_alias[alias])
                    other = None if any(alias.endswith(f) for u in units for f in _org_forms(u.org)) \
                        else _other_org(question[j:], units, self._aliases)
                    if other:
                        j += len(other)
                        units = []
                    for k in range(i, min(j, len(question))):
                        taken[k] = True
                    mentions.append(Mention(question[i:j], i, j, units, kind="unknown" if not units else "zh"))
                start = j
        latin = self._latin(question, taken)
        mentions += self._english_orgs(question, taken, latin)
        mentions += [m for m in latin if not m.merged]
        mentions += self._unknown_zh(question, taken)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _english_orgs(self, question: str, taken: list[bool], latin: list["Mention"]) -> list["Mention"]:
        """A body named in English by its kind ("the Jiangsu High People's Court", "procuratorate"): the
        bodies of that kind, narrowed by a place named right before it ("Jiangsu …")."""
        if not self._english:
            return []
        low = question.lower().replace("’", "'")
        out = []
        for phrase, units in self._english:
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

    def _latin(self, question: str, taken: list[bool]) -> list[Mention]:
        words = list(re.finditer(r"[A-Za-z][A-Za-z'-]{2,}", question))
        if not words:
            return []
        self._ensure_latin()
        out = []
        for w in words:
            token = re.sub(r"'s$", "", w.group(0)).strip("'-")
            low = token.lower()
            if low in EN_COMMON or re.fullmatch(r"[A-Z]{2,6}s?", token):  # acronyms (SMEs) are not places
                continue
            hits = [u for u in self.units if low in u.latin]
            if not hits and token[0].isupper() and len(token) >= 4:
                sk = skeleton(low)
                if len(sk) >= 2:
                    hits = [u for u in self.units
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

    def _unknown_zh(self, question: str, taken: list[bool]) -> list[Mention]:
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
            if len(name) < 2 or name in self.lowest_places:
                continue
            levels, _ = parse_levels(name + "局")
            if not levels:
                continue
            out.append(Mention(name, i, j, [], kind="unknown"))
            for k in range(i, j):
                taken[k] = True
        out += self._bare_place(question, taken)
        return out

    def _bare_place(self, question: str, taken: list[bool]) -> list[Mention]:
        """A name without a level word right before a department short form the documents use (XX医保局),
        matching no known unit: an unknown unit, not "every unit"."""
        orgs = sorted({f for u in self.units for f in _org_forms(u.org) if len(f) >= 3}, key=len, reverse=True)
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
            if len(name) < 2 or _DETERMINER.match(name) or name in self.lowest_places:
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


def _val(leaf):
    if isinstance(leaf, dict):
        return leaf.get("value")
    return leaf
