"""evals.pdfkit renders real CJK text-layer PDFs with ruled tables that pdfplumber reads back exactly."""

from __future__ import annotations

import pdfplumber

from evals.pdfkit import Heading, PageBreak, Para, Table, render_pdf


def test_render_reads_back_exactly(tmp_path):
    rows = [[f"2{i:02d}", f"项目{i}支出", f"{i * 3.17:,.2f}", ""] for i in range(1, 70)]
    path = render_pdf(tmp_path / "k.pdf", [
        Heading("第二部分 2025年部门预算公开表"),
        Para("编制单位：某某县某局 单位：万元"),
        Table(header=[["科目编码", "科目名称", "合计", "备注"]], rows=rows, col_widths=[60, 200, 80, 80],
              repeat_header=True),
        PageBreak(),
        {"type": "heading", "text": "第三部分 情况说明", "level": 2},
        {"type": "para", "text": "收支总预算 2,075.69 万元。"},
    ])
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 3
        first = pdf.pages[0].extract_text().split("\n")
        assert first[:3] == ["第二部分 2025年部门预算公开表", "编制单位：某某县某局 单位：万元", "科目编码 科目名称 合计 备注"]
        got = []
        for page in pdf.pages[:2]:
            (table,) = page.extract_tables()
            assert table[0] == ["科目编码", "科目名称", "合计", "备注"]  # header repeated on the next page
            got += table[1:]
        assert got == [[a, b, c, ""] for a, b, c, _ in rows]
        assert pdf.pages[2].extract_text().split("\n") == ["第三部分 情况说明", "收支总预算 2,075.69 万元。"]
