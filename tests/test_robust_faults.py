"""Faults: a run killed with SIGKILL at each point where it writes (store, index, records, vectors,
a replacement, a removal, bulk extraction), then run again — nothing lost, nothing duplicated, the
index holds the current text, a half-written document is never listed as a normal one and the
rerun says what it repaired. And a deleted or corrupted index is rebuilt by `gongkai reindex`.

The kill points are exact: a small runner patches the function at that point to SIGKILL its own
process (what `kill -9` does, at a known moment), then runs the real CLI. One test also kills a
running `gongkai ingest` from outside at an arbitrary moment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import nasty
from test_robust_inputs import gongkai, robust_env

ROOT = Path(__file__).resolve().parent.parent
C = nasty.CORPUS
DOC = "001_4e595076af774e23"

RUNNER = r"""
import os, signal, sys
import gongkai
point, argv = sys.argv[1], sys.argv[2:]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "before_catalog":        # source copy, document, chunks, BM25 tokens written; catalog not yet
    from ingest.store import Store
    Store._write_catalog = die
elif point == "before_index":        # right after its chunks were written: no BM25 entries, no catalog entry, no record
    import ingest.index
    ingest.index.write_tokens = die
elif point == "before_vectors":      # committed (answerable), vectors not written: the embedding phase
    from ingest.index.dense import Dense
    Dense.add = die
elif point == "before_extraction":   # stored, indexed and catalogued; no record yet
    import extract.store
    extract.store.save_record = die
elif point == "mid_embedding":       # the first embedded documents stamped, the others not
    import ingest.embedding
    ingest.embedding.COMMIT_DOCS = 1
    from ingest.store import Store
    stamp = Store.stamp_dense
    def stamp_once(self, stamps):
        if getattr(Store, "_stamped", False):
            die()
        Store._stamped = True
        return stamp(self, stamps)
    Store.stamp_dense = stamp_once
