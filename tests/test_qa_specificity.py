"""A question that names something more specific than the figure found, or an operation that needs
two figures when only one was found, gets the right figure or a decline that says what was not
found — never another figure answered as if it were the one asked.

Expected values are read by hand off data/corpus:
- 004 (Tekes) line 1369: "2.车辆 1 辆，价值 9.26 万元".
- 003 (Kizilsu) line 1495-1497: "2024 年上年结转 结余 110.10 万元"; lines 1509-1511:
  "2.2023 年中央财政医疗保障能力提升部分补助资金（第二批）31.04 万元"; line 1499-1501: the other item
  "1.2023 年医疗服务与保障能力提升[…]中央财政补助资金 79.06 万元"; line 902: "线路租赁费项目 2.00";
  line 1329 the 离休人员医疗费项目 "预算安排规模：300.00 万元" (its 门诊 part is no table figure);
  lines 628/630 (表6): "301 01 基本工资 103.06", "301 02 津贴补贴 135.98".
- 001 (Jiashi) line 83: "实有人数 17 人"; line 528: "居民医疗保险参保人数 ≥41.06万人" (target table);
  line 492: "政府采购货物预算 8.44 万元，政府采购工程预算 0.00 万元，政府采购服务预算 3.02 万元";
  lines 388/390: "基本支出 239.11 万元" / "项目支出 8.29 万元".
- 002 (Luntai) lines 1256-1260: "政府采购货物预算 5.50 万元…政府采购服务预算 0.73 万元".
"""

from __future__ import annotations

import pytest

import gongkai  # noqa: F401

JIASHI, LUNTAI, KIZILSU, TEKES = ("001_4e595076af774e23", "002_77eafa45268ff922", "003_ed059d2f5e2a2cf7",
                                  "004_479787b2eb065ad4")


def quotes(res) -> str:
    return "\n".join(c["quote"] for c in res["citations"]).replace(" ", "").replace("\n", "")


# --- a value word with a count: the value, not the count ------------------------------------------

@pytest.mark.parametrize("q", [
    "What's the value of the Tekes bureau's vehicles (车辆)?",
    "特克斯医保局车辆一共值多少钱",
    "特克斯医保局的车辆值多少",
    "How much are the Tekes bureau's vehicles worth?",
    "特克斯医保局车辆价值",
    "特克斯医保局车辆的价值是多少",
    "What are the Tekes bureau's vehicles valued at?",
])
def test_value_of_counted_things(ask, q):
    res = ask(q)
    assert not res["declined"], res["answer"]
    assert res["value"] == pytest.approx(9.26) and res["unit"] == "万元", res["answer"]
    assert "9.26" in quotes(res)


def test_count_and_value_both_asked(ask):
    res = ask("特克斯医保局车辆有几辆，价值多少")
    assert "1 辆" in res["answer"] and "9.26" in res["answer"], res["answer"]


def test_count_alone_is_still_the_count(ask):
    res = ask("How many vehicles does the Tekes bureau have?")
    assert res["value"] == 1 and res["unit"] == "辆", res["answer"]


# --- people that are not the bureau's staff --------------------------------------------------------

@pytest.mark.parametrize("q", [
    "伽师医保局绩效目标里居民医疗保险参保人数目标是多少",
    "伽师医保局有多少人参保",
    "伽师医保局参保总人数",
    "How many people are insured in Jiashi?",
    "伽师医保局离休干部人数",
])
def test_qualified_people_are_not_the_staff_count(ask, q):
    res = ask(q)
    # 17 is the bureau's own headcount (line 83): it must never answer these
    assert res["value"] != 17 and "实有人数" not in res["answer"] and "actual staff" not in res["answer"], res
    if not res["declined"]:
        assert "41.06" in res["answer"] or "0" in str(res["value"]), res["answer"]


@pytest.mark.parametrize("q", ["特克斯县医保局有几个人", "伽师医保局的工作人员有多少人",
                               "How many people work at the Jiashi bureau?"])
def test_plain_headcount_still_answers(ask, q):
    res = ask(q)
    assert res["unit"] == "人" and res["value"] in (17, 20), res["answer"]


