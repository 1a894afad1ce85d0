"""Synthetic budget disclosures (部门预算公开) and final accounts (部门决算) with gold records.

`generate(n, out_dir, seed=…)` writes ``text/<doc>.txt`` (template layout, tab-separated tables),
optionally ``pdf/<doc>.pdf`` (reportlab, CJK font, ruled tables continuing across pages) and
``gold/<doc>.json`` (export-JSON shape; evidence = line citations into the text rendering).
Units, regions and projects are composed from generic parts (`names.py`); budgets are consistent
by construction (`model.py`), with optional injected inconsistencies and tables stated in 元.

Variants (all reproducible by seed; without them the output is the original template layout):
- `layout=` a preset or combination (`layout.PRESETS`: labels, label/title/issuer arrangement,
  Jiangsu wordings and table set, thousands separators, tables-first, joined codes, province /
  street bodies, 单位预算), or `layouts="mixed"`: every dimension drawn per document;
- `kind="final"` or `kinds="mixed"`: 部门决算 (final accounts, `final.py`);
- `split=True`: each disclosure as two files, …公开文件 (narrative) and …公开表 (tables), each with
  its own gold (`"half": "text" | "tables"`).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from evals.synth.blocks import build_blocks
from evals.synth.gold import build_gold
from evals.synth.layout import Layout, mixed, parse
from evals.synth.model import Synth, build
from evals.synth.text import render_text

KINDS = ("budget", "final")


@dataclass
class Generated:
    doc: str
    text: Path
    gold: Path
    pdf: Path | None = None
    half: str = "whole"
    kind: str = "budget"


def choose(index: int, seed: int, *, layout: Layout | str | None = None, layouts: str | None = None,
           kind: str = "budget", kinds: str | None = None) -> tuple[Layout, str]:
    """The layout and kind of document `index` (drawn from their own random streams, so the numbers
    of a document do not depend on them)."""
    if layouts == "mixed":
        lay = mixed(random.Random(f"layout:{seed}:{index}"))
    elif layouts not in (None, "", "off", "template"):
        raise ValueError(f"layouts: mixed or off, not {layouts!r}")
    elif isinstance(layout, str):
        lay = parse(layout)
    else:
        lay = layout or Layout()
    if kinds == "mixed":
        kind = random.Random(f"kind:{seed}:{index}").choice(KINDS)
    elif kinds not in (None, "", "off"):
        raise ValueError(f"kinds: mixed or off, not {kinds!r}")
    if kind not in KINDS:
        raise ValueError(f"kind: one of {', '.join(KINDS)}, not {kind!r}")
    return lay, kind


def model(index: int, seed: int = 0, *, inject_rate: float = 0.0, yuan_rate: float = 0.0, **variant) -> Synth:
    lay, kind = choose(index, seed, **variant)
    s = build(index, seed, inject_rate=inject_rate, yuan_rate=yuan_rate, layout=lay)
    if kind == "final":
        from evals.synth.final import finalize

        s = finalize(s)
    return s


def _gold(s: Synth, marks, *, path: str, half: str = "whole", doc: str | None = None) -> dict:
    if s.kind == "final":
        from evals.synth.final import final_gold

        return final_gold(s, marks, path=path, half=half, doc=doc)
    return build_gold(s, marks, path=path, half=half, doc=doc)


def make(index: int, seed: int = 0, *, inject_rate: float = 0.0, yuan_rate: float = 0.0, **variant) -> tuple[Synth, str, dict]:
    """One synthetic disclosure in memory: (model, text, gold). `variant`: layout=, layouts=, kind=, kinds=."""
    s = model(index, seed, inject_rate=inject_rate, yuan_rate=yuan_rate, **variant)
    text, marks = render_text(build_blocks(s), s.layout)
    return s, text, _gold(s, marks, path=f"{s.doc}.txt")


def half_name(s: Synth, half: str) -> str:
    """The file stem of one half of a split disclosure: <doc>_部门预算公开文件 / <doc>_部门预算公开表."""
    word = f"{s.layout.publisher}{'决算' if s.kind == 'final' else '预算'}"
    return f"{s.doc}_{word}{'公开文件' if half == 'text' else '公开表'}"


def make_halves(index: int, seed: int = 0, *, inject_rate: float = 0.0, yuan_rate: float = 0.0,
                **variant) -> tuple[Synth, list[tuple[str, str, str, dict]]]:
    """A disclosure published as two files: (model, [(half, doc, text, gold) for text, tables])."""
    s = model(index, seed, inject_rate=inject_rate, yuan_rate=yuan_rate, **variant)
    out = []
    for half in ("text", "tables"):
        doc = half_name(s, half)
        text, marks = render_text(build_blocks(s, half), s.layout)
        out.append((half, doc, text, _gold(s, marks, path=f"{doc}.txt", half=half, doc=doc)))
    return s, out


def _pdf_title(s: Synth) -> str:
    if s.kind == "final":
        return f"{s.unit}{s.year}年度{s.layout.publisher}决算"
    return f"{s.unit}{s.year}年{s.layout.publisher}预算公开"


def generate(n: int, out_dir: str | Path, *, seed: int = 0, pdf: bool = False, inject_rate: float = 0.0,
             yuan_rate: float = 0.0, start: int = 0, layout: Layout | str | None = None, layouts: str | None = None,
             kind: str = "budget", kinds: str | None = None, split: bool = False) -> list[Generated]:
    """Write n disclosures (2n files with `split`); returns one `Generated` per file written."""
    out = Path(out_dir)
    for sub in ("text", "gold") + (("pdf",) if pdf else ()):
        (out / sub).mkdir(parents=True, exist_ok=True)
    variant = {"layout": layout, "layouts": layouts, "kind": kind, "kinds": kinds}
    made: list[Generated] = []

    def write(s: Synth, doc: str, text: str, gold: dict, half: str) -> None:
        tpath = out / "text" / f"{doc}.txt"
        tpath.write_text(text, encoding="utf-8")
        gold["path"] = str(tpath)
        gpath = out / "gold" / f"{doc}.json"
        gpath.write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
        g = Generated(doc, tpath, gpath, half=half, kind=s.kind)
        if pdf:
            from evals.synth.pdf import render_pdf

            g.pdf = render_pdf(build_blocks(s, half), out / "pdf" / f"{doc}.pdf", title=_pdf_title(s), layout=s.layout)
        made.append(g)

    for i in range(start, start + n):
        if split:
            s, halves = make_halves(i, seed, inject_rate=inject_rate, yuan_rate=yuan_rate, **variant)
            for half, doc, text, gold in halves:
                write(s, doc, text, gold, half)
        else:
            s, text, gold = make(i, seed, inject_rate=inject_rate, yuan_rate=yuan_rate, **variant)
            write(s, s.doc, text, gold, "whole")
    return made
