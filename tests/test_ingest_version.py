"""Pipeline version stamps: a home built by an older Gongkai never silently serves stale chunks or
records. `gongkai ingest` of an unchanged file re-processes it when its stamp is older
("refreshed"), list/ask say plainly what to run, and a refresh that fails or is killed loses
nothing. Real store, real Chroma, real embedder (vectors from the shared embed cache).

"An older Gongkai" is made two ways: a home whose catalog has no stamps and whose chunks/records
differ from what the current code makes (as homes written before stamps existed), and a bump of a
version constant (as a developer does after changing the chunker or the extraction)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import nasty
from test_robust_faults import killed_at
from test_robust_inputs import gongkai, robust_env

import ingest.store as store_mod
from ingest.service import ingest_paths
from ingest.store import Store, stale_count, stale_notice

DOC = "001_4e595076af774e23"  # the smallest sample disclosure (36 chunks)
SANGONG_Q = "伽师县医疗保障局2024年三公经费是多少？"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """One disclosure ingested (store, BM25, Chroma, record) by the current code; tests copy it."""
    os.environ.setdefault("GONGKAI_EMBED_CACHE", str(nasty.embed_cache()))  # as tests/conftest.py
    root = tmp_path_factory.mktemp("version")
    src = root / "in" / f"{DOC}.txt"
    src.parent.mkdir()
    src.write_bytes((nasty.CORPUS / f"{DOC}.txt").read_bytes())
    home = root / "home"
    [r] = ingest_paths([src], home, progress=False)
    assert r.status == "ingested" and r.extraction == "ok", r
    assert stale_count(home) == (0, 1)
    return home, src, r.chunks


@pytest.fixture()
def copy(stored, tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(stored[0], home)
    monkeypatch.setenv("GONGKAI_HOME", str(home))
    return home


def _catalog(home: Path) -> dict:
    return json.loads((home / "catalog.json").read_text(encoding="utf-8"))


def _record(home: Path) -> dict:
    return json.loads((home / "records" / f"{DOC}.json").read_text(encoding="utf-8"))


def make_old(home: Path) -> None:
    """Turn a home into one an older Gongkai wrote: catalog entries without a stamp (written after
    pipeline.json, as old code would), its chunker made fewer chunks (the index holds exactly
    those) and its extraction wrote a record with a field the current one does not write."""
    from ingest.index import update_index

    store = Store(home)
    old_chunks = store.chunks(DOC)[:-3]
    chunks_file = store.chunks_path(DOC)
    chunks_file.write_text(json.dumps([c.to_dict() for c in old_chunks], ensure_ascii=False), encoding="utf-8")
    update_index(store, DOC, old_chunks)
    cat = _catalog(home)
    for e in cat.values():
        e.pop("pipeline")
        e["chunks"] = len(old_chunks)
    (home / "catalog.json").write_text(json.dumps(cat, ensure_ascii=False), encoding="utf-8")
    rec = _record(home)
    rec["written_by"] = "an older extraction"
    (home / "records" / f"{DOC}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")


def no_new_embeddings(monkeypatch) -> None:
    """Any text not in the embed cache would have to be embedded: make that fail."""
    from ingest.index.embedders import get_embedder

    def refuse(texts):
        raise AssertionError(f"embedded {len(texts)} texts that should have come from the cache")

    monkeypatch.setattr(get_embedder(), "_passages", refuse)


def test_home_without_stamps_is_stale_and_ingest_refreshes_it(stored, copy, monkeypatch):
    home, src, n_chunks = copy, stored[1], stored[2]
    make_old(home)
    assert stale_count(home) == (1, 1) and Store(home).stale() == [DOC]
    assert "gongkai reindex" in stale_notice(home)

    no_new_embeddings(monkeypatch)  # the refresh re-chunks the same text: every vector is cached
    [r] = ingest_paths([src], home, progress=False)
    assert r.status == "refreshed" and r.extraction == "ok", r
    assert r.chunks == n_chunks == len(Store(home).chunks(DOC))
    assert nasty.assert_consistent(home) == {DOC: n_chunks}  # BM25 + Chroma hold the new chunks' text
    assert "written_by" not in _record(home)
    S, E = store_mod.STRUCTURE_VERSION, store_mod.EXTRACT_VERSION
    assert _catalog(home)[DOC]["pipeline"] == {"chunks": f"{S}", "record": f"{S}.{E}"}
    assert stale_count(home) == (0, 1) and stale_notice(home) is None

    before = {p: p.stat().st_mtime_ns for p in (home / "chunks" / f"{DOC}.json", home / "records" / f"{DOC}.json",
                                                home / "catalog.json")}
    [again] = ingest_paths([src], home, progress=False)
    assert again.status == "unchanged" and again.message is None
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing rewritten


def test_a_version_bump_redoes_its_stage(copy, stored, monkeypatch):
    home, src = copy, stored[1]
    chunks_file, record_file = home / "chunks" / f"{DOC}.json", home / "records" / f"{DOC}.json"
    summary = json.loads((home / "pipeline.json").read_text(encoding="utf-8"))
    st = (home / "catalog.json").stat()
    assert summary["catalog"] == [st.st_size, st.st_mtime_ns]  # readers take the quick path below

    S, E = store_mod.STRUCTURE_VERSION, store_mod.EXTRACT_VERSION
    monkeypatch.setattr(store_mod, "EXTRACT_VERSION", E + 1)
    assert stale_count(home) == (1, 1)
    assert store_mod.stale_parts(_catalog(home)[DOC]) == ["record"]
    chunks_before, record_before = chunks_file.read_bytes(), record_file.stat().st_mtime_ns
    [r] = ingest_paths([src], home, progress=False)
    assert r.status == "refreshed" and r.extraction == "ok", r
    assert chunks_file.read_bytes() == chunks_before  # only the record is made again
    assert record_file.stat().st_mtime_ns != record_before
    assert stale_count(home) == (0, 1)

    monkeypatch.setattr(store_mod, "STRUCTURE_VERSION", S + 1)
    assert store_mod.stale_parts(_catalog(home)[DOC]) == ["chunks", "record"]  # a record is made from the document
    no_new_embeddings(monkeypatch)
    chunks_mtime, record_before = chunks_file.stat().st_mtime_ns, record_file.stat().st_mtime_ns
    [r] = ingest_paths([src], home, progress=False)
    assert r.status == "refreshed" and r.extraction == "ok", r
    assert chunks_file.stat().st_mtime_ns != chunks_mtime and record_file.stat().st_mtime_ns != record_before
    assert _catalog(home)[DOC]["pipeline"] == {"chunks": f"{S + 1}", "record": f"{S + 1}.{E + 1}"}
    assert stale_count(home) == (0, 1)
    nasty.assert_consistent(home)


def test_a_refresh_that_fails_keeps_the_older_version(copy, stored, monkeypatch):
    from ingest.errors import NotADisclosure
    from ingest.search import search

    home, src = copy, stored[1]
    make_old(home)
    files = [home / "catalog.json", home / "chunks" / f"{DOC}.json", home / "documents" / f"{DOC}.json",
             home / "records" / f"{DOC}.json", home / "index" / "tokens" / f"{DOC}.json"]
    before = {p: p.read_bytes() for p in files}

    def refuses(path, **kw):  # e.g. a stricter new parser that no longer accepts the file
        raise NotADisclosure(f"{Path(path).name}: does not look like a budget disclosure", path=str(path))

    with monkeypatch.context() as m:
        m.setattr("ingest.pipeline.load_document", refuses)
        [r] = ingest_paths([src], home, progress=False)
    assert r.status == "failed" and r.reason == "not_a_disclosure" and "is kept" in r.message
    assert {p: p.read_bytes() for p in files} == before
    assert Store(home).stale() == [DOC]  # still stale, still said
    hits = search("三公经费 公务接待费", k=3, home=home, mode="bm25")
    assert hits and {h.chunk.doc for h in hits} == {DOC}  # and still answering

    # the new chunks go in but the extraction fails: the older record stays, and still counts as stale
    import extract.api

    def broken(doc, engine=None):
        raise RuntimeError("extraction bug")

    with monkeypatch.context() as m:
        m.setattr(extract.api, "extract_document", broken)
        [r] = ingest_paths([src], home, progress=False)
    assert r.status == "refreshed" and r.extraction.startswith("failed: RuntimeError"), r
    assert _record(home)["written_by"] == "an older extraction"
    assert store_mod.stale_parts(_catalog(home)[DOC]) == ["record"] and stale_count(home) == (1, 1)
    [r] = ingest_paths([src], home, progress=False)
    assert r.status == "refreshed" and r.extraction == "ok", r
    assert "written_by" not in _record(home) and stale_count(home) == (0, 1)


@pytest.mark.parametrize("point", ["before_catalog", "before_vectors"])
def test_kill_9_during_a_refresh_then_rerun(stored, tmp_path, point):
    home = tmp_path / "home"
    shutil.copytree(stored[0], home)
    make_old(home)
    env = robust_env(home)
    killed_at(point, "ingest", "--no-progress", str(stored[1]), env=env)
    if point == "before_catalog":  # new document and chunks on disk, the catalog still the old one
        assert Store(home).stale() == [DOC]
    listed = json.loads(gongkai("list", "--json", env=env).stdout)
    assert [e["doc"] for e in listed] == [DOC]  # never gone

    again = gongkai("ingest", "--no-progress", str(stored[1]), env=env)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stdout + again.stderr
    if point == "before_catalog":  # the refresh had not been committed: it is done now, and it says so
        assert again.stdout.startswith("refreshed") and "killed while writing" in again.stdout, again.stdout
    else:  # committed before the kill (answerable); the rerun only writes the vectors
        assert again.stdout.startswith("unchanged") and "vectors: 1 document embedded" in again.stdout, again.stdout
    assert nasty.assert_consistent(home) == {DOC: stored[2]}
    assert "written_by" not in _record(home) and stale_count(home) == (0, 1)


def test_list_ask_and_ui_say_what_to_run(copy):
    home = copy
    env = robust_env(home)
    fresh_list = gongkai("list", env=env)
    assert "STALE" not in fresh_list.stdout and "older version" not in fresh_list.stderr
    fresh_ask = gongkai("ask", SANGONG_Q, env=env)
    assert "2.22" in fresh_ask.stdout and fresh_ask.stderr == ""

    make_old(home)
    ls = gongkai("list", env=env)
    assert ls.returncode == 0 and "STALE (chunks and record from an older Gongkai)" in ls.stdout
    assert "1 of 1 stored documents was processed by an older version" in ls.stderr
    assert "`gongkai reindex`" in ls.stderr and "`gongkai ingest`" in ls.stderr
    rows = json.loads(gongkai("list", "--json", env=env).stdout)
    assert rows[0]["stale"] == ["chunks", "record"]
    ask = gongkai("ask", SANGONG_Q, env=env)
    assert ask.returncode == 0 and "2.22" in ask.stdout  # answered, and told
    assert "older version of Gongkai" in ask.stderr and "`gongkai reindex`" in ask.stderr
    as_json = gongkai("ask", SANGONG_Q, "--json", env=env)
    assert json.loads(as_json.stdout)["answer"] and "`gongkai reindex`" in as_json.stderr  # stdout stays JSON

    index_only = gongkai("reindex", "--index-only", "--no-progress", env=env)  # keeps the stored chunks
    assert index_only.returncode == 0 and "`gongkai reindex`" in index_only.stderr, index_only.stderr
    fixed = gongkai("reindex", "--no-progress", env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert stale_count(home) == (0, 1) and "written_by" not in _record(home)
    ls = gongkai("list", env=env)
    assert "STALE" not in ls.stdout and ls.stderr == ""
    assert gongkai("ask", SANGONG_Q, env=env).stderr == ""


def test_ui_start_says_what_to_run(copy):
    """`gongkai ui` prints the notice when it starts (the server itself is stopped right after)."""
    import select
    import subprocess
    import sys
    import time

    from test_robust_faults import ROOT

    make_old(copy)
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "ui", "--port", "0", "--no-warm"], cwd=ROOT,
                            env=robust_env(copy), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    said = ""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "gongkai reindex" not in said:
            ready, _, _ = select.select([proc.stderr], [], [], 1.0)
            if ready:
                line = proc.stderr.readline()
                if not line:
                    break
                said += line
    finally:
        proc.kill()
        proc.wait()
    assert "1 of 1 stored documents was processed by an older version of Gongkai" in said, said



def test_ui_upload_of_a_stale_document_says_what_to_run(stored, copy, tmp_path):
    """Uploading in the UI a file the library holds in an older version is not ingested twice, and
    the note says it is stale and what refreshes it; a current copy gets the plain note."""
    from ui.backend import ingest_file

    home = copy
    upload = tmp_path / "upload" / f"{DOC}.txt"
    upload.parent.mkdir()
    upload.write_bytes((nasty.CORPUS / f"{DOC}.txt").read_bytes())
    fresh = ingest_file(upload, home)
    assert fresh["status"] == "unchanged" and fresh["note"] == "already in the library"

    make_old(home)
    upload.write_bytes((nasty.CORPUS / f"{DOC}.txt").read_bytes())
    out = ingest_file(upload, home)
    assert out["status"] == "unchanged" and out["doc"] == DOC, out
    assert "older Gongkai" in out["note"] and "gongkai reindex" in out["note"]
    assert list(Store(home).catalog()) == [DOC]  # not stored a second time