# --- a comparison/sum whose second figure is named without its whole ---------------------------------

@pytest.mark.parametrize("q,value", [
    ("伽师政府采购货物预算比服务预算多多少", 5.42),          # 8.44 - 3.02
    ("伽师政府采购货物比服务多多少", 5.42),
    ("How much more is Jiashi's goods procurement budget than its services budget?", 5.42),
    ("轮台政府采购货物预算比服务预算多多少", 4.77),          # 5.50 - 0.73
    ("伽师医保局基本支出比项目多多少", 230.82),             # 239.11 - 8.29
    ("伽师货物采购加上服务采购一共多少", 11.46),            # 8.44 + 3.02
    ("Jiashi goods procurement minus services procurement", 5.42),
])
def test_second_operand_among_siblings(ask, q, value):
    res = ask(q)
    assert not res["declined"], res["answer"]
    assert res["value"] == pytest.approx(value), res["answer"]


@pytest.mark.parametrize("q", ["伽师三公经费比第二批补助多多少", "伽师医保局公务接待费比宣传费多多少",
                               "伽师公务接待费加上宣传费是多少"])
def test_one_operand_found_declines_naming_the_other(ask, q):
    res = ask(q)
    assert res["declined"] and res["reason"] == "missing_operand", res["answer"]
    assert res["value"] is None
    # the decline says what it could not find
    name = "第二批补助" if "第二批" in q else "宣传费"
    assert name in res["answer"], res["answer"]


# --- words beyond the figure found: the item, or a decline that says so ------------------------------

@pytest.mark.parametrize("q", [
    "克州医保局上年结转的第二批能力提升补助资金是多少",
    "What is the Kizilsu bureau's carryover for the second batch of capacity improvement subsidies?",
])
def test_specific_item_under_a_total(ask, q):
    res = ask(q)
    assert not res["declined"], res["answer"]
    assert res["value"] == pytest.approx(31.04), res["answer"]
    assert "31.04" in quotes(res)


def test_specific_item_named_with_a_row_word(ask):
    res = ask("克州医保局项目支出里线路租赁费是多少")
    assert res["value"] == pytest.approx(2.0), res["answer"]


@pytest.mark.parametrize("q,total", [
    ("克州医保局上年结转的第三批能力提升补助资金是多少", "110.10"),  # no third batch: not the total
    ("克州医保局上年结转的能力提升补助资金是多少", "110.10"),        # two such items (79.06, 31.04)
])
def test_specific_item_not_found_declines_with_what_was_found(ask, q, total):
    res = ask(q)
    assert res["declined"] and res["reason"] == "not_specific", res["answer"]
    assert res["value"] is None
    assert total in res["answer"]  # says the figure found is the total, not the item


def test_part_of_a_project_is_never_the_project_total(ask):
    # 003 line 1329: 离休人员医疗费项目 300.00 in all; its 资金分配情况 line (1333) splits it: 门诊费用 136.98
    res = ask("克州医保局离休人员医疗费项目的门诊费用是多少")
    assert res["value"] not in (300, 300.0), res["answer"]
    if res["declined"]:
        assert res["reason"] == "not_specific" and "300.00" in res["answer"], res["answer"]
    else:
        assert "136.98" in res["answer"] and "136.98" in quotes(res), res["answer"]


def test_ambiguous_items_are_listed(ask):
    res = ask("克州医保局上年结转的能力提升补助资金是多少")
    assert "31.04" in res["answer"] and "79.06" in res["answer"], res["answer"]


def test_row_named_in_other_words_still_answers(ask):
    # the row's printed name with a colloquial alias before it (002 表 row 财政对城乡居民基本医疗保险基金的补助)
    res = ask("轮台医保局城乡居民医保补助（财政对城乡居民基本医疗保险基金的补助）预算数")
    assert not res["declined"] and res["value"] == pytest.approx(1710.0), res["answer"]


@pytest.mark.parametrize("q,value", [
    ("克州医保局基本工资比津贴多多少", -32.92),   # 103.06 - 135.98; 津贴 names the row 津贴补贴
    ("克州医保局津贴比基本工资多多少", 32.92),    # the loosely named figure first
])
def test_second_operand_named_loosely_as_a_row(ask, q, value):
    res = ask(q)
    assert not res["declined"], res["answer"]
    assert res["value"] == pytest.approx(value), res["answer"]
    assert "103.06" in quotes(res) and "135.98" in quotes(res)


