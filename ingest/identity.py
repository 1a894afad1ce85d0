"""Who issued a disclosure, for which year, and what kind of document it is — read from where the
document states it (cover lines, title lines, 部门：/编制单位：/预算单位： lines, part headings, table
titles), never from a sentence fragment or a year the text compares with.

- body: a run that ends with a body suffix of the catalogue (局, 委员会, 办公厅, 院, 街道办事处…);
  anything else is a fragment and is not used. No body found → None plus a warning.
- region and level: the most specific administrative unit in the body's name (江苏省 → 省; 轮台县 → 县;
  a 街道办事处 is itself a 街道).
- fiscal year: the year a title line budgets or accounts for (2019年度部门预算, 2023年度部门决算,
  第二部分 2019年度部门预算表, 2019年政府采购预算表), voted; 比/较/截至 years are comparisons.
- kind: 部门预算 | 单位预算 | 部门决算 | 单位决算, from the titles; tables titled …决算表 make a 决算.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ingest.catalog import bodies, title_core
from ingest.normalize import CJK

ISSUER = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称|预算单位|预算主管部门|主管部门|填报单位|(?<![编制主管])部门"
                    r"|^单位(?=[:：](?!万元|元|亿元|千元)))(?:\(盖章\))?[:：]")
_YEAR_TITLE = re.compile(r"((?:19|20)\d\d)年度?(?:[" + CJK + r"]{0,6}?)(?:部门|单位)?(?:预算|决算)(?:公开|表|报表|情况)?")
# a part heading, an ordinal or a numbered label before a title: 第二部分 / 一、 / 1. / (一)
_STRUCTURAL = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]+[)）])")
_COMPARISON = re.compile(r"(?:比|较|与|同|截至|截止|对比|相比)$")
_ADMIN_PREFIXES = re.compile(r"^(?:中国共产党|中共|中国人民政治协商会议|中国国民党革命委员会|中国民主同盟|九三学社|中国致公党)")
_ADMIN_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|县|旗|区)"
# a place name has two or more characters before its suffix (青州市 is 青州 + 市; 新市区 is 新市 + 区);
# a one-character name only with 县/旗 (沙县, 赵县), since 市/区/州 also end ordinary words (城市管理局)
_ADMIN = re.compile(r"^(.{2,14}?" + _ADMIN_SUFFIX + ")")
_ADMIN_SHORT = re.compile(r"^(.(?:县|旗))")


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body_name(text: str) -> str | None:
    """The body name a run of text starts with: its longest prefix ending with a body suffix (4–40
    characters, CJK and brackets only), or None when the run is a fragment."""
    cat = bodies()
    run = re.match(r"[" + CJK + r"()（）]+", text)
    if not run:
        return None
    s = run.group(0)
    best = None
    for end in range(min(len(s), 40), 3, -1):
        head = s[:end]
        if any(head.endswith(suf) for suf in cat.suffixes) and not any(head.endswith(w) for w in cat.not_body):
            best = head
            break
    if best and re.search(r"(?:的|和|是|为|在|对|将|从)$", best):
        return None
    return best


def located(name: str | None) -> bool:
    """Does a name start like a body's full name: with a place (江苏省…, 轮台县…) or a party / front
    organisation's own name (中共…, 中国人民政治协商会议…)? A run such as "本表反映江苏省…" does not."""
    if not name:
        return False
    rest = _ADMIN_PREFIXES.sub("", name)
    if rest != name or rest.startswith(bodies().provinces):
        return True
    m = _ADMIN.match(rest) or _ADMIN_SHORT.match(rest)
    return bool(m) and not any(ch in bodies().not_place_chars for ch in m.group(1)[:-1])


