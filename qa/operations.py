"""The operation a question asks for (lookup, sum, difference, ratio/share, multiple, per vehicle/head,
max/min/rank/average across units, the change vs the previous year, text), and the second figure of
a comparison or a sum when the question names it without its whole ("货物预算比服务预算")."""

from __future__ import annotations

import re

from qa.intent import Intent
from qa.lexicon import BY_KEY, METRICS, Metric
from qa.vocabulary import _norm

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


# an explicit "A plus B" (not "合计/一共", which ask for a total itself)
JOIN = r"(?<![增追添参施])加上?(?![入强快大班起总])|\bplus\b|\+"


def _sibling_terms(metric: Metric) -> list[tuple[str, Metric]]:
    """Short names of the figures under the same whole as `metric`, as a comparison names them once
    the whole is said ("政府采购货物预算比服务预算…" → 服务预算; "基本支出比项目多…" → 项目)."""
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
