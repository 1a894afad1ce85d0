"""Store + idempotent/incremental ingest + per-file failures (no index: index=False keeps it fast)."""

from __future__ import annotations

import shutil

from ingest.document import sha256_file
from ingest.service import ingest_paths, remove_document
from ingest.store import Store


def _one(tmp_path, corpus_files, name="001"):
    src = next(p for p in corpus_files if p.name.startswith(name))
    dst = tmp_path / "in" / src.name
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dst)
    return dst


def test_ingest_idempotent_and_changed_file_replaces(home, tmp_path, corpus_files):
    f = _one(tmp_path, corpus_files)
    r1 = ingest_paths([f], home, index=False, extract=False)
    assert [r.status for r in r1] == ["ingested"]
    store = Store(home)
    assert store.ids() == [f.stem]
    n_chunks = len(store.chunks(f.stem))
    assert n_chunks == r1[0].chunks > 10
    assert (home / "sources" / f.name).read_bytes() == f.read_bytes()

    r2 = ingest_paths([f], home, index=False, extract=False)
    assert [r.status for r in r2] == ["unchanged"]

    # change the file: its document and chunks are replaced, not duplicated
    text = f.read_text(encoding="utf-8").replace("247.40", "247.41", 1)
    f.write_text(text, encoding="utf-8")
    r3 = ingest_paths([f], home, index=False, extract=False)
    assert [r.status for r in r3] == ["replaced"]
    assert store.ids() == [f.stem]
    assert store.list()[0]["sha256"] == sha256_file(f)
    assert len(store.chunks(f.stem)) == r3[0].chunks
    assert any("247.41" in l.text for l in store.document(f.stem).lines)

    assert remove_document(f.stem, home)
    assert store.ids() == [] and not (home / "sources" / f.name).exists()
    assert not remove_document(f.stem, home)


def test_failures_reported_per_file_and_others_continue(home, tmp_path, corpus_files):
    good = _one(tmp_path, corpus_files, "003")
    empty = tmp_path / "in" / "empty.txt"
    empty.write_text("")
    other = tmp_path / "in" / "notes.md"
    other.write_text("今天天气很好。\n我们去公园散步。\n", encoding="utf-8")
    bad = tmp_path / "in" / "data.xlsx"
    bad.write_bytes(b"PK\x03\x04")
    results = ingest_paths([tmp_path / "in", bad, tmp_path / "missing.txt"], home, index=False, extract=False)
    by = {r.path.split("/")[-1]: r for r in results}
    assert by[good.name].status == "ingested"
    assert by["empty.txt"].reason == "empty_file" and "empty" in by["empty.txt"].message
    assert by["notes.md"].reason == "not_a_disclosure"
    assert by["data.xlsx"].reason == "unsupported_type"
    assert by["missing.txt"].reason == "not_found"
    assert Store(home).ids() == [good.stem]


def test_same_name_other_folder_gets_own_id(home, tmp_path, corpus_files):
    a = _one(tmp_path / "a", corpus_files, "001")
    b = tmp_path / "b" / a.name
    b.parent.mkdir(parents=True)
    b.write_text(a.read_text(encoding="utf-8").replace("247.40", "300.00"), encoding="utf-8")
    ingest_paths([a, b], home, index=False, extract=False)
    ids = Store(home).ids()
    assert len(ids) == 2 and a.stem in ids


def test_catalog_rebuilt_when_damaged(home, tmp_path, corpus_files):
    f = _one(tmp_path, corpus_files, "004")
    ingest_paths([f], home, index=False, extract=False)
    (home / "catalog.json").write_text("{not json")
    rows = Store(home).list()
    assert [r["doc"] for r in rows] == [f.stem] and rows[0]["fiscal_year"] == 2023


def test_remove_takes_a_document_id_never_a_path(tmp_path):
    """`gongkai remove ../../x` must not reach a file outside the data home."""
    home = tmp_path / "home"
    (home / "records").mkdir(parents=True)
    outside = tmp_path / "x.json"
    outside.write_text("{}", encoding="utf-8")
    for bad in ("../x", "../../x", "..", "a/../../x", "..\\x"):
        assert not remove_document(bad, home)
    assert outside.exists()
