"""Question understanding: units, year, metric(s), operation, and whether it is a text question.

Works on the question alone plus the library's unit index and row names; no model is needed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from qa.lexicon import METRICS, STANDARD_ROWS, Metric, function_metric, function_metrics, row_metric
from qa.text import is_english
from qa.unit_mentions import Mention
from qa.unit_names import Unit
from qa.units import UnitIndex

# bare words that name a procurement part only in a procurement context
_CONTEXT = {
    "procurement.goods": ("采购", "procurement", "purchas"),
    "procurement.works": ("采购", "procurement", "purchas"),
    "procurement.services": ("采购", "procurement", "purchas"),
}

# one-word English terms that are adjectives: a figure only when no other noun follows them
_MODIFIER_EN = {"basic", "authorized", "authorised", "retired", "active"}
_AFTER_MODIFIER_EN = {"expenditure", "expenditures", "spending", "expense", "expenses", "cost", "costs", "budget",
                      "budgets", "part", "portion", "share", "and", "or", "vs", "versus", "than", "to", "in", "of", "for",
                      "the", "is", "was", "are", "were", "at", "on", "compared", "combined", "plus", "minus", "with",
                      "staff", "positions", "posts", "headcount", "employees", "people", "persons", "members", "total",
                      "amount", "figure", "does", "do", "did", "has", "have", "had", "by", "from", "this", "that"}

TEXT_TRIGGERS = [
    ("reason", r"为什么|为何|为啥|咋|怎么会|何故|原因|怎么回事|why|reason|explain|cause"),
    # how a project's money is split ("怎么分配的", "资金分配情况", "how is … allocated", "breakdown"): the
    # project's 资金分配情况 line, not its total
    ("allocation", r"怎么分配|如何分配|怎样分配|咋分配|分配(?:情况|方案|方式|明细)|怎么分的|都分给|怎么花|如何花|怎样花|花在哪|"
                   r"\bbreak\s*down\b|\bbroken\s+down\b|how\s+(?:is|are|was|were|will)\s+.{0,60}?\b(?:split|allocated|"
                   r"distributed|divided|broken\s+down)\b"),
    ("purpose", r"用于|用途|用在|干什么|做什么|用来|干嘛|花在|what\s+(?:is|are|was|were)\s+.{0,60}\bfor\s*\??\s*$|used\s+for|"
                r"\buse\b.{0,60}\bfor\s*\??\s*$|\bspend\b.{0,60}\bon\s*\??\s*$|"
                r"purpose|spent\s+on\s+what|what\s+for|intended\s+for|pay\s+for"),
    ("basis", r"依据|根据什么|文件依据|政策来源|basis|legal\s+ground|which\s+document|according\s+to\s+what"),
    ("duties", r"职能|职责|负责什么|主要工作|responsibilit|duties|mandate|what\s+does\s+.{0,40}\bdo\b"),
    ("goal", r"绩效目标|目标是|工作目标|target|goal|objective"),
    ("structure", r"机构设置|内设机构是|哪些科室|哪些处室|which\s+offices|what\s+offices|organi[sz]ation"),
]

CHANGE = (r"(?:比|较|与|和|相比|对比)\s*(?:上年|去年|上一年|前一年|上年度)|同比|上年相比|增减|变化|变动|增幅|降幅|"
          r"增长率|下降率|增长了|增加了|减少了|下降了|多了多少|少了多少|涨了|降了|"
          r"(?:\b(?:from|than|over|since|to|with|against|vs\.?|versus)\s+(?:the\s+|its\s+|their\s+)?)"
          r"(?:(?:previous|last|prior|preceding)\s+year|year\s+before)|year[- ]on[- ]year|\byoy\b|\bchanged?\b|\bincrease[ds]?\b|"
          r"\bdecrease[ds]?\b|\bgr[eo]w\b|\bgrowth\b|\brise\b|\brose\b|\bfell\b|\bfall\b|\bdrop(?:ped)?\b|"
          r"\bup\s+or\s+down\b|\b(?:go|goes|went|gone|going)\s+(?:up|down)\b")
CHANGE_PCT = r"增长率|下降率|增幅|降幅|百分之|%|幅度|百分比|percent|percentage|\brate\b|by\s+how\s+many\s+percent"
RANK_MAX = r"更高|更多|更大|更贵|最高|最多|最大|最贵|第一|highest|most|largest|biggest|greatest|\btop\b|\bmax"
RANK_MIN = r"更低|更少|更小|更省|最低|最少|最小|最省|lowest|least|smallest|fewest|\bmin"
RANK_ALL = r"排名|排序|排行|从高到低|从低到高|从大到小|从小到大|\brank|\border\b|\bsort"
WHICH = r"哪(?:个|家|一家|些|一个|几家|个单位|个部门)|哪里|\bwhich\b|\bwho\b"
RATIO = (r"占.{0,16}(?:比例|比重|百分之|%|多少|几成)|占比|比例|比重|百分比|百分之几|"
         r"\bshare\b|percentage|proportion|percent\s+of|what\s+fraction|\bratio\b|\bportion\b")
MULTIPLE = r"几倍|多少倍|倍数|times\s+(?:as|more|larger|bigger|higher)|how\s+many\s+times"
AVERAGE = r"平均|均值|\baverage\b|\bmean\b"
# a figure divided by a count the document states (per vehicle, per head): (regex, count metric key)
PER = (
    (r"每辆车?|每台车|车均|单车|per\s+(?:[a-z-]+\s+){0,2}?(?:vehicle|car)\b", "assets.vehicles"),
    (r"人均|每人|每个人|每名(?:职工|员工|人员)?|per\s+(?:[a-z-]+\s+)?(?:capita|person|head|staff|employee|member)\b",
     "staffing.actual"),
)
# the value of what a count counts ("车辆价值多少", "value of the vehicles", "每辆车价值多少")
PER_VALUE = {"assets.vehicles": "assets.vehicles_value", "assets.housing_area": "assets.housing_value"}
VALUE_WORDS = r"价值|值多少|值几|值钱|多少钱|\bvalue[ds]?\b|\bworth\b"
# the count itself is asked as well ("车辆有几辆，价值多少", "how many vehicles and what are they worth")
COUNT_ASKED = r"几辆|多少辆|几台|几套|多少台|数量|几处|多少平|面积|\bhow\s+many\b|\bnumber\s+of\b|\bfloor\s+area\b"
DIFF = (r"how\s+much\s+(?:more|less|higher|lower|bigger|smaller)\b|\bminus\b|减去|减掉|\bmore\b.{0,40}\bthan\b|\bless\b.{0,40}\bthan\b|相差|差额|差多少|差几|差距|多多少|少多少|高多少|低多少|多出|高出|低于|高于|差值|相比.{0,6}(?:多|少)|"
        r"比.{1,16}(?:多|少|高|低)|\bdifference\b|\bmore\s+than\b|\bless\s+than\b|\bhigher\s+than\b|"
        r"\blower\s+than\b|\bgap\b|\bexceed|\bcompared?\s+(?:to|with)\b|\bvs\.?\b|\bversus\b")
SUM = (r"合计|总共|一共|加起来|之和|总和|共计|合起来|加总|总额|一起|两家|三家|四家|所有|全部|(?<![增追添参施])加上?(?![入强快大班])|"
       r"\btotal\b|\bcombined\b|\btogether\b|\bsum\b|\baltogether\b|\badd\s+up\b|\bin\s+all\b|\ball\b")
BARE_BUDGET = r"预算|\bbudget\b"
MONEY_AFTER = re.compile(r"^(?:的)?(?:经费|支出|费用|资金|费|预算|工资|补助|补贴|价值)")
ORG_AFTER_EN = re.compile(r"(?:'s)?(?:\s+(?:county|city|district|prefecture|autonomous))*((?:\s+[a-z&-]+){1,4}?\s+"
                          r"(?:bureau|commission|committee|administration|department|office|authority|agency)\b)")
# "how many people" without a staffing word: the actual headcount
HEADCOUNT = r"几个人|多少人|多少个人|多少名|人数|人最多|人最少|几名|几位|\bpeople\b|\bpersons?\b"
GENERIC_HEADCOUNT = ("how many people", "总人数", "人员总数")
# …unless the people are qualified by what they are ("参保人数", "受益人数", "离休干部人数", "people insured"):
# then it is not the bureau's own staff, and no staff figure answers it
PEOPLE_QUALIFIED_EN = (r"\b(?:people|persons?)\s+(?:are\s+|were\s+|is\s+)?(?:insured|covered|enrolled|benefit|"
                       r"benefited|served|assisted|helped|treated|receiv|participat|aided|subsidi[sz]ed|reimbursed)|"
                       r"\b(?:insured|covered|enrolled|benefit(?:ed|ing)?|served|assisted|treated|poor|rural|urban|"
                       r"resident|retired\s+cadres?)\s+(?:people|persons?)\b|\bresidents?\b|\bbeneficiar|\bpatients?\b|"
                       r"\binsured\b|\benrol")
# actual spending (决算) as opposed to the budget; "spend" alone is how people ask about a budget too
FINAL_WORDS = (r"决算|实际支出|实际花|实际用|实际使用|实际执行|执行数|实际开支|实际发生|\bactual(?:ly)?\b|final accounts?|"
               r"\boutturn\b|\bin fact\b|\breally spent\b")
BUDGET_WORDS = r"预算|年初|\bbudget(?:ed|s)?\b|\bplanned\b"
SHORT_YEAR = re.compile(r"(?<![\d第.])([1-3]\d)\s*(?:年度|年)(?![\d月])")
YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)\s*(年度|年|fy)?(?!底|末|\d)", re.I)
PREV_YEAR = r"去年|上年|上一年|上年度|前一年|last\s+year|previous\s+year|prior\s+year|(?:the\s+)?year\s+before"
# a budget not yet published: the documents cannot say
NEXT_YEAR = r"明年|下一年|下年度|后年|next\s+year|following\s+year|coming\s+year"

QUESTION_WORDS = re.compile(
    r"是多少|多少|是什么|什么|几|吗|呢|请问|的|了|是|有|请|告诉我|查询|一下|how\s+much|how\s+many|what|is|was|the")


@dataclass
class Intent:
    question: str
    english: bool
    units: list[Unit] = field(default_factory=list)
    unknown_units: list[str] = field(default_factory=list)
    ancestor_only: list[str] = field(default_factory=list)
    year: int | None = None
    years: list[int] = field(default_factory=list)  # every year named (a range expanded: 2017到2019)
    kind: str | None = None  # "final" (决算数, actual spending) | "budget" (预算数) | None: which figures
    previous_year: bool = False
    next_year: bool = False
    metrics: list[Metric] = field(default_factory=list)
    op: str = "lookup"  # lookup|sum|difference|ratio|multiple|max|min|rank|average|change|text
    change_kind: str = "amount"  # amount | percent
    text_kind: str | None = None  # reason|purpose|basis|duties|goal|structure
    all_units: bool = False
    residual: str = ""  # the question without unit/metric words (for retrieval)
    # what the question still names beyond the figure(s) found ("第二批能力提升补助资金" next to 上年结转)
    specific: list[str] = field(default_factory=list)
    missing_operand: str | None = None  # a comparison/sum with one figure found: what the other was called
    has_unit_mention: bool = False
    per: str | None = None  # key of the count metric a "per X" question divides by

    def describe(self) -> dict:
        return {"units": [u.department for u in self.units], "unknown_units": self.unknown_units,
                "year": self.year, **({"years": self.years} if len(self.years) > 1 else {}),
                **({"kind": self.kind} if self.kind else {}), "metrics": [m.key for m in self.metrics], "op": self.op,
                "change_kind": self.change_kind, "text_kind": self.text_kind, "all_units": self.all_units,
                **({"per": self.per} if self.per else {}),
                **({"previous_year": True} if self.previous_year else {})}


def _norm(q: str) -> str:
    q = unicodedata.normalize("NFKC", q or "")
    return q.replace("“", "\"").replace("”", "\"")


class Vocabulary:
    """Every term that names a metric: static lexicon, function classes, row names of the records."""

    def __init__(self, function_names: dict[str, str] | None = None, row_names: set[str] | None = None):
        terms: list[tuple[str, Metric, bool]] = []  # (term, metric, latin)
        for m in METRICS:
            for t in m.zh:
                terms.append((_norm(t), m, False))
            # the English label the answers print is understood too ("public (office) expenses")
            for t in dict.fromkeys([*m.en, m.label_en] if m.label_en.isascii() else m.en):
                terms.append((t.lower(), m, True))
        fmetrics = {m.function_code: m for m in function_metrics()}
        for code, name in (function_names or {}).items():
            fmetrics[code] = function_metric(code, name)
        for m in fmetrics.values():
            for t in m.zh:
                terms.append((_norm(t), m, False))
            for t in m.en:
                terms.append((t.lower(), m, True))
        static = {t for t, _, _ in terms}
        for name in sorted(set(STANDARD_ROWS) | set(row_names or ())):
            n = _norm(name)
            if n not in static and len(n) >= 2:
                terms.append((n, row_metric(name), False))
        # longest first; ties keep the static lexicon first (stable sort)
        self.terms = sorted(terms, key=lambda t: len(t[0]), reverse=True)

    def match(self, q: str, mask: list[bool]) -> list[tuple[int, int, Metric, str]]:
        """Non-overlapping term matches: longest first, then leftmost, then the static lexicon."""
        low = q.lower()
        cands = []
        for order, (term, metric, latin) in enumerate(self.terms):
            hay = low if latin else q
            start = 0
            while True:
                i = hay.find(term, start)
                if i < 0:
                    break
                j = i + len(term)
                start = i + 1
                if latin and ((i > 0 and hay[i - 1].isalnum()) or (j < len(hay) and hay[j].isalpha()
                                                                    and hay[j] not in "s")):
                    continue
                if latin and term in _MODIFIER_EN:
                    nxt = re.match(r"\s+([a-z][a-z'-]*)", hay[j:])
                    if nxt and nxt.group(1) not in _AFTER_MODIFIER_EN:
                        continue  # "basic medical insurance fund" is not basic expenditure
                need = _CONTEXT.get(metric.key)
                if need and term in ("货物", "货物类", "工程类", "服务类", "goods", "works", "services") and not any(
                        w in low for w in need):
                    continue
                cands.append((-(j - i), i, order, j, metric, term))
        cands.sort(key=lambda c: (c[0], c[1], c[2]))
        found = []
        for _, i, _, j, metric, term in cands:
            if any(mask[i:j]):
                continue
            for k in range(i, j):
                mask[k] = True
            found.append((i, j, metric, term))
        found.sort(key=lambda f: f[0])
        return found


def understand(question: str, units: UnitIndex, vocab: Vocabulary) -> Intent:
    q = _norm(question).strip()
    english = is_english(q)
    intent = Intent(question=question, english=english)
    mask = [False] * len(q)
    mentions: list[Mention] = units.find(q)
    orgs = _org_words(units)
    seen: set[str] = set()
    for m in mentions:
        for k in range(m.start, m.end):
            mask[k] = True
        if m.kind == "unknown":
            # "X County in Y": a place after a known unit, introduced by in/of, only locates it
            if m.text.isascii() and any(o.units and o.end <= m.start for o in mentions) and re.search(
                    r"(?:\bin|\bof|,)\s*(?:the\s+)?$", q[:m.start], re.I):
                continue
            intent.unknown_units.append(m.text)
            continue
        intent.has_unit_mention = True
        for u in m.units:
            if u.doc not in seen:
                seen.add(u.doc)
                intent.units.append(u)
    # mask English department words so they do not read as metrics ("health" in a bureau name)
    low = q.lower()
    for phrase in ("medical insurance bureau", "medical security bureau", "healthcare security bureau",
                   "health care security bureau", "health insurance bureau", "healthcare security administration",
                   "medical insurance administration", "health security bureau"):
        for mm in re.finditer(re.escape(phrase), low):
            for k in range(mm.start(), mm.end()):
                mask[k] = True
    # the words naming the department right after a Latin unit name ("Nanxi health commission")
    for m in mentions:
        if m.kind == "latin":
            dm = ORG_AFTER_EN.match(low, m.end)
            if dm:
                for k in range(dm.start(), dm.end()):
                    mask[k] = True
    # years
    years = []
    for ym in YEAR.finditer(q):
        years.append(int(ym.group(1)))
        for k in range(ym.start(), ym.end()):
            mask[k] = True
    for ym in SHORT_YEAR.finditer(q):  # "19年" as people write it: 2019
        if not any(mask[ym.start():ym.end()]):
            years.append(2000 + int(ym.group(1)))
            for k in range(ym.start(), ym.end()):
                mask[k] = True
    if years:
        # two consecutive years ("2024年比2023年", "2024 vs 2023"): the later one is the budget asked about
        intent.year = max(years)
        compares_years = len(set(years)) == 2 and max(years) - min(years) == 1
        intent.years = sorted(set(years))
        if len(intent.years) == 2 and re.search(r"\d\s*(?:年度?)?\s*(?:到|至|-|—|–|~|to)\s*(?:20)?\d", q):
            intent.years = list(range(intent.years[0], intent.years[1] + 1))  # 2017到2019: every year of it
    else:
        compares_years = False
    matches = vocab.match(q, mask)
    # a headcount word followed by a money word names an expense, not the count ("离退休人员经费")
    kept = [t for t in matches if not (t[2].kind == "count" and t[2].unit in ("人", "辆") and MONEY_AFTER.match(q[t[1]:]))]
    # (…except what is worth something: "车辆的价值" is the vehicles' value)
    from qa.lexicon import BY_KEY as _BY_KEY

    for n, t in enumerate(matches):
        if t not in kept and t[2].key in PER_VALUE and re.match(r"^(?:的)?(?:总)?价值", q[t[1]:]):
            worth = (t[0], t[1], _BY_KEY[PER_VALUE[t[2].key]], t[3])
            matches[n] = worth
            kept.append(worth)
    kept.sort(key=lambda t: t[0])
    # (a count followed by 价值/经费 names what they are worth or cost, not how many)
    for i, j, _, _ in (t for t in matches if t not in kept):
        mask[i:j] = [False] * (j - i)
    # "几辆/多少个项目" only asks how many: when a counted thing of the same unit is named, it is that
    asks = [t for t in matches if re.match(r"^(?:几|多少)", t[3])]
    if asks and len(matches) > len(asks):
        matches = [t for t in matches if t not in asks or not any(
            o[2].unit == t[2].unit for o in matches if o not in asks)]
    else:
        matches = kept
    matches = [t for t in matches if t in kept]
    generic = [t for t in matches if t[2].key == "staffing.actual" and t[3] in GENERIC_HEADCOUNT]
    if generic:
        free = list(mask)
        for i, j, _, _ in generic:
            free[i:j] = [False] * (j - i)
        if _qualified_people(q, free, orgs):
            # "how many people are insured", "参保总人数": people, but not the bureau's staff
            mask[:] = free
            matches = [t for t in matches if t not in generic]
    if not matches and re.search(HEADCOUNT, q, re.I) and not _qualified_people(q, mask, orgs):
        from qa.lexicon import BY_KEY

        matches = [(0, 0, BY_KEY["staffing.actual"], "")]
    elif not matches and re.search(BARE_BUDGET, q, re.I) and not any(re.search(rx, q, re.I) for _, rx in TEXT_TRIGGERS) \
            and _only_budget_words("".join(" " if mask[i] else c for i, c in enumerate(q))):
        from qa.lexicon import BY_KEY

        matches = [(0, 0, BY_KEY["expenditure.total"], "")]  # "the budget" alone: the whole budget
    metrics: list[Metric] = []
    for _, _, metric, _ in matches:
        if metric.key not in {m.key for m in metrics}:
            metrics.append(metric)
    intent.metrics = metrics
    masked = "".join("□" if mask[i] else c for i, c in enumerate(q))
    intent.residual = re.sub(r"□+", " ", masked)
    lowm = masked.lower()
    unmasked = q.lower()
    for kind, rx in TEXT_TRIGGERS:
        if re.search(rx, unmasked if kind == "structure" else lowm, re.I):
            intent.text_kind = kind
            break
    intent.metrics = metrics = _merge_qualifiers(q, matches)
    if (intent.text_kind is None and not english and metrics and all(m.kind != "text" for m in metrics)
            and re.search(DESCRIBE, lowm) and not re.search(HOW_MUCH, lowm)):
        intent.text_kind = "describe"
    _value_of_count(q, masked, intent)
    _per(q, intent)
    intent.next_year = bool(re.search(NEXT_YEAR, lowm, re.I)) and intent.year is None
    intent.kind = "final" if re.search(FINAL_WORDS, q, re.I) else ("budget" if re.search(BUDGET_WORDS, q, re.I) else None)
    if re.search(PREV_YEAR, lowm, re.I) and not re.search(CHANGE, lowm, re.I):
        intent.previous_year = True
    intent.op = _operation(lowm, intent)
    if len(intent.metrics) == 1 and not intent.per and (
            (intent.op in ("difference", "multiple", "ratio") and len(intent.units) + len(intent.unknown_units) <= 1)
            or (intent.op == "lookup" and len(intent.units) == 1 and re.search(JOIN, lowm, re.I))):
        span = _second_operand(q, masked, intent)
        if span:
            masked = masked[:span[0]] + "□" * (span[1] - span[0]) + masked[span[1]:]
    intent.specific = _specific(masked, intent, orgs)
    _part_of(q, matches, intent)
    if compares_years and intent.metrics and intent.op in ("lookup", "difference"):
        intent.op, intent.previous_year = "change", False
        intent.years = [intent.year]  # the later budget states its change from the year before
        intent.change_kind = "percent" if re.search(CHANGE_PCT, lowm, re.I) else "amount"
    if intent.op in ("max", "min", "rank", "average") or (
            intent.op in ("sum",) and not intent.units and not intent.has_unit_mention):
        intent.all_units = not intent.units
    return intent


DESCRIBE = r"是什么|有哪些|哪些|是哪|什么"
HOW_MUCH = r"多少|几|多大|多高|金额|数额|规模|比例|占比|比重|排名|最高|最低|最多|最少|哪家|哪个单位|合计|差"
GENERIC_TOTALS = {"expenditure.total", "income.total"}
GENERAL_BUDGET = {"income.general_budget", "fiscal.general_budget", "fiscal.income_total"}
_GAP = re.compile(r"^(?:\s|的|中|之|里|其中|里面|预算|安排的|安排|用于|\bof\b|\bin\b|\bfor\b|\bthe\b|\bon\b|\bis\b|\bbudget\b|:|：|、|"
                  r"[()（）])*$", re.I)


def _merge_qualifiers(q: str, matches: list) -> list[Metric]:
    """Adjacent terms that qualify each other become one metric (一般公共预算 + 卫生健康支出 → the class
    in the general budget; 政府采购 + 服务类 → procurement of services; X + 支出预算 → X)."""
    from qa.lexicon import function_metric

    items = [[i, j, m] for i, j, m, _ in matches]
    changed = True
    while changed and len(items) > 1:
        changed = False
        for a in range(len(items) - 1):
            (i1, j1, m1), (i2, j2, m2) = items[a], items[a + 1]
            if not _GAP.match(q[j1:i2]):
                continue
            merged = None
            if m1.key in GENERAL_BUDGET and m2.function_code:
                merged = function_metric(m2.function_code, m2.label_zh, fiscal=True)
            elif m2.key in GENERAL_BUDGET and m1.function_code:
                merged = function_metric(m1.function_code, m1.label_zh, fiscal=True)
            elif m2.key in GENERIC_TOTALS and m1.unit == "万元" and m1.key not in GENERIC_TOTALS:
                merged = m1
            elif m1.key in GENERIC_TOTALS and m2.unit == "万元" and m2.key not in GENERIC_TOTALS and \
                    not m2.function_code:
                merged = m2
            elif m2.parent == m1.key or (m1.key == "sangong.total" and m2.key.startswith("sangong.")):
                merged = m2
            elif m1.parent == m2.key and q[j1:i2].strip() == "":
                merged = m1
            elif m1.key == "contact.name" and m2.key.startswith("contact.") and q[j1:i2].strip() == "":
                merged = m2  # "contact phone number", "联系人电话": the phone, not the person
            if merged is not None:
                items[a: a + 2] = [[i1, j2, merged]]
                changed = True
                break
    out: list[Metric] = []
    for _, _, m in items:
        if m.key not in {x.key for x in out}:
            out.append(m)
    # the same class named twice (in English and in Chinese): the general-budget reading wins
    fiscal = {m.function_code for m in out if m.function_code and m.fiscal}
    return [m for m in out if not (m.function_code in fiscal and not m.fiscal)]


def _qualified_people(q: str, mask: list[bool], orgs: tuple = (None, None)) -> bool:
    """The people a headcount word counts are named as someone else than the bureau's staff
    ("居民医疗保险参保人数", "有多少人参保", "离休干部人数", "how many people are insured")."""
    if re.search(PEOPLE_QUALIFIED_EN, q, re.I):
        return True
    free = "".join("|" if mask[i] else c for i, c in enumerate(q))
    for hm in re.finditer(HEADCOUNT, free, re.I):
        before = re.split(r"[|,，。;；?？!！、]", free[:hm.start()])[-1]
        after = re.split(r"[|,，。;；?？!！、]", free[hm.end():])[0]
        after = re.sub(r"是多少|多少|是|吗|呢|啊|呀", "", after)
        for side in (before, after):
            rest = re.sub(f"[{WORD_CHARS}]", "", "".join(_left_words(side, orgs)))
            if sum(1 for c in rest if "\u4e00" <= c <= "\u9fff") >= 2:
                return True
    return False


def _only_budget_words(rest: str) -> bool:
    """Nothing but question words around "预算/budget" (so "the budget" means the whole budget, while
    "X项目预算安排规模" names something the lexicon does not know)."""
    rest = re.sub(BARE_BUDGET + r"|" + QUESTION_WORDS.pattern + r"|总|全年|今年|本年|年度|年|安排|大概|一共|总共|请|整体|全部|"
                  r"\b(?:how|much|what|whats|what's|is|was|the|for|of|in|on|s|its|total|overall|whole|entire|"
                  r"big|large|size|combined|together|all|both|two|three|four|five|six|bodies|body|units|departments|"
                  r"agencies|offices)\b|[\s\W]", "", rest, flags=re.I)
    return len(rest) <= 1


# an explicit "A plus B" (not "合计/一共", which ask for a total itself)
JOIN = r"(?<![增追添参施])加上?(?![入强快大班起总])|\bplus\b|\+"
# what is left of a question once its unit, figures and question/operation words are taken out; a run
# of 3+ Chinese characters in it names something more specific than the figure found
FILLER = re.compile(
    r"这份预算公开|预算公开文件|预算公开|这份文件|这份|公开文件|文件|是多少|是什么|多少钱|多少|什么|几|吗|呢|啊|吧|呀|嘛|请问|请|告诉我|查询|查一下|一下|想知道|知道|看看|帮我|我想|"
    r"大概|大约|具体|目前|现在|一共|总共|共计|合计|总计|总额|金额|数额|规模|总|共|加起来|加上|之和|总和|一起|分别|各自|"
    r"各|相比|对比|相差|差额|差距|差多少|多多少|少多少|高多少|低多少|多出|高出|比|较|多|少|高|低|占|比例|比重|百分之|"
    r"百分比|几成|倍|平均|每|最|价值|值|方面|领域|方向|这块|一块|部分|相关|有关|关于|类别|类|科目|口径|明细|数目|"
    r"数量|部门|总体|整体|全部|所有|分别是|各项|平方米|平米|平方|亿元|千元|万|辆|台|套|处|"
    r"下面|上面|里面|里头|下设|下属|下辖|设了|设有|设置|设立|设|包括|包含|拥有|配备|配置|共有|现有|还有|还剩|剩下|剩余|剩|"
    r"按照|按|算|计算|来算|口径|工作人员|人员|职工|员工|干部|工作|人数|多少人|几个人|几名|几位|人|哪家|哪个|哪|家|单位|部门|本单位|机关|本级|预算数|预算|安排|拨款|"
    r"资金|经费|费用|支出|收入|开支|花费|花了|花|用了|用|钱|万元|元|本年度|本年|今年|当年|年度|全年|年|上年|去年|同比|"
    r"增加|减少|增长|下降|变化|情况|数据|数字|的|了|是|有|为|在|里|中|其中|里面|之|和|与|及|跟|同|或|还|"
    r"也|都|这个|那个|这|那|该|其|它|给|拿|能|可以|要|需要|计划|预计|准备|去|来|到|于|对|把|被|让|从|"
    r"[\s\W\d_a-zA-Z□]")
# single characters that are question words alone but also build item names ("工会费", "出差", "上网"):
# taken out only at the edge of what is left, never from inside a word
WORD_CHARS = "会出上下内用数额项个"
_EDGE_WORD_CHARS = re.compile(rf"^[{WORD_CHARS}]+|[{WORD_CHARS}]+$")
# a run that is nothing but place names (an administrative division of any province: "四川省", "新疆维吾尔
# 自治区", "某某州某某县") locates the unit, it names no item
ADMIN_PLACES = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?(?:自治区|自治州|自治县|自治旗|特别行政区|地区|省|市|州|盟|县|区|旗))+$")


def _org_words(units: UnitIndex | None) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The units' own organisation names ("医疗保障局", "医保局", "教育局"…) and a run made of nothing but
    the place names they know ("新疆", "克州", "伊犁"…), as the unit index has them."""
    from qa.unit_names import _org_forms

    us = units.units if units is not None else []
    forms = {f for u in us for f in _org_forms(u.org) if len(f) >= 3}
    places = {p for p in (units.known_places if units is not None else set()) if len(p) >= 2}
    orgs = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))) if forms else None
    admin = ADMIN_PLACES.pattern[len("^(?:"):-len(")+$")]
    only_places = re.compile("^(?:" + "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True))
                             + "|" + admin + ")+$") if places else None
    return orgs, only_places


