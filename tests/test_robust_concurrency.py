"""Concurrency: two `gongkai ingest` runs at once (sharing one file) while a long-running reader —
the UI's backend: warm qa + warm hybrid search, as `gongkai ui` holds them — keeps answering.
Nothing may be corrupted, both runs complete, and the reader sees the new documents."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import nasty
from test_robust_inputs import gongkai, robust_env

ROOT = Path(__file__).resolve().parent.parent
C = nasty.CORPUS
FIRST = "001_4e595076af774e23"
# Copies of one small disclosure under new names: distinct documents whose embeddings come from the
# shared cache, so the test measures locking, not embedding speed.
RUN_A = ["unit_a", "shared"]
RUN_B = ["shared", "unit_b"]  # one file in both runs
NEW = sorted(set(RUN_A) | set(RUN_B))

# The reader process: what the UI process does between requests (ui.backend.warm, then asks and
# searches with warm in-process state). It runs until STOP exists, then reports.
READER = r"""
import json, sys, time, traceback
from pathlib import Path
import gongkai
home, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
from ui import backend
from ingest.search import search
backend.warm(home)
conv = backend.conversation(home)
rounds, errors = 0, []
print("ready", flush=True)
while not stop.exists():
    try:
        hits = search("三公经费 公务接待费", k=20, home=home)
        assert hits, "no hits"
        ans = conv.ask("三公经费预算是多少？")
        assert ans.get("citations") or ans.get("declined"), ans
        rounds += 1
    except Exception:
        errors.append(traceback.format_exc()[-1500:])
    time.sleep(0.05)
seen = {}
for doc in json.loads(sys.argv[4]):
    hits = search("单位收支总体情况表 收入总计", k=5, home=home, docs=[doc], mode="dense")
    seen[doc] = [h.chunk.doc for h in hits]
out.write_text(json.dumps({"rounds": rounds, "errors": errors, "dense_seen": seen}), encoding="utf-8")
"""


def test_two_ingests_and_a_running_reader(tmp_path):
    home = tmp_path / "home"
    env = robust_env(home)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in NEW:
        (inputs / f"{name}.txt").write_bytes((C / f"{FIRST}.txt").read_bytes())
    first = gongkai("ingest", str(C / f"{FIRST}.txt"), env=env)
    assert first.returncode == 0, first.stdout + first.stderr

    stop, report = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(home), str(stop), str(report), json.dumps(NEW)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready", reader.stderr.read()
        cmd = [sys.executable, "-m", "gongkai", "ingest", "--no-progress"]
        runs = [subprocess.Popen(cmd + [str(inputs / f"{d}.txt") for d in docs], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for docs in (RUN_A, RUN_B)]
        outs = [r.communicate(timeout=300) for r in runs]
        time.sleep(0.5)  # let the reader do a round against the final state
        stop.touch()
        reader.wait(timeout=120)
    finally:
        for p in [reader] + locals().get("runs", []):
            if p.poll() is None:
                p.kill()
    for run, (out, err) in zip(runs, outs):
        assert run.returncode == 0, out + err
        assert "Traceback" not in err, err
        assert "2 files:" in out.splitlines()[-1], out
    # "shared" was in both runs: one of them ingested it, the other found it stored (same content)
    statuses = [line.split()[0] for out, _ in outs for line in out.splitlines() if line.split()[1:2] == ["shared"]]
    assert sorted(statuses) == ["ingested", "unchanged"], outs

    assert reader.returncode == 0, reader.stderr.read()[-3000:]
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["errors"] == [] and rep["rounds"] >= 1, rep
    # the reader's warm index (opened before the ingests) serves the new documents' vectors
    for doc in NEW:
        assert rep["dense_seen"][doc] and set(rep["dense_seen"][doc]) == {doc}, rep["dense_seen"]

    counts = nasty.assert_consistent(home)
    assert sorted(counts) == sorted([FIRST] + NEW)
    listed = json.loads(gongkai("list", "--json", env=env).stdout)
    assert sorted(e["doc"] for e in listed) == sorted([FIRST] + NEW)
    for doc in [FIRST] + NEW:
        rec = json.loads((home / "records" / f"{doc}.json").read_text(encoding="utf-8"))
        assert rec["doc"] == doc and rec["expenditure"]["total"]["value"] is not None
