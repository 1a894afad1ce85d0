"""The UI's plain-Python view helpers (no browser): answer rendering, source context with the quote
highlighted, upload checks, validation and compare rows, downloads."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ingest.document import Document, Line, Section, TableInfo
from ingest.errors import BrokenFile, EmptyFile, ResourceLimit, UnsupportedFile
from ui import answer, exports, passage, records, uploads


def _leaf(value, doc="d1", page=None, line=None, quote=""):
    ev = [{"doc": doc, "page": page, "line": line, "quote": quote}] if line else []
    return {"value": value, "evidence": ev}


RECORD = {
    "doc": "d1", "path": "d1.txt",
    "department": _leaf("测试县医疗保障局", line=3, quote="测试县医疗保障局"),
    "fiscal_year": _leaf(2024, line=3, quote="2024年"),
    "sangong": {"total": _leaf(1.03, line=12, quote="合计 1.03 1.03"),
                "reception": _leaf(0.1, line=13, quote="公务接待费 0.10 0.10")},
    "operating_expenses": _leaf(None),
    "expenditure": {"total": _leaf(300.5, line=20, quote="支出总计 300.50"),
                    "by_function": [{"code": _leaf("208"), "name": _leaf("社会保障和就业支出"),
                                     "amount": _leaf(20.0, line=22, quote="208 社会保障和就业支出 20.00")}]},
    "tables": {"sangong": {"id": "sangong", "label": "表10", "title": "财政拨款“三公”经费支出情况表", "unit": "万元", "status": "parsed",
                        "columns": ["合计"], "note": _leaf(None),
                        "rows": [{"code": None, "name": "合计", "values": {"合计": _leaf(1.03, line=12, quote="合计 1.03")}}]}},
    "validation": [
        {"id": "sangong.sum", "description": "三公合计 = 各项之和", "status": "pass", "lhs": 1.03, "rhs": 1.03,
         "difference": 0.0, "paths": ["sangong.total"], "evidence": [{"doc": "d1", "page": None, "line": 12, "quote": "合计 1.03 1.03"}]},
        {"id": "expenditure.total", "description": "支出总计 = 基本 + 项目", "status": "mismatch", "lhs": 300.5,
         "rhs": 290.5, "difference": 10.0, "paths": ["expenditure.total"],
         "evidence": [{"doc": "d1", "page": None, "line": 20, "quote": "支出总计 300.50"}]},
    ],
}


def _text_doc() -> Document:
    texts = ["第一部分 概况", "", "测试县医疗保障局 2024年部门预算", "", "", "", "", "", "", "表10",
             "财政拨款“三公”经费支出情况表", "  合计 1.03 1.03 ", "公务接待费 0.10 0.10", "", "", "", "", "", "",
             "支出总计 300.50"]
    lines = [Line(no=i + 1, text=t, norm=t.strip()) for i, t in enumerate(texts)]
    return Document(doc="d1", path="d1.txt", sha256="x", source_type="text", lines=lines, department="测试县医疗保障局",
                    tables=[TableInfo(id="sangong", label="表10", title="财政拨款“三公”经费支出情况表", kind="sangong", unit="万元",
                                      line_start=12, line_end=13, title_line=11)],
                    sections=[Section(kind="part", title="第二部分 预算公开表", line_start=10, line_end=20, number=2)])


def test_answer_shows_value_unit_sources_and_validator_flag():
    md, sources, flags = answer.render(
        {"question": "q", "answer": "支出总计为300.50万元。", "value": 300.5, "unit": "万元", "declined": False,
         "citations": [{"doc": "d1", "page": None, "line": 20, "quote": "支出总计 300.50"}], "confidence": 0.9,
         "route": "structured"},
        {"d1": RECORD})
    assert "**300.50 万元**" in md
    assert sources[0][0].startswith("[1] 测试县医疗保障局 2024")
    assert sources[0][1]["line"] == 20
    assert [f["id"] for f in flags] == ["expenditure.total"]
    assert "mismatch" in md and "300.50 vs 290.50" in md


def test_the_answer_shows_its_figure_as_the_cited_document_prints_it():
    """Bold figure and sentence alike: the document's thousands separators (qa writes 2722.57)."""
    md, _, _ = answer.render(
        {"question": "q", "answer": "某局2018年机关运行经费为 2722.57 万元，另有 12722.57 万元。", "value": 2722.57,
         "unit": "万元", "declined": False, "citations": [{"doc": "d9", "page": 20, "line": 4, "quote": "合 计 2,722.57"}]})
    assert "**2,722.57 万元**" in md
    assert "机关运行经费为 2,722.57 万元，另有 12722.57 万元" in md  # only that figure, never a longer number
    yuan, _, _ = answer.render(
        {"question": "q", "answer": "公务接待费为 1.2345 万元。", "value": 1.2345, "unit": "万元", "declined": False,
         "citations": [{"doc": "d9", "page": 3, "line": 1, "quote": "公务接待费 12,345.00 元"}]})
    assert "**12,345.00 元（1.2345 万元）**" in yuan


