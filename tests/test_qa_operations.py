"""Each operation, in Chinese and English, over each kind of unit naming; unanswerable questions of
each kind; follow-ups. Expected values are read off data/corpus (the line quoted is in a comment)
and computed by hand, never by the code under test."""

from __future__ import annotations

from pathlib import Path

import pytest

import gongkai  # noqa: F401

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
JIASHI, LUNTAI, KIZILSU, TEKES = ("001_4e595076af774e23", "002_77eafa45268ff922", "003_ed059d2f5e2a2cf7",
                                  "004_479787b2eb065ad4")


def quotes(res) -> str:
    return "\n".join(c["quote"] for c in res["citations"]).replace(" ", "")


# (question, value, unit, doc every citation must include, numbers the quotes must contain)
ANSWERS = [
    # lookup — full name, short forms, pinyin, English name, both languages
    ("克孜勒苏柯尔克孜自治州医疗保障局公务接待费预算是多少？", 1.5, "万元", KIZILSU, ["1.50"]),
    ("克州医保局公务接待费", 1.5, "万元", KIZILSU, ["1.50"]),
    ("轮台医保局政府采购预算", 6.23, "万元", LUNTAI, ["6.23"]),
    ("How much does Kizilsu spend on official receptions?", 1.5, "万元", KIZILSU, ["1.50"]),
    ("Kizilsu Kirghiz Autonomous Prefecture medical security bureau 三公 budget", 9.5, "万元", KIZILSU, ["9.50"]),
    ("How many retired staff does the Kizilsu 医保局 have?", 8, "人", KIZILSU, []),
    ("Luntai County medical insurance bureau total budget", 2081.55, "万元", LUNTAI, ["2081.55"]),
    ("Jiashi public (office) expenses?", 7.41, "万元", JIASHI, ["7.41"]),  # the label answers print
    ("特克斯县医保局有几个人", 20, "人", TEKES, []),  # "how many people" = 实有人数
    ("What is the 三公 budget of Jiashi County in Kashgar?", 2.22, "万元", JIASHI, ["2.22"]),  # "in X" locates
    # sum — two units / two metrics
    ("轮台和伽师医保局三公经费加起来多少", 3.25, "万元", None, ["1.03", "2.22"]),
    ("Luntai and Jiashi 三公 combined", 3.25, "万元", None, ["1.03", "2.22"]),
    ("伽师医保局的基本支出加项目支出是多少", 247.4, "万元", JIASHI, ["239.11", "8.29"]),
    # difference
    ("轮台医保局机关运行经费比克州医保局少多少？", -6.0, "万元", None, ["13.29", "19.29"]),
    ("How much more is Luntai's project expenditure than Jiashi's?", 1798.57, "万元", None, ["1806.86", "8.29"]),
    # ratio / share / multiple
    ("克州医保局公务接待费占三公经费的比重", 15.79, "%", KIZILSU, ["1.50", "9.50"]),  # 1.50 / 9.50
    ("What share of Kizilsu's 三公 is vehicle operation?", 84.21, "%", KIZILSU, ["8.00", "9.50"]),
    ("克州医保局三公经费是轮台医保局的几倍", 9.22, "倍", None, ["9.50", "1.03"]),  # 9.50 / 1.03
    # per vehicle / per head (divided by the count the document states)
    ("克州医保局平均每辆车价值多少？", 26.16, "万元", KIZILSU, ["52.31"]),  # 52.31 / 2
    ("What is the average value per vehicle at Kizilsu?", 26.16, "万元", KIZILSU, ["52.31"]),
    ("轮台医保局人均人员经费是多少", 13.76, "万元", LUNTAI, ["261.4"]),  # 261.40 / 19 实有人数
    # stated change vs the previous year
    ("克州机关运行经费比上年增长了百分之几", 8.61, "%", KIZILSU, ["8.61"]),
    ("Did Kizilsu's operating expenses go up?", 1.53, "万元", KIZILSU, ["1.53"]),
    ("By how much did Kizilsu's 三公 budget change compared with last year?", 4.0, "万元", KIZILSU, ["4"]),
    # the previous year's budget: this year's figure minus the stated change
    ("What was Kizilsu's 2023 三公 budget?", 5.5, "万元", KIZILSU, ["9.50"]),  # 9.50 − 4.00
    ("克州医保局去年三公经费预算是多少", 5.5, "万元", KIZILSU, ["9.50"]),
    # two consecutive years named: the change the later budget states
    ("轮台医保局2024年比2023年三公经费减少多少", -0.06, "万元", LUNTAI, ["0.06"]),
    ("Kizilsu 三公 2024 vs 2023", 4.0, "万元", KIZILSU, ["4"]),
    # vocabulary: office space, "the budget" alone, an acronym is not a place
    ("伽师医保局办公楼面积多少平方米", 0, "平方米", JIASHI, ["0.00平方米"]),  # 1. 房屋 0.00 平方米
    ("What is Luntai's budget?", 2081.55, "万元", LUNTAI, ["2081.55"]),
    ("How much of Kizilsu's procurement is reserved for SMEs?", 205.92, "万元", KIZILSU, ["205.92"]),
    # a kind of vehicle: "几辆" only asks how many
    ("克州医保局一般公务用车有几辆", 1, "辆", KIZILSU, []),  # 其中：一般公务用车 1 辆
    ("伽师县医保局执法执勤用车有几辆", 0, "辆", JIASHI, []),
    # units with different budget years: the count "2 家单位" is computed, so the answer is grounded
    ("特克斯和克州医保局的三公经费合计", 10.3, "万元", None, ["0.80", "9.50"]),
    # a project the lexicon does not know: its 预算安排规模 read from the text
    ("特克斯县全县居民人身意外伤害保险项目预算安排规模多少", 90, "万元", TEKES, ["90"]),
    # the number the clause around it is about, not the first one after the last matched word
    ("特克斯医保局全县居民人身意外伤害保险每人每年的筹资标准是多少", 6.18, "元", TEKES, ["6.18"]),
]