class Identity:
    """Reads body, year and kind from a document's compact lines (1-based, `c[0]` unused)."""

    def __init__(self, c: list[str], pages: list[int | None]):
        self.c = c
        self.n = len(c) - 1
        self.pages = pages  # page of each line (1-based list like c), None for text files

    def _cover_lines(self) -> list[int]:
        """The cover and title lines: page 1 of a PDF (or the first 12 non-blank lines of a text), and
        the first non-blank lines of page 2 (a cover with no text layer)."""
        out = []
        for i in range(1, self.n + 1):
            if not self.c[i]:
                continue
            p = self.pages[i]
            if (p is not None and p <= 1) or (p is None and len(out) < 12) or (p == 2 and len(out) < 4):
                out.append(i)
            elif p is None or p > 2:
                break
        return out

    # -- body -----------------------------------------------------------------------------------------
    def department(self) -> tuple[str | None, int | None]:
        votes: Counter[str] = Counter()
        first: dict[str, int] = {}

        def vote(name: str | None, i: int, w: int) -> None:
            if name:
                votes[name] += w
                first.setdefault(name, i)

        for i in range(1, self.n + 1):
            c = self.c[i]
            m = ISSUER.search(c)
            if m and len(c) <= 120:
                rest = re.split(r"单位[:：]|金额单位|\t|联系|\d", c[m.end():])[0]
                vote(body_name(rest), i, 3 if "编制" in m.group(0) or "主管" in m.group(0) else 2)
        cover = self._cover_lines()
        for i in cover:  # a cover line: the body's name alone, or with the year / kind before or after it
            c = re.sub(r"^(?:19|20)\d\d年度?", "", _STRUCTURAL.sub("", self.c[i]))
            head = re.sub(r"(?:(?:19|20)\d\d年度?|(?:部门|单位)?(?:预算|决算)).*$", "", c)
            if head and body_name(head) == head:
                vote(head, i, 3)
        for i in range(1, min(self.n, 80) + 1):  # a title line "X 2019年度部门预算(公开)"
            m = re.match(r"^(.{4,40}?)(?:(?:19|20)\d\d年度?)(?:部门|单位)?(?:预算|决算)",
                         _STRUCTURAL.sub("", self.c[i]))
            if m and i not in cover and located(body_name(m.group(1))):
                vote(body_name(m.group(1)), i, 2)
        for i in range(1, self.n + 1):  # a sentence that starts with the body and a year: "X 2019 年度收入…"
            m = re.match(r"^(.{4,40}?)(?:19|20)\d\d年", _STRUCTURAL.sub("", self.c[i]))
            if m and body_name(m.group(1)) == m.group(1) and located(m.group(1)):
                vote(m.group(1), i, 1)
        if not votes:
            return None, None
        # a truncated repetition ("…委员会办") votes for the full name it begins; the name without its
        # region ("省委办公厅" beside "江苏省委办公厅") for the full name it ends
        for name in list(votes):
            for other in list(votes):
                if other != name and (other.startswith(name) or other.endswith(name) and located(other)):
                    votes[other] += votes[name]
        name = max(votes, key=lambda k: (votes[k], len(k)))
        return name, first[name]

    # -- year -------------------------------------------------------------------------------------
    def fiscal_year(self, part_lines: list[int], table_lines: list[int]) -> tuple[int | None, int | None]:
        votes: Counter[int] = Counter()
        where: dict[int, int] = {}

        def vote(i: int, weight: int, pattern: re.Pattern = _YEAR_TITLE) -> None:
            for m in pattern.finditer(self.c[i]):
                if _COMPARISON.search(self.c[i][max(0, m.start() - 2): m.start()]):
                    continue
                y = int(m.group(1))
                votes[y] += weight
                where.setdefault(y, i)

        for i in self._cover_lines():
            vote(i, 3)
        for i in part_lines:
            vote(i, 2, re.compile(r"((?:19|20)\d\d)年"))
        for i in table_lines:
            vote(i, 1, re.compile(r"((?:19|20)\d\d)年"))
        if not votes:
            for i in range(1, self.n + 1):
                vote(i, 1)
        if not votes:
            for i in range(1, self.n + 1):
                vote(i, 1, re.compile(r"((?:19|20)\d\d)年"))
        if not votes:
            return None, None
        year = max(votes, key=lambda y: (votes[y], y))
        return year, where[year]

    # -- kind -------------------------------------------------------------------------------------
    def doc_kind(self, table_titles: list[str], issuer_line: int | None) -> tuple[str, int | None]:
        cat = bodies()
        for i in self._cover_lines() + list(range(1, min(self.n, 80) + 1)):
            for kind, rx in cat.doc_kinds:
                if rx.search(self.c[i]):
                    return kind, i
        final = sum("决算" in t for t in table_titles) > sum("预算" in t for t in table_titles)
        m = ISSUER.search(self.c[issuer_line]) if issuer_line else None
        level = "单位" if m and "单位" in m.group(0) else "部门"  # the label before the colon, not 单位：万元
        return f"{level}{'决算' if final else '预算'}", None


@lru_cache(maxsize=1)
def _abbreviation_rules() -> list[tuple[re.Pattern, str]]:
    import json

    from ingest.catalog import HERE

    data = json.loads((HERE / "bodies.json").read_text(encoding="utf-8"))
    return [(re.compile(p), r) for p, r in data.get("abbreviations", [])]


def canonical_body(name: str | None) -> str | None:
    """A body's name with the abbreviation rules of bodies.json applied: one key for its full and short
    forms (中共江苏省委办公厅 and 江苏省委办公厅 → 江苏省委办), under which its two files meet."""
    if not name:
        return None
    s = re.sub(r"\s+", "", str(name))
    for rx, rep in _abbreviation_rules():
        s = rx.sub(rep, s)
    return s


def document_part(doc) -> str:
    """Which part of a disclosure a file is: "text" (no standard table), "tables" (tables and no
    narrative section) or "whole"."""
    narrative = any(s.kind == "narrative" for s in (getattr(doc, "sections", None) or []))
    if not doc.tables:
        return "text"
    return "whole" if narrative else "tables"


def region_and_level(department: str | None) -> tuple[str | None, str | None]:
    """The most specific administrative unit in a body's name and its level (省/市/区/县/街道/乡镇)."""
    if not department:
        return None, None
    rest, units = _ADMIN_PREFIXES.sub("", department), []
    while True:
        m = _ADMIN.match(rest) or _ADMIN_SHORT.match(rest)
        if not m:
            break
        units.append(m.group(1))
        rest = rest[m.end():]
    region = units[-1] if units else None
    level = None
    levels = bodies().levels
    if re.search(r"(?:街道办事处|街道)$", department):
        level = "街道"
    elif re.search(r"(?:镇|乡)(?:人民政府)?$", department):
        level = "乡镇"
    elif region:
        level = next((lv for suf, lv in levels if region.endswith(suf)), None)
    return region, level


def issuer_names(lines: list[str]) -> list[str]:
    """Body names the 部门：/编制单位： lines of some compact lines state (for tests and the library)."""
    out = []
    for c in lines:
        m = ISSUER.search(c)
        if m:
            name = body_name(re.split(r"单位[:：]|\t|\d", c[m.end():])[0])
            if name:
                out.append(name)
    return out


__all__ = ["Identity", "body_name", "region_and_level", "issuer_names", "title_core"]
