"""BudgetRecord: the typed record of one disclosure (pydantic).

Every fact is a `Leaf`: ``{"value": number|string|null, "evidence": [{"doc","page","line","quote"}]}``.
Amounts are `Decimal` in 万元 (converted from the table's stated unit) and serialise to JSON numbers.
A leaf the document does not state keeps ``value: null`` and no evidence. `model_dump(mode="json")`
is the export contract (see docs/extract.md).
"""

from __future__ import annotations

import typing
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

SCHEMA_VERSION = "1"


class Citation(BaseModel):
    doc: str
    page: int | None = None
    line: int | None = None
    quote: str = ""


class Leaf(BaseModel):
    """A value and where it was read."""

    value: Decimal | int | str | None = None
    evidence: list[Citation] = Field(default_factory=list)

    @field_serializer("value", when_used="json")
    def _json_value(self, v: Any) -> Any:
        return float(v) if isinstance(v, Decimal) else v

    @property
    def known(self) -> bool:
        return self.value is not None


def _leaf(zh: str = "", en: str = "") -> Any:
    """A leaf field; `zh`/`en` are its names as the template prints them and in English (the views'
    labels: `field_names`)."""
    return Field(default_factory=Leaf, json_schema_extra={"zh": zh, "en": en} if zh else None)


def _part(model: type, zh: str, en: str, **kw: Any) -> Any:
    """A section field with its Chinese and English names."""
    return Field(default_factory=model, json_schema_extra={"zh": zh, "en": en}, **kw)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def leaves(self) -> dict[str, Leaf]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, Leaf)}


class Staffing(Section):
    authorized: Leaf = _leaf("编制数", "authorized posts")  # 编制数
    actual: Leaf = _leaf("实有人数", "actual staff")  # 实有人数
    active: Leaf = _leaf("在职人员", "active staff")  # 在职
    retired: Leaf = _leaf("退休人员", "retired staff")  # 退休
    separated: Leaf = _leaf("离休人员", "veteran retirees (离休)")  # 离休
    active_change: Leaf = _leaf("在职人员增减", "change in active staff")  # 在职 增加 N 人
    retired_change: Leaf = _leaf("退休人员增减", "change in retired staff")
    offices: Leaf = _leaf("内设科室", "internal offices")  # 下设 N 个科室/处室
    subordinate_units: Leaf = _leaf("下属预算单位", "subordinate budget units")  # 下属预算单位数 (0 when "无下属预算单位")


class Income(Section):
    total: Leaf = _leaf("收入总计", "total income")  # 收入总计 (表1)
    current_year: Leaf = _leaf("本年收入", "current-year income")  # 一、本年收入
    general_budget: Leaf = _leaf("一般公共预算拨款", "general public budget appropriation")  # 1. 一般公共预算拨款 (incl. upper transfers)
    general_own: Leaf = _leaf("一般财力", "own general revenue")  # 其中：一般财力
    upper_transfer: Leaf = _leaf("上级转移支付", "transfers from higher levels")  # 上级一般公共预算安排转移支付
    gov_fund: Leaf = _leaf("政府性基金预算拨款", "government fund appropriation")  # 2. 政府性基金预算拨款
    state_capital: Leaf = _leaf("国有资本经营预算拨款", "state capital operations appropriation")  # 3. 国有资本经营预算拨款
    special_account: Leaf = _leaf("财政专户核拨", "special fiscal account")  # 4. 财政专户核拨
    unit_funds: Leaf = _leaf("单位资金", "unit funds")  # 5. 单位资金
    other_funds: Leaf = _leaf("其他资金", "other funds")  # 其他资金 (事业收入, 经营收入, 其他收入 — older template wording)
    fiscal: Leaf = _leaf("财政拨款收入", "fiscal appropriations")  # 财政拨款 (一般公共预算 + 政府性基金 + …) as 收支总表 prints it
    carryover: Leaf = _leaf("上年结转结余", "carryover from the previous year")  # 二、上年结转结余
    carryover_fiscal: Leaf = _leaf("财政拨款结转", "fiscal carryover")  # 1. 财政拨款结转
    carryover_nonfiscal: Leaf = _leaf("非财政拨款结转结余", "non-fiscal carryover")  # 2. 非财政拨款结转结余


