"""Extraction accuracy on synthetic disclosures never seen during development (evals/synth).

    python bench/extract_synth.py [--n 30] [--pdf] [--seed 7] [--inject 0.3] [--yuan 0.3]

Generates N disclosures (text, or PDF rendered with reportlab and read back through ingest), some with
injected inconsistencies and tables stated in 元, extracts each and compares with the generator's gold
(same comparison as bench/extract_accuracy.py). Prints accuracy, time per document and the most
frequent misses.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gongkai  # noqa: E402,F401


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--pdf", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--inject", type=float, default=0.3)
    ap.add_argument("--yuan", type=float, default=0.3)
    args = ap.parse_args(argv)
    from evals.synth import generate
    from extract.api import extract_path
    from extract_accuracy import compare

    out = tempfile.mkdtemp(prefix="gk-synth-")
    gens = generate(args.n, out, seed=args.seed, pdf=args.pdf, inject_rate=args.inject, yuan_rate=args.yuan)
    fields = correct = 0
    misses: collections.Counter = collections.Counter()
    times = []
    for g in gens:
        t0 = time.perf_counter()
        rec = extract_path(g.pdf if args.pdf else g.text)
        times.append(time.perf_counter() - t0)
        c = compare(json.loads(g.gold.read_text(encoding="utf-8")), rec)
        fields += c["fields"]
        correct += c["correct"]
        for w in c["wrong"]:
            misses[w["path"]] += 1
    print(json.dumps({"docs": len(gens), "input": "pdf" if args.pdf else "text", "fields": fields,
                      "correct": correct, "accuracy": round(correct / max(fields, 1), 4),
                      "seconds_per_doc": round(sum(times) / len(times), 3),
                      "top_misses": misses.most_common(10)}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
