"""What a numeric question names beyond its unit and figure(s): the words left once filler, body and
place names are taken out ("上年结转的第二批能力提升补助资金" next to 上年结转), and a figure named as a
part of another ("三公经费中的办公费")."""

from __future__ import annotations

import re

from qa.intent import Intent
from qa.lexicon import BY_KEY
from qa.unit_names import _org_forms
from qa.units import UnitIndex
from qa.vocabulary import _norm

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