def _left_words(text: str, names: tuple[re.Pattern | None, re.Pattern | None] = (None, None)) -> list[str]:
    """What is left of `text` once filler, organisation names and place names are taken out, as runs."""
    orgs, only_places = names
    if orgs is not None:
        text = orgs.sub("|", text)
    out = []
    for run in FILLER.sub("|", text).split("|"):
        run = _EDGE_WORD_CHARS.sub("", run)
        if run and not ADMIN_PLACES.match(run) and not (only_places is not None and only_places.match(run)):
            out.append(run)
    return out


# "X中的Y" / "X里的Y": Y is asked as a part of X
INSIDE_EN = re.compile(r"[)）]?\s*(?:\([^()]{1,20}\)\s*)?(?:(?:is\s+)?(?:in|within|inside|under|out\s+of|of|from)\s+(?:the\s+)?)",
                       re.I)
# the whole first, then the part: "procurement budget for (construction) works"
WHOLE_FOR_EN = re.compile(r"\s*(?:for|on)\s+(?:the\s+)?(?:[a-z-]+\s+)?", re.I)
INSIDE = re.compile(r"(?:资金|经费|预算|支出)?(?:之中的|当中的|里面的|其中的|中的|里的|内的|的|中|里|内)")


def _part_of(q: str, matches: list, intent: Intent) -> None:
    """A lookup of two figures where the question names the second inside the first ("三公经费中的办公费",
    "上年结转的基本工资"): the second is asked as a part of the first, not next to it. A figure that is a
    part of the other is asked alone; a table row is looked for among the first figure's parts."""
    if intent.op != "lookup" or len(intent.metrics) != 2 or intent.specific or intent.per:
        return
    keys = {m.key for m in intent.metrics}
    spans = sorted((i, j, m) for i, j, m, _ in matches if m.key in keys)
    if len(spans) != 2 or spans[0][2].key == spans[1][2].key:
        return
    (_, j1, outer), (i2, j2, inner) = spans
    if INSIDE_EN.fullmatch(q[j1:i2]):  # English names the part first: "travel expenses in the basic expenditure"
        (_, j1, inner), (i2, j2, outer) = spans
        i2, j2 = spans[0][0], spans[0][1]
    elif not INSIDE.fullmatch(q[j1:i2]) and not WHOLE_FOR_EN.fullmatch(q[j1:i2]):
        return
    from qa.lexicon import BY_KEY

    up, seen = inner.parent, set()
    while up and up not in seen:
        if up == outer.key:
            intent.metrics = [inner]
            return
        seen.add(up)
        up = BY_KEY[up].parent if up in BY_KEY else None
    if inner.row and not outer.row:
        intent.metrics = [outer, inner]
        intent.specific = [q[i2:j2]]


