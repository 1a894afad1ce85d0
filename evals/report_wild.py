"""Report sections for documents of another province (evals/wild) and for calibration.

- extraction of the real Jiangsu PDFs against their hand-read gold, first run vs now;
- the Jiangsu held-out QA set, first run (evals/wild/first_run_qa.json) vs now;
- calibration: accuracy per confidence band over every set scored, and the confident wrong answers
  (confidence ≥ 0.8 and wrong) — the worst outcome the product has.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "evals" / "wild"
BANDS = [(0.9, 1.01, "≥ 0.9"), (0.8, 0.9, "0.8–0.9"), (0.6, 0.8, "0.6–0.8"), (0.0, 0.6, "< 0.6")]


def extraction() -> dict[str, Any]:
    from evals.wild_eval import load_gold, run_today, score_all, summary

    gold = load_gold(WILD / "jiangsu")
    records, refused = run_today(gold, ROOT / "data" / "wild" / "jiangsu")
    now = summary(score_all(gold, records, refused))
    first = json.loads((WILD / "first_run_extract.json").read_text(encoding="utf-8"))["summary"]
    return {"first": first, "now": now}


def qa(home: Path | None = None) -> tuple[dict[str, Any], list[dict]]:
    """The Jiangsu QA set over the Jiangsu PDFs (ingested into `home`, or a fresh temporary home)."""
    import os
    import tempfile

    from evals.run import gongkai_answerer, ingest_corpus, load_set, run_items
    from evals.score import summarize

    if home is None:
        home = Path(tempfile.mkdtemp(prefix="gongkai-wild-"))
        old = os.environ.get("GONGKAI_HOME")
        os.environ["GONGKAI_HOME"] = str(home)
        try:
            if ingest_corpus(ROOT / "data" / "wild" / "jiangsu", home):
                raise RuntimeError("ingesting data/wild/jiangsu failed")
        finally:
            if old is not None:
                os.environ["GONGKAI_HOME"] = old
    rows = run_items(load_set(WILD / "jiangsu_qa.jsonl"), gongkai_answerer(home))
    first = json.loads((WILD / "first_run_qa.json").read_text(encoding="utf-8"))
    s = summarize(rows)
    ans = [r for r in rows if r.get("answer_value") is not None]
    una = [r for r in rows if r.get("answer_value") is None]
    now = {"n": len(rows), "correct": sum(r["correct"] for r in rows),
           "answerable_correct": sum(r["correct"] for r in ans), "answerable": len(ans),
           "unanswerable_declined": sum(1 for r in una if (r.get("result") or {}).get("declined")),
           "unanswerable": len(una), "confident_wrong": confident_wrong(rows), "by_type": s.get("by_type")}
    return {"first": first, "now": now}, rows


def confident_wrong(rows: list[dict]) -> list[str]:
    return [r["id"] for r in rows if not r.get("correct") and not (r.get("result") or {}).get("declined")
            and ((r.get("result") or {}).get("confidence") or 0) >= 0.8]


def calibration(rows: list[dict]) -> list[dict[str, Any]]:
    """Accuracy per confidence band of the answers given (declines apart)."""
    out = []
    given = [r for r in rows if not (r.get("result") or {}).get("declined")]
    for lo, hi, name in BANDS:
        band = [r for r in given if lo <= ((r.get("result") or {}).get("confidence") or 0) < hi]
        out.append({"band": name, "n": len(band), "correct": sum(r["correct"] for r in band),
                    "accuracy": round(100 * sum(r["correct"] for r in band) / len(band), 1) if band else None})
    declined = [r for r in rows if (r.get("result") or {}).get("declined")]
    out.append({"band": "declined", "n": len(declined), "correct": sum(r["correct"] for r in declined),
                "accuracy": round(100 * sum(r["correct"] for r in declined) / len(declined), 1) if declined else None})
    return out


def markdown(ext: dict | None, wild_qa: dict | None, calib: list[dict] | None, n_sets: int) -> list[str]:
    L: list[str] = []
    if ext:
        f, n = ext["first"], ext["now"]
        L += ["## Real documents of another province: extraction", "",
              "22 real Jiangsu PDFs (`data/wild/jiangsu`: five provincial bodies, 2017–2019, some disclosures in two "
              "files), against gold hand-read from the PDFs by people who had not read the code "
              "(`evals/wild/jiangsu`). The **first run** is the code before any change for these documents "
              "(commit 3896dab); **now** is in-sample (the changes were made looking at them).", "",
              "| | first run | now |", "|---|---|---|",
              f"| files refused | {f['refused']} of {f['files']} | {n['refused']} of {n['files']} |"]
        for k in ("department", "fiscal_year", "doc_kind", "level"):
            L.append(f"| identity: {k} | {f['identity'][k]} | {n['identity'][k]} |")
        L += [f"| standard tables found | {f['tables_found']} | {n['tables_found']} |",
              f"| table totals | {f['table_totals']} | {n['table_totals']} |",
              f"| **core fields** | {f['core_fields']} ({f['core_fields_pct']} %) | **{n['core_fields']} "
              f"({n['core_fields_pct']} %)** |", ""]
    if wild_qa:
        f, n = wild_qa["first"], wild_qa["now"]
        L += ["## Real documents of another province: questions", "",
              f"`evals/wild/jiangsu_qa.jsonl`: {n['n']} questions over the Jiangsu PDFs (lookups, derived, across "
              "years and bodies, text, unanswerable; a quarter in English; short names as journalists write them), "
              "written by someone who had read neither the code nor the other sets.", "",
              "| | first run | now |", "|---|---|---|",
              f"| all | {f['correct']}/{f['n']} | **{n['correct']}/{n['n']}** |",
              f"| answerable (value accuracy) | {f['answerable_correct']}/{f['answerable']} | "
              f"{n['answerable_correct']}/{n['answerable']} |",
              f"| unanswerable declined | {f['unanswerable_declined']}/{n['unanswerable']} | "
              f"{n['unanswerable_declined']}/{n['unanswerable']} |",
              f"| confident wrong (≥ 0.8 and wrong) | {len(f['confident_wrong'])} | {len(n['confident_wrong'])} |", ""]
        if n.get("by_type"):
            L += ["| type | first run | now |", "|---|---|---|"]
            for t, v in n["by_type"].items():
                L.append(f"| {t} | {f['by_type'].get(t, '–')} | {round(v['accuracy'] * v['n'] / 100)}/{v['n']} |")
            L.append("")
    if calib:
        L += ["## Calibration", "",
              f"Every answer of the {n_sets} sets scored above, by the confidence Gongkai gave it: a number should be "
              "shown with high confidence only when it is right. Declines are counted apart (right when the question "
              "is unanswerable).", "",
              "| confidence | answers | correct | accuracy |", "|---|---|---|---|"]
        for c in calib:
            L.append(f"| {c['band']} | {c['n']} | {c['correct']} | {c['accuracy'] if c['accuracy'] is not None else '–'} % |")
        L.append("")
    return L
