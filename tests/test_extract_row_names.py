"""Row names as the document prints them: a 表7 line keeps its subject name (科目名称) and its project
name (项目名称) apart whatever the layout ran together, and a 表11 item keeps the year (and other
whole numbers) its name starts with.

Synthetic bodies written here in the layouts the sample documents use (values and names chosen by
hand, found in no sample document), plus the sample documents' own rows read off data/corpus by eye.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from extract.build import build_record
from extract.tables import parse_all
from extract.testing import document

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"

T3 = """功能分类科目编码 功能分类科目名称 合计 基本支出 项目支出
213 农林水支出 92.40 22.60 69.80
213 01 农业农村 92.40 22.60 69.80
213 01 01 行政运行 22.60 22.60
213 01 99 其他农业农村支出 69.80 69.80
合计 92.40 22.60 69.80"""

SUBJECT = "其他农业农村支出"

# pdftotext: code line; subject cell over two lines; project cell over several lines; amounts alone
WRAPPED = """科目编码 科目名称 项目名称 合计
213 农林水支出 69.80 69.80
213 01 农业农村 69.80 69.80
213 01 99
其他农业农村

支出

乡村道路养护

补助资金
45.00 45.00
213 01 99
其他农业农村

支出

农机购置补贴

项目
12.40 12.40
213 01 99
其他农业农村
支出
2022 年高标准农田
建设结余资金
12.40 12.40
合计 69.80 69.80"""

# the project cell's last piece printed on the amounts line
TAIL_ON_AMOUNTS = """213 农林水支出 69.80 69.80
213 01 99
其他农业农村
支出
乡村道路养护
补助资金 45.00 45.00
213 01 99
其他农业农村支出
农机购置补贴项目 24.80 24.80
合计 69.80 69.80"""

# a page break cut the subject cell short ("其他农业农村" without "支出") before the project cell
CUT_BY_PAGE = """213 农林水支出 69.80 69.80
213 01 99
其他农业
农村
乡村道路养护补助资金 45.00 45.00
213 01 99
其他农业农村支出
农机购置补贴项目 24.80 24.80
合计 69.80 69.80"""

NAMES = [("乡村道路养护补助资金", D("45.00")), ("农机购置补贴项目", D("12.40")),
         ("2022年高标准农田建设结余资金", D("12.40"))]


def tables(t7: str, with_t3: bool = True):
    parts = ([T3] if with_t3 else []) + ["项目支出情况表", t7]
    n3 = len(T3.split("\n")) if with_t3 else 0
    spans = {"general_budget_project": (n3 + 2, n3 + 1 + len(t7.split("\n")))}
    if with_t3:
        spans["expenditure_overview"] = (1, n3)
    return parse_all(document("\n".join(parts), tables=spans))


def item_rows(t7):
    return [(r.name, r.extra, r.values["total"].value) for r in t7.rows if r.code == "2130199"]


def test_wrapped_subject_and_project_cells_are_told_apart_by_the_subject_name_other_tables_print():
    rows = item_rows(tables(WRAPPED)["general_budget_project"])
    assert rows == [(SUBJECT, name, amount) for name, amount in NAMES]


def test_without_other_tables_a_year_or_the_shared_subject_pieces_tell_them_apart():
    rows = item_rows(tables(WRAPPED, with_t3=False)["general_budget_project"])
    # every line of 2130199 begins with the same pieces "其他农业农村" + "支出": that is the subject
    assert rows == [(SUBJECT, name, amount) for name, amount in NAMES]
    # a single project line: only a piece starting with a year separates the project
    single = "\n".join(WRAPPED.split("\n")[:3] + WRAPPED.split("\n")[19:])
    assert item_rows(tables(single, with_t3=False)["general_budget_project"]) == [(SUBJECT, NAMES[2][0], D("12.40"))]


def test_project_cell_ending_on_the_amounts_line_is_one_name():
    rows = item_rows(tables(TAIL_ON_AMOUNTS)["general_budget_project"])
    assert rows == [(SUBJECT, "乡村道路养护补助资金", D("45.00")), (SUBJECT, "农机购置补贴项目", D("24.80"))]


def test_subject_cell_cut_by_a_page_break_is_completed_from_the_same_code_elsewhere():
    rows = item_rows(tables(CUT_BY_PAGE)["general_budget_project"])
    assert rows == [(SUBJECT, "乡村道路养护补助资金", D("45.00")), (SUBJECT, "农机购置补贴项目", D("24.80"))]


def test_nothing_to_split_on_keeps_the_printed_name():
    # one line, no other table, no year, no sibling: the name stays as printed (no guessed cut)
    body = """213 农林水支出 45.00 45.00