def test_missing_operand_named_in_english(ask):
    res = ask("How much more is Jiashi's 三公 than its publicity fund?")
    assert res["declined"] and res["reason"] == "missing_operand", res["answer"]
    assert "publicity fund" in res["answer"]


def test_previous_year_of_something_inside_a_figure_declines(ask):
    # 001 states the change of 三公 as a whole only; nothing about a part named "宣传" in any year
    res = ask("伽师上年三公经费中的宣传部分是多少")
    assert res["declined"] and res["reason"] == "not_specific", res["answer"]
    assert "宣传" in res["answer"]


# --- more of the same causes (phrasings from another held-out round) ---------------------------------
# 002 line 23 "下设 4 个处室"; line 29 "编制数 15"; 003 line 99 "编制数 29"; 004 line 73 "在职 19 人" and
# line 1141 "人员经费 286.44 万元"; vehicles: 001 line 501 "车辆 1 辆", 002 line 1276 "车辆 0 辆",
# 003 line 1548 "车辆 2 辆", 004 line 1369 "车辆 1 辆".

def test_verbs_around_a_count_name_nothing_specific(ask):
    res = ask("轮台县医保局下面设了几个处室？")
    assert not res["declined"] and res["value"] == 4, res["answer"]


def test_difference_asked_as_cha_ji_ge(ask):
    res = ask("轮台和克州医保局的编制数差几个")
    assert res["value"] == -14, res["answer"]  # 15 - 29


@pytest.mark.parametrize("q", ["特克斯医保局按在职人数算，人均人员经费多少",
                               "Tekes personnel expenses per active staff member"])
def test_per_head_divides_by_the_count_named(ask, q):
    res = ask(q)
    assert res["value"] == pytest.approx(15.08), res["answer"]  # 286.44 / 19 = 15.076


def test_per_head_without_a_named_count_is_the_actual_headcount(ask):
    res = ask("特克斯医保局人均人员经费多少")
    assert res["value"] == pytest.approx(14.32), res["answer"]  # 286.44 / 20 = 14.322


def test_english_total_over_the_four_bureaus(ask):
    res = ask("How many vehicles do the four medical insurance bureaus own in total?")
    assert res["value"] == 4, res["answer"]  # 1 + 0 + 2 + 1


def test_english_adjective_term_inside_another_noun(ask):
    # "basic medical insurance fund" is a row (财政对城乡居民基本医疗保险基金的补助), not 基本支出 (274.69)
    res = ask("How much does Luntai put into the subsidy for the urban-rural residents' basic medical insurance fund?")
    assert res["value"] != pytest.approx(274.69), res["answer"]
    assert "basic expenditure" not in res["answer"]


def test_goal_form_is_only_where_a_text_field_is_printed(ask):
    # 002 line 1313: "部门联系人 凯德日耶·伊力哈木" on the 整体绩效目标表
    res = ask("轮台医保局整体绩效目标表上的联系人是谁")
    assert res["value"] == "凯德日耶·伊力哈木", res["answer"]


# --- an item named inside a figure is one of that figure's parts (review of the item matching) -------
# 003: 表11 (lines 1495-1511) lists the carryover's two items only (79.06, 31.04; 110.10 in all); the
# 离休人员医疗费项目 300.00 (line 1329), 基金监管专项经费项目 26.40 and 干部保健费项目 5.00 (line 803) are
# this year's projects (表7), not carryover nor procurement; 表6 line 648 "302 28 工会经费 1.48".
# 002: 上年结转结余 5.86 (line 79); the project 巴财社〔2023〕79号…人身意意外伤害保险补助资金 86 万元 (lines
# 1035-1045), a current-year project.

