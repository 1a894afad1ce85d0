"""A 部门决算 (final accounts) read by the national template: the standard paths hold the 决算数, the
budget printed beside it goes under budget.<same path>. The PDF is built here (reportlab, ruled
tables with merged header cells) in the layouts of the MoF 决算 template: 行次 columns, a 三公 table with
预算数 and 决算数 groups, a basic-expenditure table with 人员经费 and 公用经费 side by side, a general
budget table with 年初预算数 / 全年预算数 / 决算数."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evals.pdfkit import Heading, PageBreak, Para, Table, render_pdf

BODY = "示例市交通运输局"


def _final_blocks() -> list:
    overview = Table(
        header=[["收入", "", "", "支出", "", ""], ["项目", "行次", "金额", "项目", "行次", "金额"]],
        rows=[["一、一般公共预算财政拨款收入", "1", "1,260.50", "一、一般公共服务支出", "31", ""],
              ["二、政府性基金预算财政拨款收入", "2", "", "二、交通运输支出", "44", "1,180.20"],
              ["三、事业收入", "3", "12.00", "三、住房保障支出", "46", "92.30"],
              ["本年收入合计", "10", "1,272.50", "本年支出合计", "60", "1,272.50"],
              ["年初结转和结余", "11", "20.00", "年末结转和结余", "62", "20.00"],
              ["总计", "12", "1,292.50", "总计", "63", "1,292.50"]],
        col_widths=[150, 30, 60, 140, 30, 60], spans=[((0, 0), (2, 0)), ((3, 0), (5, 0))])
    general = Table(
        header=[["科目编码", "科目名称", "年初预算数", "全年预算数", "决算数", "", ""],
                ["", "", "", "", "小计", "基本支出", "项目支出"]],
        rows=[["", "合计", "1,250.00", "1,265.00", "1,260.50", "980.50", "280.00"],
              ["214", "交通运输支出", "1,160.00", "1,175.00", "1,168.20", "888.20", "280.00"],
              ["221", "住房保障支出", "90.00", "90.00", "92.30", "92.30", ""]],
        col_widths=[55, 110, 60, 60, 55, 55, 55],
        spans=[((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (2, 1)), ((3, 0), (3, 1)), ((4, 0), (6, 0))])
    basic = Table(
        header=[["人员经费", "", "", "公用经费", "", ""], ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"]],
        rows=[["301", "工资福利支出", "700.10", "302", "商品和服务支出", "160.40"],
              ["30101", "基本工资", "300.00", "30201", "办公费", "40.00"],
              ["303", "对个人和家庭的补助", "120.00", "30231", "公务用车运行维护费", "18.40"],
              ["人员经费合计", "", "820.10", "公用经费合计", "", "160.40"]],
        col_widths=[50, 110, 55, 50, 110, 55], spans=[((0, 0), (2, 0)), ((3, 0), (5, 0))])
    sangong = Table(
        header=[["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
                ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费",
                 "合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"],
                ["", "", "小计", "公务用车购置费", "公务用车运行费", "", "", "", "小计", "公务用车购置费", "公务用车运行费", ""]],
        rows=[["30.00", "0.00", "22.00", "0.00", "22.00", "8.00", "25.60", "0.00", "18.40", "0.00", "18.40", "7.20"]],
        col_widths=[40] * 12,
        spans=[((0, 0), (5, 0)), ((6, 0), (11, 0)), ((0, 1), (0, 2)), ((1, 1), (1, 2)), ((2, 1), (4, 1)),
               ((5, 1), (5, 2)), ((6, 1), (6, 2)), ((7, 1), (7, 2)), ((8, 1), (10, 1)), ((11, 1), (11, 2))])

    def title(n, text):
        return [Para(f"公开{n:02d}表", size=9), Heading(text, 3), Para(f"部门：{BODY}　　　　单位：万元", size=9)]

    return [Heading(f"{BODY}2023年度部门决算"), PageBreak(),
            Heading("第二部分 2023年度部门决算表", 2),
            *title(1, "收入支出决算总表"), overview, PageBreak(),
            *title(5, "一般公共预算财政拨款支出决算表"), general, PageBreak(),
            *title(6, "一般公共预算财政拨款基本支出决算表"), basic, PageBreak(),
            *title(7, "一般公共预算财政拨款“三公”经费支出决算表"), sangong, PageBreak(),
            Heading("第三部分 2023年度部门决算情况说明", 2),
            Para("一、收入支出决算总体情况说明"),
            Para("2023年度收入总计1,292.50万元，其中：本年收入合计1,272.50万元，年初结转和结余20.00万元。"),
            Para("二、其他重要事项的情况说明"),
            Para("2023年度机关运行经费支出160.40万元，比上年减少3.20万元。"),
            Para(f"2023年度政府采购支出总额56.00万元，其中：政府采购货物支出36.00万元，政府采购服务支出20.00万元。")]


@pytest.fixture(scope="module")
def final_record(tmp_path_factory):
    from extract.api import extract_document
    from ingest.pipeline import load_document

    path = render_pdf(tmp_path_factory.mktemp("final") / "final.pdf", _final_blocks())
    doc = load_document(path)
    return doc, extract_document(doc)


def _v(leaf):
    return leaf.value if leaf.value is None or isinstance(leaf.value, str) else Decimal(str(leaf.value))


def test_a_final_account_is_read_as_one(final_record):
    doc, rec = final_record
    assert (doc.department, doc.fiscal_year, doc.doc_kind, doc.level) == (BODY, 2023, "部门决算", "市")
    found = {t.id for t in doc.tables}
    assert {"income_expenditure_overview", "general_budget_expenditure", "general_budget_basic", "sangong"} <= found


def test_the_overview_totals_by_side_and_row_numbers_are_no_figures(final_record):
    _, rec = final_record
    assert _v(rec.income.total) == Decimal("1292.50") and _v(rec.expenditure.total) == Decimal("1292.50")
    assert _v(rec.income.current_year) == Decimal("1272.50")
    assert _v(rec.income.general_budget) == Decimal("1260.50")  # not the 行次 "1" printed beside it
    assert _v(rec.income.carryover) == Decimal("20.00")
    assert "行次" not in str(rec.tables["income_expenditure_overview"].totals)


def test_standard_paths_hold_the_final_figures_and_budget_the_budget(final_record):
    _, rec = final_record
    assert _v(rec.fiscal.general_budget) == Decimal("1260.50")
    assert _v(rec.fiscal.general_budget_basic) == Decimal("980.50")
    assert _v(rec.fiscal.general_budget_project) == Decimal("280.00")
    assert _v(rec.budget.fiscal.general_budget) == Decimal("1265.00")  # 全年预算数
    assert _v(rec.budget_initial.fiscal.general_budget) == Decimal("1250.00")  # 年初预算数
    assert _v(rec.sangong.total) == Decimal("25.60") and _v(rec.budget.sangong.total) == Decimal("30.00")
    assert _v(rec.sangong.vehicle_operation) == Decimal("18.40")
    assert _v(rec.budget.sangong.vehicle_operation) == Decimal("22.00")
    assert _v(rec.sangong.reception) == Decimal("7.20") and _v(rec.budget.sangong.reception) == Decimal("8.00")
    # each figure cites the line that prints it
    assert "25.60" in rec.sangong.total.evidence[0].quote and "30.00" in rec.budget.sangong.total.evidence[0].quote


def test_side_by_side_personnel_and_public_groups(final_record):
    _, rec = final_record
    assert _v(rec.expenditure.personnel) == Decimal("820.10") and _v(rec.expenditure.public) == Decimal("160.40")
    rows = {r.code: r for r in rec.tables["general_budget_basic"].rows if r.code}
    assert _v(rows["30101"].values["personnel"]) == Decimal("300.00")
    assert _v(rows["30201"].values["public"]) == Decimal("40.00")


def test_stated_figures_of_a_final_account(final_record):
    _, rec = final_record
    assert _v(rec.operating_expenses) == Decimal("160.40")  # not the change 3.20
    assert _v(rec.procurement.total) == Decimal("56.00") and _v(rec.procurement.goods) == Decimal("36.00")


def test_a_final_account_stated_in_words_only():
    """No table: the narrative's 决算数 fills the standard path, its 预算数 the budget side; a completion
    rate (完成预算的 85.33%) is no figure."""
    from extract.build import build_record
    from extract.testing import document

    doc = document("示例县文化局2023年度部门决算\n"
                   "2023年度“三公”经费支出决算数为25.60万元，完成预算的85.33%。“三公”经费预算数为30.00万元。\n"
                   "一般公共预算财政拨款支出决算数为1,260.50万元。", doc="f")
    doc.doc_kind = "部门决算"
    rec = build_record(doc)
    assert _v(rec.sangong.total) == Decimal("25.60") and _v(rec.budget.sangong.total) == Decimal("30.00")
    assert _v(rec.fiscal.general_budget) == Decimal("1260.50")