ORDINALS = {"first": "一", "second": "二", "third": "三", "fourth": "四", "fifth": "五", "1st": "一", "2nd": "二",
            "3rd": "三", "4th": "四", "5th": "五"}


def _specific(masked: str, intent: Intent, orgs: tuple = (None, None)) -> list[str]:
    """Chinese words a numeric question names beyond its unit and figure(s) (the figure found may be
    the total of what is asked: "上年结转的第二批能力提升补助资金")."""
    if intent.op in ("text", "per") or not intent.metrics or intent.text_kind:
        return []
    out = []
    # English names a batch the documents print as 第N批 ("the second batch of …")
    for om in re.finditer(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+(?:batch|tranche|round|installment)",
                          masked, re.I):
        out.append(f"第{ORDINALS[om.group(1).lower()]}批")
    names = [_norm(t) for m in intent.metrics for t in m.zh]
    for piece in re.split(r"□+", masked):
        left = [r for r in _left_words(piece, orgs) if len(r) >= 2]
        if left and all(any(r in n for n in names) for r in left):
            continue  # it only restates the figure found ("procurement of works (工程)")
        if left:
            # the piece as asked, without its question words: what to look for among the items
            piece = re.sub(r"^(?:(?:资金|经费|预算|支出)?(?:的|之|中|里|其中|里面)|[\s\W])+|(?:是多少|多少钱|多少|是什么|有多少|是|呢|吗|还有|还剩|还|"
                           r"剩下|剩余|[\s\W])+$", "", piece.strip())
            out.append(piece)
    return out


