"""Shared helpers for the scale benchmarks: machine description, timers, synthetic corpora."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / ".cache"

import gongkai  # noqa: E402,F401  (offline environment)


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}", "loadavg_1m_at_start": load}


def pctl(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def p50(values):
    return statistics.median(values) if values else float("nan")


def timed(fn, *args, **kw) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def synth_corpus(n: int, out: Path, *, seed: int = 100, pdf: bool = False) -> Path:
    """n synthetic documents under `out` (cached: reused when already there)."""
    from evals.synth import generate

    have = len(list((out / ("pdf" if pdf else "text")).glob("*"))) if out.exists() else 0
    if have < n:
        generate(n - have, out, seed=seed, pdf=pdf, start=have, inject_rate=0.1, yuan_rate=0.1)
    return out


def run_py(code: str, env: dict | None = None, cwd: Path | None = None) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=cwd or ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