class FunctionItem(BaseModel):
    code: Leaf = _leaf("科目编码", "code")
    name: Leaf = _leaf("科目名称", "name")
    amount: Leaf = _leaf("金额", "amount")


class Expenditure(Section):
    total: Leaf = _leaf("支出总计", "total expenditure")  # 支出总计 (表1)
    basic: Leaf = _leaf("基本支出", "basic expenditure")  # 基本支出 (表3 合计)
    project: Leaf = _leaf("项目支出", "project expenditure")  # 项目支出 (表3 合计)
    reserve: Leaf = _leaf("单位预留机动经费", "reserved contingency funds")  # 单位预留机动经费 (printed beside 基本/项目支出 by some provinces)
    personnel: Leaf = _leaf("人员经费", "personnel expenses")  # 人员经费 (表6 合计)
    public: Leaf = _leaf("公用经费", "public (office) expenses")  # 公用经费 (表6 合计)
    by_function: list[FunctionItem] = _part(list, "支出功能分类", "expenditure by function")  # per 类, all funds (表3, else 表1)


class FiscalAppropriation(Section):
    """表4/表5: 财政拨款 and the general public budget."""

    income_total: Leaf = _leaf("财政拨款收入总计", "fiscal appropriation income, total")  # 表4 收入总计
    basic: Leaf = _leaf("财政拨款基本支出", "fiscal appropriation basic expenditure")  # 财政拨款基本支出 (财政拨款收支总表 / 财政拨款基本支出表)
    expenditure_total: Leaf = _leaf("财政拨款支出总计", "fiscal appropriation expenditure, total")  # 表4 支出总计
    general_budget: Leaf = _leaf("一般公共预算支出", "general public budget expenditure")  # 表5 合计
    general_budget_basic: Leaf = _leaf("一般公共预算基本支出", "general public budget basic expenditure")
    general_budget_project: Leaf = _leaf("一般公共预算项目支出", "general public budget project expenditure")
    by_function: list[FunctionItem] = _part(list, "一般公共预算支出功能分类", "general public budget by function")  # 表5 per 类


class Sangong(Section):
    total: Leaf = _leaf("“三公”经费合计", "三公 (three public) expenses, total")
    overseas_travel: Leaf = _leaf("因公出国（境）费", "overseas travel")  # 因公出国（境）费
    reception: Leaf = _leaf("公务接待费", "official reception")  # 公务接待费
    vehicle_total: Leaf = _leaf("公务用车购置及运行费", "official vehicles, purchase and operation")  # 公务用车购置及运行费
    vehicle_purchase: Leaf = _leaf("公务用车购置费", "official vehicle purchase")
    vehicle_operation: Leaf = _leaf("公务用车运行费", "official vehicle operation")


class Change(Section):
    """Year-on-year change as stated: signed amount (万元) and signed percent."""

    amount: Leaf = _leaf("增减额", "change (amount)")
    percent: Leaf = _leaf("增减率（%）", "change (%)")


class SangongChange(Section):
    total: Change = _part(Change, "“三公”经费合计", "三公 expenses, total")
    overseas_travel: Change = _part(Change, "因公出国（境）费", "overseas travel")
    reception: Change = _part(Change, "公务接待费", "official reception")
    vehicle_purchase: Change = _part(Change, "公务用车购置费", "official vehicle purchase")
    vehicle_operation: Change = _part(Change, "公务用车运行费", "official vehicle operation")


class Procurement(Section):
    total: Leaf = _leaf("政府采购预算合计", "government procurement, total")
    goods: Leaf = _leaf("货物类", "goods")
    works: Leaf = _leaf("工程类", "works")
    services: Leaf = _leaf("服务类", "services")
    sme_reserved: Leaf = _leaf("面向中小企业预留", "reserved for SMEs")  # 面向中小企业预留
    small_micro_reserved: Leaf = _leaf("面向小微企业预留", "reserved for small and micro firms")