def _sibling_terms(metric: Metric) -> list[tuple[str, Metric]]:
    """Short names of the figures under the same whole as `metric`, as a comparison names them once
    the whole is said ("政府采购货物预算比服务预算…" → 服务预算; "基本支出比项目多…" → 项目)."""
    from qa.lexicon import BY_KEY

    if not metric.parent:
        return []
    parent = BY_KEY.get(metric.parent)
    own = [_norm(t) for t in metric.zh] + ([_norm(t) for t in parent.zh] if parent else [])
    own_en = [t.lower() for t in metric.en] + ([t.lower() for t in parent.en] if parent else [])
    out: list[tuple[str, Metric]] = []
    for sib in METRICS:
        if sib.parent != metric.parent or sib.key == metric.key:
            continue
        for t in (_norm(x) for x in sib.zh):
            forms = {t}
            for o in own:
                k = 0
                while k < min(len(o), len(t)) and o[k] == t[k]:
                    k += 1
                if k:
                    forms.add(t[k:])
            for f in list(forms):
                for o in own:
                    k = 0
                    while k < min(len(o), len(f)) and o[-1 - k] == f[-1 - k]:
                        k += 1
                    if k and len(f) - k >= 2:
                        forms.add(f[:len(f) - k])
            out += [(f, sib) for f in forms if len(f) >= 2]
        for t in (x.lower() for x in sib.en):
            words = t.split()
            forms = {t}
            for o in own_en:
                ow = o.split()
                k = 0
                while k < min(len(ow), len(words)) and ow[k] == words[k]:
                    k += 1
                if k:
                    forms.add(" ".join(words[k:]))
            out += [(f, sib) for f in forms if len(f) >= 4 and f not in _GENERIC_EN]
    return sorted(out, key=lambda x: len(x[0]), reverse=True)


