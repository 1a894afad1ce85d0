"""Facts stated in the text (第一部分 概况, 第三部分 情况说明): staffing, narrative totals and shares,
三公 amounts and year-on-year change, 机关运行经费, 政府采购, 国有资产, 预算绩效, contact person.

The text is read with its line breaks and spaces removed (pdftotext wraps sentences, and even
numbers, across lines); every match is mapped back to the lines it spans for its citation.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal

from extract.amounts import squeeze, to_decimal
from extract.schema import BudgetRecord, Change, Citation, Leaf

NUM = r"(\d+(?:\.\d+)?)"
UP_DOWN = r"(增加|减少|增长|下降|持平)"
# a short stretch of words between a subject and its figure ("…经费财政拨款预算为"), never a change phrase
_FILL = r"(?:(?!比|较|增|减|下降|上升|其中)[^,;:。\d]){0,14}?"


class Text:
    """The document as one string without whitespace, with offsets mapped back to lines."""

    def __init__(self, doc, skip: list[tuple[int, int]] | None = None):
        self.doc = doc
        parts, starts, nos = [], [], []
        pos = 0
        for line in doc.lines:
            if skip and any(a <= line.no <= b for a, b in skip):
                continue
            s = squeeze(line.norm or line.text)
            if not s:
                continue
            starts.append(pos)
            nos.append(line.no)
            parts.append(s)
            pos += len(s)
        self.text = "".join(parts)
        self._starts, self._nos = starts, nos

    def line_at(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._nos[max(i, 0)]

    def cite(self, start: int, end: int) -> Citation:
        first, last = self.line_at(start), self.line_at(max(start, end - 1))
        return Citation(**self.doc.span(first, last).citation())

    def search(self, pattern: str, start: int = 0, end: int | None = None):
        return re.compile(pattern).search(self.text, start, end if end is not None else len(self.text))

    def leaf(self, m: re.Match | None, group: int, sign_group: int | None = None, kind: str = "amount") -> Leaf:
        if not m or m.group(group) is None:
            return Leaf()
        raw = m.group(group)
        value: Decimal | int | str | None
        if kind == "int":
            value = int(raw)
        elif kind == "text":
            value = raw
        else:
            value = to_decimal(raw)
            if value is not None and sign_group and m.group(sign_group) in ("减少", "下降"):
                value = -value
        return Leaf(value=value, evidence=[self.cite(m.start(), m.end())])


def _change(t: Text, m: re.Match | None, amount_g: int, amount_sign: int, pct_g: int, pct_sign: int) -> Change:
    return Change(amount=t.leaf(m, amount_g, amount_sign), percent=t.leaf(m, pct_g, pct_sign))


def extract_narrative(doc, record: BudgetRecord, table_ranges: list[tuple[int, int]] | None = None) -> Text:
    """Fill the narrative's facts into `record` (a figure a table already gave is kept); returns the
    text read, for `extract.statements`."""
    t = Text(doc, skip=table_ranges)
    _staffing(t, record)
    _totals(t, record)
    _sangong(t, record)
    _operating(t, record)
    _procurement(t, record)
    _assets(t, record)
    _performance(t, record)
    _projects(t, record)
    _contact(t, record)
    return t


def _window(t: Text, anchor: re.Match | None, size: int = 400) -> tuple[int, int]:
    if not anchor:
        return 0, 0
    return anchor.start(), min(len(t.text), anchor.end() + size)


def _staffing(t: Text, r: BudgetRecord) -> None:
    s = r.staffing
    m = t.search(r"(?:编制数|编制人数|核定编制(?:数)?)(?:为|共)?" + NUM)
    s.authorized = t.leaf(m, 1, kind="int") if m and "." not in m.group(1) else Leaf()
    a, b = _window(t, m, 160) if m else (0, len(t.text))
    s.actual = t.leaf(t.search(r"实有(?:人数|人员)(?:为|共)?(\d+)(?:人|名)", a, b), 1, kind="int")
    act = t.search(r"在职(?:人员)?(\d+)人(?:,?(增加|减少)(\d+)人)?", a, b)
    s.active = t.leaf(act, 1, kind="int")
    if act and act.group(3):
        s.active_change = t.leaf(act, 3, kind="int")
        if act.group(2) == "减少":
            s.active_change.value = -s.active_change.value
    ret = t.search(r"(?<!离)退休(?:人员)?(\d+)人(?:,?(增加|减少)(\d+)人)?", a, b)
    s.retired = t.leaf(ret, 1, kind="int")
    if ret and ret.group(3):
        s.retired_change = t.leaf(ret, 3, kind="int")
        if ret.group(2) == "减少":
            s.retired_change.value = -s.retired_change.value
    s.separated = t.leaf(t.search(r"离休(?:人员)?(\d+)人", a, b), 1, kind="int")
    off = t.search(r"下设(\d+)个")
    s.offices = t.leaf(off, 1, kind="int")
    none_sub = t.search(r"无下属(?:预算)?单位")
    if none_sub:
        s.subordinate_units = Leaf(value=0, evidence=[t.cite(none_sub.start(), none_sub.end())])
    else:
        s.subordinate_units = t.leaf(t.search(r"下属(?:预算)?单位(?:共)?(\d+)个"), 1, kind="int")


def _totals(t: Text, r: BudgetRecord) -> None:
    n = r.narrative
    # the totals themselves (收支总预算, 收入预算, 支出预算) are stated figures: extract/statements.py reads them
    # by name, longest name first (政府采购支出预算总额 is no 支出预算), into narrative.* as well
    m = t.search(r"(?<!上级)(?<!拨款)一般公共预算(?:拨款)?(?:收入)?" + NUM + r"万元,?占" + NUM + "%")
    n.general_own, n.general_own_share = t.leaf(m, 1), t.leaf(m, 2)
    m = t.search(r"上级一般公共预算安排的?转移支付(?:资金)?" + NUM + r"万元,?占" + NUM + "%")
    n.upper_transfer, n.upper_transfer_share = t.leaf(m, 1), t.leaf(m, 2)
    m = t.search(r"财政拨款结转(?:结余)?" + NUM + r"万元,?占" + NUM + "%")
    n.carryover, n.carryover_share = t.leaf(m, 1), t.leaf(m, 2)
    m = t.search(r"单位资金" + NUM + r"万元,?占" + NUM + "%")
    n.unit_funds, n.unit_funds_share = t.leaf(m, 1), t.leaf(m, 2)
    m = t.search(r"基本支出" + NUM + r"万元,?占" + NUM + "%")
    n.basic, n.basic_share = t.leaf(m, 1), t.leaf(m, 2)
    m = t.search(r"项目支出" + NUM + r"万元,?占" + NUM + "%")
    n.project, n.project_share = t.leaf(m, 1), t.leaf(m, 2)
    n.fiscal_total = t.leaf(t.search(r"财政拨款收支总预算" + NUM + "万元"), 1)
    m = t.search(r"一般公共预算(?:当年)?拨款合计" + NUM + "万元")
    n.general_budget = t.leaf(m, 1)
    if m:
        a, b = m.end(), min(len(t.text), m.end() + 300)
        n.general_budget_basic = t.leaf(t.search(r"基本支出" + NUM + "万元", a, b), 1)
        n.general_budget_project = t.leaf(t.search(r"项目支出" + NUM + "万元", a, b), 1)
    m = t.search(r"一般公共预算基本支出" + NUM + "万元")
    a = m.end() if m else 0
    n.personnel = t.leaf(t.search(r"人员经费" + NUM + "万元", a), 1)
    n.public = t.leaf(t.search(r"公用经费" + NUM + "万元", a), 1)
    for m in re.finditer(r"\d+[、.]?([^\d,.;:()、。]{2,20}?支出)\(类\)" + NUM + r"万元,?占" + NUM + "%", t.text):
        n.structure.append({"name": t.leaf(m, 1, kind="text"), "amount": t.leaf(m, 2), "share": t.leaf(m, 3)})
    n.carryover_total = t.leaf(t.search(r"上年结转结余(?:资金)?(?:共计)?" + NUM + "万元"), 1)


_SANGONG_ITEMS = {
    "overseas_travel": r"因公出国\(境\)费",
    "vehicle_purchase": r"公务用车购置费",
    "vehicle_operation": r"公务用车运行(?:维护)?费",
    "reception": r"公务接待费",
}


def _sangong(t: Text, r: BudgetRecord) -> None:
    # the statement with its breakdown (其中：因公出国…) wins over a bare mention elsewhere
    found = list(re.finditer(r"“?三公”?经费" + _FILL + NUM + "万元", t.text))
    m = next((x for x in found if "因公出国" in t.text[x.end() : x.end() + 30]), found[0] if found else None)
    if m:
        r.sangong_narrative.total = t.leaf(m, 1)
        a, b = m.end(), min(len(t.text), m.end() + 200)
        for key, rx in _SANGONG_ITEMS.items():
            setattr(r.sangong_narrative, key, t.leaf(t.search(rx + NUM + "万元", a, b), 1))
        vehicle = [getattr(r.sangong_narrative, k).value for k in ("vehicle_purchase", "vehicle_operation")]
        if all(v is not None for v in vehicle):
            ev = r.sangong_narrative.vehicle_purchase.evidence
            r.sangong_narrative.vehicle_total = Leaf(value=sum(vehicle, Decimal(0)), evidence=ev)
    m = t.search(r"“?三公”?经费(?:预算)?比上年(?:预算)?" + UP_DOWN + NUM + r"万元,?" + UP_DOWN + NUM + "%")
    if m:
        r.sangong_change.total = _change(t, m, 2, 1, 4, 3)
        a, b = m.end(), min(len(t.text), m.end() + 600)
        for key, rx in _SANGONG_ITEMS.items():
            mm = t.search(rx + UP_DOWN + NUM + r"万元,?" + UP_DOWN + NUM + "%", a, b)
            setattr(r.sangong_change, key, _change(t, mm, 2, 1, 4, 3))


def _operating(t: Text, r: BudgetRecord) -> None:
    m = t.search(r"机关运行经费" + _FILL + NUM + r"万元(?:,?比上年(?:预算)?" + UP_DOWN + NUM
                 + r"万元,?" + UP_DOWN + NUM + "%)?")
    if not r.operating_expenses.known:  # a 机关运行经费表 (read first) wins
        r.operating_expenses = t.leaf(m, 1)
    r.operating_expenses_change = _change(t, m, 3, 2, 5, 4)


def _procurement(t: Text, r: BudgetRecord) -> None:
    p = r.procurement
    if p.total.known:
        return  # a 政府采购表 was read: its figures stand
    m = t.search(r"政府采购(?:预算)?(?:总额|金额)?(?:为|共|共计|合计)?" + NUM + "万元")
    p.total = t.leaf(m, 1)
    a = m.start() if m else 0
    p.goods = t.leaf(t.search(r"政府采购货物(?:类)?(?:预算)?" + NUM + "万元", a), 1)
    p.works = t.leaf(t.search(r"政府采购工程(?:类)?(?:预算)?" + NUM + "万元", a), 1)
    p.services = t.leaf(t.search(r"政府采购服务(?:类)?(?:预算)?" + NUM + "万元", a), 1)
    p.sme_reserved = t.leaf(t.search(r"面向中小企业预留政府采购项目预算(?:金额)?" + NUM + "万元", a), 1)
    p.small_micro_reserved = t.leaf(t.search(r"小微企业预留政府采购项目预算(?:金额)?" + NUM + "万元", a), 1)


def _assets(t: Text, r: BudgetRecord) -> None:
    s = r.assets
    m = t.search(r"房屋" + NUM + r"平方米,?价值" + NUM + "万元")
    s.housing_area, s.housing_value = t.leaf(m, 1), t.leaf(m, 2)
    m = t.search(r"车辆(\d+)辆,?价值" + NUM + "万元")
    s.vehicles, s.vehicles_value = t.leaf(m, 1, kind="int"), t.leaf(m, 2)
    a = m.start() if m else 0
    s.general_vehicles = t.leaf(t.search(r"一般公务用车(\d+)辆", a), 1, kind="int")
    s.enforcement_vehicles = t.leaf(t.search(r"执法执勤用车(\d+)辆", a), 1, kind="int")
    s.other_vehicles = t.leaf(t.search(r"其他车辆(\d+)辆", a), 1, kind="int")
    s.furniture_value = t.leaf(t.search(r"办公家具价值" + NUM + "万元"), 1)
    s.other_value = t.leaf(t.search(r"其他资产价值" + NUM + "万元"), 1)
    s.equipment_over_50 = t.leaf(t.search(r"价值50万元以上大型设备(\d+)台"), 1, kind="int")
    s.equipment_over_100 = t.leaf(t.search(r"价值100万元以上大型设备(\d+)台"), 1, kind="int")


def _performance(t: Text, r: BudgetRecord) -> None:
    p = r.performance
    m = t.search(r"整体(?:预算)?绩效目标(\d+)个,?涉及(?:预算)?金额" + NUM + "万元")
    p.overall_targets, p.overall_amount = t.leaf(m, 1, kind="int"), t.leaf(m, 2)
    m = t.search(r"(?<!非)财政拨款项目(\d+)个,?涉及(?:预算)?金额" + NUM + "万元")
    p.fiscal_projects, p.fiscal_project_amount = t.leaf(m, 1, kind="int"), t.leaf(m, 2)
    m = t.search(r"非财政拨款项目(\d+)个,?涉及(?:预算)?金额" + NUM + "万元")
    p.nonfiscal_projects, p.nonfiscal_project_amount = t.leaf(m, 1, kind="int"), t.leaf(m, 2)
    # the overall performance target table (整体绩效目标表): 年度预算 by source
    anchor = t.search(r"整体绩效目标表")
    if anchor:
        a, b = anchor.end(), min(len(t.text), anchor.end() + 2500)
        p.funding_upper = t.leaf(t.search(r"上级安排" + NUM, a, b), 1)
        p.funding_own = t.leaf(t.search(r"本级安排" + NUM, a, b), 1)
        p.funding_other = t.leaf(t.search(r"其他资金(?:\(万元\))?其他" + NUM, a, b), 1)


_CONTACT = r"联系人[:：]?([^\d:：,，、;；。|()（）]{2,20}?)[,，、;；]?联系电话[:：]?(\d[\d\-－]{4,}\d)"


_PROJECT_LABEL = r"预算安排规模|预算安排(?:资金|金额)|预算金额"
_PROJECT_AMOUNT = rf"(?:{_PROJECT_LABEL})(?:为)?[:]?"
_NAME_TAIL = re.compile(r"(?:[。;；,，、]*(?:[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.、]|[一二三四五六七八九十]{1,3}、))?[。;；,，、]*$")
_PROJECT_NAME = rf"项目名称[:]?(.{{2,120}}?)(?=设立的政策依据|项目承担单位|项目负责人|{_PROJECT_LABEL}|$)"


def _projects(t: Text, r: BudgetRecord) -> None:
    """七、项目支出情况说明: each 项目名称 followed (before the next one) by its 预算安排规模 (万元 or 元)."""
    from extract.amounts import to_wan
    from extract.schema import Project

    names = list(re.finditer(_PROJECT_NAME, t.text))
    for i, m in enumerate(names):
        end = names[i + 1].start() if i + 1 < len(names) else min(len(t.text), m.end() + 600)
        amt = t.search(_PROJECT_AMOUNT + NUM + "(万元|元)", m.end(), end)
        if amt:
            amount = t.leaf(amt, 1)
            amount.value = to_wan(amount.value, amt.group(2))
            name = t.leaf(m, 1, kind="text")
            # the name ends before the next item's marker and the punctuation before it ("X。（二）设立…")
            name.value = _NAME_TAIL.sub("", name.value) or name.value
            r.narrative_projects.append(Project(name=name, amount=amount))


def _contact(t: Text, r: BudgetRecord) -> None:
    m = t.search(_CONTACT)
    if m:
        r.contact.name = t.leaf(m, 1, kind="text")
        r.contact.phone = t.leaf(m, 2, kind="text")