@pytest.mark.parametrize("q,value,unit,doc,nums", ANSWERS)
def test_answers(ask, q, value, unit, doc, nums):
    res = ask(q)
    assert not res["declined"], res["answer"]
    assert (res["value"], res["unit"]) == (value, unit), res["answer"]
    assert res["citations"]
    if doc:
        assert {c["doc"] for c in res["citations"]} == {doc}
    for n in nums:
        assert n in quotes(res), (n, res["citations"])


# rank / max / min across all units (value: the unit named first)
@pytest.mark.parametrize("q,first,op_word", [
    ("哪家医保局的公务接待费最高", "克孜勒苏柯尔克孜自治州医疗保障局", "最高"),
    ("Which bureau has the largest government procurement budget?", "克孜勒苏柯尔克孜自治州医疗保障局", "highest"),
    ("哪家医保局的机关运行经费最少", "伽师县医疗保障局", "最低"),
    ("Which bureau has the fewest staff?", "伽师县医疗保障局", "lowest"),  # 实有 17 < 19 < 20 < 30
    ("Rank the four bureaus by personnel expenses", "克孜勒苏柯尔克孜自治州医疗保障局", "highest to lowest"),
    ("各医保局编制数排名", "克孜勒苏柯尔克孜自治州医疗保障局", "从高到低"),
    ("哪个医保局人最多", "克孜勒苏柯尔克孜自治州医疗保障局", "最高"),
])
def test_across_units(ask, q, first, op_word):
    res = ask(q)
    assert not res["declined"] and op_word in res["answer"]
    assert res["value"].replace("、", ", ").split(", ")[0] == first
    assert {c["doc"] for c in res["citations"]} == {JIASHI, LUNTAI, KIZILSU, TEKES}


@pytest.mark.parametrize("q,reason", [
    # another unit: with a level word, a bare name before the department word, English at the start
    ("阿克苏医保局三公经费多少", "unknown_unit"),
    ("伽师和阿克苏医保局三公经费合计", "unknown_unit"),
    ("Aksu medical security bureau procurement budget", "unknown_unit"),
    ("What is the 三公 budget of the Urumqi medical security bureau?", "unknown_unit"),
    # another year
    ("Jiashi 2025 budget?", "other_year"),
    ("轮台医保局2022年政府采购预算", "other_year"),
    # never disclosed
    ("What is Luntai's meeting expense (会议费) budget?", "not_disclosed"),
    ("伽师医保局离退休人员经费", "not_found"),  # not the count of retirees
    ("轮台医保局明年的预算是多少", "other_year"),  # next year's budget is not published
    ("What will Jiashi spend on 三公 next year?", "other_year"),
    ("Compare the 三公 of Jiashi and Kashgar", "unknown_unit"),  # one of the two is not ingested
])
def test_unanswerable(ask, q, reason):
    res = ask(q)
    assert res["declined"] is True and res["reason"] == reason, res["answer"]
    assert res["value"] is None