# what is left of an English name once the words it shares with another are taken off, when that names no
# figure by itself ("budget" of "official car budget")
_GENERIC_EN = {"budget", "budgets", "expenses", "expense", "costs", "cost", "spending", "total", "fees", "funds",
               "expenditure", "expenditures", "amount"}


def _second_operand(q: str, masked: str, intent: Intent) -> tuple[int, int] | None:
    """A comparison or an explicit sum that found one figure: the other one is a sibling named
    without its whole ("服务预算"), or it was not found (then `missing_operand` says what was asked)."""
    m = intent.metrics[0]
    low = masked.lower()
    joined = intent.op == "lookup" and re.search(JOIN, low, re.I)
    if intent.op == "lookup" and not joined:
        return None
    found = None
    for form, sib in _sibling_terms(m):
        if form.isascii():
            hit = re.search(r"(?<![a-z])" + re.escape(form) + r"(?![a-z])", low)
        else:
            hit = re.search(re.escape(form), masked)
        if hit and (found is None or hit.start() < found[0]):
            found = (hit.start(), hit.end(), sib)
    if found is not None:
        pos, end, sib = found
        first = min((i for i in (q.lower().find(t.lower()) for t in [*m.zh, *m.en]) if i >= 0), default=0)
        intent.metrics = [sib, m] if pos < first else [m, sib]
        if joined:
            intent.op = "sum"
        return pos, end
    if intent.op == "ratio":
        return None  # one figure's share: of its whole
    if joined:
        intent.op = "sum"
    # the two sides of "A比B多", "A加上B", "A than B": the one without the figure found is what is missing
    what = re.search(r"([^□]{0,20}?)(?:比|较|减去|减掉)(.{1,16}?)(?:多|少|高|低|$)|(.{0,40}?)\bthan\s+(.{1,60}?)(?:\?|$)|"
                     r"([^□]{0,20}?)(?:加上?|plus|\+)(.{1,20}?)(?:一共|合计|总共|是|等于|共|多少|\?|？|$)|"
                     r"(.{0,40}?)\bminus\s+(.{1,40}?)(?:\?|$)", masked, re.I)
    sides = [g for g in (what.groups() if what else ()) if g is not None]
    name = ""
    for side in sides:
        if "□" in side:
            continue
        cand = re.sub(r"^(?:的|之|中|里|其中|\s|[^\w□])+|(?:的|预算|是|\s|[^\w□])+$", "", side)
        cand = re.sub(r"^(?:how\s+much\s+(?:more|less)\s+(?:is|are|does|do|did)?|the|its|their|than)\s+", "", cand,
                      flags=re.I).strip()
        if cand and not re.fullmatch(r"[\W\d\s]*", cand):
            name = cand
            break
    intent.missing_operand = name or "?"
    return None


