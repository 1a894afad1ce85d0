"""Which unit(s) a question is about, from the ingested documents' OWN names.

Aliases are derived from each record's department (and region) name by the usual abbreviation
rules, never from a hand-made list of places (`qa.unit_names`):

* administrative levels are parsed off the name (省/自治区/自治州/地区/市/县/区/旗…);
* a level's short forms drop the level word (XX县 → XX) and, for autonomous units, the ethnic
  group names (XX柯尔克孜自治州 → XX州, and first character + 州 → X州);
* common department names have short forms (医疗保障局 → 医保局, 卫生健康委员会 → 卫健委…);
* pinyin (pypinyin, every reading of polyphonic characters) matches Latin spellings
  case-insensitively, and loosely (same consonant skeleton) when capitalised, so that an English
  exonym such as a Turkic spelling of a Xinjiang place still matches.

A mention that looks like a unit but matches none of the documents is reported as unknown so the
caller can decline instead of guessing (`qa.unit_mentions`).
"""

from __future__ import annotations

from qa.unit_mentions import (_BEFORE_LEVEL_WORD, Mention, _other_org, english_orgs, latin_mentions,
                              unknown_zh)
from qa.unit_names import Unit, _org_forms, _pinyin_variants, build_unit, org_english


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
        self.english: list[tuple[str, list[Unit]]] = []
        by_en: dict[str, list[Unit]] = {}
        for u in units:
            for e in org_english(u.org):
                by_en.setdefault(e, []).append(u)
        self.english = sorted(by_en.items(), key=lambda kv: len(kv[0]), reverse=True)
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

    def ensure_latin(self) -> None:
        if self._latin_ready:
            return
        for u in self.units:
            low = u.lowest
            if low is not None:
                # the core and every short form of it (克州 → kezhou, as 克州 is matched in Chinese)
                forms = [low.core, *(f for f in low.forms()[1:] if f != low.core)]
                u.latin = list(dict.fromkeys(p for f in forms for p in _pinyin_variants(f)))
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
        latin = latin_mentions(self, question, taken)
        mentions += english_orgs(self, question, taken, latin)
        mentions += [m for m in latin if not m.merged]
        mentions += unknown_zh(self, question, taken)
        mentions.sort(key=lambda m: m.start)
        return mentions


def _val(leaf):
    if isinstance(leaf, dict):
        return leaf.get("value")
    return leaf
