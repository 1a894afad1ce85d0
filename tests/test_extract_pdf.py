"""Generated PDFs (reportlab + CJK font, read back by pdfplumber through ingest): a table that
continues across pages with its header repeated, and a table stated in 元."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from evals.pdfkit import Heading, PageBreak, Para, Table, render_pdf

HEADER = [["功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"],
          ["类", "款", "项", "", "", "", ""]]


def long_expenditure_rows():
    """Three classes × four 款 × four 项 (≈ 60 rows): more than one page. Amounts in 万元, two decimals."""
    rows, classes = [], []
    grand_b = grand_p = D(0)
    for ci, cls in enumerate(("201", "208", "210")):
        cls_rows, cb, cp = [], D(0), D(0)
        for k in range(1, 5):
            kuan = f"{k:02d}"
            items, kb, kp = [], D(0), D(0)
            for x in range(1, 5):
                b = D(f"{ci + k + x}.{(ci * 7 + k * 3 + x) % 100:02d}")
                p = D(f"{x}.{(k * 11 + x) % 100:02d}") if x % 2 else D(0)
                kb, kp = kb + b, kp + p
                items.append([cls, kuan, f"{x:02d}", f"测试项目{cls}{kuan}{x}", f"{b + p:.2f}", f"{b:.2f}",
                              f"{p:.2f}" if p else ""])
            cb, cp = cb + kb, cp + kp
            cls_rows.append([cls, kuan, "", f"测试款{cls}{kuan}", f"{kb + kp:.2f}", f"{kb:.2f}", f"{kp:.2f}"])
            cls_rows.extend(items)
        grand_b, grand_p = grand_b + cb, grand_p + cp
        rows.append([cls, "", "", f"测试类{cls}", f"{cb + cp:.2f}", f"{cb:.2f}", f"{cp:.2f}"])
        rows.extend(cls_rows)
        classes.append((cls, cb + cp))
    rows.append(["", "", "", "合计", f"{grand_b + grand_p:.2f}", f"{grand_b:.2f}", f"{grand_p:.2f}"])
    return rows, classes, grand_b, grand_p


@pytest.fixture(scope="module")
def pdf_record(tmp_path_factory):
    from extract.api import extract_path

    rows, classes, gb, gp = long_expenditure_rows()
    blocks = [
        Heading("示例县示例局2024年单位预算公开"),
        Heading("第一部分 2024年单位概况", 2),
        Para("示例县示例局编制数 10，实有人数 12 人，其中：在职 10 人，增加 0 人；退休 2 人，增加 0 人；离休 0 人，增加 0 人。"),
        Heading("第二部分 2024年单位预算公开表", 2),
        Para("表3"), Heading("单位支出总体情况表", 3), Para("编制单位：示例县示例局 单位：万元"),
        Table(header=HEADER, rows=rows, col_widths=[40, 30, 30, 150, 70, 70, 70], repeat_header=True),
        PageBreak(),
        Para("表10"), Heading("财政拨款“三公”经费支出情况表", 3), Para("编制单位：示例县示例局 单位：元"),
        Table(header=[["“三公”经费支出内容", "合计", "一般公共预算", "政府性基金", "国有资本经营预算"]],
              rows=[["合计", "35,000.00", "35,000.00", "", ""], ["因公出国（境）费", "", "", "", ""],
                    ["公务接待费", "5,000.00", "5,000.00", "", ""],
                    ["公务用车购置及运行费（小计）", "30,000.00", "30,000.00", "", ""],
                    ["其中：公务用车购置费", "", "", "", ""], ["公务用车运行费", "30,000.00", "30,000.00", "", ""]],
              col_widths=[170, 80, 80, 70, 80]),
        Heading("第三部分 2024年单位预算情况说明", 2),
        Para("十、关于示例县示例局2024年财政拨款“三公”经费预算情况说明"),
        Para("示例县示例局2024年财政拨款“三公”经费数为3.50万元，其中：因公出国（境）费0.00万元，"
             "公务用车购置费0.00万元，公务用车运行费3.00万元，公务接待费0.50万元。"),
    ]
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    render_pdf(path, blocks)
    return extract_path(path), rows, classes, gb, gp


def test_table_across_pages_is_read_whole(pdf_record):
    rec, rows, classes, gb, gp = pdf_record
    t3 = rec["tables"]["expenditure_overview"]
    assert t3["status"] == "parsed"
    coded = [r for r in t3["rows"] if r["code"]]
    assert len(coded) == len(rows) - 1  # every printed row once (repeated headers are not rows)
    assert [(i["code"]["value"], i["amount"]["value"]) for i in rec["expenditure"]["by_function"]] == \
        [(c, float(a)) for c, a in classes]
    assert rec["expenditure"]["basic"]["value"] == float(gb) and rec["expenditure"]["project"]["value"] == float(gp)
    pages = {r["values"]["total"]["evidence"][0]["page"] for r in coded}
    assert len(pages) >= 2  # rows cited on the page they were printed on
    tree = [c for c in rec["validation"] if c["id"].startswith("expenditure_overview.")]
    assert tree and all(c["status"] == "pass" for c in tree), [c for c in tree if c["status"] != "pass"]


def test_table_in_yuan_is_converted_and_agrees_with_narrative(pdf_record):
    rec = pdf_record[0]
    assert rec["tables"]["sangong"]["unit"] == "元"
    assert rec["sangong"]["total"]["value"] == 3.5 and rec["sangong"]["reception"]["value"] == 0.5
    assert rec["sangong"]["vehicle_operation"]["value"] == 3.0 and rec["sangong"]["overseas_travel"]["value"] == 0
    ev = rec["sangong"]["total"]["evidence"][0]
    assert ev["page"] is not None and "35,000.00" in ev["quote"]
    by_id = {c["id"]: c["status"] for c in rec["validation"]}
    assert by_id["sangong_narrative.total=sangong.total"] == "pass"
    assert by_id["sangong.total=sum(items)"] == "pass"
    assert rec["staffing"]["authorized"]["value"] == 10


@pytest.fixture(scope="module", params=[False, True], ids=["unruled", "ruled"])
def project_pdf(request, tmp_path_factory):
    """表5 and a 表7 of 45 project lines that runs over a page break with no repeated header, unruled
    (read as text lines) or ruled (read by pdfplumber's table finder), then 情况说明 七 listing every project."""
    from extract.api import extract_path

    projects = [(f"21301{(i % 3) + 1:02d}", f"示例第{i + 1}号项目补助资金", D(f"{i + 1}.{(i * 7) % 100:02d}")) for i in range(45)]
    per_item: dict[str, D] = {}
    for code, _, amt in projects:
        per_item[code] = per_item.get(code, D(0)) + amt
    total = sum(per_item.values())
    t5 = [["213", "", "", "农林水支出", f"{total:.2f}", "", f"{total:.2f}"],
          ["213", "01", "", "农业农村", f"{total:.2f}", "", f"{total:.2f}"]]
    t5 += [["213", "01", c[-2:], f"测试项{c}", f"{a:.2f}", "", f"{a:.2f}"] for c, a in sorted(per_item.items())]
    t5.append(["", "", "", "合计", f"{total:.2f}", "", f"{total:.2f}"])
    t7 = [["213", "", "", "农林水支出", "", f"{total:.2f}", f"{total:.2f}"]]
    t7 += [[c[:3], c[3:5], c[5:], f"测试项{c}", name, f"{a:.2f}", f"{a:.2f}"] for c, name, a in projects]
    t7.append(["", "", "", "", "合计", f"{total:.2f}", f"{total:.2f}"])
    stated = list(projects)
    stated[7] = (stated[7][0], stated[7][1], stated[7][2] + 1)  # 七 states one project 1 万元 higher
    blocks = [
        Heading("示例县示例局2024年单位预算公开"),
        Para("表5"), Heading("一般公共预算支出情况表", 3), Para("编制单位：示例县示例局 单位：万元"),
        Table(header=HEADER, rows=t5, col_widths=[40, 30, 30, 150, 70, 70, 70]),
        Para("表7"), Heading("一般公共预算项目支出情况表", 3), Para("编制单位：示例县示例局 单位：万元"),
        Table(header=[["科目编码", "", "", "科目名称", "项目名称", "项目支出合计", "商品和服务支出"]], rows=t7,
              col_widths=[30, 25, 25, 90, 150, 70, 70], ruled=request.param),
        Heading("第三部分 2024年单位预算情况说明", 2),
        Para("七、关于示例县示例局2024年一般公共预算项目支出情况说明"),
    ]
    for i, (_, name, amt) in enumerate(stated):
        blocks += [Para(f"{i + 1}.项目名称：{name}"), Para("设立的政策依据：示例文件"),
                   Para(f"预算安排规模：{amt:.2f} 万元"), Para("项目承担单位：示例县示例局")]
    path = tmp_path_factory.mktemp("pdf7") / "projects.pdf"
    render_pdf(path, blocks)
    return extract_path(path), projects, total


def test_project_table_across_pages_and_the_narrative_projects(project_pdf):
    rec, projects, total = project_pdf
    got = [(p["code"]["value"], p["name"]["value"], p["amount"]["value"]) for p in rec["projects"]]
    assert got == [(c, n, float(a)) for c, n, a in projects]
    assert len({p["amount"]["evidence"][0]["page"] for p in rec["projects"]}) >= 2  # cited where printed
    assert [(p["name"]["value"], p["amount"]["value"]) for p in rec["narrative_projects"]] == \
        [(n, float(a) + (1 if i == 7 else 0)) for i, (_, n, a) in enumerate(projects)]
    by_id = {c["id"]: c for c in rec["validation"]}
    bad = [c["id"] for c in rec["validation"] if c["id"].startswith("projects.") and c["status"] != "pass"]
    assert bad == ["projects.7=narrative_projects.7"]
    assert by_id["general_budget_expenditure.project=general_budget_project.total"]["status"] == "pass"
    assert by_id["narrative_projects=general_budget_expenditure.project"]["status"] == "mismatch"
    assert by_id["narrative_projects=general_budget_expenditure.project"]["lhs"] == float(total)
