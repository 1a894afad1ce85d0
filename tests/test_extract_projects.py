"""Project lines: 表7 rows (a project name in its own cell, or run into the subject name) and the
项目支出情况说明 (项目名称 + 预算安排规模), cross-checked against each other and against 表5 项目支出.

Synthetic documents in the template's layouts (written here, values chosen by hand), so that the
parsing is tested on names and amounts that appear in no sample document.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from extract.build import build_record
from extract.testing import document

T5 = """功能分类科目编码 功能分类科目名称 合计 基本支出 项目支出
213 农林水支出 80.00 22.60 57.40
213 01 农业农村 80.00 22.60 57.40
213 01 01 行政运行 22.60 22.60
213 01 99 其他农业农村支出 57.40 57.40
合计 80.00 22.60 57.40"""

# pdftotext, heavily wrapped: code line, subject name over two lines, project name over two lines, amounts
T7_WRAPPED = """科目编码 科目名称 项目名称 项目支出合计 商品和服务支出 其他支出
类 款 项
213 农林水支出 57.40 57.40
213 01 农业农村 57.40 57.40
213 01 99
其他农业农村
支出
乡村道路养护
补助资金
45.00 45.00
213 01 99
其他农业农村
支出
农机购置补贴项目 12.40 12.40
合计 57.40 57.40"""

T7_VARIANTS = {
    "one line, spaces": """213 农林水支出 57.40 57.40
213 01 99 其他农业农村支出 乡村道路养护补助资金 45.00 45.00
213 01 99 其他农业农村支出 农机购置补贴项目 12.40 12.40
合计 57.40 57.40""",
    "run together": """213 农林水支出 57.40 57.40
2130199 其他农业农村支出乡村道路养护补助资金 45.00 45.00
2130199 其他农业农村支出农机购置补贴项目 12.40 12.40
合计 57.40 57.40""",
    "tab cells": """213\t\t\t农林水支出\t\t57.40\t57.40
213\t01\t99\t其他农业农村支出\t乡村道路养护补助资金\t45.00\t45.00
213\t01\t99\t其他农业农村支出\t农机购置补贴项目\t12.40\t12.40
合计\t\t\t\t\t57.40\t57.40""",
    "right to left": """57.4057.40农林水支出213