class Assets(Section):
    housing_area: Leaf = _leaf("房屋面积（平方米）", "building floor area (m²)")  # 平方米
    housing_value: Leaf = _leaf("房屋价值", "value of buildings")
    vehicles: Leaf = _leaf("车辆（辆）", "vehicles")  # 辆
    vehicles_value: Leaf = _leaf("车辆价值", "value of vehicles")
    general_vehicles: Leaf = _leaf("一般公务用车（辆）", "general official vehicles")
    enforcement_vehicles: Leaf = _leaf("执法执勤用车（辆）", "law-enforcement vehicles")
    other_vehicles: Leaf = _leaf("其他车辆（辆）", "other vehicles")
    furniture_value: Leaf = _leaf("办公家具价值", "office furniture")
    other_value: Leaf = _leaf("其他资产价值", "other assets")
    equipment_over_50: Leaf = _leaf("50万元以上大型设备（台）", "equipment over 500k yuan (units)")  # 单位价值 50 万元以上大型设备 (台)
    equipment_over_100: Leaf = _leaf("100万元以上大型设备（台）", "equipment over 1m yuan (units)")


class Performance(Section):
    overall_targets: Leaf = _leaf("整体绩效目标数", "overall performance targets")  # 整体预算绩效目标 N 个
    overall_amount: Leaf = _leaf("整体绩效目标涉及金额", "amount under overall targets")
    fiscal_projects: Leaf = _leaf("财政拨款项目数", "fiscal projects")  # 当年财政拨款项目 N 个
    fiscal_project_amount: Leaf = _leaf("财政拨款项目金额", "fiscal project amount")
    nonfiscal_projects: Leaf = _leaf("非财政拨款项目数", "non-fiscal projects")
    nonfiscal_project_amount: Leaf = _leaf("非财政拨款项目金额", "non-fiscal project amount")
    funding_upper: Leaf = _leaf("资金来源：上级安排", "funding from higher levels")  # 整体绩效目标表 资金来源: 上级安排
    funding_own: Leaf = _leaf("资金来源：本级安排", "own-level funding")  # 本级安排
    funding_other: Leaf = _leaf("资金来源：其他资金", "other funding")  # 其他资金


class Contact(Section):
    name: Leaf = _leaf("联系人", "contact person")
    phone: Leaf = _leaf("联系电话", "phone")


class Narrative(Section):
    """Totals and shares stated in 第三部分 情况说明 (checked against the tables)."""

    total: Leaf = _leaf("收支总预算（说明）", "total budget (stated)")  # 收支总预算
    income_total: Leaf = _leaf("收入预算（说明）", "income budget (stated)")  # 收入预算 X 万元
    general_own: Leaf = _leaf("一般财力（说明）", "own general revenue (stated)")  # 一般公共预算 X 万元，占 …
    general_own_share: Leaf = _leaf("一般财力占比（%）", "own general revenue share (%)")
    upper_transfer: Leaf = _leaf("上级转移支付（说明）", "transfers from higher levels (stated)")
    upper_transfer_share: Leaf = _leaf("上级转移支付占比（%）", "transfer share (%)")
    carryover: Leaf = _leaf("上年结转结余（说明）", "carryover (stated)")
    carryover_share: Leaf = _leaf("上年结转结余占比（%）", "carryover share (%)")
    unit_funds: Leaf = _leaf("单位资金（说明）", "unit funds (stated)")
    unit_funds_share: Leaf = _leaf("单位资金占比（%）", "unit funds share (%)")
    other_funds: Leaf = _leaf("其他资金（说明）", "other funds (stated)")  # 其他资金 X 万元，占 …
    other_funds_share: Leaf = _leaf("其他资金占比（%）", "other funds share (%)")
    expenditure_total: Leaf = _leaf("支出预算（说明）", "expenditure budget (stated)")  # 支出预算 X 万元
    basic: Leaf = _leaf("基本支出（说明）", "basic expenditure (stated)")
    basic_share: Leaf = _leaf("基本支出占比（%）", "basic expenditure share (%)")
    project: Leaf = _leaf("项目支出（说明）", "project expenditure (stated)")
    project_share: Leaf = _leaf("项目支出占比（%）", "project expenditure share (%)")
    reserve: Leaf = _leaf("单位预留机动经费（说明）", "reserved contingency funds (stated)")  # 单位预留机动经费 X 万元，占 …
    reserve_share: Leaf = _leaf("单位预留机动经费占比（%）", "contingency share (%)")
    fiscal_total: Leaf = _leaf("财政拨款收支总预算（说明）", "fiscal appropriations (stated)")  # 财政拨款收支总预算
    general_budget: Leaf = _leaf("一般公共预算拨款（说明）", "general public budget (stated)")  # 一般公共预算拨款合计
    general_budget_basic: Leaf = _leaf("一般公共预算基本支出（说明）", "general public budget basic expenditure (stated)")
    general_budget_project: Leaf = _leaf("一般公共预算项目支出（说明）", "general public budget project expenditure (stated)")
    personnel: Leaf = _leaf("人员经费（说明）", "personnel expenses (stated)")  # 人员经费 X 万元
    public: Leaf = _leaf("公用经费（说明）", "public expenses (stated)")  # 公用经费 X 万元
    structure: list[dict[str, Leaf]] = _part(list, "支出结构", "expenditure structure")  # {name, amount, share} per 类
    carryover_total: Leaf = _leaf("上年结转结余合计（说明）", "carryover total (stated)")  # 十一、上年结转结余 X 万元