elif point == "mid_record_write":    # the record's temporary file half written
    import extract.store
    def torn(path, data):
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / f".{path.name}.x.tmp").write_bytes(data.encode("utf-8")[: len(data) // 2])
        die()
    extract.store.atomic_write = torn
elif point == "mid_remove":          # catalog entry gone, index entries and record not yet
    import ingest.index
    ingest.index.remove_from_index = die
from gongkai.cli import main
sys.exit(main(argv))
"""


def killed_at(point: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-c", RUNNER, point, *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == -signal.SIGKILL, (point, run.returncode, run.stdout, run.stderr[-2000:])
    return run


def listed(env) -> list[str]:
    return sorted(e["doc"] for e in json.loads(gongkai("list", "--json", env=env).stdout))


def revised(text: str) -> str:
    """A changed version of a disclosure: every 15th line marked as revised (many chunks change)."""
    return "\n".join(f"（修订）{l}" if i % 15 == 7 and l.strip() else l
                     for i, l in enumerate(text.splitlines())) + "\n"


@pytest.mark.parametrize("point", ["before_catalog", "before_index", "before_vectors", "before_extraction",
                                   "mid_record_write"])
def test_kill_9_during_ingest_then_rerun(tmp_path, point):
    env = robust_env(tmp_path / "home")
    src = tmp_path / "in" / f"{DOC}.txt"
    src.parent.mkdir()
    src.write_bytes((C / f"{DOC}.txt").read_bytes())
    killed_at(point, "ingest", "--no-progress", str(src), env=env)

    # never listed as a normal entry: absent (its catalog entry was not written) or incomplete
    rows = json.loads(gongkai("list", "--json", env=env).stdout)
    if point == "before_vectors":  # committed before embedding: answerable, vectors pending
        assert [(r["doc"], r["state"]) for r in rows] == [(DOC, "indexed")]
    else:
        assert all(r["state"] == "incomplete" and r["missing"] for r in rows), rows
        assert point not in ("before_catalog", "before_index") or rows == []

    again = gongkai("ingest", "--no-progress", str(src), env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Traceback" not in again.stderr
    assert listed(env) == [DOC]
    counts = nasty.assert_consistent(tmp_path / "home")
    assert counts[DOC] > 10
    line = again.stdout.splitlines()[0]
    if point == "before_vectors":  # nothing to repair: the rerun embeds what was left
        assert line.startswith("unchanged") and "vectors: 1 document embedded" in again.stdout, again.stdout
    else:  # the rerun says what it repaired
        assert line.startswith("repaired"), again.stdout
        said = again.stdout.splitlines()[1]
        assert "killed while writing this document" in said, again.stdout
        if point in ("before_index", "before_catalog"):
            assert "catalog entry" in said and "extraction record" in said, said
        if point == "before_index":
            assert "BM25 index entries" in said, said
        if point in ("before_extraction", "mid_record_write"):
            assert "extraction record" in said and "BM25" not in said, said
    assert [r["state"] for r in json.loads(gongkai("list", "--json", env=env).stdout)] == ["embedded"]
    third = gongkai("ingest", "--no-progress", str(src), env=env)  # now nothing is left to do
    assert third.returncode == 0 and third.stdout.startswith("unchanged"), third.stdout
    assert nasty.assert_consistent(tmp_path / "home") == counts


def test_kill_9_while_embedding_then_embed_resumes(tmp_path):
    """Three documents committed (answerable), `gongkai embed` killed after the first were stamped:
    they stay answerable, and the next `gongkai embed` embeds only the rest."""
    env = robust_env(tmp_path / "home")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in ("a", "b", "c"):
        (inputs / f"{n}.txt").write_bytes((C / f"{DOC}.txt").read_bytes())
    first = gongkai("ingest", "--no-progress", "--no-embed", "--workers", "1", str(inputs), env=env)
    assert first.returncode == 0 and "not embedded yet" in first.stderr, first.stdout + first.stderr
    assert {r["state"] for r in json.loads(gongkai("list", "--json", env=env).stdout)} == {"indexed"}
    killed_at("mid_embedding", "embed", "--no-progress", env=env)
    states = {r["doc"]: r["state"] for r in json.loads(gongkai("list", "--json", env=env).stdout)}
    assert sorted(states.values()) in (["embedded", "indexed", "indexed"], ["embedded", "embedded", "indexed"]), states
    hits = json.loads(gongkai("search", "三公经费", "--json", env=env).stdout)
    assert hits and {h["embedded"] for h in hits} == {True, False}  # answering from both kinds

    again = gongkai("embed", "--no-progress", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    left = sum(s == "indexed" for s in states.values())
    assert again.stdout.startswith(f"embedded {left} document{'' if left == 1 else 's'} "), again.stdout
    assert {r["state"] for r in json.loads(gongkai("list", "--json", env=env).stdout)} == {"embedded"}
    assert sorted(nasty.assert_consistent(tmp_path / "home")) == ["a", "b", "c"]


def test_kill_9_while_replacing_a_changed_file(tmp_path):
    """The dangerous one: chunk ids are stable (doc:n), so after a kill between writing the new
    text's BM25 tokens and its vectors, the old text's vectors look 'complete' by id. The rerun
    must index the new text."""
    env = robust_env(tmp_path / "home")
    src = tmp_path / "in" / f"{DOC}.txt"
    src.parent.mkdir()
    original = (C / f"{DOC}.txt").read_text(encoding="utf-8")
    src.write_text(original, encoding="utf-8")
    assert gongkai("ingest", "--no-progress", str(src), env=env).returncode == 0
    src.write_text(revised(original), encoding="utf-8")
    killed_at("before_vectors", "ingest", "--no-progress", str(src), env=env)

    again = gongkai("ingest", "--no-progress", str(src), env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert listed(env) == [DOC]
    nasty.assert_consistent(tmp_path / "home")  # BM25 tokens and vectors are those of the revised text
    hits = json.loads(gongkai("search", "修订", "-k", "3", "--mode", "bm25", "--json", env=env).stdout)
    assert hits and "修订" in hits[0]["text"]  # as normalised: (修订)


def test_kill_9_during_remove_then_remove_again(tmp_path):
    env = robust_env(tmp_path / "home")
    assert gongkai("ingest", "--no-progress", str(C / f"{DOC}.txt"), env=env).returncode == 0
    killed_at("mid_remove", "remove", DOC, env=env)
    ls = gongkai("list", env=env)
    assert listed(env) == [] and f"gongkai remove {DOC}" in ls.stderr, ls.stderr  # gone, and said how to finish
    assert json.loads(gongkai("search", "三公经费", "--json", env=env).stdout) == []
    assert not (tmp_path / "home" / "records" / f"{DOC}.json").exists()  # chat no longer answers from it
    again = gongkai("remove", DOC, env=env)
    assert again.returncode == 0 and again.stdout.startswith("removed"), again.stdout + again.stderr
    assert nasty.assert_consistent(tmp_path / "home") == {}
    assert not (tmp_path / "home" / "records" / f"{DOC}.json").exists()


def test_kill_9_from_outside_during_a_batch(tmp_path):
    """A real `kill -9` of a running `gongkai ingest` over six files, once the first is stored.
    (Copies of one small disclosure under six names: six documents, embeddings from the cache.)"""
    home = tmp_path / "home"
    env = robust_env(home)
    inputs = tmp_path / "in"
    inputs.mkdir()
    names = [f"batch_{i}" for i in range(6)]
    for n in names:
        (inputs / f"{n}.txt").write_bytes((C / f"{DOC}.txt").read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "ingest", "--no-progress", str(inputs)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if json.loads((home / "catalog.json").read_text(encoding="utf-8")):
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    # files are committed a few at a time: killed after some or all were committed (answerable),
    # before all of them had their vectors
    rows = json.loads(gongkai("list", "--json", env=env).stdout)
    assert 1 <= len(rows) <= len(names)
    assert len(rows) < len(names) or any(r["state"] != "embedded" for r in rows), rows

    again = gongkai("ingest", "--no-progress", str(inputs), env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert listed(env) == names
    assert sorted(nasty.assert_consistent(home)) == names


# -- bulk extraction ----------------------------------------------------------------------------
def test_kill_9_during_bulk_extraction_then_resume(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in sorted(C.glob("*.txt")):
        (inputs / p.name).write_bytes(p.read_bytes())
    nasty.make("yuan_txt", inputs)
    nasty.make("gbk_txt", inputs)
    nasty.make("bom_txt", inputs)
    (inputs / "revised.txt").write_text(revised((C / f"{DOC}.txt").read_text(encoding="utf-8")), encoding="utf-8")
    files = sorted(inputs.iterdir())
    out, state = tmp_path / "records.jsonl", tmp_path / "state"
    env = robust_env(tmp_path / "home")
    cmd = [sys.executable, "-m", "gongkai", "extract", str(inputs), "--format", "jsonl", "-o", str(out),
           "--state", str(state), "--workers", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    results = state / "results"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if results.is_dir() and len(list(results.glob("*.json"))) >= 2:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "bulk extraction finished before it could be killed"
    done_at_kill = len(list(results.glob("*.json")))
    assert 2 <= done_at_kill < len(files) and not out.exists()

    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    summary = again.stderr.strip().splitlines()
    assert any(f"{len(files)} files: {len(files) - done_at_kill} extracted, {done_at_kill} already done, 0 failed"
               in l for l in summary), again.stderr[-2000:]
    records = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(r["path"]).name for r in records) == sorted(f.name for f in files)  # none lost, none twice
    from ingest.document import sha256_file

    for r in records:
        assert r["sha256"] == sha256_file(inputs / Path(r["path"]).name)
        assert r["expenditure"]["total"]["value"] is not None
    assert len(list(results.glob("*.json"))) == len(files)


# -- a deleted or corrupted index --------------------------------------------------------------
@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """Two documents ingested once; each test below copies this home and damages its copy."""
    home = tmp_path_factory.mktemp("reindex") / "home"
    env = robust_env(home)
    second = home.parent / "second.txt"  # the same disclosure under another name: embeddings cached
    second.write_bytes((C / f"{DOC}.txt").read_bytes())
    run = gongkai("ingest", "--no-progress", str(C / f"{DOC}.txt"), str(second), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    return home, nasty.assert_consistent(home)


def _copy(indexed, tmp_path) -> tuple[Path, dict]:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(indexed[0], home)
    return home, robust_env(home)


def _damage(home: Path, how: str) -> None:
    import shutil

    if how == "deleted":
        shutil.rmtree(home / "chroma")
        shutil.rmtree(home / "index")
    elif how == "corrupted":
        db = home / "chroma" / "chroma.sqlite3"
        db.write_bytes(b"\x00garbage" * 4096)
        for seg in (home / "chroma").glob("*/data_level0.bin"):
            seg.write_bytes(os.urandom(4096))
        for tok in (home / "index" / "tokens").glob("*.json"):
            tok.write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize("how", ["deleted", "corrupted"])
def test_damaged_index_is_reported_and_rebuilt_by_reindex(indexed, tmp_path, how):
    home, env = _copy(indexed, tmp_path)
    _damage(home, how)
    broken = gongkai("search", "三公经费", "--json", env=env)
    assert "Traceback" not in broken.stderr, broken.stderr[-2000:]
    # said plainly, with the command that fixes it
    assert broken.returncode == 1 and "[index_damaged]" in broken.stderr and "gongkai reindex" in broken.stderr
    fixed = gongkai("reindex", "--index-only", "--no-progress", env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert nasty.assert_consistent(home) == indexed[1]
    hits = json.loads(gongkai("search", "三公经费 公务接待费", "-k", "20", "--json", env=env).stdout)
    assert {h["doc"] for h in hits} == set(indexed[1])


def test_full_reindex_rebuilds_documents_chunks_records_and_catalog(indexed, tmp_path):
    import shutil

    home, env = _copy(indexed, tmp_path)
    before = json.loads((home / "records" / f"{DOC}.json").read_text(encoding="utf-8"))
    for d in ("chroma", "index", "records", "chunks"):
        shutil.rmtree(home / d)
    (home / "catalog.json").write_text("{damaged", encoding="utf-8")
    fixed = gongkai("reindex", "--no-progress", env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "reindexed 2 documents" in fixed.stdout
    assert nasty.assert_consistent(home) == indexed[1]
    after = json.loads((home / "records" / f"{DOC}.json").read_text(encoding="utf-8"))
    assert after["sangong"] == before["sangong"] and after["expenditure"] == before["expenditure"]
