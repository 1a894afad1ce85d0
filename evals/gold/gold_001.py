"""Gold record of 001_4e595076af774e23 (伽师县医疗保障局 2024), read by hand."""

from evals.gold._builder import Doc

D = Doc("001_4e595076af774e23")
L, N = D.leaf, D.null

record = {
    "department": L("伽师县医疗保障局", (91, "编制单位：伽师县医疗保障局")),
    "region": L("伽师县", (81, "伽师县医疗保障局无下属预算单位"), accept=["喀什地区伽师县"]),
    "fiscal_year": L(2024, (7, "第一部分 2024 年单位概况")),
    "staffing": {
        "authorized": L(15, (83, "编制数 15")),
        "actual": L(17, (83, "实有人数 17 人")),
        "active": L(13, (83, "在职 13 人")),
        "retired": L(4, (83, "退休 4 人")),
        "separated": L(0, (83, "离休 0 人")),
        "active_change": L(1, (83, "在职 13 人，增加 1 人")),
        "retired_change": L(0, (83, "退休 4 人，增加 0 人")),
        "offices": L(1, (81, "下设 1 个科室")),
        "subordinate_units": L(0, (81, "无下属预算单位")),
    },
    "income": {
        "total": L(247.40, (127, "收 入 总 计</b>	<b>247.40")),
        "current_year": L(247.40, (97, "一、本年收入	247.40")),
        "general_budget": L(247.40, (98, "1. 一般公共预算拨款	247.40"), accept=[239.11]),
        "general_own": L(239.11, (99, "其中：一般财力	239.11")),
        "upper_transfer": L(8.29, (100, "上级一般公共预算安排转移支付	8.29")),
        "carryover": N("表1 row 二、上年结转结余 is blank; 十一 says 无上年结转结余", accept=[0]),
    },
    "expenditure": {
        "total": L(247.40, (127, "支 出 总 计</b>	<b>247.40")),
        "basic": L(239.11, (185, "合 计	247.40	239.11	8.29")),
        "project": L(8.29, (185, "合 计	247.40	239.11	8.29")),
        "personnel": L(231.70, (292, "合 计	239.11	231.70	7.41")),
        "public": L(7.41, (292, "合 计	239.11	231.70	7.41")),
        "by_function": [
            D.func("208", "社会保障和就业支出", 27.53, 171, "208			社会保障和就业支出	27.53	27.53"),
            D.func("210", "卫生健康支出", 201.23, 175, "210			卫生健康支出	201.23	192.94	8.29"),
            D.func("221", "住房保障支出", 18.64, 182, "221			住房保障支出	18.64	18.64"),
        ],
    },
    "fiscal": {
        "income_total": L(247.40, (227, "收 入 总 计	247.40")),
        "general_budget": L(247.40, (254, "合 计	247.40	239.11	8.29")),
        "general_budget_basic": L(239.11, (254, "合 计	247.40	239.11	8.29")),
        "general_budget_project": L(8.29, (254, "合 计	247.40	239.11	8.29")),
        "by_function": [
            D.func("208", "社会保障和就业支出", 27.53, 240, "208			社会保障和就业支出	27.53	27.53"),
            D.func("210", "卫生健康支出", 201.23, 244, "210			卫生健康支出	201.23	192.94	8.29"),
            D.func("221", "住房保障支出", 18.64, 251, "221			住房保障支出	18.64	18.64"),
        ],
    },
    "sangong": {
        "total": L(2.22, (338, "合计	2.22	2.22")),
        "overseas_travel": L(0.0, (472, "因公出国（境）费 0.00 万元"), accept=[None]),
        "reception": L(0.12, (340, "公务接待费	0.12	0.12")),
        "vehicle_total": L(2.10, (341, "公务用车购置及运行费 （小计）	2.10")),
        "vehicle_purchase": L(0.0, (472, "公务用车购置费 0.00 万元"), accept=[None]),
        "vehicle_operation": L(2.10, (343, "公务用车运行费	2.10	2.10")),
    },
    "sangong_narrative": {
        "total": L(2.22, (472, "“三公”经费数为 2.22 万元")),
        "overseas_travel": L(0.0, (472, "因公出国（境）费 0.00 万元")),
        "vehicle_purchase": L(0.0, (472, "公务用车购置费 0.00 万元")),
        "vehicle_operation": L(2.10, (472, "公务用车运行费 2.10 万元")),
        "reception": L(0.12, (472, "公务接待费 0.12 万元")),
    },
    "sangong_change": {
        "total": D.change(-0.01, -0.45, 474, "比上年预算减少 0.01 万元，下降 0.45%"),
        "overseas_travel": D.change(0.0, 0.0, 474, "因公出国（境）费增加 0.00 万元，增长 0.00%"),
        "vehicle_purchase": D.change(0.0, 0.0, 474, "公务用车购置费增加 0.00 万元，增长 0.00%"),
    },
    "operating_expenses": L(7.41, (488, "机关运行经费财政拨款预算 7.41 万元")),
    "operating_expenses_change": D.change(1.59, 27.32, 488, "比上年预算增加 1.59 万元，增长 27.32%"),
    "procurement": {
        "total": L(11.46, (492, "政府采购预算 11.46 万元")),
        "goods": L(8.44, (492, "政府采购货物预算 8.44 万元")),
        "works": L(0.0, (492, "政府采购工程预算 0.00 万元")),
        "services": L(3.02, (492, "政府采购服务预算 3.02 万元")),
        "sme_reserved": L(11.46, (494, "面向中小企业预留政府采购项目预算金额 11.46 万元")),
        "small_micro_reserved": L(11.46, (494, "小微企业预留政府采购项目预算金额 11.46 万元")),
    },
    "assets": {
        "housing_area": L(0.0, (500, "房屋 0.00 平方米")),
        "housing_value": L(0.0, (500, "价值 0.00 万元")),
        "vehicles": L(1, (501, "车辆 1 辆")),
        "vehicles_value": L(14.00, (501, "车辆 1 辆，价值 14.00 万元")),
        "general_vehicles": L(0, (501, "一般公务用车 0 辆")),
        "enforcement_vehicles": L(0, (501, "执法执勤用车 0 辆")),
        "other_vehicles": L(1, (501, "其他车辆 1 辆")),
        "furniture_value": L(28.00, (503, "办公家具价值 28.00 万元")),
        "other_value": L(7.14, (505, "其他资产价值 7.14 万元")),
        "equipment_over_50": L(0, (507, "单位价值 50 万元以上大型设备 0 台")),
        "equipment_over_100": L(0, (507, "单位价值 100 万元以上大型设备 0 台")),
    },
    "performance": {
        "overall_targets": L(1, (513, "整体预算绩效目标 1 个")),
        "overall_amount": L(247.40, (513, "涉及金额 247.40 万元")),
        "fiscal_projects": L(0, (513, "当年财政拨款项目 0 个")),
        "fiscal_project_amount": L(0.0, (513, "涉及预算金额 0.00 万元；当年非财政拨款项目")),
        "nonfiscal_projects": L(0, (513, "当年非财政拨款项目 0 个")),
        "nonfiscal_project_amount": L(0.0, (513, "当年非财政拨款项目 0 个，涉及预算金额 0.00 万元")),
    },
    "contact": {
        "name": L("邹莉", (520, "单位联系人		邹莉")),
        "phone": L("13909989081", (520, "13909989081")),
    },
    "narrative": {
        "total": L(247.40, (364, "收支总预算 247.40 万元")),
        "income_total": L(247.40, (372, "收入预算 247.40 万元")),
        "general_own": L(239.11, (374, "一般公共预算 239.11 万元")),
        "general_own_share": L(96.65, (374, "占 96.65%")),
        "upper_transfer": L(8.29, (376, "转移支付资金 8.29 万元")),
        "upper_transfer_share": L(3.35, (376, "占 3.35%")),
        "expenditure_total": L(247.40, (388, "支出预算 247.40 万元")),
        "basic": L(239.11, (388, "基本支出 239.11 万元")),
        "basic_share": L(96.65, (388, "基本支出 239.11 万元,占 96.65%")),
        "project": L(8.29, (390, "项目支出 8.29 万元")),
        "project_share": L(3.35, (390, "占 3.35%")),
        "fiscal_total": L(247.40, (394, "财政拨款收支总预算 247.40 万元")),
        "general_budget": L(247.40, (406, "一般公共预算拨款合计 247.40 万元")),
        "personnel": L(231.70, (444, "人员经费 231.70 万元")),
        "public": L(7.41, (446, "公用经费 7.41 万元")),
    },
    "line_items": {
        "general_budget_expenditure": [
            D.row("208", "社会保障和就业支出", 240, "208			社会保障和就业支出	27.53	27.53", total=27.53, basic=27.53, project=None),
            D.row("20805", "行政事业单位养老支出", 241, "行政事业单位养老支出	27.53	27.53", total=27.53, basic=27.53, project=None),
            D.row("2080501", "行政单位离退休", 242, "行政单位离退休	4.71	4.71", total=4.71, basic=4.71, project=None),
            D.row("2080505", "机关事业单位基本养老保险缴费支出", 243, "机关事业单位基本养老保险缴费支出	22.82	22.82", total=22.82, basic=22.82, project=None),
            D.row("210", "卫生健康支出", 244, "卫生健康支出	201.23	192.94	8.29", total=201.23, basic=192.94, project=8.29),
            D.row("21011", "行政事业单位医疗", 245, "行政事业单位医疗	10.64	10.64", total=10.64, basic=10.64, project=None),
            D.row("2101101", "行政单位医疗", 246, "行政单位医疗	9.70	9.70", total=9.70, basic=9.70, project=None),
            D.row("2101103", "公务员医疗补助", 247, "公务员医疗补助	0.94	0.94", total=0.94, basic=0.94, project=None),
            D.row("21015", "医疗保障管理事务", 248, "医疗保障管理事务	190.59	182.30	8.29", total=190.59, basic=182.30, project=8.29),
            D.row("2101501", "行政运行", 249, "行政运行	182.30	182.30", total=182.30, basic=182.30, project=None),
            D.row("2101599", "其他医疗保障管理事务支出", 250, "其他医疗保障管理事务支出	8.29		8.29", total=8.29, basic=None, project=8.29),
            D.row("221", "住房保障支出", 251, "住房保障支出	18.64	18.64", total=18.64, basic=18.64, project=None),
            D.row("22102", "住房改革支出", 252, "住房改革支出	18.64	18.64", total=18.64, basic=18.64, project=None),
            D.row("2210201", "住房公积金", 253, "住房公积金	18.64	18.64", total=18.64, basic=18.64, project=None),
            D.row("total", "合计", 254, "合 计	247.40	239.11	8.29", total=247.40, basic=239.11, project=8.29),
        ],
        "general_budget_basic": [
            D.row("30101", "基本工资", 266, "基本工资	56.77	56.77", total=56.77, personnel=56.77, public=None),
            D.row("30102", "津贴补贴", 267, "津贴补贴	50.88	50.88", total=50.88, personnel=50.88, public=None),
            D.row("30103", "奖金", 268, "奖金	35.80	35.80", total=35.80, personnel=35.80, public=None),
            D.row("30107", "绩效工资", 269, "绩效工资	25.69	25.69", total=25.69, personnel=25.69, public=None),
            D.row("30108", "机关事业单位基本养老保险缴费", 270, "机关事业单位基本养老保险缴费	22.82	22.82", total=22.82, personnel=22.82, public=None),
            D.row("30110", "职工基本医疗保险缴费", 271, "职工基本医疗保险缴费	9.70	9.70", total=9.70, personnel=9.70, public=None),
            D.row("30111", "公务员医疗补助缴费", 272, "公务员医疗补助缴费	0.94	0.94", total=0.94, personnel=0.94, public=None),
            D.row("30112", "其他社会保障缴费", 273, "其他社会保障缴费	1.21	1.21", total=1.21, personnel=1.21, public=None),
            D.row("30113", "住房公积金", 274, "住房公积金	18.64	18.64", total=18.64, personnel=18.64, public=None),
            D.row("30199", "其他工资福利支出", 275, "其他工资福利支出	3.96	3.96", total=3.96, personnel=3.96, public=None),
            D.row("302", "商品和服务支出", 276, "商品和服务支出	7.41		7.41", total=7.41, personnel=None, public=7.41),
            D.row("30201", "办公费", 277, "办公费	4.32		4.32", total=4.32, personnel=None, public=4.32),
            D.row("30202", "印刷费", 278, "印刷费	0.15		0.15", total=0.15, personnel=None, public=0.15),
            D.row("30205", "水费", 279, "水费	0.10		0.10", total=0.10, personnel=None, public=0.10),
            D.row("30206", "电费", 280, "电费	0.27		0.27", total=0.27, personnel=None, public=0.27),
            D.row("30207", "邮电费", 281, "邮电费	0.15		0.15", total=0.15, personnel=None, public=0.15),
            D.row("30211", "差旅费", 282, "差旅费	0.20		0.20", total=0.20, personnel=None, public=0.20),
            D.row("30217", "公务接待费", 283, "公务接待费	0.12		0.12", total=0.12, personnel=None, public=0.12),
            D.row("30231", "公务用车运行维护费", 284, "公务用车运行维护费	2.10		2.10", total=2.10, personnel=None, public=2.10),
            D.row("303", "对个人和家庭的补助", 285, "对个人和家庭的补助	5.29	5.29", total=5.29, personnel=5.29, public=None),
            D.row("30302", "退休费", 290, "退休费	4.71	4.71", total=4.71, personnel=4.71, public=None),
            D.row("30305", "生活补助", 291, "生活补助	0.58	0.58", total=0.58, personnel=0.58, public=None),
            D.row("total", "合计", 292, "合 计	239.11	231.70	7.41", total=239.11, personnel=231.70, public=7.41),
        ],
        "general_budget_project": [
            D.row("2101599", "伽师县医保局 2024 年自治区财政全民参保补助及医疗服务经费资金项目", 306,
                  "伽师县医保局 2024 年自治区财政全民参保补助及医疗服务经费资金项目	8.29", total=8.29),
        ],
    },
    "tables_empty": {
        "government_fund": N("表8 is not printed at all (表7 is followed by 表9); 八 says the table is empty"),
        "state_capital": L("empty", (324, "国有资本经营预算支出情况表为空表")),
        "carryover": L("empty", (358, "上年结转结余预算支出情况表为空表")),
    },
}