class BudgetSide(Section):
    """The budget figures a 决算 prints beside its final figures, under the same paths
    (`budget.sangong.total` is the 三公 预算数 of the 三公 决算表)."""

    income: Income = _part(Income, "收入", "income")
    expenditure: Expenditure = _part(Expenditure, "支出", "expenditure")
    fiscal: FiscalAppropriation = _part(FiscalAppropriation, "财政拨款", "fiscal appropriations")
    sangong: Sangong = _part(Sangong, "“三公”经费", "三公 expenses")
    operating_expenses: Leaf = _leaf("机关运行经费", "operating expenses")
    meeting_fee: Leaf = _leaf("会议费", "meeting expenses")
    training_fee: Leaf = _leaf("培训费", "training expenses")
    procurement: Procurement = _part(Procurement, "政府采购", "procurement")


class StatedChange(BaseModel):
    """A change the text states: "<subject> X 万元，比上年增加 Y 万元，增长 Z%" (or 比预算/较年初预算 in a
    决算: `against` = "budget"). `amount` and `percent` are signed (减少/下降 negative); `last` is the
    previous figure when the text prints it too ("上年…为 W 万元"); `path` the record path the subject
    names, when the stated-figure catalogue knows it."""

    subject: Leaf = _leaf("项目", "subject")
    path: str | None = None
    against: Literal["previous_year", "budget"] = "previous_year"
    current: Leaf = _leaf("本年数", "current figure")
    amount: Leaf = _leaf("增减额", "change (amount)")
    percent: Leaf = _leaf("增减率（%）", "change (%)")
    last: Leaf = _leaf("上年数", "previous figure")
    words: str = ""  # the change words as printed ("增加…增长"), for the direction check
    group: str | None = None  # 项 statements printed as one list (一般公共预算当年拨款具体使用情况): "items.<n>"
    parent: int | None = None  # index (in `changes`) of the figure this one is listed under ("…合计 X，其中：")


class StatedShare(BaseModel):
    """"<subject> X 万元，占<whole>的 Y%": a share of a named whole (“三公”经费, 本年支出合计…); `path` and
    `whole_path` are the record paths the catalogue gives the two names (statements.json `wholes`)."""

    subject: Leaf = _leaf("项目", "subject")
    path: str | None = None
    amount: Leaf = _leaf("金额", "amount")
    whole: Leaf = _leaf("总额名称", "the whole")  # the whole's name as printed
    whole_path: str | None = None
    share: Leaf = _leaf("占比（%）", "share (%)")


class StatedComparison(BaseModel):
    """A comparison the text states in words: "<subject> 决算数小于预算数" / "支出大于收入"; `left`/`right`
    are the record paths compared, `word` the relation as printed (大于/小于/高于/低于/等于/持平)."""

    subject: Leaf = _leaf("项目", "subject")
    path: str | None = None  # the figure compared: the paragraph's first stated figure
    left: str = ""
    right: str = ""
    word: Leaf = _leaf("比较", "comparison")


class StatedRate(BaseModel):
    """"<subject> 决算数为 X 万元，完成(年初)预算的 R%": the rate of X to the budget at `budget_path`."""

    subject: Leaf = _leaf("项目", "subject")
    path: str | None = None
    final: Leaf = _leaf("决算数", "final figure")
    rate: Leaf = _leaf("完成预算（%）", "rate of the budget (%)")
    budget: Leaf = _leaf("预算数", "budget figure")  # the budget the same sentence states ("年初预算为 451.38 万元，支出决算为…")


