"""Unit naming and question understanding (no corpus needed: names as the documents print them)."""

from __future__ import annotations

import pytest

from qa.unit_names import build_unit
from qa.units import UnitIndex
from qa.understand import understand
from qa.vocabulary import Vocabulary

NAMES = {
    "001": ("伽师县医疗保障局", 2024),
    "002": ("轮台县医疗保障局", 2024),
    "003": ("克孜勒苏柯尔克孜自治州医疗保障局", 2024),
    "004": ("新疆伊犁哈萨克自治州特克斯县医疗保障局", 2023),
}


@pytest.fixture(scope="module")
def index() -> UnitIndex:
    recs = [{"doc": d, "department": {"value": n}, "fiscal_year": {"value": y}} for d, (n, y) in NAMES.items()]
    return UnitIndex.from_records(recs)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary({}, {"住房公积金", "办公费", "行政运行"})


def docs(index, q):
    return [u.doc for m in index.find(q) for u in m.units]


@pytest.mark.parametrize("q,doc", [
    ("轮台县医疗保障局2024年三公经费是多少？", "002"),  # full name
    ("轮台县医保局三公经费", "002"),  # 医疗保障局 → 医保局
    ("轮台医保局三公经费", "002"),  # county word dropped
    ("克州医保局公车运行费", "003"),  # first character + 州
    ("克孜勒苏州医保局", "003"),  # ethnic name dropped
    ("克孜勒苏柯尔克孜自治州医疗保障局的编制数", "003"),
    ("特克斯县医保局", "004"),  # province and prefecture prefixes dropped
    ("伊犁州特克斯县医保局", "004"),
    ("那伽师呢？", "001"),  # bare place
])
def test_chinese_names_and_short_forms(index, q, doc):
    assert docs(index, q) == [doc]


@pytest.mark.parametrize("q,doc", [
    ("How much did Luntai spend on 三公 fees?", "002"),  # pinyin
    ("luntai reception", "002"),  # case-insensitive
    ("Luntai County Medical Insurance Bureau", "002"),
    ("What share of Luntai's total spending is project spending?", "002"),  # possessive
    ("and Jiashi?", "001"),  # polyphonic 伽 read as jia
    ("Kizilsu Prefecture procurement budget", "003"),  # exonym: same consonant skeleton as the pinyin
    ("What about Tekes County?", "004"),
])
def test_latin_names(index, q, doc):
    assert docs(index, q) == [doc]


@pytest.mark.parametrize("q,unknown", [
    ("喀什市医保局的三公经费", "喀什市"),
    ("伊犁州医保局三公经费", "伊犁州"),  # a prefecture whose own bureau was not ingested
    ("轮台县教育局2024年政府采购预算", "轮台县教育局"),  # another department of a known county
    ("How much did Kashgar spend on reception?", "Kashgar"),
])
def test_unknown_units_are_reported(index, q, unknown):
    found = index.find(q)
    assert [m.text for m in found if m.kind == "unknown"] == [unknown]
    assert not [u for m in found for u in m.units]


def test_unit_aliases_are_derived_from_the_name():
    u = build_unit("x", "塔什库尔干塔吉克自治县医疗保障局", 2024)
    assert {"塔什库尔干县医保局", "塔县医保局", "塔什库尔干"} <= set(u.aliases)
    u = build_unit("y", "乌鲁木齐市天山区财政局", 2024)
    assert [lv.name for lv in u.levels] == ["乌鲁木齐市", "天山区"] and u.org == "财政局"


