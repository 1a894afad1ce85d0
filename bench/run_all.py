"""Run the scale benchmarks one after another (never concurrently: they time each other otherwise),
keep each one's JSON under bench/.cache/results/, draw the growth plot (bench/scale.png) and rewrite
the generated part of bench/RESULTS.md (text outside the GENERATED markers is kept).

    python bench/run_all.py            # full sizes (about an hour on 2 cores)
    python bench/run_all.py --quick    # small sizes (a few minutes), reported under bench/.cache/quick/
    python bench/run_all.py --only pdf,retrieval --report-only ...

`make bench` runs the full mode. Sizes can be set per bench (see --help).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import CACHE, machine  # noqa: E402

RESULTS = CACHE / "results"
FULL = {"pdf": ["--docs", "3", "--repeats", "3"],
        "retrieval": ["--sizes", "1000,10000,100000", "--queries", "100"],
        "ask": ["--extra", "0,100,300", "--cold", "5"],
        "bulk": ["--docs", "1000", "--workers", "1,2", "--pdf", "20"],
        "ingest": ["--synth", "1000", "--embed-docs", "20"]}
QUICK = {"pdf": ["--docs", "1", "--repeats", "1"],
         "retrieval": ["--sizes", "300,1000", "--queries", "20"],
         "ask": ["--extra", "0,10", "--cold", "2"],
         "bulk": ["--docs", "20", "--workers", "1,2", "--pdf", "2"],
         "ingest": ["--quick"]}
SCRIPTS = {"pdf": "pdf_overhead.py", "retrieval": "retrieval.py", "ask": "ask.py", "bulk": "bulk.py",
           "ingest": "ingest_scale.py"}


def run_one(name: str, args: list[str], results: Path = RESULTS) -> dict:
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"{name}.json"
    log = results / f"{name}.log"
    cmd = [sys.executable, str(HERE / SCRIPTS[name]), *args]
    t, load0 = time.time(), round(os.getloadavg()[0], 2)
    with open(log, "w") as lf:
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=lf, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{name} failed (exit {res.returncode}); see {log}")
    data = json.loads(res.stdout)
    data["_meta"] = {"args": args, "wall_s": round(time.time() - t, 1), "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "loadavg_1m_at_start": load0, "loadavg_1m_at_end": round(os.getloadavg()[0], 2)}
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{name}: {data['_meta']['wall_s']} s -> {out}", file=sys.stderr)
    return data


def load(name: str) -> dict | None:
    p = RESULTS / f"{name}.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every bench")
    ap.add_argument("--only", default="pdf,retrieval,ask,bulk,ingest")
    ap.add_argument("--report-only", action="store_true", help="no runs: redraw plot + RESULTS.md from saved JSON")
    for name in SCRIPTS:
        ap.add_argument(f"--{name}-args", help=f"override the arguments of bench/{SCRIPTS[name]}")
    a = ap.parse_args()
    sizes = QUICK if a.quick else FULL
    # a quick run never overwrites the committed results: it reports under bench/.cache/quick/
    results = CACHE / "quick" if a.quick else RESULTS
    md, png = (results / "RESULTS.md", results / "scale.png") if a.quick else (HERE / "RESULTS.md", HERE / "scale.png")
    mach = machine()
    if not a.report_only:
        results.mkdir(parents=True, exist_ok=True)
        (results / "machine.json").write_text(json.dumps(mach, indent=1), encoding="utf-8")
        for name in a.only.split(","):
            override = getattr(a, f"{name}_args")
            run_one(name, override.split() if override else sizes[name], results)
    import report

    report.write(results, md, png)
    if (results / "ingest.json").exists():  # issue 17's section (bench/ingest_scale.py)
        report.write_ingest(results / "ingest.json", md)
    print(f"report: {md}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