213 01 99
其他农业农村支出
45.00 45.00
合计 45.00 45.00"""
    assert item_rows(tables(body, with_t3=False)["general_budget_project"]) == [(SUBJECT, None, D("45.00"))]
    # a year inside a piece (not at its start) is no cut either
    body2 = body.replace("其他农业农村支出\n", "其他农业农村支出\n某局2023年乡村道路资金\n")
    assert item_rows(tables(body2, with_t3=False)["general_budget_project"]) == [(SUBJECT + "某局2023年乡村道路资金", None, D("45.00"))]


def test_the_record_projects_match_the_rows():
    text = "\n".join([T3, "项目支出情况表", WRAPPED])
    n3 = len(T3.split("\n"))
    rec = build_record(document(text, tables={"expenditure_overview": (1, n3), "general_budget_project": (n3 + 2, n3 + 1 + len(WRAPPED.split("\n")))}))
    assert [(p.name.value, p.amount.value) for p in rec.projects] == NAMES
    assert [r.extra for r in rec.tables["general_budget_project"].rows if r.code == "2130199"] == [n for n, _ in NAMES]


# -- 表11 --------------------------------------------------------------------------------------------

T11 = """上年结转结余情况明细表
单位：万元
项 目 名 称 总计
财政拨款 非财政拨款
合计
基本支出
项目支出人员
经费
公用
经费
2022 年乡村道路养护补助资金（第二

批）
20.50 20.50 20.50
某财农〔2022〕15 号农机购置补贴专项

经费
8.25 8.25 8.25
7
合计 28.75 28.75 28.75"""


def test_carryover_item_names_keep_their_year_and_numbers():
    t = parse_all(document(T11, tables={"carryover": (1, len(T11.split("\n")))}))["carryover"]
    items = [(r.name, r.values["total"].value) for r in t.rows if r.level == "item"]
    # the wrapped header's pieces are not a name; "经费" ending a name is kept; the page number 7 is nothing
    assert items == [("2022年乡村道路养护补助资金(第二批)", D("20.50")),
                     ("某财农〔2022〕15号农机购置补贴专项经费", D("8.25"))]
    assert t.totals["total"].value == D("28.75")


# -- the sample documents (names read off data/corpus by eye) ----------------------------------------

@pytest.fixture(scope="module")
def corpus_records():
    from extract.api import extract_path

    return {p.name[:3]: extract_path(p) for p in sorted(CORPUS.glob("0*.txt"))}


def _rows(rec, tid):
    return [(r.get("code"), r.get("name"), r.get("extra")) for r in rec["tables"][tid]["rows"]]


def test_corpus_project_rows_keep_subject_and_project_apart(corpus_records):
    t7 = _rows(corpus_records["004"], "general_budget_project")  # lines 777-785: 210 12 99 / 财政对其他基本医疗保… / 离休人员医疗保障（本级）
    assert ("2101299", "财政对其他基本医疗保险基金的补助", "离休人员医疗保障(本级)") in t7
    assert ("2101299", "财政对其他基本医疗保险基金的补助", "一次性改制企业医疗(本级)") in t7
    assert ("2100399", "其他基层医疗卫生机构支出", "2023年自治区财政人身意外伤害保险补助资金") in t7
    t7 = _rows(corpus_records["003"], "general_budget_project")  # lines 749-762 and 797-803 (a page break after 保障管理)
    assert ("2101505", "医疗保障政策管理", "2024年中央财政医疗服务与保障能力提升补助资金(医疗保障服务能力建设部分)") in t7
    assert ("2101599", "其他医疗保障管理事务支出", "干部保健费项目") in t7
    # no 表7 row of any sample document has a subject name with a digit (a year glued onto it)
    for rec in corpus_records.values():
        assert not any(c and n and any(ch.isdigit() for ch in n) for c, n, _ in _rows(rec, "general_budget_project"))


def test_corpus_carryover_names_keep_their_year(corpus_records):
    names = [n for _, n, _ in _rows(corpus_records["003"], "carryover")]  # lines 1024-1030
    assert names[:2] == ["2023年医疗服务与保障能力提升[医疗保障服务能力建设部分]中央财政补助资金",
                         "2023年中央财政医疗保障能力提升部分补助资金(第二批)"]