@pytest.mark.parametrize("q,metrics,op", [
    ("轮台县医保局2024年三公经费是多少？", ["sangong.total"], "lookup"),
    ("克州医保局公车运行费比上年增加了多少？", ["sangong.vehicle_operation"], "change"),
    ("哪家医保局的政府采购预算最高？", ["procurement.total"], "max"),
    ("伽师医保局项目支出占总支出的比例？", ["expenditure.project", "expenditure.total"], "ratio"),
    ("轮台医保局驻村工作经费主要用于什么？", [], "text"),
    ("克州政府采购中服务类占比是多少？", ["procurement.services"], "ratio"),  # qualifier merged
    ("特克斯一般公共预算卫生健康支出", ["fiscal.by_function.210"], "lookup"),
    ("伽师县医保局住房公积金支出预算", ["row:住房公积金"], "lookup"),
    ("轮台和伽师三公经费合计多少", ["sangong.total"], "sum"),
    ("克州比轮台三公经费多多少", ["sangong.total"], "difference"),
    ("四家医保局公务接待费按高低排名", ["sangong.reception"], "rank"),
    ("How much more did Tekes spend on projects than on basic expenditure?",
     ["expenditure.project", "expenditure.basic"], "difference"),
    ("Which bureau has the lowest vehicle operation costs?", ["sangong.vehicle_operation"], "min"),
    ("What is the average 三公 budget of the four bureaus?", ["sangong.total"], "average"),
    ("伽师医保局的编制数和实有人数", ["staffing.authorized", "staffing.actual"], "lookup"),
])
def test_metric_and_operation(index, vocab, q, metrics, op):
    intent = understand(q, index, vocab)
    assert [m.key for m in intent.metrics] == metrics
    assert intent.op == op


def test_year_and_change_kind(index, vocab):
    intent = understand("伽师医保局2024年三公经费比上年下降了百分之几？", index, vocab)
    assert intent.year == 2024 and intent.op == "change" and intent.change_kind == "percent"
    intent = understand("By how much did Kizilsu's 三公 budget change compared with last year?", index, vocab)
    assert intent.op == "change" and intent.change_kind == "amount" and [u.doc for u in intent.units] == ["003"]


@pytest.mark.parametrize("q,found", [
    ("长川县应急局三公经费", "a"),  # 应急管理局 → 应急局 (same first and last character, a subsequence)
    ("德山交通局三公", "c"),  # 交通运输局 → 交通局, county word dropped
    ("丰乡卫健委三公", "b"),
    ("Changchuan emergency management bureau 三公", "a"),  # pinyin of a name never seen in development
])
def test_department_abbreviations_of_unseen_names(q, found):
    index = UnitIndex([build_unit("a", "长川县应急管理局", 2024), build_unit("b", "辽宁省美溪市丰乡市卫生健康委员会", 2024),
                       build_unit("c", "德山县交通运输局", 2022)])
    assert [u.doc for m in index.find(q) for u in m.units] == [found]


@pytest.mark.parametrize("q,unknown", [
    ("美溪市卫健委三公", "美溪市"),  # the higher-level city's own commission: not ingested
    ("美溪卫健委三公", "美溪"),
    ("长川县水利局三公经费", "长川县水利局"),  # another department of a known county
    ("阿克苏应急管理局三公", "阿克苏"),  # a bare unknown name before a department word
])
def test_unknown_units_among_unseen_names(q, unknown):
    index = UnitIndex([build_unit("a", "长川县应急管理局", 2024), build_unit("b", "辽宁省美溪市丰乡市卫生健康委员会", 2024)])
    found = index.find(q)
    assert [m.text for m in found if m.kind == "unknown"] == [unknown]
    assert not [u for m in found for u in m.units]


def test_english_department_words_are_not_metrics():
    index = UnitIndex([build_unit("a", "南溪县卫生健康委员会", 2019)])
    intent = understand("Nanxi health commission reception", index, Vocabulary({"210": "卫生健康支出"}, set()))
    assert [m.key for m in intent.metrics] == ["sangong.reception"]  # not the 卫生健康 (health) class
    intent = understand("How much did Nanxi spend on health?", index, Vocabulary({"210": "卫生健康支出"}, set()))
    assert [m.key for m in intent.metrics] == ["expenditure.by_function.210"]
