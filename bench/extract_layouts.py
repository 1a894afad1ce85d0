"""Extraction under layout perturbations of the samples (robustness to layouts not in the corpus).

    python bench/extract_layouts.py

untab: tab cells → spaces (blank cells vanish; parts placed by arithmetic);
wrap: every non-tab line cut at 24 characters (names, sentences and some numbers split over lines);
reverse: coded rows printed right to left, run together (``239.08239.08行政运行011521 0`` style).
Accuracy is against the hand-built gold (bench/extract_accuracy.py comparison).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gongkai  # noqa: E402,F401

CORPUS = ROOT / "data" / "corpus"
DOCS = ["001_4e595076af774e23", "002_77eafa45268ff922", "003_ed059d2f5e2a2cf7", "004_479787b2eb065ad4"]


def untab(t: str) -> str:
    return "\n".join(re.sub(r"\t+", "  ", line) for line in t.split("\n"))


def wrap(t: str, n: int = 24) -> str:
    out = []
    for line in t.split("\n"):
        if "\t" in line or len(line) <= n:
            out.append(line)
        else:
            out += [line[i : i + n] for i in range(0, len(line), n)]
    return "\n".join(out)


def reverse_rows(t: str) -> str:
    out = []
    for line in t.split("\n"):
        m = re.match(r"^\s*(\d{3}(?: \d{2}){0,2}) (\S+) ([\d. ]+)\s*$", line)
        if m:
            out.append("".join(reversed(m.group(3).split())) + m.group(2) + "".join(reversed(m.group(1).split())))
            continue
        m = re.match(r"^\s*(合\s*计) ([\d. ]+)\s*$", line)
        out.append("".join(reversed(m.group(2).split())) + m.group(1) if m else line)
    return "\n".join(out)


def main() -> int:
    from extract.api import extract_path
    from extract_accuracy import compare

    results = []
    for name, fn, docs in (("untab", untab, DOCS[:1]), ("wrap", wrap, DOCS), ("reverse", reverse_rows, DOCS[2:])):
        for doc in docs:
            tmp = Path(tempfile.mkdtemp()) / f"{doc}.txt"
            tmp.write_text(fn((CORPUS / f"{doc}.txt").read_text(encoding="utf-8")), encoding="utf-8")
            rec = extract_path(tmp)
            rec["doc"] = doc
            c = compare(json.loads((ROOT / "evals" / "gold" / f"{doc}.json").read_text(encoding="utf-8")), rec)
            results.append({"perturbation": name, "doc": doc, "correct": c["correct"], "fields": c["fields"]})
            print(f"{name:8} {doc}  {c['correct']}/{c['fields']} = {c['correct'] / c['fields']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