class StatedAgreement(BaseModel):
    """"<subject>数与《<table>》的“<figure>”<word>数一致": the text of one table's 情况说明 states that a
    figure of that table agrees with a figure of another table. `table`/`other` are catalogue kinds
    (ingest/catalog/tables.json) of the table described and the table named; `figure` the name quoted
    (“商品和服务支出”: a row of both tables), `word` the figure word (收入/支出/财政拨款…), `subject` the
    subject as printed (财政拨款支出安排数…)."""

    table: str | None = None
    other: str | None = None
    subject: str = ""
    figure: str = ""
    word: str = ""
    sentence: Leaf = _leaf("所述原文", "the sentence")  # the sentence as printed, with its citation


class PerformanceTarget(BaseModel):
    """A target a 绩效目标表 states twice: in its indicator rows (三级指标 + 指标值, "申领激活医保电子凭证
    ≥88%") and in its goal text (年度绩效目标 / 项目总体目标, "激活率达 87%以上"), matched by the indicator's
    name. `indicator` holds the indicator row's value, `stated` the goal text's; `unit` is shared."""

    name: Leaf = _leaf("指标名称", "indicator")  # the indicator's name as printed (三级指标)
    indicator: Leaf = _leaf("指标值", "indicator value")
    stated: Leaf = _leaf("目标文字所述", "as the goal text states")
    unit: str = ""
    table: str = ""  # 部门整体绩效目标表 / 项目支出绩效目标表 …: the title the table prints


class Project(BaseModel):
    """A project (项目) with its budget: from 表7 (code, subject, amount) or from 情况说明 七 (name, amount)."""

    name: Leaf = _leaf("项目名称", "project")
    code: Leaf = _leaf("项目编码", "code")
    amount: Leaf = _leaf("金额", "amount")
    # 资金分配情况: "参保人数 14.54 万人，每人每年平均 6.18 元" — as printed, with their units
    heads: Leaf = _leaf("人数", "people")
    heads_unit: str | None = None  # 人 | 万人
    per_head: Leaf = _leaf("人均", "per head")
    per_head_unit: str | None = None  # 元 | 万元


class TableRow(BaseModel):
    code: str | None = None
    level: str = "other"  # 类 | 款 | 项 | total | item
    name: str = ""
    extra: str | None = None  # e.g. project name (表7, 表11)
    values: dict[str, Leaf] = Field(default_factory=dict)
    resolution: str = "ordered"  # how amounts were placed in columns: positional|ordered|arithmetic|rule|default


class TableData(BaseModel):
    id: str  # the catalogue kind (ingest/catalog/tables.json), e.g. "sangong"
    title: str = ""  # as printed
    label: str | None = None  # the table's number as printed (表1, 表一, 公开01表…)
    kind: str = ""
    unit: str | None = None
    status: Literal["parsed", "empty", "missing", "unparsed"] = "missing"
    note: Leaf = _leaf("备注", "note")  # 备注 (e.g. "…为空表")
    columns: list[str] = Field(default_factory=list)
    rows: list[TableRow] = Field(default_factory=list)
    totals: dict[str, Leaf] = Field(default_factory=dict)


CheckStatus = Literal["pass", "rounding", "irreproducible_rounding", "mismatch", "insufficient_data", "not_applicable"]


class CheckTerm(BaseModel):
    """One side, or one term of a side, of a check: the figure, its record path and where it is printed."""

    role: Literal["lhs", "rhs"] = "rhs"
    path: str = ""
    value: float | str | None = None
    evidence: list[Citation] = Field(default_factory=list)


