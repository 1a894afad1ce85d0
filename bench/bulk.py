"""Bulk extraction throughput (documents/minute) at 1 and 2 worker processes, memory peak, and the
projected time for 10^5 documents; the completion curve gives time vs corpus size.

Each configuration runs in a fresh child process (`--one`) so its memory figures are its own:
peak RSS of the parent and of the largest worker (getrusage). Documents are synthetic disclosures
(text rendering; `--pdf N` adds a PDF run on N rendered PDFs).

    python bench/bulk.py [--docs 1000] [--workers 1,2] [--pdf 20]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CACHE, synth_corpus  # noqa: E402


def _tree_rss_mb(root: int) -> tuple[float, float]:
    """(sum, largest) resident set in MB over `root` and all its descendants, from /proc."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kb = next(int(l.split()[1]) for l in (d / "status").read_text().splitlines() if l.startswith("VmRSS:"))
        except (OSError, StopIteration, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = kb
    todo, seen = [root], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += kids.get(p, [])
    vals = [rss.get(p, 0) for p in seen]
    return sum(vals) / 1024, max(vals, default=0) / 1024


class _Sampler(threading.Thread):
    """Peak RSS of this process tree (the pool's workers included), sampled every 50 ms."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.peak_sum, self.peak_one = threading.Event(), 0.0, 0.0

    def run(self):
        while not self.stop.is_set():
            total, big = _tree_rss_mb(os.getpid())
            self.peak_sum, self.peak_one = max(self.peak_sum, total), max(self.peak_one, big)
            self.stop.wait(0.05)


def one(src: Path, workers: int) -> dict:
    from extract import bulk

    state = Path(tempfile.mkdtemp(prefix="gk-bulk-state-"))
    sampler = _Sampler()
    try:
        sampler.start()
        t0 = time.time()
        statuses = bulk.run([src], state, workers=workers, progress=False)
        wall = time.time() - t0
        sampler.stop.set()
        sampler.join()
        done = sorted(os.path.getmtime(p) - t0 for p in (state / "results").glob("*.json"))
        ok = sum(s.status == "ok" for s in statuses)
        failed = [(Path(s.path).name, s.reason) for s in statuses if s.status == "failed"][:5]
        self_ru, kids_ru = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        me, kids = self_ru.ru_maxrss / 1024, kids_ru.ru_maxrss / 1024
        # CPU seconds: the pool's workers (and their parse children) are reaped by now
        cpu_workers = kids_ru.ru_utime + kids_ru.ru_stime
        cpu_parent = self_ru.ru_utime + self_ru.ru_stime
        n = len(statuses)
        curve = [[k, round(done[k - 1], 2)] for k in sorted({max(1, n // 10) * j for j in range(1, 11)} | {n}) if 0 < k <= len(done)]
        return {"docs": n, "ok": ok, "failed": failed, "workers": workers, "wall_s": round(wall, 2),
                "docs_per_min": round(n / wall * 60, 1), "peak_rss_tree_mb": round(sampler.peak_sum),
                "peak_rss_largest_process_mb": round(sampler.peak_one),
                "parent_maxrss_mb": round(me), "children_maxrss_mb": round(kids),
                "projected_1e5_hours": round(1e5 / (n / wall) / 3600, 2), "curve_docs_s": curve,
                "cpu_s_workers": round(cpu_workers, 1), "cpu_s_parent": round(cpu_parent, 1),
                "cpu_s_per_doc": round((cpu_workers + cpu_parent) / max(n, 1), 3),
                # what an unshared machine would do with `workers` cores busy on this work
                "projected_1e5_hours_from_cpu": round(1e5 * (cpu_workers + cpu_parent) / max(n, 1) / workers / 3600, 2)}
    finally:
        shutil.rmtree(state, ignore_errors=True)


def run(docs: int = 1000, workers=(1, 2), pdf: int = 0) -> dict:
    src = synth_corpus(docs, CACHE / f"synth_bulk_{docs}")
    out: dict = {"text": {}, "pdf": {}}
    for w in workers:
        res = subprocess.run([sys.executable, __file__, "--one", str(src / "text"), "--workers", str(w)],
                             capture_output=True, text=True, check=True)
        out["text"][str(w)] = json.loads(res.stdout)
        print(json.dumps({"text": {w: out["text"][str(w)]}}), file=sys.stderr)
    if pdf:
        psrc = synth_corpus(pdf, CACHE / f"synth_bulk_pdf_{pdf}", pdf=True)
        pages = _pages(psrc / "pdf")
        for w in workers:
            res = subprocess.run([sys.executable, __file__, "--one", str(psrc / "pdf"), "--workers", str(w)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(res.stdout)
            r["pages"] = pages
            r["pages_per_s"] = round(pages / r["wall_s"], 2)
            out["pdf"][str(w)] = r
            print(json.dumps({"pdf": {w: r}}), file=sys.stderr)
    return out


def _pages(d: Path) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(str(p))) for p in d.glob("*.pdf"))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--pdf", type=int, default=0)
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(Path(a.one), int(a.workers))))
    else:
        res = json.dumps(run(a.docs, tuple(int(x) for x in a.workers.split(",")), a.pdf), indent=1)
        if a.out:
            a.out.write_text(res, encoding="utf-8")
        print(res)