# Project lines (表7 and 七、项目支出情况说明), read off the document
P = D.project
record["projects"] = [
    P("伽师县医保局 2024 年自治区财政全民参保补助及医疗服务经费资金项目", 8.29,
      (306, "伽师县医保局 2024 年自治区财政全民参保补助及医疗服务经费资金项目"), (306, "经费资金项目	8.29"),
      code="2101599", code_at=(306, "210	15	99")),
]
record["narrative_projects"] = [
    P("伽师县医保局 2024 年自治区财政全民参保补助及医疗服务经费资金项目", 8.29,
      (450, "项目名称：伽师县医保局 2024 年自治区财政全民参保补助及医疗服务经费资金项目"), (454, "预算安排规模：8.29 万元")),
]

inconsistencies = [
    {
        "id": "001-perf-own-funds",
        "kind": "narrative_vs_table",
        "what": "单位整体绩效目标表 本级安排 239.07 万元 ≠ 一般财力 239.11 万元 (表1/表2); 8.29 + 239.07 = 247.36 ≠ 247.40",
        "lhs": 239.07, "rhs": 239.11, "difference": -0.04,
        "paths": ["income.general_own", "performance.overall_amount"],
        "where": [(524, "本级安排	239.07"), (99, "其中：一般财力	239.11")],
    },
    {
        "id": "001-sangong-change-truncated",
        "kind": "truncated_text",
        "what": "十、三公 change paragraph is cut off mid-number (公务用车运行费增加 0.0…); reception/vehicle operation changes not stated",
        "lhs": None, "rhs": None, "difference": None,
        "paths": ["sangong_change.vehicle_operation", "sangong_change.reception"],
        "where": [(474, "公务用车运行费增加 0.0")],
    },
    {
        "id": "001-missing-table8",
        "kind": "missing_table",
        "what": "表8 政府性基金预算支出情况表 is not printed (表7 is followed by 表9) although the contents list it",
        "lhs": None, "rhs": None, "difference": None,
        "paths": [],
        "where": [(21, "八、政府性基金预算支出情况表"), (311, "表 9")],
    },
    {
        "id": "001-t6-no-301-subtotal",
        "kind": "missing_row",
        "what": "表6 has no 301 工资福利支出 class row; its items sum to 226.41 (人员经费 231.70 = 226.41 + 303 5.29)",
        "lhs": 226.41, "rhs": None, "difference": None,
        "paths": ["expenditure.personnel"],
        "where": [(266, "301	01	基本工资	56.77")],
    },
]

if __name__ == "__main__":
    D.write(record, inconsistencies)