@pytest.mark.parametrize("q,total,wrong", [
    ("克州医保局上年结转的离休人员医疗费是多少", "110.10", "300.00"),
    ("克州医保局上年结转资金中的基金监管专项经费是多少", "110.10", "26.40"),
    ("克州医保局政府采购预算中的干部保健费是多少", None, "5.00"),
    ("克州医保局项目支出中的离休人员补助是多少", "608.74", "300.00"),   # 补助 is not 医疗费
    ("克州医保局项目支出中的工会费是多少", "608.74", "1.48"),           # 工会经费 is a 表6 row, not a project
    ("轮台县医保局上年结转的人身意外伤害保险补助资金是多少", "5.86", "86.00"),
    ("克州医保局三公经费中的办公费是多少", "9.50", "3.70"),              # 办公费 is no part of 三公
    ("伽师县医保局上年结转的基本工资是多少", None, "56.77"),
    ("克州医保局基本支出中的医疗费是多少", "439.64", "14.68"),    # 医疗费 is not 职工基本医疗保险缴费
    ("克州医保局行政运行中的离休人员医疗费是多少", "239.08", "300.00"),  # larger than the row it is said to be in
    ("克州医保局人员经费中的办公费是多少", None, "3.70"),   # 表6 30201 办公费 is in the 公用经费 column only
])
def test_item_outside_the_named_figure_declines(ask, q, total, wrong):
    res = ask(q)
    assert res["declined"] and res["reason"] == "not_specific", res["answer"]
    # never answered as the item (a decline may list it among the nearest parts, never as "为 X")
    assert res["value"] is None and f"为 {wrong}" not in res["answer"], res["answer"]
    if total:
        assert total in res["answer"], res["answer"]  # says what the figure named is


def test_carryover_decline_names_its_parts(ask):
    res = ask("克州医保局上年结转的离休人员医疗费是多少")
    assert "79.06" in res["answer"] and "31.04" in res["answer"], res["answer"]


def test_missing_operand_not_matched_on_a_generic_word(ask):
    res = ask("克州医保局基本工资比离休人员补助多多少")
    assert res["declined"] and res["reason"] == "missing_operand", res["answer"]
    assert "离休人员补助" in res["answer"] and "300" not in res["answer"], res["answer"]


@pytest.mark.parametrize("q,value", [
    ("克州医保局基本支出中的工会费是多少", 1.48),       # short for the 表6 row 工会经费
    ("克州医保局基本支出的工会经费是多少", 1.48),
    ("克州医保局基本支出中的基本工资是多少", 103.06),
    ("克州医保局人员经费中的基本工资是多少", 103.06),
    ("克州医保局公用经费中的办公费是多少", 3.70),
    ("伽师三公经费中的公务接待费是多少", 0.12),         # 001 line 474 a part of 三公: answered alone
])
def test_item_inside_its_figure_answers(ask, q, value):
    res = ask(q)
    assert not res["declined"], res["answer"]
    assert res["value"] == pytest.approx(value), res["answer"]


def test_item_name_with_digits_is_grounded(ask):
    # the project's name carries "〔2023〕79号" and 2024; the answer quotes it and cites the name's line
    res = ask("轮台县医保局项目支出中的人身意外伤害保险补助资金是多少")
    assert not res["declined"], res["answer"]
    assert res["value"] == pytest.approx(86.0), res["answer"]
    assert "79" in quotes(res) and "86" in quotes(res)


def test_place_names_are_not_items(ask):
    # a province (even the wrong one) before a known unit locates it; it names nothing inside the figure
    for q in ("四川省伽师县医保局的基本支出是多少", "新疆伽师县医保局基本支出是多少"):  # 新疆: a place the index knows
        res = ask(q)
        assert not res["declined"] and res["value"] == pytest.approx(239.11), res["answer"]
    res = ask("四川省伽师县医保局的上年结转是多少")
    assert res["reason"] != "not_specific" and "四川省" not in res["answer"], res["answer"]


def test_actual_of_a_head_count_is_the_count_not_the_final_accounts(ask):
    # "actually have" of staff is 实有人数, which a budget prints; of money it asks a 决算, which none is
    res = ask("How many staff does the Tekes medical insurance bureau actually have?")
    assert res["value"] == 20, res["answer"]
    res = ask("特克斯医保局三公经费实际支出多少")
    assert res.get("declined") and res.get("reason") == "other_kind", res["answer"]
