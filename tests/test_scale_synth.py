"""The synthetic disclosure generator (evals/synth): documents are internally consistent (checked by
an independent reader of the rendered text), injected errors and 元 tables are what the gold says,
evidence points at the printed lines, the ingest pipeline and the extractor read them back."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from evals.synth import generate, make
from evals.synth.score import score
from ingest.catalog import legacy_to_kind

CORPUS_NAMES = ["伽师", "轮台", "克孜勒苏", "克州", "特克斯", "伊犁"]
N = 40


def _tables(text: str) -> dict[str, dict]:
    """table kind → {"unit": 元|万元, "rows": [cells…]} read from the text rendering (tab-separated; the
    generator labels its tables 表1–表11, the samples' numbering)."""
    lines = text.split("\n")
    out: dict[str, dict] = {}
    i = 0
    while i < len(lines):
        m = re.fullmatch(r"表 (\d+)", lines[i])
        if m:
            unit = lines[i + 3].split("：")[1]
            rows = []
            j = i + 4
            while j < len(lines) and lines[j] != "":
                rows.append(lines[j].split("\t"))
                j += 1
            out[legacy_to_kind()[f"表{m.group(1)}"]] = {"unit": unit, "rows": rows}
            i = j
        i += 1
    return out


def _num(cell: str, unit: str) -> Decimal:
    if not cell:
        return Decimal(0)
    v = Decimal(cell)
    return v / 10000 if unit == "元" else v


def _col(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


def check(text: str) -> set[str]:
    """Names of the arithmetic relations that do NOT hold in a rendered synthetic document."""
    bad: set[str] = set()
    t = _tables(text)
    # 表3 and 表5: 类 = Σ款 = Σ项, 合计 = Σ类, each row total = basic + project
    for tid in ("expenditure_overview", "general_budget_expenditure"):
        unit = t[tid]["unit"]
        body = [r for r in t[tid]["rows"] if re.fullmatch(r"\d{3}", r[0]) or r[3:4] == ["合 计"]]
        rows = [(r[0], r[1], r[2], *(_num(_col(r, k), unit) for k in (4, 5, 6))) for r in body]
        for lei, kuan, xiang, tot, basic, proj in rows:
            if lei and tot != basic + proj:
                bad.add(f"{tid}.{lei}{kuan}{xiang}=basic+project")
            if lei and not kuan:
                kids = [r for r in rows if r[0] == lei and r[1] and not r[2]]
                if sum(r[3] for r in kids) != tot:
                    bad.add(f"{tid}.{lei}=sum(款)")
        total = [r for r in rows if not r[0]][0]
        if sum(r[3] for r in rows if r[0] and not r[1]) != total[3]:
            bad.add(f"{tid}.total=sum(类)")
    # 表6: 合计 = Σ items; basic = personnel + public
    unit = t["general_budget_basic"]["unit"]
    items = [r for r in t["general_budget_basic"]["rows"] if re.fullmatch(r"\d{3}", r[0]) and r[1]]
    total = [r for r in t["general_budget_basic"]["rows"] if r[2:3] == ["合 计"]][0]
    tot, pers, pub = (_num(_col(total, k), unit) for k in (3, 4, 5))
    if sum(_num(_col(r, 4), unit) for r in items) != pers:
        bad.add("表6.personnel=sum(items)")
    if tot != pers + pub:
        bad.add("表6.total=personnel+public")
    # 表10: 合计 = parts
    unit = t["sangong"]["unit"]
    sg = {r[0]: _num(_col(r, 1), unit) for r in t["sangong"]["rows"][2:]}
    if sg["合计"] != sg["因公出国（境）费"] + sg["公务接待费"] + sg["其中：公务用车购置费"] + sg["公务用车运行费"]:
        bad.add("表10.total=parts")
    # 表1: 收入总计 = 支出总计 = Σ类 = 表3 合计; narrative agrees
    unit = t["income_expenditure_overview"]["unit"]
    last = t["income_expenditure_overview"]["rows"][-1]
    income, spend = _num(last[1], unit), _num(last[3], unit)
    classes = sum(_num(_col(r, 3), unit) for r in t["income_expenditure_overview"]["rows"][2:-1])
    if not (income == spend == classes):
        bad.add("表1.income=expenditure=sum(类)")
    t3 = [r for r in t["expenditure_overview"]["rows"] if r[3:4] == ["合 计"]][0]
    if _num(t3[4], t["expenditure_overview"]["unit"]) != income:
        bad.add("表1.total=表3.total")
    m = re.search(r"收支总预算 ([\d.]+) 万元", text)
    if Decimal(m.group(1)) != income:
        bad.add("narrative.total=表1.total")
    m = re.search(r"“三公”经费预算数为 ([\d.]+) 万元", text)
    parts = sg["因公出国（境）费"] + sg["公务接待费"] + sg["其中：公务用车购置费"] + sg["公务用车运行费"]
    if Decimal(m.group(1)) != parts:
        bad.add("narrative.sangong=parts")
    m = re.search(r"政府采购预算 ([\d.]+) 万元，其中：政府采购货物预算 ([\d.]+) 万元，政府采购工程预算 ([\d.]+) 万元，"
                  r"政府采购服务预算 ([\d.]+) 万元", text)
    a, b, c, d = (Decimal(x) for x in m.groups())
    if a != b + c + d:
        bad.add("procurement.total=parts")
    m = re.search(r"人员经费 ([\d.]+) 万元", text)
    if Decimal(m.group(1)) != pers:
        bad.add("narrative.personnel=表6.personnel")
    return bad


def test_clean_documents_are_internally_consistent():
    for i in range(N):
        _, text, gold = make(i, seed=11, yuan_rate=0.5)
        assert check(text) == set(), (gold["doc"], check(text))


def test_injected_errors_are_visible_and_recorded():
    flagged = 0
    for i in range(N):
        _, text, gold = make(i, seed=12, inject_rate=1.0)
        injected = gold["synthetic"]["injected"]
        assert injected, gold["doc"]
        bad = check(text)
        assert bad, (gold["doc"], injected)
        for inj in injected:
            assert inj["printed"] != inj["expected"]
        flagged += 1
    assert flagged == N


def test_yuan_tables_are_stated_and_gold_stays_in_wan():
    seen = 0
    for i in range(N):
        s, text, gold = make(i, seed=13, yuan_rate=1.0)
        traps = gold["synthetic"]["unit_traps"]
        assert traps
        t = _tables(text)
        for tid in traps:
            assert t[tid]["unit"] == "元"
            seen += 1
        if "sangong" in traps:
            printed = Decimal([r for r in t["sangong"]["rows"] if r[0] == "合计"][0][1])
            assert Decimal(str(gold["sangong"]["total"]["value"])) * 10000 == printed
    assert seen >= N


def test_variety_and_no_corpus_names():
    kinds, regions, years = set(), set(), set()
    for i in range(60):
        s, text, gold = make(i, seed=14)
        kinds.add(gold["synthetic"]["department_kind"])
        regions.add(gold["region"]["value"])
        years.add(gold["fiscal_year"]["value"])
        assert not any(n in text for n in CORPUS_NAMES)
        for part in ("第一部分", "第二部分", "第三部分", "名词解释", "机关运行经费", "政府采购", "国有资产", "“三公”经费"):
            assert part in text
        for k in range(1, 12):
            assert f"\n表 {k}\n" in text
    assert len(kinds) >= 10 and "医疗保障局" in kinds
    assert len(regions) >= 40 and len(years) >= 5


def test_same_seed_same_documents(tmp_path):
    a = generate(3, tmp_path / "a", seed=7)
    b = generate(3, tmp_path / "b", seed=7)
    c = generate(3, tmp_path / "c", seed=8)
    assert [x.text.read_text() for x in a] == [x.text.read_text() for x in b]
    assert [x.text.read_text() for x in a] != [x.text.read_text() for x in c]


def _leaves(node, out):
    if isinstance(node, dict):
        if "value" in node and "evidence" in node:
            out.append(node)
        else:
            for v in node.values():
                _leaves(v, out)
    elif isinstance(node, list):
        for v in node:
            _leaves(v, out)
    return out


def test_gold_evidence_points_at_the_printed_line():
    for i in range(10):
        _, text, gold = make(i, seed=15, inject_rate=0.5, yuan_rate=0.5)
        lines = text.split("\n")
        n = 0
        for leaf in _leaves(gold, []):
            for ev in leaf["evidence"]:
                assert ev["quote"] in lines[ev["line"] - 1], (gold["doc"], ev)
                n += 1
        assert n >= 30


def test_cli_writes_text_gold_and_pdf(tmp_path):
    from gongkai.cli import main

    assert main(["synth", "2", "-o", str(tmp_path), "--seed", "3", "--pdf", "--inject-errors", "1", "--yuan-rate", "1"]) == 0
    assert len(list((tmp_path / "text").glob("*.txt"))) == 2
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) == 2
    gold = json.loads(next((tmp_path / "gold").glob("*.json")).read_text())
    assert gold["synthetic"]["injected"] and gold["synthetic"]["unit_traps"]
    assert main(["synth", "1", "-o", str(tmp_path), "--yuan-rate", "2"]) == 2


def test_pdf_is_real_ruled_and_tables_continue_across_pages(tmp_path):
    import pdfplumber

    made = generate(3, tmp_path, seed=16, pdf=True)
    continued = 0
    for g in made:
        gold = json.loads(g.gold.read_text())
        with pdfplumber.open(g.pdf) as pdf:
            assert len(pdf.pages) >= 5
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
            assert gold["department"]["value"] in text
            assert "财政拨款“三公”经费支出情况表" in text
            n_tables = 0
            for page in pdf.pages[1:]:
                tables = page.extract_tables()
                n_tables += len(tables)
                top = (page.extract_text() or "").lstrip()
                if tables and not top.startswith("表"):
                    continued += 1  # a page that starts inside a table (header repeated)
            assert n_tables >= 11
    assert continued >= 1


def test_ingest_reads_synthetic_text():
    pipeline = pytest.importorskip("ingest.pipeline")
    for i in range(8):
        s, text, gold = make(i, seed=17, yuan_rate=0.6)
        path = Path(f"/tmp/gongkai_test_synth_{i}.txt")
        path.write_text(text, encoding="utf-8")
        try:
            doc = pipeline.load_document(path)
        finally:
            path.unlink()
        assert doc.department == gold["department"]["value"]
        assert doc.fiscal_year == gold["fiscal_year"]["value"]
        ids = {t.id: t for t in doc.tables}
        assert set(ids) == set(legacy_to_kind().values())
        assert {t.label for t in doc.tables} == {f"表{k}" for k in range(1, 12)}
        for tid in gold["synthetic"]["unit_traps"]:
            assert ids[tid].unit == "元"
        for tid in gold["synthetic"]["tables_empty"]:
            assert ids[tid].empty, tid


def test_ingest_reads_synthetic_pdf(tmp_path):
    pytest.importorskip("ingest.loaders.pdf")
    from ingest.pipeline import load_document

    g = generate(1, tmp_path, seed=18, pdf=True, yuan_rate=1.0)[0]
    gold = json.loads(g.gold.read_text())
    doc = load_document(g.pdf)
    assert doc.source_type == "pdf"
    assert doc.department == gold["department"]["value"]
    assert doc.fiscal_year == gold["fiscal_year"]["value"]
    assert {t.id for t in doc.tables} == set(legacy_to_kind().values())
    api = pytest.importorskip("extract.api")
    r = score(gold, api.extract_document(doc).export())
    print(f"synthetic PDF extraction: {r['correct']}/{r['total']}; wrong {r['wrong']}")
    assert r["correct"] / r["total"] >= 0.9, r["wrong"]


def test_extraction_matches_gold(tmp_path):
    api = pytest.importorskip("extract.api")
    made = generate(20, tmp_path, seed=19, inject_rate=0.3, yuan_rate=0.3)
    total = correct = 0
    misses: dict[str, int] = {}
    for g in made:
        r = score(json.loads(g.gold.read_text()), api.extract_path(g.text))
        total += r["total"]
        correct += r["correct"]
        for path, _, _ in r["wrong"]:
            misses[path] = misses.get(path, 0) + 1
    acc = correct / total
    print(f"synthetic extraction accuracy: {correct}/{total} = {acc:.3f}; misses {misses}")
    assert acc >= 0.9, misses