45.0045.00乡村道路养护补助资金其他农业农村支出9901213
12.4012.40农机购置补贴项目其他农业农村支出9901213
57.4057.40合计""",
}

NARRATIVE = """七、一般公共预算项目支出情况说明
1.项目名称：乡村道路养护补
助资金
设立的政策依据：某财预〔2099〕1 号
预算安排规模：40 万元
项目承担单位：某某局
2. 项目名称：农机购置补贴项目
预算安排规模：12.40 万元
资金执行时间：全年
项目支出绩效目标表
项目名称 农机购置补贴项目 项目负责人 张三"""


def record(t7: str, with_t5: bool = True, narrative: str = ""):
    parts = ([T5] if with_t5 else []) + ["项目支出情况表", t7] + ([narrative] if narrative else [])
    text = "\n".join(parts)
    n5 = len(T5.split("\n")) if with_t5 else 0
    tables = {"general_budget_project": (n5 + 2, n5 + 1 + len(t7.split("\n")))}
    if with_t5:
        tables["general_budget_expenditure"] = (1, n5)
    return build_record(document(text, tables=tables))


def projects(rec):
    return [(p.code.value, p.name.value, p.amount.value) for p in rec.projects]


EXPECTED = [("2130199", "乡村道路养护补助资金", D("45.00")), ("2130199", "农机购置补贴项目", D("12.40"))]


def test_wrapped_project_name_is_split_off_the_subject_name_and_cross_checked():
    rec = record(T7_WRAPPED, narrative=NARRATIVE)
    assert projects(rec) == EXPECTED
    # each line cites the lines it was printed on, from its code to its amounts
    quote = rec.projects[0].amount.evidence[0].quote
    assert quote.startswith("213 01 99") and "补助资金" in quote and quote.endswith("45.00 45.00")
    # the narrative: a name wrapped over two lines; the 绩效目标表 line (no 预算安排规模) is not a project
    assert [(p.name.value, p.amount.value) for p in rec.narrative_projects] == [
        ("乡村道路养护补助资金", D("40")), ("农机购置补贴项目", D("12.40"))]
    assert rec.narrative_projects[0].amount.evidence[0].quote == "预算安排规模：40 万元"
    checks = {c.id: c for c in rec.validation}
    # 45.00 in 表7 against 40 万元 in the text: reported, not repaired
    bad = checks["projects.0=narrative_projects.0"]
    assert (bad.status, bad.lhs, bad.rhs) == ("mismatch", 45.00, 40)
    assert checks["projects.1=narrative_projects.1"].status == "pass"
    total = checks["narrative_projects=general_budget_expenditure.project"]
    assert (total.status, total.lhs, total.rhs) == ("mismatch", 57.40, 52.40)


@pytest.mark.parametrize("layout", sorted(T7_VARIANTS))
def test_project_table_layouts(layout):
    assert projects(record(T7_VARIANTS[layout])) == EXPECTED


@pytest.mark.parametrize("layout", ["run together", "right to left"])
def test_without_subject_names_the_stated_project_names_split_the_line(layout):
    narrative = NARRATIVE.replace("：40 万元", "：45 万元")
    rec = record(T7_VARIANTS[layout], with_t5=False, narrative=narrative)
    assert projects(rec) == EXPECTED
    assert all(c.status == "pass" for c in rec.validation if c.id.startswith("projects."))
    # nothing to split on: the line keeps its printed name rather than a guessed one
    assert record(T7_VARIANTS[layout], with_t5=False).projects[0].name.value in (
        "其他农业农村支出乡村道路养护补助资金", "乡村道路养护补助资金其他农业农村支出")


def test_narrative_project_amount_in_yuan_and_other_labels():
    text = "项目名称：河道保洁服务\n预算金额为 123,400 元\n项目名称：防汛物资储备\n预算安排资金：6.5 万元"
    rec = build_record(document(text))
    assert [(p.name.value, p.amount.value) for p in rec.narrative_projects] == [
        ("河道保洁服务", D("12.34")), ("防汛物资储备", D("6.5"))]
    assert "123,400" in rec.narrative_projects[0].amount.evidence[0].quote  # quoted as printed


def test_narrative_project_items_numbered_in_brackets_on_one_line():
    text = "（一）项目名称：乡村道路养护补助资金。（二）设立的政策依据：某文件。（三）预算安排规模：40万元。\n" \
           "2.项目名称：农机购置补贴项目（二期）；预算安排规模：12.40万元。"
    rec = build_record(document(text))
    assert [(p.name.value, p.amount.value) for p in rec.narrative_projects] == [
        ("乡村道路养护补助资金", D("40")), ("农机购置补贴项目(二期)", D("12.40"))]


def test_projects_paired_across_bracket_styles_and_by_a_unique_containing_name():
    from extract.validate import pair_projects

    # bracket styles and spacing do not matter; namesakes pair in printed order
    assert pair_projects(["示例【一期】补助", "示例【一期】补助"], ["示例〔一期〕补助", "示例 (一期) 补助"]) == [(0, 0), (1, 1)]
    # "…资金" in 表7 and "…资金项目" in the text are the same project; the order of the lists does not matter
    assert pair_projects(["乡村道路养护补助资金", "农机购置补贴项目"], ["农机购置补贴项目", "乡村道路养护补助资金项目"]) == [
        (0, 1), (1, 0)]
    # two lines that both contain the stated name: no guess
    assert pair_projects(["道路养护补助资金一期", "道路养护补助资金二期"], ["道路养护补助资金"]) == []
    # short names are only paired when equal
    assert pair_projects(["医保经费"], ["医保经费项目"]) == []


def test_project_table_in_yuan_is_compared_in_wan():
    t7 = """213 农林水支出 574,000.00 574,000.00
213 01 99 其他农业农村支出 乡村道路养护补助资金 450,000.00 450,000.00
213 01 99 其他农业农村支出 农机购置补贴项目 124,000.00 124,000.00
合计 574,000.00 574,000.00"""
    text = "项目支出情况表\n单位：元\n" + t7 + "\n" + NARRATIVE.replace("：40 万元", "：45 万元")
    rec = build_record(document(text, tables={"general_budget_project": (3, 6)}, unit="元"))
    # 450,000.00 元 = 45 万元; the names are split off by the names 情况说明 七 states (no 表5 here)
    assert [(p.name.value, p.amount.value) for p in rec.projects] == [(n, a) for _, n, a in EXPECTED]
    assert "450,000.00" in rec.projects[0].amount.evidence[0].quote  # cited as printed, in 元
    assert [c.status for c in rec.validation if c.id.startswith("projects.")] == ["pass", "pass"]
