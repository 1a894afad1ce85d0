"""Issue 14 without a browser: one reading and one printed form of every figure (ui.figures), labels
from the schema, the Library's disclosures (ui.library), Compare's rows/chart/CSV (ui.compare),
settings refused out of range, and removal deleting every trace (ingest.forget)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from extract.schema import BudgetRecord, field_names
from test_ui_views import RECORD, _leaf
from ui import compare, figures, library

ROOT = Path(__file__).resolve().parent.parent


def test_a_figure_is_shown_as_printed_with_its_wan_value_when_printed_in_another_unit():
    ev = [{"doc": "d", "page": 3, "line": 7, "quote": "支出总计 18,330.37 1,202.50"}]
    assert figures.shown(18330.37, ev) == "18,330.37 万元"  # the document's separators, not 18330.37
    assert figures.shown(1202.5, ev) == "1,202.50 万元"  # its two decimals, not 1202.5
    yuan = [{"doc": "d", "page": 4, "line": 2, "quote": "公务接待费 12,345.00"}]
    units = {("d", 4, 2): "元"}  # the table's unit: the quote alone does not say
    assert figures.shown(1.2345, yuan, units) == "12,345.00 元（1.2345 万元）"
    stated = [{"doc": "d", "page": 9, "line": 1, "quote": "收入预算 3.5 亿元"}]
    assert figures.shown(35000, stated) == "3.5 亿元（35,000.00 万元）"
    assert figures.shown(7.0, [{"quote": "车辆 7 辆"}], unit="辆") == "7 辆"
    assert figures.shown(5.1, []) == "5.10 万元"  # no quote prints it: 万元 with two decimals
    assert figures.shown(None, ev) == "—"


def test_every_field_of_the_record_has_a_chinese_and_an_english_name():
    names = field_names()
    leaves = []

    def walk(obj, path):
        if isinstance(obj, dict) and set(obj) >= {"value", "evidence"}:
            leaves.append(path)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{path}.{k}" if path else k)

    walk(BudgetRecord(doc="d", path="d.pdf").model_dump(), "")
    skip = ("tables", "tables_missing")
    missing = [p for p in leaves if p not in names and not p.startswith(skip)]
    assert leaves and missing == []
    for raw in ("fiscal.income_total", "fiscal.expenditure_total", "assets.general_vehicles",
                "assets.enforcement_vehicles"):
        zh, en = names[raw]
        assert zh and en and raw.split(".")[-1] not in (zh, en)
        assert figures.label(raw) == zh and figures.label(raw, "en") == en
    assert figures.label("budget.sangong.total").startswith("预算数：")  # a 决算's budget side says so
    assert figures.label("expenditure.by_function.3.amount") == names["expenditure.by_function.*.amount"][0]


def test_every_view_reads_the_same_leaf_as_the_chat():
    from qa.lexicon import BY_KEY
    from qa.records import figure

    r = figures.read(RECORD, "sangong.total")
    fig = figure(RECORD, BY_KEY["sangong.total"])
    assert r is not None and r.path == fig.path == "sangong.total" and r.value == float(fig.value) == 1.03
    assert r.text == "1.03 万元" and r.evidence[0]["line"] == 12
    assert figures.read(RECORD, "operating_expenses") is None  # not stated: no number invented
    [row] = compare.rows([RECORD], "sangong.total")
    assert row["shown"] == r.text and row["citation"] == r.evidence[0]


def _final_accounts(doc: str, year: int, final: float, budget: float) -> dict:
    rec = json.loads(json.dumps(RECORD))
    rec.update(doc=doc, fiscal_year=_leaf(year, line=3, quote=f"{year}年"), doc_kind=_leaf("部门决算", line=1, quote="部门决算"))
    rec["sangong"]["total"] = _leaf(final, line=12, quote=f"合计 {budget:,.2f} {final:,.2f}")
    rec["budget"] = {"sangong": {"total": _leaf(budget, line=12, quote=f"合计 {budget:,.2f} {final:,.2f}")}}
    return rec


def test_compare_budget_beside_actual_year_on_year_and_the_csv(tmp_path):
    recs = [_final_accounts("a2023", 2023, 1200.0, 1500.0), _final_accounts("a2024", 2024, 1800.0, 1600.0),
            {**json.loads(json.dumps(RECORD)), "department": _leaf("别的局", line=3, quote="别的局")}]
    rs = compare.rows(recs, "sangong.total", bodies=["测试县医疗保障局"])
    assert [(r["year"], r["value"], r["budget"]) for r in rs] == [(2023, 1200.0, 1500.0), (2024, 1800.0, 1600.0)]
    assert rs[0]["shown"] == "1,200.00 万元" and rs[0]["budget_shown"] == "1,500.00 万元"
    svg = compare.chart_svg(rs, "sangong.total")
    assert svg.count("gk-bar-value") == 2 and svg.count("gk-bar-budget") == 2  # budget beside actual
    assert "+50.0% 同比" in svg  # one body: year on year
    assert [r["doc"] for r in compare.rows(recs, "sangong.total", years=["2024"])] == ["d1", "a2024"]
    path = compare.write_csv(rs, "sangong.total", tmp_path)
    assert path.parent == tmp_path / "exports"
    with open(path, encoding="utf-8-sig") as fh:
        got = list(csv.DictReader(fh))
    assert [(g["year"], g["as_printed"], g["budget"], g["line"]) for g in got] == [
        ("2023", "1,200.00 万元", "1500.0", "12"), ("2024", "1,800.00 万元", "1600.0", "12")]


def test_library_shows_a_two_file_disclosure_as_one_row_filters_and_sorts():
    key = "某局|2024|部门预算"
    entries = [
        {"doc": "t", "department": "某局", "fiscal_year": 2024, "doc_kind": "部门预算", "level": "县", "part": "text",
         "disclosure": key, "tables": [], "added": 1},
        {"doc": "b", "department": "某局", "fiscal_year": 2024, "doc_kind": "部门预算", "level": "县", "part": "tables",
         "disclosure": key, "tables": ["sangong", "income_expenditure"], "added": 2},
        {"doc": "c", "department": "另一局", "fiscal_year": 2023, "doc_kind": "部门决算", "level": "市", "tables": [],
         "added": 3},
    ]
    merged = {"b+t": {"doc": "b+t", "tables_missing": ["sangong", "procurement"], "validation_counts": {"pass": 3}}}
    rows = library.disclosures(entries, {"c": {"validation_counts": {"mismatch": 1, "pass": 2}}},
                               {"t": "ready", "b": "ready", "c": "ready"}, merged)
    assert [r["docs"] for r in rows] == [["b", "t"], ["c"]]  # the tables half first, both files one row
    one = rows[0]
    assert one["missing"] == ["procurement"] and one["validation"] == "3 pass"  # 三公 is in the tables file
    assert rows[1]["findings"] == 1 and rows[1]["kind"] == "部门决算"
    assert [r["docs"][0] for r in library.select(rows, sort="year")] == ["c", "b"]
    assert [r["docs"][0] for r in library.select(rows, sort="findings")] == ["c", "b"]
    assert [r["docs"][0] for r in library.select(rows, kind="部门决算")] == ["c"]
    assert [r["docs"][0] for r in library.select(rows, query="另一")] == ["c"]
    assert library.select(rows, year="2024")[0]["docs"] == ["b", "t"]
    table = library.table(rows)
    assert table[0][5] == "2 recognised" and "b (tables) + t (text)" == table[0][-1]


def test_settings_out_of_range_are_refused_and_not_saved(home):
    from gongkai import settings
    from ui import backend

    assert settings.check("top_k", 0) and "top_k" in settings.check("top_k", 0)
    assert settings.check("top_k", 5) is None and settings.check("top_k", 2.5)
    assert settings.check("llm_base_url", "ftp://x") and settings.check("llm_base_url", "") is None
    for bad in (float("nan"), float("inf"), "nan"):  # NaN passes every comparison; inf has no whole value
        assert "finite" in (settings.check("llm_timeout_s", bad) or "") and settings.check("top_k", bad)
    backend.save_settings("http://127.0.0.1:9/v1", "m1", "", False, 12)
    with pytest.raises(ValueError, match="top_k"):
        backend.save_settings("", "other", "", False, 0)
    saved = json.loads((home / "settings.json").read_text())
    assert saved["top_k"] == 12 and saved["llm_base_url"] == "http://127.0.0.1:9/v1"  # nothing overwritten
    cli = subprocess.run([sys.executable, "-m", "gongkai", "settings", "set", "top_k", "0"], capture_output=True,
                         text=True, cwd=ROOT)
    assert cli.returncode == 2 and "top_k" in cli.stderr
    assert json.loads((home / "settings.json").read_text())["top_k"] == 12


def test_remove_deletes_the_upload_and_the_documents_cached_vectors(home, monkeypatch, corpus_files):
    from ingest.service import ingest_file, remove_document
    from ingest.store import Store

    monkeypatch.delenv("GONGKAI_EMBED_CACHE", raising=False)  # the cache inside the data directory
    store = Store(home)
    upload = home / "uploads" / corpus_files[0].name
    upload.parent.mkdir(parents=True)
    shutil.copyfile(corpus_files[0], upload)
    outside = home.parent / corpus_files[1].name  # a file ingested from elsewhere is the user's own
    shutil.copyfile(corpus_files[1], outside)
    a, b = ingest_file(upload, store), ingest_file(outside, store)
    assert a.ok and b.ok
    cache = home / "embed_cache"
    cache.mkdir()
    keys = {c.text: hashlib.sha256(c.text.encode("utf-8")).hexdigest() for c in store.chunks(a.doc)}
    other = hashlib.sha256(store.chunks(b.doc)[0].text.encode("utf-8")).hexdigest()
    con = sqlite3.connect(cache / "test.sqlite")
    con.execute("CREATE TABLE vec (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
    con.executemany("INSERT INTO vec VALUES (?, 1, x'00')", [(k,) for k in [*keys.values(), other]])
    con.commit()
    con.close()
    assert remove_document(a.doc, home)
    assert not upload.exists() and outside.exists()
    left = {k for (k,) in sqlite3.connect(cache / "test.sqlite").execute("SELECT key FROM vec")}
    assert left == {other}  # its vectors gone, another document's kept
    assert remove_document(b.doc, home) and outside.exists()  # never the user's own file
    again = ingest_file(shutil.copyfile(corpus_files[0], upload), store)
    assert again.ok and again.doc == a.doc  # the same id again, not …-2


def test_year_on_year_compares_a_kind_with_the_same_kind_only():
    """A body's 2024 budget and 2024 final account are no change on the year before; the final account
    of 2024 is compared with that of 2023."""
    budget = json.loads(json.dumps(RECORD))
    budget.update(fiscal_year=_leaf(2024, line=3, quote="2024年"), doc_kind=_leaf("部门预算", line=1, quote="部门预算"))
    recs = [_final_accounts("a2023", 2023, 1200.0, 1500.0), budget, _final_accounts("a2024", 2024, 1800.0, 1600.0)]
    svg = compare.chart_svg(compare.rows(recs, "sangong.total"), "sangong.total")
    assert svg.count("同比") == 1 and "+50.0% 同比" in svg
    assert "2024 预算" in svg and "2024 决算" in svg  # the two 2024 groups say which is which


def test_remove_keeps_the_vectors_of_chunk_texts_another_document_shares(home, monkeypatch, corpus_files):
    """A corrected copy shares most chunk texts with the original: removing the original keeps those
    vectors (keyed by text) for the copy, and drops only the texts no other document has."""
    from ingest.service import ingest_file, remove_document
    from ingest.store import Store

    monkeypatch.delenv("GONGKAI_EMBED_CACHE", raising=False)
    store = Store(home)
    src = home.parent / "src"
    src.mkdir()
    original, corrected = src / "original.txt", src / "corrected.txt"
    text = corpus_files[0].read_text(encoding="utf-8")
    original.write_text(text, encoding="utf-8")
    corrected.write_text(text + "\n附：更正说明 本文件第三部分表格数字已更正。\n", encoding="utf-8")
    a, b = ingest_file(original, store), ingest_file(corrected, store)
    assert a.ok and b.ok
    key = lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest()  # noqa: E731
    mine = {key(c.text) for c in store.chunks(a.doc)}
    theirs = {key(c.text) for c in store.chunks(b.doc)}
    shared, own = mine & theirs, mine - theirs
    assert shared and own, "the copy must share some chunk texts and not others"
    (home / "embed_cache").mkdir()
    con = sqlite3.connect(home / "embed_cache" / "test.sqlite")
    con.execute("CREATE TABLE vec (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")
    con.executemany("INSERT INTO vec VALUES (?, 1, x'00')", [(k,) for k in mine | theirs])
    con.commit()
    con.close()
    assert remove_document(a.doc, home)
    left = {k for (k,) in sqlite3.connect(home / "embed_cache" / "test.sqlite").execute("SELECT key FROM vec")}
    assert left == theirs  # the shared texts kept for the copy, the original's own gone
