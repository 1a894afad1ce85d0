"""QA on generated disclosures never seen in development (evals/synth + evals/synth_qa templates).

    python bench/qa_synth.py [N_DOCS] [SEED]      # default 8 documents, seed 41

Generates the documents and the templated QA set under a temp dir, ingests them into a fresh
$GONGKAI_HOME and scores `qa.api.ask` with `gongkai eval run` (same path as the CLI).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import gongkai  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    from evals.synth_qa import make_set

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 41
    work = Path(tempfile.mkdtemp(prefix="gk-qa-synth-"))
    text_dir, qa_set = make_set(n, work / "gen", seed=seed)
    env = dict(os.environ, GONGKAI_HOME=str(work / "home"))
    cmd = [sys.executable, "-m", "gongkai.cli", "eval", "run", str(qa_set), "--corpus", str(text_dir),
           "--out", str(work / "results.jsonl")]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, text=True, capture_output=True, check=False)
    print("\n".join(l for l in proc.stdout.splitlines() if not l.startswith("ingested")))
    print(f"(documents, set and per-item results under {work})")
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
