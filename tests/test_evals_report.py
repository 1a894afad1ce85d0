"""The report renderer: side-by-side tables, the four plots as PNGs drawn with the CJK font, the
extraction section per document with the validator's agreement."""

from __future__ import annotations

import json
from pathlib import Path

from evals.extract_eval import evaluate
from evals.report import ROOT, _plt, plot_abstention, plot_citations, plot_latency, plot_tiers, render_markdown
from evals.run import run_items
from evals.score import summarize

GOLD = ROOT / "evals" / "gold"
J = "001_4e595076af774e23.txt"
ITEMS = [
    {"id": "a", "question": "伽师三公经费？", "answer_value": 2.22, "unit": "万元", "type": "lookup", "lang": "zh", "doc": J,
     "evidence": [{"doc": J, "line": 472, "quote": "“三公”经费数为 2.22 万元"}]},
    {"id": "b", "question": "Mars budget?", "answer_value": None, "type": "unanswerable", "lang": "en"},
]


def _answer_all(q):  # two fixed answerers: this test is about the report, not about answering
    if "Mars" in q:
        return {"declined": True, "citations": []}
    return {"value": 2.22, "unit": "万元", "declined": False,
            "citations": [{"doc": J, "line": 472, "quote": "2024 年财政拨款“三公”经费数为 2.22 万元"}]}


def _answer_wrong(q):
    return {"value": 9.0, "unit": "万元", "declined": False, "citations": [{"doc": J, "line": 1, "quote": "目录"}]}


def test_report_tables_and_plots(tmp_path):
    rows = {"gongkai": run_items(ITEMS, _answer_all), "baseline": run_items(ITEMS, _answer_wrong)}
    systems = {k: summarize(v) for k, v in rows.items()}
    for name, fn in (("t.png", plot_tiers), ("c.png", plot_citations), ("a.png", plot_abstention)):
        fn(systems, tmp_path / name)
    plot_latency(rows, tmp_path / "l.png")
    for name in ("t.png", "c.png", "a.png", "l.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, name

    from matplotlib import font_manager

    plt = _plt()
    assert font_manager.findfont(font_manager.FontProperties(family=plt.rcParams["font.family"])).endswith("wqy-zenhei.ttc")

    extraction = evaluate(GOLD)
    md = render_markdown(ITEMS, systems, rows, extraction, None, {}, GOLD, ROOT / "evals" / "sets" / "qa.jsonl")
    assert "| lookup | 1 | 100.0% | 0.0% |" in md
    assert "| unanswerable | 1 | 100.0% | 0.0% |" in md
    assert "| gongkai | 1 | 0 | 0 | 1 |" in md and "| baseline | 1 | 0 | 1 | 0 |" in md  # abstention 2×2
    assert "| cites ≥1 gold evidence quote | 100.0% | 0.0% |" in md
    for doc, d in extraction["documents"].items():
        v = d["validator"]
        assert f"| {doc} |" in md and f"{v['flagged']}/{v['detectable']}" in md
    assert "`a`" not in md.split("## Gongkai's wrong answers")[1]  # gongkai got both right


def test_committed_report_matches_its_summary():
    """docs/eval holds today's report: its numbers are those of summary.json written in the same run."""
    out = ROOT / "docs" / "eval"
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    md = (out / "report.md").read_text(encoding="utf-8")
    g, b = s["systems"]["gongkai"], s["systems"]["baseline"]
    assert f"**{g['accuracy']:.1f}%** | **{b['accuracy']:.1f}%**" in md
    for png in ("accuracy_by_tier.png", "citations.png", "abstention.png", "latency.png"):
        assert (out / png).exists() and f"]({png})" in md
    assert s["n"] >= 150 and set(g["by_type"]) >= {"lookup", "derived", "cross_document", "narrative", "unanswerable"}


def test_heldout_section_shows_first_run_next_to_today(tmp_path, monkeypatch):
    """Each bench/qa_*.jsonl set is scored now and shown next to its recorded first run."""
    import evals.report as report

    (tmp_path / "qa_x.jsonl").write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in ITEMS) + "\n",
                                         encoding="utf-8")
    (tmp_path / "heldout_first_runs.json").write_text(json.dumps({"qa_x.jsonl": {"first_correct": 1, "n": 2}}),
                                                     encoding="utf-8")
    monkeypatch.setattr(report, "HELDOUT_DIR", tmp_path)
    held = report._heldout(_answer_all, _answer_wrong)
    assert [h["n"] for h in held] == [len(ITEMS)] and held[0]["first"] == {"first_correct": 1, "n": 2}
    assert held[0]["gongkai"]["accuracy"] == 100.0 and held[0]["baseline"]["accuracy"] == 0.0
    rows = {"gongkai": run_items(ITEMS, _answer_all)}
    systems = {"gongkai": summarize(rows["gongkai"])}
    md = render_markdown(ITEMS, systems, rows, evaluate(GOLD), None, {}, GOLD, ROOT / "evals" / "sets" / "qa.jsonl", held)
    assert "| 1/2 (50.0%) | 100.0% | 0.0% |" in md and "All first runs together: **1/2 (50.0%)**" in md


def test_calibration_bands_and_confident_wrong():
    """Accuracy per confidence band counts the answers given; declines are apart; a wrong answer at
    0.8 or more is listed as confident wrong."""
    from evals.report_wild import calibration, confident_wrong, markdown

    def row(i, conf, correct, declined=False):
        return {"id": i, "correct": correct, "result": {"confidence": conf, "declined": declined}}

    rows = [row("a", 0.95, True), row("b", 0.95, False), row("c", 0.85, True), row("d", 0.7, True),
            row("e", 0.5, False), row("f", 0.9, True, declined=True)]
    bands = {b["band"]: b for b in calibration(rows)}
    assert (bands["≥ 0.9"]["n"], bands["≥ 0.9"]["correct"], bands["≥ 0.9"]["accuracy"]) == (2, 1, 50.0)
    assert (bands["0.8–0.9"]["n"], bands["0.6–0.8"]["n"], bands["< 0.6"]["n"]) == (1, 1, 1)
    assert bands["declined"]["n"] == 1 and confident_wrong(rows) == ["b"]
    md = "\n".join(markdown(None, None, calibration(rows), 2))
    assert "| ≥ 0.9 | 2 | 1 | 50.0 % |" in md
