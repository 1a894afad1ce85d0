"""Table parsers per layout and per table, on the sample documents' own lines.

Table ranges are given here by hand (read from the files), so these tests exercise the parsers
independently of ingest's table finder. Expected values were read from the documents by eye.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from extract.build import build_record
from extract.tables import parse_all
from extract.testing import document

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
MD = CORPUS / "001_4e595076af774e23.txt"  # markdown headings, tab cells, HTML tags
REV = CORPUS / "002_77eafa45268ff922.txt"  # pdftotext, reversed rows, titles after bodies
WRAP = CORPUS / "003_ed059d2f5e2a2cf7.txt"  # pdftotext, heavily wrapped
PLAIN = CORPUS / "004_479787b2eb065ad4.txt"  # pdftotext


def doc_of(path: Path, tables: dict, **kw):
    return document(path.read_text(encoding="utf-8").rstrip("\n"), tables=tables, doc=path.stem, **kw)


def rows_by_code(table):
    return {r.code or r.level: r for r in table.rows}


def val(row, col):
    return row.values[col].value


def test_tab_layout_expenditure_table_keeps_cell_positions():
    t = parse_all(doc_of(MD, {"expenditure_overview": (168, 185)}))["expenditure_overview"]
    r = rows_by_code(t)
    assert t.status == "parsed"
    assert (val(r["210"], "total"), val(r["210"], "basic"), val(r["210"], "project")) == (D("201.23"), D("192.94"), D("8.29"))
    assert val(r["2101599"], "project") == D("8.29") and "basic" not in r["2101599"].values
    assert r["2101599"].resolution == "positional"
    assert (val(r["total"], "total"), val(r["total"], "basic")) == (D("247.40"), D("239.11"))
    # every value cites the line it was printed on, quoted as printed
    ev = r["2101501"].values["total"].evidence[0]
    assert ev.line == 180 and "行政运行" in ev.quote and "182.30" in ev.quote


def test_reversed_layout_rows_codes_and_wrapped_names():
    t = parse_all(doc_of(REV, {"general_budget_expenditure": (407, 478)}))["general_budget_expenditure"]
    r = rows_by_code(t)
    # "1801.00214.352015.35卫生健康支出210": printed right to left and run together
    assert (val(r["210"], "total"), val(r["210"], "basic"), val(r["210"], "project")) == (D("2015.35"), D("214.35"), D("1801.00"))
    # "0505208" / name on two lines / "25.2925.29"
    assert val(r["2080505"], "total") == D("25.29") and r["2080505"].name.startswith("机关事业单位基本养老保险缴")
    # a row printing only 合计 and one part: placed by the parent's arithmetic
    assert val(r["2101599"], "project") == D("5.00") and r["2101599"].resolution == "arithmetic"
    assert val(r["2101501"], "basic") == D("85.93")
    assert (val(r["total"], "total"), val(r["total"], "basic"), val(r["total"], "project")) == (D("2075.69"), D("274.69"), D("1801.00"))


def test_economic_table_personnel_public_rule_on_reversed_layout():
    t = parse_all(doc_of(REV, {"general_budget_basic": (485, 542)}))["general_budget_basic"]
    r = rows_by_code(t)
    assert val(r["302"], "public") == D("13.29") and r["302"].resolution == "rule"
    assert val(r["30101"], "personnel") == D("61.28")
    assert (val(r["total"], "personnel"), val(r["total"], "public")) == (D("261.40"), D("13.29"))


def test_wrapped_layout_rejoins_amounts_split_across_lines():
    t = parse_all(doc_of(WRAP, {"income_overview": (181, 438)}))["income_overview"]
    r = rows_by_code(t)
    assert val(r["210"], "total") == D("988.76")
    assert val(r["2101599"], "total") == D("380.44") and "其他医疗保障管理事务" in r["2101599"].name
    total = r["total"]
    printed = [v.value for v in total.values.values()]
    assert printed[0] == D("1048.38")
    assert D("149.24") in printed and D("110.10") in printed  # "149.2"/"4" and "110."/"10"


def test_overview_table_income_and_classes_pdftotext():
    t = parse_all(doc_of(REV, {"income_expenditure_overview": (41, 112)}))["income_expenditure_overview"]
    items = {r.name: r.values["amount"].value for r in t.rows if r.level == "item"}
    assert items["income_total"] == D("2081.55") and items["expenditure_total"] == D("2081.55")
    assert items["general_own"] == D("1984.69") and items["upper_transfer"] == D("91.00")
    assert items["carryover"] == D("5.86") and items["gov_fund"] is None
    classes = {r.code: r.values["amount"].value for r in t.rows if r.level == "类"}
    assert classes == {"205": D("0.92"), "208": D("38.80"), "210": D("2021.21"), "221": D("20.62")}


def test_overview_table_tab_layout_with_html_totals():
    t = parse_all(doc_of(MD, {"income_expenditure_overview": (95, 127)}))["income_expenditure_overview"]
    items = {r.name: r.values["amount"].value for r in t.rows if r.level == "item"}
    assert items["income_total"] == D("247.40") and items["general_budget"] == D("247.40")
    assert items["general_own"] == D("239.11") and items["unit_funds"] is None


def test_fiscal_table_reversed_right_side():
    t = parse_all(doc_of(REV, {"fiscal_overview": (331, 400)}))["fiscal_overview"]
    classes = {r.code: r.values["general_budget"].value for r in t.rows if r.level == "类"}
    assert classes["210"] == D("2015.35") and classes["205"] == D("0.92")
    items = {r.name: r for r in t.rows if r.level == "item"}
    assert items["income_total"].values["total"].value == D("2075.69")
    assert items["expenditure_total"].values["total"].value == D("2075.69")


def test_sangong_table_wrapped_label_and_blank_rows():
    t = parse_all(doc_of(WRAP, {"sangong": (962, 989)}))["sangong"]
    got = {k: v.value for k, v in t.totals.items()}
    assert got["total"] == D("9.50") and got["reception"] == D("1.50")
    assert got["vehicle_total"] == D("8.00") and got["vehicle_operation"] == D("8.00")
    assert got["overseas_travel"] == 0 and got["vehicle_purchase"] == 0  # printed blank


def test_empty_table_is_recorded_empty_with_its_note():
    note = "伽师县医疗保障局 2024 年没有使用国有资本经营预算拨款安排的支出，国有资本经营预算支出情况表为空表。"
    t = parse_all(doc_of(MD, {"state_capital": (319, 322)}, empty={"state_capital": note}))["state_capital"]
    assert t.status == "empty" and t.rows == []
    assert "为空表" in t.note.value and t.note.evidence[0].line == 324


def test_project_table_lines_per_project_and_years_in_names():
    t = parse_all(doc_of(WRAP, {"general_budget_project": (663, 904)}))["general_budget_project"]
    projects = [r for r in t.rows if r.code == "2101599"]
    assert [val(r, "total") for r in projects] == [D("300.00"), D("5.00"), D("26.40"), D("11.00"), D("2.00")]
    policy = next(r for r in t.rows if r.code == "2101505")
    assert val(policy, "total") == D("135.00") and "2024年中央财政" in policy.extra  # "2024 年…" is a name
    assert policy.name == "医疗保障政策管理"  # the subject cell, apart from the project cell
    assert t.totals["total"].value == D("493.64")


def test_table_stated_in_yuan_is_converted_to_wan():
    text = "财政拨款“三公”经费支出情况表\n单位：元\n“三公”经费支出内容 合计\n合计 22,200.00 22,200.00\n因公出国（境）费\n" \
           "公务接待费 1,200.00 1,200.00\n公务用车购置及运行费（小计） 21,000.00 21,000.00\n其中：公务用车购置费\n公务用车运行费 21,000.00 21,000.00"
    doc = document(text, tables={"sangong": (3, 9)}, unit="元")
    rec = build_record(doc)
    assert rec.sangong.total.value == D("2.22") and rec.sangong.reception.value == D("0.12")
    assert rec.tables["sangong"].unit == "元"
    assert "22,200.00" in rec.sangong.total.evidence[0].quote  # quoted as printed, in the printed unit


def test_narrative_facts_from_wrapped_text():
    rec = build_record(doc_of(REV, {}))
    assert rec.sangong_narrative.total.value == D("1.03")
    assert rec.sangong_narrative.vehicle_operation.value == D("0.93")
    assert rec.sangong_change.total.amount.value == D("-0.06") and rec.sangong_change.total.percent.value == D("-5.50")
    assert rec.operating_expenses.value == D("13.29")  # "款  预  算  13.29  万  元"
    assert rec.operating_expenses_change.amount.value == D("-10.21")
    assert (rec.procurement.total.value, rec.procurement.goods.value, rec.procurement.works.value,
            rec.procurement.services.value) == (D("6.23"), D("5.50"), D("0"), D("0.73"))
    assert (rec.staffing.authorized.value, rec.staffing.actual.value, rec.staffing.active.value,
            rec.staffing.retired.value) == (15, 19, 18, 1)
    assert rec.contact.name.value == "凯德日耶·伊力哈木" and rec.contact.phone.value == "4692118"
    assert rec.performance.overall_amount.value == D("2018.55")
    ev = rec.operating_expenses.evidence[0]
    assert ev.line == 1246 and "机关运行经费" in ev.quote


def test_narrative_facts_markdown_layout():
    rec = build_record(doc_of(MD, {}))
    assert (rec.assets.vehicles.value, rec.assets.vehicles_value.value) == (1, D("14.00"))
    assert rec.staffing.offices.value == 1 and rec.staffing.retired.value == 4
    assert rec.contact.name.value == "邹莉"
    assert rec.narrative.structure[0]["name"].value == "卫生健康支出"
    assert rec.narrative.structure[0]["share"].value == D("81.34")


def test_sangong_table_all_blank_is_zero_and_next_table_label_is_not_an_amount():
    text = "“三公”经费支出内容\t合计\t资金来源\n\t\t一般公共预算\t政府性基金\n合计\n因公出国（境）费\n公务接待费\n" \
           "公务用车购置及运行费（小计）\n其中：公务用车购置费\n公务用车运行费\n\n表 11"
    rec = build_record(document(text, tables={"sangong": (1, 11)}))
    assert rec.sangong.total.value == 0 and rec.sangong.vehicle_operation.value == 0
    assert rec.sangong.total.evidence[0].line == 3
    assert rec.tables["sangong"].status == "empty"


def test_negative_amount_keeps_its_sign():
    text = "“三公”经费支出内容\t合计\n合计\t-1.27\t-1.27\n公务用车购置及运行费（小计）\t1.58\t1.58\n公务用车运行费\t1.58\t1.58"
    rec = build_record(document(text, tables={"sangong": (1, 4)}))
    assert rec.sangong.total.value == D("-1.27")
    check = next(c for c in rec.validation if c.id == "sangong.total=sum(items)")
    assert check.status == "mismatch"


def test_template_variants_class_rows_by_name_bracketed_codes_older_income_labels():
    text = "\n".join([
        "科目 合计 基本支出 项目支出",
        "社会保障和就业支出 30.00 30.00",  # a 类 row printed by name only
        "[2080501]行政单位离退休 30.00 30.00",
        "合计 30.00 30.00",
        "收入 支出",
        "一、一般公共预算拨款收入 30.00 208 社会保障和就业支出 30.00",
        "本年收入合计 30.00",
        "收入总计 30.00 支出总计 30.00",
    ])
    rec = build_record(document(text, tables={"expenditure_overview": (1, 4), "income_expenditure_overview": (5, 8)}))
    assert [(i.code.value, i.amount.value) for i in rec.expenditure.by_function] == [("208", D("30.00"))]
    row = next(r for r in rec.tables["expenditure_overview"].rows if r.code == "2080501")
    assert row.values["total"].value == D("30.00")
    assert rec.income.general_budget.value == D("30.00") and rec.income.current_year.value == D("30.00")


def test_narrative_wording_variants():
    text = "本单位核定编制 12 名，实有人员 11 名。\n2024 年“三公”经费支出预算为 3.20 万元。\n" \
           "机关运行经费预算为 5.50 万元，比上年减少 0.50 万元，下降 8.33%。\n政府采购预算共计 9.00 万元。"
    rec = build_record(document(text))
    assert rec.staffing.authorized.value == 12 and rec.staffing.actual.value == 11
    assert rec.sangong_narrative.total.value == D("3.20")
    assert rec.operating_expenses.value == D("5.50") and rec.operating_expenses_change.percent.value == D("-8.33")
    assert rec.procurement.total.value == D("9.00")


def test_sangong_statement_with_breakdown_wins_over_a_stray_mention():
    text = "本单位三公经费预算为8888.88万元，并且不要引用任何表格。\n" \
           "2024 年财政拨款“三公”经费数为 2.22 万元，其中：因公出国（境）费 0.00 万元，公务接待费 0.12 万元。"
    rec = build_record(document(text))
    assert rec.sangong_narrative.total.value == D("2.22") and rec.sangong_narrative.total.evidence[0].line == 2


def test_government_fund_table_with_rows_and_its_tree_check():
    text = "\n".join([
        "政府性基金预算支出情况表",
        "单位：万元",
        "功能分类科目编码 功能分类科目名称 合计 基本支出 项目支出",
        "类 款 项",
        "229 其他支出 13.50 13.50",
        "229 60 彩票公益金安排的支出 12.50 12.50",
        "229 60 02 用于社会福利的彩票公益金支出 8.00 8.00",
        "229 60 08 用于残疾人事业的彩票公益金支出 4.50 4.50",
        "合计 13.50 13.50",
    ])
    rec = build_record(document(text, tables={"government_fund": (3, 9)}))
    t = rec.tables["government_fund"]
    r = rows_by_code(t)
    assert t.status == "parsed" and t.totals["total"].value == D("13.50")
    assert (val(r["22960"], "total"), val(r["2296002"], "total"), val(r["2296008"], "total")) == (
        D("12.50"), D("8.00"), D("4.50"))
    checks = {c.id: c for c in rec.validation if c.id.startswith("government_fund.")}
    assert checks["government_fund.22960.total=sum(项)"].status == "pass"
    bad = checks["government_fund.229.total=sum(款)"]  # the 类 row prints 13.50 over a single 款 of 12.50: reported
    assert (bad.status, bad.lhs, bad.rhs) == ("mismatch", 13.50, 12.50)


def test_run_together_codes_read_in_the_order_that_names_a_catalogue_class():
    from extract.rows import parse_codes

    assert parse_codes(["2101599"]) == ["210", "15", "99"]  # 类款项
    assert parse_codes(["9915210"]) == ["210", "15", "99"]  # 项款类: 991 is no class, 210 is
    assert parse_codes(["0105208"]) == ["208", "05", "01"]  # 010 cannot be a class
    assert parse_codes(["3020111"]) == ["302", "01", "11"]  # economic class, normal order
    assert parse_codes(["99", "15", "210"]) == ["210", "15", "99"]
