"""Synthetic budget disclosures (部门预算公开) with gold records.

`generate(n, out_dir, seed=…)` writes ``text/<doc>.txt`` (template layout, tab-separated tables),
optionally ``pdf/<doc>.pdf`` (reportlab, CJK font, ruled tables continuing across pages) and
``gold/<doc>.json`` (export-JSON shape; evidence = line citations into the text rendering).
Units, regions and projects are composed from generic parts (`names.py`); budgets are consistent
by construction (`model.py`), with optional injected inconsistencies and tables stated in 元.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evals.synth.blocks import build_blocks
from evals.synth.gold import build_gold
from evals.synth.model import Synth, build
from evals.synth.text import render_text


@dataclass
class Generated:
    doc: str
    text: Path
    gold: Path
    pdf: Path | None = None


def make(index: int, seed: int = 0, *, inject_rate: float = 0.0, yuan_rate: float = 0.0) -> tuple[Synth, str, dict]:
    """One synthetic disclosure in memory: (model, text, gold)."""
    s = build(index, seed, inject_rate=inject_rate, yuan_rate=yuan_rate)
    text, marks = render_text(build_blocks(s))
    return s, text, build_gold(s, marks, path=f"{s.doc}.txt")


def generate(n: int, out_dir: str | Path, *, seed: int = 0, pdf: bool = False, inject_rate: float = 0.0,
             yuan_rate: float = 0.0, start: int = 0) -> list[Generated]:
    out = Path(out_dir)
    for sub in ("text", "gold") + (("pdf",) if pdf else ()):
        (out / sub).mkdir(parents=True, exist_ok=True)
    made: list[Generated] = []
    for i in range(start, start + n):
        s, text, gold = make(i, seed, inject_rate=inject_rate, yuan_rate=yuan_rate)
        tpath = out / "text" / f"{s.doc}.txt"
        tpath.write_text(text, encoding="utf-8")
        gold["path"] = str(tpath)
        gpath = out / "gold" / f"{s.doc}.json"
        gpath.write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
        g = Generated(s.doc, tpath, gpath)
        if pdf:
            from evals.synth.pdf import render_pdf

            g.pdf = render_pdf(build_blocks(s), out / "pdf" / f"{s.doc}.pdf", title=f"{s.unit}{s.year}年部门预算公开")
        made.append(g)
    return made
