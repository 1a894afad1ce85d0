"""Bulk extraction throughput and resumability on the sample corpus replicated to N files.

    python bench/extract_bulk.py [--copies 50] [--workers 2] [--executor process|thread|dask]

Copies the four samples N times under a temporary directory (each copy a distinct path), runs
`extract.bulk.run` with a fresh state directory, reports files/s; then reruns (everything is
already done: measures the resume path), and kills a third run halfway to show that the next run
finishes without duplicates. Memory: peak resident set of this process and its worker processes
during the first run, sampled every 20 ms (sum over the tree, and the largest single process); CPU
seconds per file (independent of other load on the machine) and the 1-minute load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gongkai  # noqa: E402,F401


def replicate(n: int, dest: Path) -> list[Path]:
    files = sorted((ROOT / "data" / "corpus").glob("*.txt"))
    out = []
    for i in range(n):
        for f in files:
            p = dest / f"c{i:03d}" / f.name
            p.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, p)
            out.append(p)
    return out


class MemoryPeak:
    """Samples the RSS of this process and all its descendants in a thread until stopped."""

    def __init__(self, interval: float = 0.02) -> None:
        import threading

        self.interval, self.total, self.single = interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            rss = []
            for p in [me, *me.children(recursive=True)]:
                try:
                    rss.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            self.total, self.single = max(self.total, sum(rss)), max(self.single, max(rss))
            self._stop.wait(self.interval)

    def __enter__(self) -> "MemoryPeak":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its exited children."""
    import resource

    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--executor", default="process")
    ap.add_argument("--scheduler")
    args = ap.parse_args(argv)
    from extract import bulk

    tmp = Path(tempfile.mkdtemp(prefix="gk-bulk-"))
    try:
        files = replicate(args.copies, tmp / "corpus")
        ex = bulk.make_executor(args.executor, args.workers, args.scheduler) if args.executor != "process" else None
        cpu0 = cpu_seconds()
        with MemoryPeak() as mem:
            t0 = time.perf_counter()
            st = bulk.run([tmp / "corpus"], tmp / "state", executor=ex, workers=args.workers, progress=False)
            t1 = time.perf_counter()
        cpu = cpu_seconds() - cpu0  # includes the pool's workers once they have exited
        again = bulk.run([tmp / "corpus"], tmp / "state", executor=ex, workers=args.workers, progress=False)
        t2 = time.perf_counter()
        if ex is not None:
            ex.shutdown()
        ok = sum(s.status == "ok" for s in st)
        cached = sum(s.status == "cached" for s in again)
        # kill a run halfway, then resume
        state2 = tmp / "state2"
        cmd = [sys.executable, "-m", "gongkai", "extract", str(tmp / "corpus"), "--state", str(state2),
               "--workers", str(args.workers), "--no-progress", "-o", str(tmp / "out.jsonl"), "--format", "jsonl"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        while len(list((state2 / "results").glob("*.json"))) < len(files) // 3 if (state2 / "results").exists() else True:
            time.sleep(0.05)
            if proc.poll() is not None:
                break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        done_before = len(list((state2 / "results").glob("*.json")))
        t3 = time.perf_counter()
        resumed = bulk.run([tmp / "corpus"], state2, workers=args.workers, progress=False)
        t4 = time.perf_counter()
        result = {
            "files": len(files), "workers": args.workers, "executor": args.executor,
            "first_run_s": round(t1 - t0, 2), "files_per_s": round(len(files) / (t1 - t0), 2),
            "files_per_min": round(60 * len(files) / (t1 - t0)), "ok": ok,
            "cpu_s_per_file": round(cpu / len(files), 3), "load_avg_1min": round(os.getloadavg()[0], 1),
            "peak_rss_tree_mb": round(mem.total / 2**20), "peak_rss_largest_process_mb": round(mem.single / 2**20),
            "rerun_s": round(t2 - t1, 2), "rerun_cached": cached,
            "killed_after": done_before, "resume_s": round(t4 - t3, 2),
            "resume_cached": sum(s.status == "cached" for s in resumed),
            "resume_extracted": sum(s.status == "ok" for s in resumed),
            "result_files": len(list((state2 / "results").glob("*.json"))),
        }
        print(json.dumps(result, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