@pytest.mark.parametrize("q,doc,line,words", [
    ("克州医保局公车运行费为啥涨了", KIZILSU, 1480, "划拨小车一辆"),  # colloquial "why … went up"
    ("What will Kizilsu use the 31.04 万元 carryover for?", KIZILSU, None, "政策宣传"),
    ("轮台医保局基金监管专项经费主要用于什么", LUNTAI, None, "基金监管"),  # named by what it funds
])
def test_text_questions_in_other_words(ask, q, doc, line, words):
    res = ask(q)
    assert not res["declined"] and res["route"] == "retrieval", res["answer"]
    assert words in res["answer"].replace(" ", "") and res["citations"][0]["doc"] == doc
    if line:
        assert res["citations"][0]["line"] <= line <= res["citations"][0]["line"] + 6


def test_vehicle_purchase_funds_are_not_the_vehicle_count(ask):
    res = ask("伽师医保局2024年有没有安排购置车辆经费")
    assert (res["value"], res["unit"]) == (0.0, "万元")  # 公务用车购置费 0.00 万元


def test_a_heading_is_not_an_answer(ask):
    res = ask("克州医保局的主要职能是什么")
    assert not res["declined"] and res["route"] == "retrieval"
    assert "医疗保险" in res["value"] and res["value"] != "一、主要职能"


def test_follow_ups_keep_what_was_not_said(qa_home, monkeypatch):
    monkeypatch.delenv("GONGKAI_LLM_BASE_URL", raising=False)
    from qa.api import Conversation

    conv = Conversation(home=qa_home)
    assert conv.ask("How much is Kizilsu's procurement budget?")["value"] == 205.92
    assert conv.ask("And Luntai?")["value"] == 6.23
    # only the year changes: still Luntai; its 2024 document states no procurement change → declined
    res = conv.ask("那2023年呢？")
    assert res["declined"] and res["reason"] == "other_year" and "轮台" in res["answer"]

    conv = Conversation(home=qa_home)
    assert conv.ask("轮台医保局三公经费")["value"] == 1.03
    assert conv.ask("2023年呢？")["value"] == 1.09  # 1.03 + 0.06 (比上年预算减少 0.06 万元)

    conv = Conversation(home=qa_home)
    assert conv.ask("哪家医保局的政府采购预算最高？")["value"] == "克孜勒苏柯尔克孜自治州医疗保障局"
    assert conv.ask("最低的呢？")["value"] == "新疆伊犁哈萨克自治州特克斯县医疗保障局"  # 3.00 万元

    conv = Conversation(home=qa_home)
    assert conv.ask("伽师医保局项目支出占总支出的比例？")["value"] == 3.35
    assert conv.ask("那轮台呢？")["value"] == 86.8  # 1806.86 / 2081.55
    assert conv.ask("What about Tekes?")["value"] == 76.51  # 962.79 / 1258.45

    conv = Conversation(home=qa_home)
    assert conv.ask("克州医保局每辆车平均价值")["value"] == 26.16
    assert conv.ask("那伽师呢？")["value"] == 14.0  # 14.00 / 1 辆


def test_follow_ups_that_change_the_metric_or_ask_for_a_share(qa_home, monkeypatch):
    monkeypatch.delenv("GONGKAI_LLM_BASE_URL", raising=False)
    from qa.api import Conversation

    conv = Conversation(home=qa_home)
    assert conv.ask("What about Luntai's 三公?")["value"] == 1.03
    assert conv.ask("And the year before?")["value"] == 1.09  # 1.03 + 0.06 stated decrease

    conv = Conversation(home=qa_home)
    assert conv.ask("Which bureau has the highest operating expenses?")["value"] == "克孜勒苏柯尔克孜自治州医疗保障局"
    res = conv.ask("What about personnel expenses?")  # the same comparison, another figure
    assert res["value"] == "克孜勒苏柯尔克孜自治州医疗保障局" and "420.35" in res["answer"]

    conv = Conversation(home=qa_home)
    assert conv.ask("克州医保局公务接待费")["value"] == 1.5
    res = conv.ask("占三公经费的比例呢？")
    assert (res["value"], res["unit"]) == (15.79, "%")  # 1.50 / 9.50
    assert conv.ask("轮台呢？")["value"] == 9.71  # 0.10 / 1.03
