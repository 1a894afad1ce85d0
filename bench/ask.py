"""`ask` latency: warm in-process p50/p95 over the eval questions (no LLM), cold `gongkai ask` start,
and how warm latency grows when the library holds more documents.

The home holds the four sample disclosures (ingested with the full hybrid index; embeddings come
from the shared cache). Growth: synthetic disclosures are added with their records (extraction)
but without dense vectors (embedding thousands of chunks on 2 CPU cores takes hours; retrieval cost
vs index size is measured by bench/retrieval.py), then the same questions are timed again.

    python bench/ask.py [--extra 0,100,1000] [--cold 5] [--out file.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CACHE, ROOT, p50, pctl, synth_corpus  # noqa: E402

os.environ.setdefault("GONGKAI_EMBED_CACHE", str(Path(tempfile.gettempdir()) / "gongkai-embed-cache"))
QA = ROOT / "evals" / "sets" / "qa.jsonl"
COLD_QUESTIONS = ["轮台县医保局2024年三公经费是多少？", "哪家医保局的政府采购预算最高？", "伽师医保局项目支出占总支出的比例？"]


def questions() -> list[str]:
    return [json.loads(l)["question"] for l in QA.read_text(encoding="utf-8").splitlines() if l.strip()]


def warm_latency(home: Path, qs: list[str]) -> dict:
    from qa.api import ask

    for q in qs:  # warm: records, vocabulary, documents, retrieval index, embedder
        ask(q, home=home)
    lat, cpu, routes = [], [], {}
    for q in qs:
        t, c = time.perf_counter(), time.process_time()
        r = ask(q, home=home)
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        key = r["route"] + ("/declined" if r["declined"] else "")
        routes.setdefault(key, []).append(lat[-1])
    return {"questions": len(qs), "p50_ms": round(p50(lat) * 1000, 1), "p95_ms": round(pctl(lat, .95) * 1000, 1),
            "max_ms": round(max(lat) * 1000, 1), "cpu_p50_ms": round(p50(cpu) * 1000, 1),
            "cpu_p95_ms": round(pctl(cpu, .95) * 1000, 1),
            "by_route": {k: {"n": len(v), "p50_ms": round(p50(v) * 1000, 1), "p95_ms": round(pctl(v, .95) * 1000, 1)}
                         for k, v in sorted(routes.items())}}


def cold_start(home: Path, runs: int) -> dict:
    env = dict(os.environ, GONGKAI_HOME=str(home))
    times, ok = [], 0
    for i in range(runs):
        q = COLD_QUESTIONS[i % len(COLD_QUESTIONS)]
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "gongkai", "ask", q, "--json"], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        ok += r.returncode == 0 and bool(json.loads(r.stdout or "{}").get("answer"))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gongkai"], cwd=ROOT, env=env, check=True)
    bare = time.perf_counter() - t
    return {"runs": runs, "answered": ok, "median_s": round(statistics.median(times), 2),
            "max_s": round(max(times), 2), "python_import_gongkai_s": round(bare, 2)}


def run(extra=(0, 100), cold: int = 5) -> dict:
    from ingest.service import ingest_paths

    home = Path(tempfile.mkdtemp(prefix="gk-ask-bench-")) / "home"
    qs = questions()
    try:
        t = time.perf_counter()
        res = ingest_paths([ROOT / "data" / "corpus"], home, progress=False)
        assert all(r.ok for r in res), [r.message for r in res if not r.ok]
        out: dict = {"ingest_samples_s": round(time.perf_counter() - t, 1), "cold": cold_start(home, cold), "growth": []}
        have = 0
        for n in sorted(extra):
            if n > have:
                src = synth_corpus(n, CACHE / f"synth_ask_{n}", seed=900)
                # only the documents not yet added
                files = sorted((src / "text").glob("*.txt"))[have:n]
                tmp = Path(tempfile.mkdtemp(prefix="gk-ask-add-"))
                for f in files:
                    shutil.copy(f, tmp / f.name)
                t = time.perf_counter()
                res = ingest_paths([tmp], home, progress=False, index=False)
                out.setdefault("ingest_extra", []).append({"docs": len(files), "s": round(time.perf_counter() - t, 1),
                                                           "failed": sum(not r.ok for r in res)})
                shutil.rmtree(tmp, ignore_errors=True)
                have = n
            row = {"documents": 4 + n, **warm_latency(home, qs)}
            out["growth"].append(row)
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
        out["warm"] = out["growth"][0]
        return out
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra", default="0,100", help="synthetic documents added for the growth curve")
    ap.add_argument("--cold", type=int, default=5)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    res = json.dumps(run(tuple(int(x) for x in a.extra.split(",")), a.cold), ensure_ascii=False, indent=1)
    if a.out:
        a.out.write_text(res, encoding="utf-8")
    print(res)
