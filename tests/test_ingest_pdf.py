"""PDF ingestion on a generated multi-page disclosure (reportlab + embedded CJK font, ruled tables).

Checks the unit, region, year and table set, and that citations map back to the page and line where
the text is printed (verified against pdfplumber's own reading of that page)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from evals.pdfkit import Heading, PageBreak, Para, Table, render_pdf
from ingest.loaders.pdf import parse_pdf_lines
from ingest.pipeline import load_document

UNIT = "示例市安宁区医疗保障局"
W = [70, 190, 85, 85, 85]


def class_rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        code = f"2{10 + i % 20:02d}"
        rows.append([code, f"支出科目{i:02d}", f"{100 + i * 7.25:,.2f}", f"{60 + i:.2f}", f"{40 + i * 6.25:.2f}"])
    return rows


def disclosure_blocks(year: int = 2025) -> list:
    title_block = lambda n, title: [Para(f"表{n}", align="right"), Heading(title, 2),  # noqa: E731
                                    Para(f"编制单位：{UNIT}    单位：万元")]
    return [
        Heading(f"{UNIT}{year}年部门预算公开"),
        Heading(f"第一部分 {year}年部门概况", 2),
        Heading("一、主要职能", 3),
        Para("负责全区医疗保障事业发展规划、政策的组织实施和监督检查。"),
        Heading("二、机构设置及人员情况", 3),
        Para(f"{UNIT}编制数 12，实有人数 11 人，其中：在职 9 人；退休 2 人。"),
        PageBreak(),
        Heading(f"第二部分 {year}年部门预算公开表", 2),
        *title_block(1, "部门收支总体情况表"),
        Table(header=[["项目", "预算数", "功能分类", "预算数"]], col_widths=[150, 70, 170, 70], rows=[
            ["一、本年收入", "1,234.56", "208 社会保障和就业支出", "234.56"],
            ["1.一般公共预算拨款", "1,234.56", "210 卫生健康支出", "1,000.00"],
            ["二、上年结转结余", "", "", ""],
            ["收入总计", "1,234.56", "支出总计", "1,234.56"]]),
        PageBreak(),
        *title_block(3, "部门支出总体情况表"),
        Table(header=[["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], col_widths=W, repeat_header=True,
              rows=class_rows(70) + [["", "合计", "9,999.99", "", ""]]),
        PageBreak(),
        *title_block(8, "政府性基金预算支出情况表"),
        Table(header=[["科目编码", "科目名称", "政府性基金预算支出"]], rows=[["", "合计", ""]], col_widths=[90, 200, 150]),
        Para(f"备注：{UNIT}{year}年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。"),
        *title_block(10, "财政拨款“三公”经费支出情况表"),
        Table(header=[["“三公”经费支出内容", "合计", "一般公共预算"]], col_widths=[200, 100, 100], rows=[
            ["合计", "3.30", "3.30"], ["因公出国（境）费", "", ""], ["公务接待费", "1.20", "1.20"],
            ["公务用车购置及运行费（小计）", "2.10", "2.10"], ["公务用车运行费", "2.10", "2.10"]]),
        PageBreak(),
        Heading(f"第三部分 {year}年部门预算情况说明", 2),
        Heading(f"一、关于{UNIT}{year}年收支预算情况的总体说明", 3),
        Para(f"按照全口径预算的原则，{UNIT}{year}年所有收入和支出均纳入部门预算管理。收支总预算 1,234.56 万元。"),
        Heading(f"二、关于{UNIT}{year}年财政拨款“三公”经费预算情况说明", 3),
        Para(f"{UNIT}{year}年财政拨款“三公”经费预算数为 3.30 万元，比{year - 1}年预算减少 0.20 万元。"),
        Heading("第四部分 名词解释", 2),
        Para("一、财政拨款：指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。"),
    ]


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory):
    return render_pdf(tmp_path_factory.mktemp("pdf") / "示例 disclosure.pdf", disclosure_blocks(), page_numbers=True)


@pytest.fixture(scope="module")
def doc(pdf_path):
    return load_document(pdf_path)


def test_identity_and_tables(doc):
    assert doc.source_type == "pdf" and doc.pages == 6
    assert doc.department == UNIT
    assert doc.region == "安宁区"
    assert doc.fiscal_year == 2025
    assert [t.id for t in doc.tables] == ["income_expenditure_overview", "expenditure_overview", "government_fund", "sangong"]
    assert all(t.unit == "万元" for t in doc.tables)
    assert [t.id for t in doc.tables if t.empty] == ["government_fund"]
    assert "空表" in doc.table("government_fund").note
    parts = [s.number for s in doc.sections if s.kind == "part"]
    assert parts == [1, 2, 3, 4]


def test_table_rows_are_tab_joined_and_span_pages(doc):
    t3 = doc.table("expenditure_overview")
    lines = [doc.line(i) for i in range(t3.line_start, t3.line_end + 1)]
    pages = {l.page for l in lines}
    assert len(pages) >= 2  # the long table continues on the next page
    row = next(l for l in lines if l.text.startswith("210\t支出科目00"))
    assert row.text.split("\t") == ["210", "支出科目00", "100.00", "60.00", "40.00"]
    last = doc.line(t3.line_end)
    assert last.norm.split("\t") == ["", "合计", "9999.99"]


def _page_lines(pdf_path, page: int) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return pdf.pages[page - 1].extract_text().split("\n")


def test_citations_point_at_printed_page_and_line(doc, pdf_path):
    # a table row: the cited page prints the row's cells
    with pdfplumber.open(pdf_path) as pdf:
        texts = [p.extract_text() for p in pdf.pages]
    row_page = 1 + next(i for i, t in enumerate(texts) if "公务接待费 1.20 1.20" in t)
    narr_page = 1 + next(i for i, t in enumerate(texts) if "三公”经费预算数为" in t)
    row = next(l for l in doc.lines if l.text.startswith("公务接待费"))
    span = doc.span(row.no)
    assert span.page == row_page and span.line == row.page_line
    assert span.quote == "公务接待费\t1.20\t1.20"
    # a narrative line (fast pypdfium2 path): same page, text as printed
    narr = next(l for l in doc.lines if "三公”经费预算数为" in l.text)
    span = doc.span(narr.no)
    assert span.page == narr_page
    assert narr.text.strip() in _page_lines(pdf_path, narr_page)
    # page numbers printed in the footer are not document lines
    assert not any(l.text.strip() == str(l.page) for l in doc.lines)
    # line-on-page numbering restarts on every page
    assert doc.line(1).page == 1 and doc.line(1).page_line == 1
    first_p2 = next(l for l in doc.lines if l.page == 2)
    assert first_p2.page_line == 1


def test_year_comes_from_the_document(tmp_path):
    doc = load_document(render_pdf(tmp_path / "y.pdf", disclosure_blocks(year=2023)))
    assert doc.fiscal_year == 2023


def test_parse_pdf_lines_is_plain_data(pdf_path):
    import pickle

    lines, pages = parse_pdf_lines(str(pdf_path))
    assert pages == 6 and pickle.loads(pickle.dumps(lines)) == lines
    assert all(isinstance(t, str) and p >= 1 and pl >= 1 for t, p, pl, *_ in lines)
    # a ruled table row also gives each tab-separated cell's left and right edge on the page
    assert all(len(r) == 5 for r in lines)
    rows = [r for r in lines if r[3] is not None]
    assert rows and all(len(r[3]) == len(r[0].split("\t")) for r in rows)
    assert all(b is None or (len(b) == 2 and b[0] < b[1]) for r in rows for b in r[3])
    assert pickle.dumps(parse_pdf_lines)  # top-level, picklable (child-process parsing)


def _char_box(pdf_path, page: int, text: str) -> list[float]:
    """Where pdfplumber (pdfminer's own reading, not pdfium) prints `text` on a page: the union of
    its characters' boxes, [x0, top, x1, bottom] in points."""
    with pdfplumber.open(pdf_path) as pdf:
        chars = [c for c in pdf.pages[page - 1].chars if not c["text"].isspace()]
    s = "".join(c["text"] for c in chars)
    target = "".join(text.split())
    i = s.index(target)
    run = chars[i:i + len(target)]
    return [min(c["x0"] for c in run), min(c["top"] for c in run), max(c["x1"] for c in run),
            max(c["bottom"] for c in run)]


def test_every_line_keeps_where_it_is_printed(doc, pdf_path):
    """Each PDF line carries its box on the page (both readers: a table row from pdfplumber, a
    narrative line from pdfium's character boxes); the box is where pdfminer prints its characters."""
    assert all(l.box and l.box[0] < l.box[2] and l.box[1] < l.box[3] for l in doc.lines if l.text.strip())
    row = next(l for l in doc.lines if l.text.startswith("公务接待费"))
    narr = next(l for l in doc.lines if "三公”经费预算数为" in l.text)
    for line in (row, narr):
        want = _char_box(pdf_path, line.page, line.text)
        # a table row's box is its ruled cells (wider than its text); a text line's is its characters
        assert line.box[1] - 3 <= want[1] and want[3] <= line.box[3] + 3, (line.text, line.box, want)
        assert line.box[0] - 1.5 <= want[0] and want[2] <= line.box[2] + 1.5, (line.text, line.box, want)
    assert abs(narr.box[0] - _char_box(pdf_path, narr.page, narr.text)[0]) < 1.5
    assert abs(narr.box[1] - _char_box(pdf_path, narr.page, narr.text)[1]) < 2.5


def test_chunks_cite_the_page_that_prints_them(doc, pdf_path):
    """Every chunk of the PDF cites one page, and that page (read by pdfplumber here) prints each
    cited line; a table continued over a page break gives one chunk per page."""
    import re

    from ingest.chunk import chunk_document

    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    with pdfplumber.open(pdf_path) as pdf:
        pages = [squash(p.extract_text()) for p in pdf.pages]
    chunks = chunk_document(doc)
    assert {c.table_id for c in chunks if c.kind == "table"} == {"income_expenditure_overview", "expenditure_overview", "government_fund", "sangong"}
    for c in chunks:
        lines = [l for l in doc.lines if l.page == c.span.page and l.page_line == c.span.line]
        assert len(lines) == 1, c.id
        first = lines[0].no
        cited = [l for l in doc.lines[first - 1:] if l.page == c.span.page][: (c.span.line_end or c.span.line)
                                                                              - c.span.line + 1]
        assert c.span.quote == "\n".join(l.text.strip() for l in cited)
        for q in c.span.quote.split("\n"):
            assert squash(q) in pages[c.span.page - 1], (c.id, c.span.page, q)
    t3 = [c for c in chunks if c.table_id == "expenditure_overview"]
    assert len({c.span.page for c in t3}) == 2 and all(c.text.startswith("表3 部门支出总体情况表（单位：万元）") for c in t3)
    # the continued piece repeats the header row
    assert all("科目编码\t科目名称\t合计" in c.text for c in t3)


def test_a_chunk_ends_at_the_page_break(tmp_path):
    """A table whose rows run onto the next page mid-chunk: the chunk is cut at the break, so no
    citation runs from one page's line to another page's line."""
    from ingest.chunk import chunk_document

    blocks = [Heading(f"{UNIT}2025年部门预算公开"), Para("表3", align="right"), Heading("部门支出总体情况表", 2),
              Para(f"编制单位：{UNIT}    单位：万元"),
              Table(header=[["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], col_widths=W,
                    repeat_header=True, rows=class_rows(45))]
    doc = load_document(render_pdf(tmp_path / "break.pdf", blocks))
    t3 = [c for c in chunk_document(doc) if c.table_id == "expenditure_overview"]
    assert {c.span.page for c in t3} == {1, 2}
    for c in t3:
        lines = [l for l in doc.lines if l.page == c.span.page]
        assert c.span.line <= (c.span.line_end or c.span.line) <= lines[-1].page_line
    # the rows are all there, each in exactly one chunk
    rows = [l for c in t3 for l in c.text.split("\n") if l.startswith("2") and "支出科目" in l]
    assert sorted(rows) == sorted({r for r in rows}) and len(rows) == 45


def test_table_pages_split_over_two_processes_give_the_same_lines():
    """page_workers=2 (a single upload: the table pages shared with a forked helper) reads real
    Jiangsu disclosures into exactly the lines one process reads."""
    from ingest.sandbox import reuse, run_isolated

    wild = Path(__file__).resolve().parent.parent / "data" / "wild" / "jiangsu"
    files = [wild / n for n in ("江苏省政协办公厅_2017年度部门预算公开表.pdf",
                                "江苏省委办公厅_江苏省委办公厅2018年度部门预算公开表.pdf",
                                "江苏省人大办公厅_江苏省人大办公厅2017年度预算公开.pdf")]
    with reuse():
        for f in files:
            one = run_isolated(parse_pdf_lines, str(f), timeout_s=120, memory_mb=2048, page_workers=1)
            two = run_isolated(parse_pdf_lines, str(f), timeout_s=120, memory_mb=2048, page_workers=2)
            assert one == two and len(one[0]) > 150, f.name


def _row(text: str, x: float = 10.0, w: float = 5.0, gaps: dict[int, float] | None = None) -> list:
    """Characters of one printed line with their boxes; `gaps[i]`: extra space before character i."""
    out = []
    for i, ch in enumerate(text):
        x += (gaps or {}).get(i, 0.0)
        out.append((ch, [x, 100.0, x + w, 110.0]))
        x += w
    return out


def test_a_figure_is_boxed_where_it_stands_as_a_whole_number():
    from ingest.loaders.pdfboxes import find_runs

    # the 5 of 2025 and the 12 of 312.50 are no figure 5 or 12; the 5 of 5辆 and 12 of 12万元 are
    assert find_runs(_row("2025年车辆5辆"), "5") == [[[45.0, 100.0, 50.0, 110.0]]]  # the 8th character
    assert len(find_runs(_row("支出312.50万元，其中12万元"), "12")) == 1
    assert find_runs(_row("112.0012.00"), "12.00") == []  # digits run together are one number
    # two neighbouring cells' digits (1 | 2) read together are not the figure 12
    assert find_runs(_row("12", gaps={1: 40.0}), "12") == []
    assert len(find_runs(_row("合计1,112.0012.00", gaps={10: 3.0}), "12.00")) == 1  # a space apart
    assert len(find_runs(_row("为 5,560.31。"), "5,560.31")) == 1  # a sentence's point ends it
    assert len(find_runs(_row("说明文字"), "说明")) == 1  # a quote is found as it is
    # a table row read cell by cell: the neighbouring cell's digits are printed apart, not against it
    row = _row("2,600.71767.60199.25", gaps={8: 30.0, 14: 30.0})
    assert len(find_runs(row, "767.60")) == 1
