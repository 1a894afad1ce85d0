"""Names of bodies by rule (ingest/catalog/bodies.json org_forms): each ingested body's own name gives
its usual short forms, with or without the place (full, short, or the level word alone), and the
English renderings of its kind. Tested on names generated here — bodies of every kind and level from
several provinces — not only on the bundled samples."""

from __future__ import annotations

import pytest

from qa.units import UnitIndex, build_unit

BODIES = [
    "北京市朝阳区人民政府办公室",
    "上海市商务委员会",
    "重庆市渝中区司法局",
    "广州市天河区规划和自然资源局",
    "杭州市上城区万里街道办事处",
    "中共成都市锦江区委员会社会工作部",
    "江苏省人民检察院",
    "浙江省高级人民法院",
    "湖南省人大常委会办公厅",
    "中国人民政治协商会议四川省委员会办公厅",
    "中共江苏省委办公厅",
    "沙县医疗保障局",
]


@pytest.fixture(scope="module")
def index():
    return UnitIndex([build_unit(f"d{i}", name, 2025) for i, name in enumerate(BODIES)])


def _found(index, question: str) -> set[str]:
    return {u.department for m in index.find(question) for u in m.units}


@pytest.mark.parametrize("question,body", [
    ("朝阳区政府办2025年三公经费是多少", "北京市朝阳区人民政府办公室"),
    ("朝阳区府办机关运行经费", "北京市朝阳区人民政府办公室"),
    ("上海商务委的政府采购预算", "上海市商务委员会"),
    ("市商务委2025年支出总计", "上海市商务委员会"),
    ("渝中区司法局人员经费", "重庆市渝中区司法局"),
    ("天河区规划资源局三公经费", "广州市天河区规划和自然资源局"),
    ("规资局的项目支出", "广州市天河区规划和自然资源局"),
    ("万里街道2025年预算总额", "杭州市上城区万里街道办事处"),
    ("锦江区委社会工作部的公用经费", "中共成都市锦江区委员会社会工作部"),
    ("区委社会工作部三公经费", "中共成都市锦江区委员会社会工作部"),
    ("省检察院2025年三公经费", "江苏省人民检察院"),
    ("浙江高院会议费", "浙江省高级人民法院"),
    ("省高院培训费", "浙江省高级人民法院"),
    ("湖南人大常委会的基本支出", "湖南省人大常委会办公厅"),
    ("省人大办机关运行经费", "湖南省人大常委会办公厅"),
    ("四川省政协2025年三公经费", "中国人民政治协商会议四川省委员会办公厅"),
    ("省政协办的支出总计", "中国人民政治协商会议四川省委员会办公厅"),
    ("省委办公厅2025年会议费", "中共江苏省委办公厅"),
    ("沙县医保局三公经费", "沙县医疗保障局"),
])
def test_short_forms_name_one_body(index, question, body):
    assert _found(index, question) == {body}


@pytest.mark.parametrize("question,body", [
    ("What did the Chaoyang District general office budget for receptions?", "北京市朝阳区人民政府办公室"),
    ("Shanghai Commerce Commission procurement budget", "上海市商务委员会"),
    ("How much did the Yuzhong justice bureau spend on staff?", "重庆市渝中区司法局"),
    ("Wanli subdistrict office total budget", "杭州市上城区万里街道办事处"),
    ("Jiangsu procuratorate 2025 vehicle purchase budget", "江苏省人民检察院"),
    ("the Zhejiang High People's Court training budget", "浙江省高级人民法院"),
    ("Hunan People's Congress office operating expenses", "湖南省人大常委会办公厅"),
    ("Sichuan CPPCC three public expenses", "中国人民政治协商会议四川省委员会办公厅"),
    ("the Jiangsu party committee general office meeting expenses", "中共江苏省委办公厅"),
])
def test_english_names_of_kinds_of_body(index, question, body):
    assert _found(index, question) == {body}


def test_a_name_fitting_several_bodies_lists_them():
    """Two provinces' courts: 省法院 fits both; the place tells them apart."""
    idx = UnitIndex([build_unit("a", "浙江省高级人民法院", 2025), build_unit("b", "江苏省高级人民法院", 2025)])
    assert _found(idx, "省法院会议费") == {"浙江省高级人民法院", "江苏省高级人民法院"}
    assert _found(idx, "江苏高院会议费") == {"江苏省高级人民法院"}


def test_a_place_before_a_level_word_is_another_body():
    """伊犁州医保局 is not the 州医保局 of another prefecture."""
    idx = UnitIndex([build_unit("a", "克孜勒苏柯尔克孜自治州医疗保障局", 2025), build_unit("b", "沙县医疗保障局", 2025)])
    assert "克孜勒苏柯尔克孜自治州医疗保障局" not in _found(idx, "伊犁州医保局三公经费")


@pytest.mark.parametrize("question,body", [
    ("Kezhou medical insurance bureau three public expenses", "克孜勒苏柯尔克孜自治州医疗保障局"),  # 克州
    ("Yilizhou medical insurance bureau staff", "伊犁哈萨克自治州医疗保障局"),  # 伊犁州
    ("What did Changji Prefecture budget?", "昌吉回族自治州财政局"),  # the core, as before
])
def test_pinyin_of_a_places_short_forms(question, body):
    """A place's short forms are matched in pinyin as they are in characters (克州 → Kezhou)."""
    idx = UnitIndex([build_unit("a", "克孜勒苏柯尔克孜自治州医疗保障局", 2024),
                     build_unit("b", "伊犁哈萨克自治州医疗保障局", 2024), build_unit("c", "昌吉回族自治州财政局", 2024)])
    assert _found(idx, question) == {body}