def _value_of_count(q: str, masked: str, intent: Intent) -> None:
    """A value word with a counted thing that has a stated value ("车辆一共值多少钱", "value of the
    vehicles", "办公用房值多少") asks the value, not the count; both when the count is asked too."""
    from qa.lexicon import BY_KEY

    if not re.search(VALUE_WORDS, masked, re.I):
        return
    out: list[Metric] = []
    for m in intent.metrics:
        value_key = PER_VALUE.get(m.key)
        if value_key is None:
            out.append(m)
            continue
        if re.search(COUNT_ASKED, q, re.I):
            out.append(m)
        out.append(BY_KEY[value_key])
    keys: set[str] = set()
    intent.metrics = [m for m in out if not (m.key in keys or keys.add(m.key))]


def _per(q: str, intent: Intent) -> None:
    """"Per vehicle / per head" questions: the amount metric divided by the stated count."""
    from qa.lexicon import BY_KEY

    for rx, count_key in PER:
        if not re.search(rx, q, re.I):
            continue
        amounts = [m for m in intent.metrics if m.kind == "amount" and m.key != count_key]
        if not amounts and count_key in PER_VALUE and re.search(VALUE_WORDS, q, re.I):
            amounts = [BY_KEY[PER_VALUE[count_key]]]
        if not amounts and re.search(BARE_BUDGET, q, re.I):
            amounts = [BY_KEY["expenditure.total"]]  # "人均预算 (按在职人员)": the whole budget per head
        if amounts and intent.text_kind is None:
            # the count the question names divides ("按在职人数算，人均…" → 在职人数, "每辆一般公务用车" → that kind)
            named = [m for m in intent.metrics if m.kind == "count" and m.unit == BY_KEY[count_key].unit]
            intent.per = named[0].key if named else count_key
            intent.metrics = amounts[:1]
        return


