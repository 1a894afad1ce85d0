"""The metric lexicon: what users call a figure (Chinese and English) → schema dot paths.

Each `Metric` lists the record paths to read in preference order (table first, then the figure the
narrative states), its unit, the metric it is a part of (for "share of" questions) and the path of
the year-on-year change the document states, when the extraction provides one.

Function classes (功能分类 类, codes 201–234) come from the national classification and are also
matched by the names the ingested records themselves carry. Table rows (经济分类 款, 项, project
names) are matched dynamically from each record (see `row_metric`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metric:
    key: str
    paths: tuple[str, ...]
    zh: tuple[str, ...]
    en: tuple[str, ...] = ()
    unit: str = "万元"
    label_zh: str = ""
    label_en: str = ""
    parent: str | None = None  # key of the whole (for shares)
    change: str | None = None  # path of a {"amount", "percent"} node stated by the document
    kind: str = "amount"  # amount | count | text
    function_code: str | None = None  # for 功能分类 classes
    fiscal: bool = False  # function class read from the general public budget (表5)
    row: str | None = None  # table row name (dynamic metrics)
    parts: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        return self.label_zh or (self.zh[0] if self.zh else self.key)


def _m(key, paths, zh, en=(), **kw) -> Metric:
    if isinstance(paths, str):
        paths = (paths,)
    kw.setdefault("label_zh", zh[0])
    kw.setdefault("label_en", en[0] if en else zh[0])
    return Metric(key=key, paths=tuple(paths), zh=tuple(zh), en=tuple(en), **kw)


METRICS: list[Metric] = [
    # 三公 and its parts
    _m("sangong.total", ("sangong.total", "sangong_narrative.total"),
       ("“三公”经费", "\"三公\"经费", "三公经费", "三公支出", "三公费用", "三公"),
       ("three public expenses", "three public expenditures", "three public consumption", "sangong expenses",
        "sangong", "three-public", "three public"),
       label_zh="“三公”经费", label_en="三公 (three public) expenses", change="sangong_change.total"),
    _m("sangong.overseas_travel", ("sangong.overseas_travel", "sangong_narrative.overseas_travel"),
       ("因公出国（境）费", "因公出国(境)费", "因公出国境费", "因公出国费", "因公出国", "出国（境）费", "出国(境)费",
        "出国经费", "出国费", "出国"),
       ("overseas travel", "travel abroad", "outbound travel", "trips abroad", "going abroad", "foreign travel",
        "overseas trips"),
       label_zh="因公出国（境）费", label_en="overseas travel", parent="sangong.total",
       change="sangong_change.overseas_travel"),
    _m("sangong.vehicle_total", ("sangong.vehicle_total", "sangong_narrative.vehicle_total"),
       ("公务用车购置及运行维护费", "公务用车购置及运行费", "公车购置及运行费", "公车购置及运行维护费", "公务用车费用", "公车费用"),
       ("vehicle purchase and operation", "official vehicles in total", "official vehicle costs"),
       label_zh="公务用车购置及运行费", label_en="official vehicle purchase and operation", parent="sangong.total"),
    _m("sangong.vehicle_purchase", ("sangong.vehicle_purchase", "sangong_narrative.vehicle_purchase"),
       ("公务用车购置费", "公务用车购置", "公车购置费", "公车购置", "购置公务用车", "购置公车", "车辆购置费", "车辆购置",
        "购置车辆", "购车费", "买车"),
       ("vehicle purchase", "vehicle purchases", "purchase of vehicles", "purchasing vehicles", "buying vehicles",
        "buy vehicles", "buy cars", "car purchase", "new vehicles"),
       label_zh="公务用车购置费", label_en="official vehicle purchase", parent="sangong.total",
       change="sangong_change.vehicle_purchase"),
    _m("sangong.vehicle_operation", ("sangong.vehicle_operation", "sangong_narrative.vehicle_operation"),
       ("公务用车运行维护费", "公务用车运行费", "公务用车运维费", "公车运行维护费", "公车运行费", "公车运维费", "公车运维",
        "公车运行", "用车运行费", "车辆运行费", "车辆运行维护费"),
       ("vehicle operation and maintenance", "vehicle operation", "vehicle operating", "vehicle running",
        "running official vehicles", "operating official vehicles", "car operation", "vehicle maintenance",
        "official car running", "fuel and maintenance"),
       label_zh="公务用车运行费", label_en="official vehicle operation", parent="sangong.total",
       change="sangong_change.vehicle_operation"),
    _m("sangong.reception", ("sangong.reception", "sangong_narrative.reception"),
       ("公务接待费", "公务接待", "接待费"),
       ("official reception", "reception expenses", "reception costs", "reception", "hospitality",
        "official entertainment"),
       label_zh="公务接待费", label_en="official reception", parent="sangong.total", change="sangong_change.reception"),
    _m("operating_expenses", "operating_expenses",
       ("机关运行经费", "单位运行经费", "运行经费"),
       ("operating expenses", "operating costs", "operating funds", "running costs", "running expenses",
        "administrative operating", "operation expenses", "operational expenses"),
       label_zh="机关运行经费", label_en="operating expenses (机关运行经费)", change="operating_expenses_change"),
    # 政府采购
    _m("procurement.total", "procurement.total",
       ("政府采购预算", "政府采购总额", "政府采购"),
       ("government procurement", "public procurement", "procurement budget", "procurement"),
       label_zh="政府采购预算", label_en="government procurement budget"),
    _m("procurement.goods", "procurement.goods",
       ("政府采购货物预算", "政府采购货物", "货物类采购", "采购货物", "货物采购", "货物类", "货物"),
       ("procurement of goods", "goods procurement", "goods"),
       label_zh="政府采购货物预算", label_en="procurement of goods", parent="procurement.total"),
    _m("procurement.works", "procurement.works",
       ("政府采购工程预算", "政府采购工程", "工程类采购", "采购工程", "工程采购", "工程类"),
       ("procurement of works", "works procurement", "construction procurement", "works"),
       label_zh="政府采购工程预算", label_en="procurement of works", parent="procurement.total"),
    _m("procurement.services", "procurement.services",
       ("政府采购服务预算", "政府采购服务", "服务类采购", "采购服务", "服务采购", "服务类"),
       ("procurement of services", "services procurement", "service procurement", "services"),
       label_zh="政府采购服务预算", label_en="procurement of services", parent="procurement.total"),
    _m("procurement.sme_reserved", "procurement.sme_reserved",
       ("面向中小企业预留", "中小企业预留", "预留中小企业", "中小企业"),
       ("reserved for smes", "small and medium enterprises", "smes", "sme"),
       label_zh="面向中小企业预留政府采购项目预算", label_en="procurement reserved for SMEs", parent="procurement.total"),
    # totals and structure
    _m("income.total", ("income.total", "narrative.income_total"),
       ("收入总计", "收入合计", "总收入", "收入预算", "收入总额", "收入总预算"),
       ("total income", "total revenue", "income budget", "revenue budget", "total revenues", "income in total"),
       label_zh="收入总计", label_en="total income"),
    _m("expenditure.total", ("expenditure.total", "narrative.expenditure_total", "narrative.total"),
       ("支出总计", "支出合计", "总支出", "支出预算", "支出总额", "收支总预算", "总预算", "预算总额", "预算规模",
        "全年预算", "总开支"),
       ("total expenditure", "total expenditures", "total spending", "total budget", "overall budget",
        "expenditure budget", "budget in total", "whole budget", "total expenses", "spend in total", "spending"),
       label_zh="支出总计", label_en="total expenditure"),
    _m("income.current_year", "income.current_year", ("本年收入", "当年收入"), ("current-year income", "current year income"),
       label_zh="本年收入", parent="income.total"),
    _m("income.general_budget", "income.general_budget",
       ("一般公共预算拨款收入", "一般公共预算拨款", "一般公共预算收入", "一般公共预算"),
       ("general public budget appropriation", "general public budget", "general budget appropriation",
        "general budget"),
       label_zh="一般公共预算拨款", label_en="general public budget appropriation", parent="income.total"),
    _m("income.general_own", ("income.general_own", "narrative.general_own"), ("一般财力",),
       ("own general revenue", "general financial resources"), label_zh="一般财力", parent="income.total"),
    _m("income.upper_transfer", ("income.upper_transfer", "narrative.upper_transfer"),
       ("上级一般公共预算安排转移支付", "上级一般公共预算安排的转移支付", "上级一般公共预算转移支付",
        "上级一般公共预算的转移支付", "上级转移支付", "转移支付资金", "转移支付"),
       ("transfer payments", "transfers from higher levels", "upper-level transfers", "higher-level transfers",
        "transfer payment", "transfers"),
       label_zh="上级一般公共预算安排转移支付", label_en="transfers from higher-level budgets", parent="income.total"),
    _m("income.carryover", ("income.carryover", "narrative.carryover_total", "narrative.carryover"),
       ("上年结转结余", "上年结转", "结转结余", "财政拨款结转", "结转资金", "结余资金"),
       ("carryover", "carry-over", "carried over", "carried forward", "balance brought forward", "carry over"),
       label_zh="上年结转结余", label_en="carryover from the previous year", parent="income.total"),
    _m("income.unit_funds", ("income.unit_funds", "narrative.unit_funds"), ("单位资金", "单位自有资金"),
       ("unit funds", "own funds"), label_zh="单位资金", parent="income.total"),
    _m("fiscal.income_total", ("fiscal.income_total", "narrative.fiscal_total"),
       ("财政拨款收支总预算", "财政拨款收入", "财政拨款总额", "财政拨款预算", "财政拨款"),
       ("fiscal appropriation", "fiscal appropriations", "budget appropriation"),
       label_zh="财政拨款收支总预算", label_en="fiscal appropriations"),
    _m("fiscal.general_budget", ("fiscal.general_budget", "narrative.general_budget"),
       ("一般公共预算支出", "一般公共预算当年拨款", "一般公共预算拨款合计"),
       ("general public budget expenditure", "general public budget spending"),
       label_zh="一般公共预算支出", label_en="general public budget expenditure"),
    _m("fiscal.general_budget_basic", ("fiscal.general_budget_basic", "narrative.general_budget_basic"),
       ("一般公共预算基本支出",), ("general public budget basic expenditure",),
       label_zh="一般公共预算基本支出", parent="fiscal.general_budget"),
    _m("fiscal.general_budget_project", ("fiscal.general_budget_project", "narrative.general_budget_project"),
       ("一般公共预算项目支出",), ("general public budget project expenditure",),
       label_zh="一般公共预算项目支出", parent="fiscal.general_budget"),
    _m("expenditure.basic", ("expenditure.basic", "narrative.basic"),
       ("基本支出",), ("basic expenditure", "basic expenditures", "basic spending", "basic expenses", "basic costs",
        "basic"),
       label_zh="基本支出", label_en="basic expenditure", parent="expenditure.total"),
    _m("expenditure.project", ("expenditure.project", "narrative.project"),
       ("项目支出", "项目经费"),
       ("project expenditure", "project expenditures", "project spending", "project expenses", "project costs",
        "projects"),
       label_zh="项目支出", label_en="project expenditure", parent="expenditure.total"),
    _m("expenditure.personnel", ("expenditure.personnel", "narrative.personnel"),
       ("人员经费", "人员支出", "人员费用"),
       ("personnel expenses", "personnel costs", "personnel spending", "personnel", "staff costs", "staff expenses",
        "salaries"),
       label_zh="人员经费", label_en="personnel expenses", parent="expenditure.basic"),
    _m("expenditure.public", ("expenditure.public", "narrative.public"),
       ("公用经费", "公用支出", "日常公用经费"),
       ("public expenses", "public funds", "office expenses", "public operating expenses", "public costs"),
       label_zh="公用经费", label_en="public (office) expenses", parent="expenditure.basic"),
    # staffing
    _m("staffing.authorized", "staffing.authorized",
       ("编制数", "编制人数", "核定编制", "编制"),
       ("authorized staff", "authorised staff", "authorized positions", "authorised positions", "staff quota",
        "staffing quota", "authorized headcount", "establishment size", "approved posts", "authorized"),
       unit="人", kind="count", label_zh="编制数", label_en="authorized staff positions"),
    _m("staffing.actual", "staffing.actual",
       ("实有人数", "实有人员", "实际人数", "总人数", "人员总数", "实有"),
       ("actual staff", "actual headcount", "number of staff", "number of employees", "how many people",
        "how many staff", "staff size", "headcount", "employees", "staff"),
       unit="人", kind="count", label_zh="实有人数", label_en="actual staff"),
    _m("staffing.active", "staffing.active",
       ("在职人数", "在职人员", "在职职工", "在职"),
       ("active staff", "in-service staff", "serving staff", "current employees", "employees in service",
        "active employees", "in service"),
       unit="人", kind="count", label_zh="在职人数", label_en="active staff", parent="staffing.actual"),
    _m("staffing.retired", "staffing.retired",
       ("退休人数", "退休人员", "退休职工", "退休"),
       ("retired staff", "retirees", "retired employees", "retired", "pensioners"),
       unit="人", kind="count", label_zh="退休人数", label_en="retired staff", parent="staffing.actual"),
    _m("staffing.offices", "staffing.offices",
       ("内设机构", "下设科室", "下设处室", "科室", "处室", "内设"),
       ("internal offices", "internal divisions", "sections", "offices", "divisions"),
       unit="个", kind="count", label_zh="下设科室数", label_en="internal offices"),
    # assets
    _m("assets.vehicles", "assets.vehicles",
       ("车辆数量", "车辆数", "公务用车数量", "几辆车", "多少辆车", "多少辆", "几辆", "车辆", "汽车"),
       ("number of vehicles", "how many vehicles", "how many cars", "vehicles", "cars", "fleet"),
       unit="辆", kind="count", label_zh="车辆", label_en="vehicles"),
    _m("assets.general_vehicles", "assets.general_vehicles", ("一般公务用车数", "一般公务用车"),
       ("general official vehicles", "general-purpose official vehicles"), unit="辆", kind="count",
       label_zh="一般公务用车", label_en="general official vehicles", parent="assets.vehicles"),
    _m("assets.enforcement_vehicles", "assets.enforcement_vehicles", ("执法执勤用车数", "执法执勤用车", "执勤用车", "执法用车"),
       ("law enforcement vehicles", "enforcement vehicles"), unit="辆", kind="count",
       label_zh="执法执勤用车", label_en="law enforcement vehicles", parent="assets.vehicles"),
    _m("assets.other_vehicles", "assets.other_vehicles", ("其他车辆",), ("other vehicles",), unit="辆", kind="count",
       label_zh="其他车辆", label_en="other vehicles", parent="assets.vehicles"),
    _m("assets.vehicles_value", "assets.vehicles_value",
       ("车辆价值", "车辆总价值"), ("value of vehicles", "vehicle value", "vehicles worth"),
       label_zh="车辆价值", label_en="value of vehicles"),
    _m("assets.furniture_value", "assets.furniture_value",
       ("办公家具价值", "办公家具"), ("office furniture", "furniture"), label_zh="办公家具价值", label_en="office furniture"),
    _m("assets.other_value", "assets.other_value", ("其他资产价值", "其他资产"), ("other assets",),
       label_zh="其他资产价值", label_en="other assets"),
    _m("assets.housing_value", "assets.housing_value", ("房屋价值", "办公用房价值", "办公楼价值"),
       ("value of buildings", "building value", "value of housing"), label_zh="房屋价值", label_en="value of buildings"),
    _m("assets.housing_area", "assets.housing_area",
       ("房屋面积", "房屋", "办公用房面积", "办公用房", "办公楼面积", "办公楼", "办公面积", "用房面积"),
       ("floor area", "buildings", "office space", "office building", "office buildings"),
       unit="平方米", kind="count", label_zh="房屋面积", label_en="building floor area"),
    _m("assets.equipment_over_50", "assets.equipment_over_50", ("50万元以上大型设备", "大型设备"),
       ("large equipment",), unit="台", kind="count", label_zh="单位价值50万元以上大型设备", label_en="large equipment"),
    # performance
    _m("performance.fiscal_projects", "performance.fiscal_projects",
       ("财政拨款项目个数", "财政拨款项目数", "几个项目", "多少个项目", "项目个数", "项目数量"),
       ("number of projects", "how many projects"), unit="个", kind="count",
       label_zh="当年财政拨款项目数", label_en="fiscal projects"),
    _m("performance.overall_amount", "performance.overall_amount",
       ("整体绩效目标金额", "绩效目标涉及金额", "绩效管理金额"), ("performance target amount",),
       label_zh="整体预算绩效目标涉及金额"),
    # contact
    _m("contact.name", "contact.name", ("联系人", "联络人", "找谁"), ("contact person", "who to contact", "contact"),
       unit="", kind="text", label_zh="联系人", label_en="contact person"),
    _m("contact.phone", "contact.phone", ("联系电话", "电话号码", "电话"), ("phone number", "telephone", "phone"),
       unit="", kind="text", label_zh="联系电话", label_en="phone number"),
]

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}

# 功能分类 类 (national classification of expenditure by function)
FUNCTION_CLASSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "201": ("一般公共服务支出", ("general public services",)),
    "202": ("外交支出", ("foreign affairs",)),
    "203": ("国防支出", ("national defense", "national defence", "defense")),
    "204": ("公共安全支出", ("public security", "public safety")),
    "205": ("教育支出", ("education",)),
    "206": ("科学技术支出", ("science and technology",)),
    "207": ("文化旅游体育与传媒支出", ("culture, tourism, sports and media", "culture and tourism")),
    "208": ("社会保障和就业支出", ("social security and employment", "social security", "pensions and employment")),
    "209": ("社会保险基金支出", ("social insurance fund",)),
    "210": ("卫生健康支出", ("health and wellness", "health care", "healthcare", "health")),
    "211": ("节能环保支出", ("energy conservation and environmental protection", "environmental protection")),
    "212": ("城乡社区支出", ("urban and rural community",)),
    "213": ("农林水支出", ("agriculture, forestry and water", "agriculture")),
    "214": ("交通运输支出", ("transportation", "transport")),
    "215": ("资源勘探工业信息等支出", ("resource exploration and industry",)),
    "216": ("商业服务业等支出", ("commerce and services",)),
    "217": ("金融支出", ("financial affairs",)),
    "219": ("援助其他地区支出", ("aid to other regions",)),
    "220": ("自然资源海洋气象等支出", ("natural resources, ocean and meteorology", "natural resources")),
    "221": ("住房保障支出", ("housing security", "housing")),
    "222": ("粮油物资储备支出", ("grain and oil reserves",)),
    "223": ("国有资本经营预算支出", ("state capital operation budget",)),
    "224": ("灾害防治及应急管理支出", ("disaster prevention and emergency management",)),
    "227": ("预备费", ("reserve fund",)),
    "229": ("其他支出", ("other expenditure",)),
    "230": ("转移性支出", ("transfer expenditure",)),
    "231": ("债务还本支出", ("debt principal repayment",)),
    "232": ("债务付息支出", ("debt interest",)),
}


def function_metric(code: str, name: str | None = None, fiscal: bool = False) -> Metric:
    std = FUNCTION_CLASSES.get(code)
    name = name or (std[0] if std else code)
    zh = [name]
    short = re.sub(r"(等)?支出$", "", name)
    if len(short) >= 2 and short != name:
        zh.append(short)
    zh.append(f"{code}类")
    en = std[1] if std else ()
    key = f"{'fiscal' if fiscal else 'expenditure'}.by_function.{code}"
    path = f"{'fiscal' if fiscal else 'expenditure'}.by_function"
    parent = "fiscal.general_budget" if fiscal else "expenditure.total"
    label_en = f"{en[0]} expenditure" if en else name
    label_zh = name
    if fiscal:
        label_zh, label_en = f"一般公共预算{name}", f"{label_en} (general public budget)"
    return Metric(key=key, paths=(path,), zh=tuple(zh), en=tuple(en), label_zh=label_zh, label_en=label_en,
                  parent=parent, function_code=code, fiscal=fiscal)


def function_metrics() -> list[Metric]:
    return [function_metric(code) for code in FUNCTION_CLASSES]


def row_metric(name: str) -> Metric:
    """A figure read from a table row by its printed name (经济分类 款, 功能分类 项, project names)."""
    return Metric(key=f"row:{name}", paths=(), zh=(name,), label_zh=name, label_en=name, row=name)


# Terms that identify a 经济分类/功能分类 row by name even when a document does not print it (so a
# question about one is understood, and declined as not disclosed when the document lacks the row).
STANDARD_ROWS = (
    "基本工资", "津贴补贴", "奖金", "伙食补助费", "绩效工资", "机关事业单位基本养老保险缴费", "职业年金缴费",
    "职工基本医疗保险缴费", "公务员医疗补助缴费", "其他社会保障缴费", "住房公积金", "医疗费", "其他工资福利支出",
    "办公费", "印刷费", "咨询费", "手续费", "水费", "电费", "邮电费", "取暖费", "物业管理费", "差旅费",
    "维修（护）费", "维修费", "租赁费", "会议费", "培训费", "专用材料费", "劳务费", "委托业务费", "工会经费", "福利费",
    "其他交通费用", "税金及附加费用", "其他商品和服务支出", "离休费", "退休费", "抚恤金", "生活补助", "医疗费补助",
    "奖励金", "行政运行", "一般行政管理事务", "事业运行", "信息化建设", "医疗保障政策管理", "医疗保障经办事务",
    "其他医疗保障管理事务支出", "行政单位医疗", "事业单位医疗", "公务员医疗补助", "行政单位离退休",
    "机关事业单位基本养老保险缴费支出", "机关事业单位职业年金缴费支出", "培训支出", "医疗救助",
)