class Check(BaseModel):
    """One identity of the catalogue (extract/identities.json, `rule`) applied to one place of a document
    (`id`, e.g. ``income_overview.210.total=sum(款)``). Statuses: pass; rounding (the difference is
    reproducible by rounding the printed inputs); irreproducible_rounding (small, but no rounding of the
    printed inputs explains it); mismatch; insufficient_data (a figure is not printed or not read);
    not_applicable (the identity does not apply to this document)."""

    id: str
    description: str
    status: CheckStatus
    rule: str = ""  # the catalogue identity this check applies (extract/identities.json)
    severity: Literal["error", "warning", "info", "none"] = "none"
    lhs: float | str | None = None
    rhs: float | str | None = None
    difference: float | None = None
    tolerance: float | None = None  # the rounding envelope the difference was measured against
    note: str = ""  # why: the rounding that explains a difference, the figure that is missing…
    paths: list[str] = Field(default_factory=list)
    evidence: list[Citation] = Field(default_factory=list)
    terms: list[CheckTerm] = Field(default_factory=list)


class Conflict(BaseModel):
    path: str
    deterministic: Any = None
    llm: Any = None
    kept: Literal["deterministic", "llm"] = "deterministic"
    reason: str = ""


class BudgetRecord(BaseModel):
    schema_version: str = SCHEMA_VERSION
    doc: str
    path: str
    sha256: str | None = None
    engine: str = "deterministic"
    # which part of a disclosure the file is: "text" (narrative only), "tables" (tables only), "whole"
    document_part: str | None = Field(default=None, description="text | tables | whole: which part of a disclosure")
    parts: list[str] = Field(default_factory=list)  # a merged disclosure: the documents it was read from
    disclosure: str | None = None  # "<canonical body>|<year>|<kind>" (extract.merge.disclosure_key)
    department: Leaf = _leaf("部门/单位", "body")
    region: Leaf = _leaf("地区", "region")
    level: Leaf = _leaf("行政级次", "level")  # 省 | 市 | 区 | 县 | 街道 | 乡镇
    fiscal_year: Leaf = _leaf("年度", "year")
    doc_kind: Leaf = Field(default_factory=Leaf, description="部门预算 | 单位预算 | 部门决算 | 单位决算",
                           json_schema_extra={"zh": "文件类型", "en": "kind of document"})
    staffing: Staffing = _part(Staffing, "人员编制", "staffing")
    income: Income = _part(Income, "收入", "income")
    expenditure: Expenditure = _part(Expenditure, "支出", "expenditure")
    fiscal: FiscalAppropriation = _part(FiscalAppropriation, "财政拨款", "fiscal appropriations")
    sangong: Sangong = _part(Sangong, "“三公”经费（表）", "三公 expenses (table)")  # 表10
    sangong_narrative: Sangong = _part(Sangong, "“三公”经费（情况说明）", "三公 expenses (as the text states)")  # 情况说明 十
    sangong_change: SangongChange = _part(SangongChange, "“三公”经费增减", "三公 expenses, change")
    operating_expenses: Leaf = _leaf("机关运行经费", "operating expenses")  # 机关运行经费
    meeting_fee: Leaf = _leaf("会议费", "meeting expenses")  # 会议费 (printed beside 三公 by some provinces)
    training_fee: Leaf = _leaf("培训费", "training expenses")  # 培训费
    operating_expenses_change: Change = _part(Change, "机关运行经费", "operating expenses")
    procurement: Procurement = _part(Procurement, "政府采购", "procurement")
    assets: Assets = _part(Assets, "国有资产占用", "state assets")
    performance: Performance = _part(Performance, "绩效目标", "performance targets")
    contact: Contact = _part(Contact, "联系方式", "contact")
    narrative: Narrative = _part(Narrative, "情况说明", "as the text states")
    # a 决算: the standard paths above hold the final (决算数) figures; the budget printed beside them is here
    # (全年/调整预算数; budget_initial: 年初预算数 when both are printed)
    budget: BudgetSide = _part(BudgetSide, "预算数", "budget", description=(
        "决算 only: the budget printed beside each final figure, under the same path (the 全年/调整预算数, or the "
        "年初预算数 when it is the only one printed). In a 决算 the standard paths hold the 决算数."))
    budget_initial: BudgetSide = _part(BudgetSide, "年初预算数", "initial budget", description=(
        "决算 only: the 年初预算数 when both it and the 全年/调整预算数 are printed."))
    # every figure the text states by name (extract/statements.json), whether or not a table prints it too
    stated: dict[str, Leaf] = _part(dict, "文中所述", "as the text states")
    # the document's title lines (cover, part headings, table titles), for the document checks
    titles: list[Leaf] = _part(list, "标题", "titles")
    changes: list[StatedChange] = _part(list, "所述增减", "stated changes")  # every "比上年增加 X 万元，增长 Y%" of the text
    shares: list[StatedShare] = _part(list, "所述占比", "stated shares")  # "占“三公”经费的 Y%" (a named whole)
    comparisons: list[StatedComparison] = _part(list, "所述比较", "stated comparisons")  # "决算数小于预算数"
    rates: list[StatedRate] = _part(list, "预算完成率", "stated rates of the budget")  # "完成预算的 R%"
    agreements: list[StatedAgreement] = _part(list, "所述表间一致", "stated agreements between tables")  # "与《X表》的…数一致"
    performance_targets: list[PerformanceTarget] = _part(list, "绩效目标（两处所列）", "performance targets stated twice")  # 绩效目标表: goal text vs indicator
    projects: list[Project] = _part(list, "项目（表）", "projects (table)")  # 表7 project lines
    narrative_projects: list[Project] = _part(list, "项目（说明）", "projects (text)")  # 七、项目支出情况说明: 项目名称 + 预算安排规模
    tables: dict[str, TableData] = Field(default_factory=dict)
    # standard tables the national template of this document's kind requires but the document (or the
    # reader) does not have: a partly read document still answers text questions; nothing is guessed
    tables_missing: list[str] = Field(default_factory=list, description=(
        "standard tables the national template of this kind requires that were not found or not read"))
    validation: list[Check] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def export(self) -> dict[str, Any]:
        """The export-contract JSON dict."""
        return self.model_dump(mode="json")


