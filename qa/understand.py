"""Question understanding: units, year, metric(s), operation, and whether it is a text question.

Works on the question alone plus the library's unit index and row names; no model is needed. The
steps: unit mentions (`qa.units`), figure terms (`qa.vocabulary`), the operation (`qa.operations`),
what the question names beyond the figure found (`qa.specifics`); the result is an `Intent`.
"""

from __future__ import annotations

import re

from qa import meaning, relations
from qa.intent import Intent
from qa.lexicon import BY_KEY, Metric
from qa.operations import (BARE_BUDGET, CHANGE, CHANGE_PCT, JOIN, PER_VALUE, _operation, _per, _second_operand,
                           _value_of_count)
from qa.specifics import WORD_CHARS, _left_words, _org_words, _part_of, _specific
from qa.text import is_english
from qa.unit_mentions import Mention
from qa.units import UnitIndex
from qa.vocabulary import Vocabulary, _merge_qualifiers, _norm

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
    # the budget units a department's budget gathers (部门预算单位构成)
    ("members", r"哪些(?:下属|预算|所属)?单位|单位构成|which\s+(?:units|bodies|subordinate)"),
    # what the disclosure covers ("部门预算包含东郊国宾馆吗", "does the budget include …"): the sentence naming it
    ("scope", r"(?:包含|包括|含有?|涵盖|纳入)[^？?。]{1,24}(?:吗|么|没有|与否)|是否(?:包含|包括|含|纳入|涵盖)|"
              r"\bdoes\b.{0,80}\b(?:include|cover)|\bis\b.{0,60}\bincluded\b"),
]


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
# "actual" of a head count or a vehicle count is the count itself (实有人数, "how many staff does X actually
# have"), not the final accounts: only these words ask a count from a 决算
FINAL_OF_COUNT = r"决算|final accounts?|\boutturn\b"
BUDGET_WORDS = r"预算|年初|\bbudget(?:ed|s)?\b|\bplanned\b"
SHORT_YEAR = re.compile(r"(?<![\d第.])([1-3]\d)\s*(?:年度|年)(?![\d月])")
YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)\s*(年度|年|fy)?(?!底|末|\d)", re.I)
PREV_YEAR = r"去年|上年|上一年|上年度|前一年|last\s+year|previous\s+year|prior\s+year|(?:the\s+)?year\s+before"
# a budget not yet published: the documents cannot say
NEXT_YEAR = r"明年|下一年|下年度|后年|next\s+year|following\s+year|coming\s+year"

QUESTION_WORDS = re.compile(
    r"是多少|多少|是什么|什么|几|吗|呢|请问|的|了|是|有|请|告诉我|查询|一下|how\s+much|how\s+many|what|is|was|the")


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
    for n, t in enumerate(matches):
        if t not in kept and t[2].key in PER_VALUE and re.match(r"^(?:的)?(?:总)?价值", q[t[1]:]):
            worth = (t[0], t[1], BY_KEY[PER_VALUE[t[2].key]], t[3])
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
        matches = [(0, 0, BY_KEY["staffing.actual"], "")]
    elif not matches and re.search(BARE_BUDGET, q, re.I) and not any(re.search(rx, q, re.I) for _, rx in TEXT_TRIGGERS) \
            and _only_budget_words("".join(" " if mask[i] else c for i, c in enumerate(q))):
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
        if re.search(rx, unmasked if kind in ("structure", "members") else lowm, re.I):
            intent.text_kind = kind
            break
    intent.metrics = metrics = _merge_qualifiers(q, matches)
    if (intent.text_kind is None and not english and metrics and all(m.kind != "text" for m in metrics)
            and re.search(DESCRIBE, lowm) and not re.search(HOW_MUCH, lowm)):
        intent.text_kind = "describe"
    _value_of_count(q, masked, intent)
    _per(q, intent)
    intent.next_year = bool(re.search(NEXT_YEAR, lowm, re.I)) and intent.year is None
    final = FINAL_OF_COUNT if metrics and all(m.kind == "count" for m in metrics) else FINAL_WORDS
    intent.kind = "final" if re.search(final, q, re.I) else ("budget" if re.search(BUDGET_WORDS, q, re.I) else None)
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
    _relations(q, masked, matches, intent)
    if compares_years and intent.metrics and intent.op in ("lookup", "difference"):
        intent.op, intent.previous_year = "change", False
        intent.years = [intent.year]  # the later budget states its change from the year before
        intent.change_kind = "percent" if re.search(CHANGE_PCT, lowm, re.I) else "amount"
    if intent.op in ("max", "min", "rank", "average") or (
            intent.op in ("sum",) and not intent.units and not intent.has_unit_mention):
        intent.all_units = not intent.units
    return intent


def _relations(q: str, masked: str, matches: list, intent: Intent) -> None:
    """Exclusions, inclusions, whole-and-part and the Chinese head (`qa.relations.resolve`); then a figure
    named loosely is read as the relative the question's other words describe (`qa.relations.refine`)."""
    if intent.op not in ("lookup", "sum") or intent.per or not intent.metrics:
        return
    fit = relations.agree_kind(q, intent.metrics)
    if not fit:
        # every figure found is of the other kind ("how much … pensions" found only 退休人数): none is
        # the answer; the question's words are read by meaning instead (qa.routes._by_meaning)
        intent.metrics, intent.specific, intent.op = [], [], "lookup"
        return
    if len(fit) < len(intent.metrics):
        intent.metrics = fit
    spans = [(i, j, m) for i, j, m, _ in matches]
    metrics, op = relations.resolve(q, spans, intent.metrics, intent.op == "sum")
    if intent.op == "sum":
        intent.metrics = metrics
        missing = relations.list_items(q, [t for t in spans if t[2] in metrics])
        if missing:
            intent.missing_operand = missing[0]  # a listed item no figure names: found by meaning or declined
        return
    if metrics != intent.metrics or op:
        intent.metrics, intent.specific = metrics, []
        if op:
            intent.op = op
        return
    if len(intent.metrics) == 1:
        other = re.sub(r"□+", " ", masked)
        better = relations.refine(intent.metrics[0], other, intent.english)
        if better is not None:
            intent.metrics, intent.specific = [better], []
            intent.read_as = " ".join(meaning.content(other, intent.english)) if intent.english else \
                "".join(meaning.content(other, False))


DESCRIBE = r"是什么|有哪些|哪些|是哪|什么"
HOW_MUCH = r"多少|几|多大|多高|金额|数额|规模|比例|占比|比重|排名|最高|最低|最多|最少|哪家|哪个单位|合计|差"


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
            if any("\u4e00" <= c <= "\u9fff" for c in rest):  # one word left is already a kind of people (出差)
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