def _operation(m: str, intent: Intent) -> str:
    # a unit that is not ingested still counts: "A和B合计" is a sum even when B is unknown
    n_units, n_metrics = len(intent.units) + len(intent.unknown_units), len(intent.metrics)
    if intent.per:
        return "per"
    if intent.text_kind:
        # a goal question is a figure only when the figure is the performance target's own
        # ("绩效目标涉及金额") or printed on its form ("绩效目标表上的联系人"); "参保人数目标" /
        # "三公经费的目标" are answered from the target text
        if not (intent.text_kind == "goal" and n_metrics and all(
                x.key.startswith("performance.") or x.kind == "text" for x in intent.metrics)):
            return "text"
    if re.search(CHANGE, m, re.I) and not re.search(RANK_ALL, m, re.I) and not (
            re.search(WHICH, m, re.I) and (re.search(RANK_MAX, m, re.I) or re.search(RANK_MIN, m, re.I))):
        intent.change_kind = "percent" if re.search(CHANGE_PCT, m, re.I) else "amount"
        return "change"
    if re.search(RANK_ALL, m, re.I):
        return "rank"
    which = re.search(WHICH, m, re.I)
    if re.search(RANK_MAX, m, re.I) and (which or n_units != 1):
        return "max"
    if re.search(RANK_MIN, m, re.I) and (which or n_units != 1):
        return "min"
    if re.search(MULTIPLE, m, re.I):
        return "multiple"
    if re.search(RATIO, m, re.I):
        return "ratio"
    if re.search(AVERAGE, m, re.I):
        return "average"
    if re.search(DIFF, m, re.I) and (n_units >= 2 or n_metrics >= 1):
        return "difference"  # with one figure found, the other is looked for (or the question declined)
    if re.search(SUM, m, re.I) and (n_units >= 2 or n_metrics >= 2 or (n_units == 0 and not
                                                                       intent.has_unit_mention)):
        if n_units == 0 and n_metrics == 1 and not re.search(r"所有|全部|各|(?:\d+|[两三四五六七八九十几])\s*(?:个|家)|"
                                                             r"\ball\b|\bcombined\b|\bthese\s+\d+|\bin\s+total\b|"
                                                             r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
                                                             r"(?:[a-z-]+\s+){0,3}(?:bureaus|units|departments|offices)\b|"
                                                             r"\btogether\b|\baltogether\b|一共|总共|加起来", m, re.I):
            return "lookup"
        return "sum"
    if which and n_units == 0:
        return "max"
    return "lookup"