def test_flag_found_by_the_record_path_the_answer_read_even_on_another_line():
    base = {"question": "q", "answer": "支出总计为300.50万元。", "value": 300.5, "unit": "万元", "declined": False,
            "citations": [{"doc": "d1", "page": None, "line": 40, "quote": "支出预算300.50万元"}]}
    _, _, flags = answer.render({**base, "intent": {"metrics": ["expenditure.total"]}}, {"d1": RECORD})
    assert [f["id"] for f in flags] == ["expenditure.total"]
    # a passing check on the metric, or a mismatch on another metric, is not a flag
    _, _, flags = answer.render({**base, "intent": {"metrics": ["sangong.total"]}}, {"d1": RECORD})
    assert flags == []


def test_declined_answer_is_marked():
    md, sources, flags = answer.render({"answer": "文件未列明该数据。", "value": None, "declined": True, "citations": []})
    assert "【未能回答 declined】" in md and "文件未列明该数据" in md
    assert sources == [] and flags == []


def test_text_passage_context_highlights_the_quoted_span():
    html = passage.context_html(_text_doc(), {"doc": "d1", "page": None, "line": 12, "quote": "合计 1.03 1.03"})
    assert "<mark>合计 1.03 1.03</mark>" in html
    assert "表10 财政拨款“三公”经费支出情况表" in html  # table context shown
    assert "公务接待费 0.10 0.10" in html  # neighbouring lines
    assert "<mark>公务接待费" not in html


def test_multiline_quote_marks_each_line():
    html = passage.context_html(_text_doc(), {"doc": "d1", "line": 12, "quote": "合计 1.03 1.03\n公务接待费 0.10 0.10"})
    assert html.count("<mark>") == 2


def test_pdf_passage_shows_the_cited_page_only():
    lines = [Line(no=i + 1, text=t, norm=t, page=p, page_line=pl) for i, (t, p, pl) in enumerate(
        [("封面", 1, 1), ("目录", 1, 2), ("表10 三公经费", 2, 1), ("合计 1.03", 2, 2), ("下一页", 3, 1)])]
    doc = Document(doc="p", path="p.pdf", sha256="x", source_type="pdf", lines=lines, pages=3)
    html = passage.context_html(doc, {"doc": "p", "page": 2, "line": 2, "quote": "1.03"})
    assert "page 2, line 2" in html and "合计 <mark>1.03</mark>" in html
    assert "封面" not in html and "下一页" not in html


def test_missing_line_is_reported_not_crashed():
    html = passage.context_html(_text_doc(), {"doc": "d1", "line": 999, "quote": "x"})
    assert "is not in d1" in html


def test_upload_checks(tmp_path):
    ok = tmp_path / "a.pdf"
    ok.write_bytes(b"%PDF-1.4\n...")
    assert uploads.check(ok, "预算 公开.pdf") == "预算_公开.pdf"
    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    with pytest.raises(UnsupportedFile, match="unsupported file type '.exe'"):
        uploads.check(bad)
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile):
        uploads.check(empty)
    with pytest.raises(EmptyFile, match="no longer here"):  # a temporary copy already staged and deleted
        uploads.check(tmp_path / "gone.pdf")
    fake = tmp_path / "f.pdf"
    fake.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(BrokenFile, match="not a PDF"):
        uploads.check(fake)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    with pytest.raises(ResourceLimit, match="over the upload limit of 1 MB"):
        uploads.check(big, max_mb=1)


