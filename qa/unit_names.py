"""Names of places and bodies, derived from the ingested documents' OWN department names, never
from a hand-made list of places:

* administrative levels are parsed off the name (省/自治区/自治州/地区/市/县/区/旗…);
* a level's short forms drop the level word (XX县 → XX) and, for autonomous units, the ethnic
  group names (XX柯尔克孜自治州 → XX州, and first character + 州 → X州);
* a body's own part has the short forms and English renderings the catalogue's rules give it
  (ingest/catalog/bodies.json "org_forms": 医疗保障局 → 医保局, 人民检察院 → 检察院…);
* pinyin (pypinyin, every reading of polyphonic characters) and the consonant skeleton of a Latin
  spelling, to match Latin spellings and exonyms.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# the word lists (provinces, ethnic groups, level words, English body words…): qa/unit_words.json
UNIT_WORDS = json.loads(Path(__file__).with_name("unit_words.json").read_text(encoding="utf-8"))
PROVINCES = tuple(UNIT_WORDS["provinces"])
ETHNIC = tuple(UNIT_WORDS["ethnic_groups"])
LEVELS = tuple(UNIT_WORDS["levels"])
_LEVEL_RE = re.compile(r"([\u4e00-\u9fff]{2,12}?)(" + "|".join(LEVELS) + r")")

# Department names and their usual short forms / English renderings come from the catalogue
# (ingest/catalog/bodies.json "org_forms"): rules over a body's own part, applied to each ingested body.
_PARTY = re.compile(r"^(?:中国共产党|中共)")
# a front organisation's full name before its place: 中国人民政治协商会议四川省委员会办公厅 = 四川省政协办公厅
_FRONT = re.compile(r"^中国人民政治协商会议(.{2,12}?)委员会")
_ONE_CHAR_COUNTY = re.compile(r"^([\u4e00-\u9fff](?:县|旗))(?=[\u4e00-\u9fff]{2})")


@lru_cache(maxsize=1)
def _org_rules() -> list[tuple[re.Pattern, list[str], list[str]]]:
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
    rest = _FRONT.sub(r"\1政协", _PARTY.sub("", name.strip()))
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
        if not m and not levels:  # a one-character county or banner (沙县, 赵县): only as the first place
            one = _ONE_CHAR_COUNTY.match(rest)
            if one:
                levels.append(Level(name=one.group(1), core=one.group(1)[0], level=one.group(1)[1]))
                rest = rest[one.end():]
                continue
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


VOWELS = set("aeiouvyw")


def skeleton(word: str) -> str:
    """Consonant skeleton of a Latin spelling: vowels (and y/w) dropped, digraph h folded."""
    w = word.lower().replace("zh", "z").replace("ch", "c").replace("sh", "s").replace("ng", "n")
    return "".join(c for c in w if c.isalpha() and c not in VOWELS)