def json_schema() -> dict[str, Any]:
    return BudgetRecord.model_json_schema(mode="serialization")


# Dot paths every record carries (the contract other tools rely on).
CONTRACT_PATHS = [
    "department", "region", "level", "fiscal_year", "doc_kind",
    "staffing.authorized", "staffing.actual", "staffing.active", "staffing.retired",
    "income.total", "income.current_year", "income.general_budget", "income.upper_transfer", "income.carryover",
    "expenditure.total", "expenditure.basic", "expenditure.project", "expenditure.personnel", "expenditure.public",
    "sangong.total", "sangong.overseas_travel", "sangong.vehicle_purchase", "sangong.vehicle_operation",
    "sangong.reception", "operating_expenses",
    "procurement.total", "procurement.goods", "procurement.works", "procurement.services", "assets.vehicles",
]


def get_path(record: dict[str, Any], path: str) -> Any:
    """The node at a dot path of an export dict (None when absent)."""
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# Sections whose names qualify their children's ("预算数：收入总计", "“三公”经费合计 增减额").
_PREFIXING = {"budget", "budget_initial"}


def field_names() -> dict[str, tuple[str, str]]:
    """{dot path: (Chinese name, English name)} of every named field of the record, leaves and
    sections — how every view labels a figure (a change is named after its figure, a 决算's budget
    side after the figure it budgets)."""
    out: dict[str, tuple[str, str]] = {}

    def walk(model: type[BaseModel], prefix: str, pre: tuple[str, str] | None) -> None:
        for name, f in model.model_fields.items():
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            path = f"{prefix}.{name}" if prefix else name
            ann = f.annotation
            if typing.get_origin(ann) is list:  # a list of items: their fields are named under "<list>.*"
                ann, path_items = typing.get_args(ann)[0], f"{path}.*"
            else:
                path_items = path
            sub = ann if isinstance(ann, type) and issubclass(ann, BaseModel) and ann is not Leaf else None
            if not extra.get("zh"):
                continue
            zh, en = extra["zh"], extra["en"]
            if pre is not None:
                zh, en = (f"{pre[0]}{zh}", f"{pre[1]}{en}") if pre[0].endswith("：") else (f"{pre[0]} {zh}", f"{pre[1]}, {en}")
            out[path] = (zh, en)
            if sub is None:
                continue
            if name in _PREFIXING:
                walk(sub, path, (f"{extra['zh']}：", f"{extra['en']}: "))
            elif sub is Change:
                walk(sub, path, (zh, en))
            else:
                walk(sub, path_items, pre if pre and pre[0].endswith("：") else None)  # a 决算's budget side: all of it

    walk(BudgetRecord, "", None)
    return out