def test_upload_names_cannot_escape(tmp_path):
    src = tmp_path / "src.txt"
    src.write_text("x")
    home = tmp_path / "home"
    for name in ("../../etc/passwd.txt", "..\\..\\win.txt", "/abs/path.txt", "....txt"):
        staged = uploads.stage(src, name, home)
        assert staged.parent == home / "uploads", (name, staged)
    assert uploads.stage(src, "a.txt", home).name == "a.txt"
    assert uploads.stage(src, "a.txt", home).name == "a-2.txt"  # never overwrites


def test_validation_rows_worst_first_with_numbers_and_evidence():
    rows = records.validation_rows(RECORD)
    assert [r["raw_status"] for r in rows] == ["mismatch", "pass"]
    assert (rows[0]["lhs"], rows[0]["rhs"], rows[0]["difference"]) == ("300.50", "290.50", "10.00")
    assert "L.20" in rows[0]["evidence"] and "支出总计 300.50" in rows[0]["evidence"]
    assert records.validation_summary(RECORD) == "1 mismatch · 1 pass"


def test_flagged_evidence_lists_the_lines_of_checks_that_did_not_pass():
    flagged = records.flagged_evidence(RECORD)
    assert [c for _, c in flagged] == [{"doc": "d1", "page": None, "line": 20, "quote": "支出总计 300.50"}]
    assert flagged[0][0].startswith("[1] 不符 mismatch expenditure.total") and "L.20" in flagged[0][0]
    assert records.flagged_evidence(None) == []


def test_value_sources_list_every_stated_value_with_its_first_citation():
    labels = [label for label, _ in records.value_sources(RECORD)]
    assert "[1] 部门/单位 = 测试县医疗保障局 · L.3 “测试县医疗保障局”" == labels[0]
    assert any(l.endswith("“三公”经费合计 = 1.03 · L.12 “合计 1.03 1.03”") for l in labels)
    assert any("支出功能分类 208 社会保障和就业支出 金额 = 20.00 · L.22" in l for l in labels)
    assert not any("机关运行经费" in l for l in labels)  # not stated: nothing to open
    assert not any("表10" in l for l in labels)  # raw tables are shown (and cited) separately
    cites = dict(records.value_sources(RECORD))
    assert {c["line"] for c in cites.values()} == {3, 12, 13, 20, 22}


def test_compare_rows_cite_each_value():
    other = json.loads(json.dumps(RECORD))
    other["doc"] = "d2"
    other["sangong"]["total"] = _leaf(None)
    rows = records.compare_rows({"d1": RECORD, "d2": other}, "sangong.total")
    assert [(r["doc"], r["value"]) for r in rows] == [("d1", 1.03), ("d2", None)]
    assert "合计 1.03 1.03" in rows[0]["evidence"] and rows[1]["evidence"] == ""
    assert rows[0]["citations"] == [{"doc": "d1", "page": None, "line": 12, "quote": "合计 1.03 1.03"}]
    assert rows[1]["citations"] == []


def test_record_groups_and_lists():
    groups = records.scalar_groups(RECORD)
    assert {"field": "“三公”经费合计", "path": "sangong.total", "value": "1.03",
            "evidence": "d1 · L.12 “合计 1.03 1.03”"} in groups["“三公”经费（表）"]
    lists = records.list_tables(RECORD)
    assert lists["expenditure.by_function"][0]["name"] == "社会保障和就业支出"
    (caption, header, rows, _kind), = records.source_tables(RECORD)
    assert caption.startswith("表10 财政拨款“三公”经费支出情况表（单位：万元）")
    assert rows[0][:3] == ["", "合计", "1.03"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_downloads_are_written_under_home_and_read_back(tmp_path, fmt):
    home = tmp_path / "home"
    files = exports.export([RECORD], fmt, home, "../d1")
    assert all(f.resolve().is_relative_to((home / "exports").resolve()) for f in files)
    if fmt == "json":
        assert json.loads(files[0].read_text(encoding="utf-8"))[0]["sangong"]["total"]["value"] == 1.03
        return
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    docs = read(files[0])
    assert docs.loc[0, "doc"] == "d1" and float(docs.loc[0, "sangong.total"]) == 1.03
    checks = read([f for f in files if f.stem.endswith("_validation")][0])
    assert set(checks["status"]) == {"pass", "mismatch"}
