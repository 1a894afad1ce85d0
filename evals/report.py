"""`gongkai eval report`: Gongkai and the naive-RAG baseline answer the same set in one process;
extraction is scored against the gold; the result is docs/eval/report.md with PNG plots."""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from evals.run import gongkai_answerer, ingest_corpus, load_set, run_items, write_rows
from evals.score import summarize

ROOT = Path(__file__).resolve().parent.parent
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
TIERS = ["lookup", "derived", "cross_document", "narrative", "unanswerable"]


def _plt():
    import logging

    import matplotlib

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    if CJK_FONT.exists():
        font_manager.fontManager.addfont(str(CJK_FONT))
        name = font_manager.FontProperties(fname=str(CJK_FONT)).get_name()
        plt.rcParams["font.family"] = [name, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def plot_tiers(systems: dict[str, dict], path: Path) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(systems))
    for n, (name, s) in enumerate(systems.items()):
        vals = [(s["by_type"].get(t) or {}).get("accuracy") or 0 for t in TIERS] + [s["accuracy"] or 0]
        xs = [i + n * width for i in range(len(vals))]
        bars = ax.bar(xs, vals, width, label=name)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(TIERS) + 1)])
    ax.set_xticklabels(["查数 lookup", "计算 derived", "跨单位 cross-doc", "文字 narrative", "拒答 unanswerable", "全部 all"], fontsize=8)
    ax.set_ylabel("accuracy %")
    ax.set_ylim(0, 120)
    ax.set_title("答案准确率 Accuracy per tier")
    ax.legend(loc="upper center", ncol=len(systems), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_citations(systems: dict[str, dict], path: Path) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    names = list(systems)
    anyv = [systems[n]["citation_any"] or 0 for n in names]
    allv = [systems[n]["citation_all"] or 0 for n in names]
    xs = range(len(names))
    b1 = ax.bar([x - 0.2 for x in xs], anyv, 0.4, label="cites ≥1 gold evidence")
    b2 = ax.bar([x + 0.2 for x in xs], allv, 0.4, label="cites every gold evidence")
    ax.bar_label(b1, fmt="%.0f", fontsize=8)
    ax.bar_label(b2, fmt="%.0f", fontsize=8)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names)
    ax.set_ylim(0, 120)
    ax.set_ylabel("% of answerable items")
    ax.set_title("引用准确率 Citation accuracy")
    ax.legend(loc="upper center", ncol=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_abstention(systems: dict[str, dict], path: Path) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, len(systems), figsize=(4 * len(systems), 3.4))
    axes = axes if len(systems) > 1 else [axes]
    for ax, (name, s) in zip(axes, systems.items()):
        a = s["abstention"]
        m = [[a["answerable_answered"], a["answerable_declined"]], [a["unanswerable_answered"], a["unanswerable_declined"]]]
        ax.imshow(m, cmap="Blues", vmin=0, vmax=max(1, max(map(max, m))))
        top = max(1, max(map(max, m)))
        for i in range(2):
            for j in range(2):
                ax.text(j, i, str(m[i][j]), ha="center", va="center", fontsize=13,
                        color="white" if m[i][j] > top / 2 else "black")
        ax.set_xticks([0, 1])
        ax.set_xticklabels(["answered 作答", "declined 拒答"])
        ax.set_yticks([0, 1])
        ax.set_yticklabels(["answerable", "unanswerable"])
        ax.set_title(name)
    fig.suptitle("拒答 Abstention (gold × system)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_latency(rows_by_system: dict[str, list[dict]], path: Path) -> None:
    plt = _plt()
    import math

    fig, ax = plt.subplots(figsize=(7, 3.5))
    lat_all = [max(r["latency_s"], 1e-4) for rows in rows_by_system.values() for r in rows]
    lo, hi = math.log10(min(lat_all)), math.log10(max(lat_all))
    bins = [10 ** (lo + (hi - lo) * i / 30) for i in range(31)]
    for name, rows in rows_by_system.items():
        ax.hist([max(r["latency_s"], 1e-4) for r in rows], bins=bins, alpha=0.6, label=name)
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))  # plain decimals: the CJK font has no U+2212
    ax.set_xlabel("seconds per question (warm process, log scale)")
    ax.set_ylabel("questions")
    ax.set_title("延迟 Latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(x: Any, suffix: str = "") -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.1f}{suffix}" if suffix == "%" else f"{x:.3f}{suffix}"
    return f"{x}{suffix}"


def set_composition(items: list[dict]) -> list[str]:
    by = Counter((i.get("type") or "unknown", i.get("lang") or "?") for i in items)
    langs = sorted({k[1] for k in by})
    out = ["| tier | " + " | ".join(langs) + " | total |", "|---|" + "---|" * (len(langs) + 1)]
    for t in TIERS + sorted({k[0] for k in by} - set(TIERS)):
        row = [by.get((t, l), 0) for l in langs]
        if sum(row):
            out.append(f"| {t} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    tot = [sum(v for (t, l), v in by.items() if l == lang) for lang in langs]
    out.append("| **all** | " + " | ".join(map(str, tot)) + f" | **{len(items)}** |")
    return out


def build_report(set_path: Path, gold: Path, corpus: Path | None, home: Path | None, out_dir: Path,
                 baseline: bool = True, synth: int = 0, results_dir: Path | None = None, wild: bool = True,
                 wild_home: Path | None = None) -> Path:
    """Run everything and write out_dir/report.md, the PNG plots and summary.json; per-item results
    (item + result + correct, one JSON line each) go to results_dir when given."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = corpus or ROOT / "data" / "corpus"
    items = load_set(set_path)
    timings: dict[str, float] = {}

    if home is None:
        home = Path(tempfile.mkdtemp(prefix="gongkai-eval-"))
        os.environ["GONGKAI_HOME"] = str(home)
        t0 = time.perf_counter()
        if ingest_corpus(corpus, home):
            raise RuntimeError(f"ingesting {corpus} failed")
        timings["gongkai ingest (s)"] = time.perf_counter() - t0
    else:
        os.environ["GONGKAI_HOME"] = str(home)

    systems: dict[str, dict] = {}
    rows_by: dict[str, list[dict]] = {}
    t0 = time.perf_counter()
    ask = gongkai_answerer(home)
    ask("预热 warm-up")  # load records/index once, as a running service would
    timings["gongkai warm-up (s)"] = time.perf_counter() - t0
    rows_by["gongkai"] = run_items(items, ask)
    systems["gongkai"] = summarize(rows_by["gongkai"])
    if results_dir:
        write_rows(rows_by["gongkai"], Path(results_dir) / "results_gongkai.jsonl")

    if baseline:
        from evals.baseline import Baseline

        t0 = time.perf_counter()
        base = Baseline(corpus)
        timings["baseline index (s)"] = time.perf_counter() - t0
        rows_by["baseline"] = run_items(items, base.ask)
        systems["baseline"] = summarize(rows_by["baseline"])
        if results_dir:
            write_rows(rows_by["baseline"], Path(results_dir) / "results_baseline.jsonl")

    all_rows = list(rows_by["gongkai"])
    heldout = _heldout(ask, base.ask if baseline else None, all_rows)
    from evals import report_wild

    wild_ext = wild_qa = None
    n_sets = 1 + len(heldout)
    if wild:
        wild_ext = report_wild.extraction()
        wild_qa, wild_rows = report_wild.qa(wild_home)
        all_rows += wild_rows
        n_sets += 1
        os.environ["GONGKAI_HOME"] = str(home)
    calib = report_wild.calibration(all_rows)
    confident_wrong = report_wild.confident_wrong(all_rows)

    from evals.extract_eval import evaluate

    extraction = evaluate(gold, corpus if corpus.is_dir() else None)
    synth_res = None
    if synth:
        synth_res = _synthetic(synth, baseline, results_dir)

    plot_tiers(systems, out_dir / "accuracy_by_tier.png")
    plot_citations(systems, out_dir / "citations.png")
    plot_abstention(systems, out_dir / "abstention.png")
    plot_latency(rows_by, out_dir / "latency.png")

    summary = {"date": _dt.date.today().isoformat(), "set": _rel(set_path), "n": len(items), "systems": systems,
               "extraction": {k: v for k, v in extraction.items() if k != "documents"},
               "extraction_documents": {d: {k: v for k, v in r.items() if k != "misses"} for d, r in extraction["documents"].items()},
               "synthetic": {k: v for k, v in (synth_res or {}).items() if k != "qa_wrong"} or None, "timings": timings,
               "heldout": [{"set": h["set"], "n": h["n"], "first": h["first"],
                            **{n: h[n]["accuracy"] for n in ("gongkai", "baseline") if n in h}} for h in heldout],
               "wild_extraction": wild_ext, "wild_qa": wild_qa, "calibration": calib,
               "confident_wrong": confident_wrong}
    (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    md = render_markdown(items, systems, rows_by, extraction, synth_res, timings, gold, set_path, heldout)
    md += "\n" + "\n".join(report_wild.markdown(wild_ext, wild_qa, calib, n_sets)) + "\n"
    md += (f"Confident wrong answers (confidence ≥ 0.8 and wrong) across all {n_sets} sets: "
           f"**{len(confident_wrong)}**{' (' + ', '.join(confident_wrong) + ')' if confident_wrong else ''}.\n")
    path = out_dir / "report.md"
    path.write_text(md, encoding="utf-8")
    return path


HELDOUT_DIR = ROOT / "bench"


def _heldout(ask, base_ask=None, all_rows: list | None = None) -> list[dict[str, Any]]:
    """Every held-out set (bench/qa_*.jsonl: questions written after the code, over the same documents)
    scored now, next to its recorded first run (bench/heldout_first_runs.json)."""
    first = {}
    record = HELDOUT_DIR / "heldout_first_runs.json"
    if record.exists():
        first = json.loads(record.read_text(encoding="utf-8"))
    out = []
    for path in sorted(HELDOUT_DIR.glob("qa_*.jsonl")):
        items = load_set(path)
        rows = run_items(items, ask)
        if all_rows is not None:
            all_rows.extend(rows)
        row: dict[str, Any] = {"set": _rel(path), "n": len(items), "first": first.get(path.name),
                               "gongkai": summarize(rows)}
        if base_ask is not None:
            row["baseline"] = summarize(run_items(items, base_ask))
        out.append(row)
    return out


def _synthetic(n: int, baseline: bool, results_dir: Path | None) -> dict[str, Any] | None:
    """Extraction P/R and a templated QA tier on n generated disclosures (evals/synth), in their own home."""
    try:
        from evals.synth_qa import make_set
    except ImportError:
        return None
    from evals.extract_eval import evaluate

    tmp = Path(tempfile.mkdtemp(prefix="gongkai-synth-"))
    text_dir, set_path = make_set(n, tmp)
    res = evaluate(tmp / "gold", text_dir)
    out: dict[str, Any] = {"n": n, "total": res["total"], "sections": res["sections"],
                           "documents": {d: r["total"] for d, r in res["documents"].items()}}
    items = load_set(set_path)
    home = tmp / "home"
    old = os.environ.get("GONGKAI_HOME")
    try:
        if ingest_corpus(text_dir, home):
            raise RuntimeError(f"ingesting the synthetic corpus {text_dir} failed")
    finally:
        if old is not None:
            os.environ["GONGKAI_HOME"] = old
    ask = gongkai_answerer(home)
    rows = {"gongkai": run_items(items, ask)}
    if baseline:
        from evals.baseline import Baseline

        rows["baseline"] = run_items(items, Baseline(text_dir).ask)
    for name, r in rows.items():
        if results_dir:
            write_rows(r, Path(results_dir) / f"results_synth_{name}.jsonl")
    out["qa"] = {name: summarize(r) for name, r in rows.items()}
    out["qa_items"] = len(items)
    out["qa_wrong"] = [r for r in rows["gongkai"] if not r["correct"]]
    return out


def _rel(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if ROOT in path.parents else str(path)


def _embedder() -> str:
    from gongkai import settings

    return settings.load().embedder


def _llm_note() -> str:
    from gongkai import settings

    url = settings.load().llm_base_url
    return f"An LLM backend was configured ({url})." if url else "No LLM was configured (Gongkai's deterministic path)."


def _got(row: dict) -> str:
    res = row.get("result") or {}
    if res.get("declined"):
        return "declined"
    return str(res.get("error") or (f"{res.get('value')} {res.get('unit') or ''}".strip() if res.get("value") is not None else (res.get("answer") or "")[:60]))


def render_markdown(items, systems, rows_by, extraction, synth_res, timings, gold: Path, set_path: Path,
                    heldout: list[dict] | None = None) -> str:
    g = systems["gongkai"]
    b = systems.get("baseline")
    names = list(systems)
    L: list[str] = []
    L += [f"# Gongkai evaluation report ({_dt.date.today().isoformat()})", "",
          "Produced by `gongkai eval report` (code: `evals/`). Both systems answered the same questions in one "
          "process on the 4 bundled sample disclosures (`data/corpus`). Gongkai = `qa.api.ask` (the path of "
          "`gongkai ask`); baseline = LangChain RecursiveCharacterTextSplitter (500/50) + Gongkai's default "
          f"embedder ({_embedder()}) + Chroma top-4 + extractive answer (best sentence, nearest number). {_llm_note()}", "",
          "**Caveat.** The QA set and the extraction gold were written from the same 4 documents the extractor and "
          "the QA stage were developed on, so these are in-sample numbers; the synthetic tier (when present) and "
          "new documents are the out-of-sample check.", ""]
    L += ["## QA set", "", f"`{_rel(set_path)}`: "
          f"{len(items)} hand-labelled questions, each with evidence (doc, line, quote as printed) checked by "
          "`gongkai eval verify`.", ""] + set_composition(items) + [""]
    L += ["## Answer accuracy", "", "![accuracy](accuracy_by_tier.png)", "",
          "| tier | n | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for t in TIERS:
        if t in g["by_type"]:
            L.append(f"| {t} | {g['by_type'][t]['n']} | " + " | ".join(
                _fmt((systems[n]['by_type'].get(t) or {}).get('accuracy'), '%') for n in names) + " |")
    for lang, v in g["by_lang"].items():
        L.append(f"| language: {lang} | {v['n']} | " + " | ".join(_fmt((systems[n]['by_lang'].get(lang) or {}).get('accuracy'), '%') for n in names) + " |")
    L.append(f"| **all** | {g['n']} | " + " | ".join(f"**{_fmt(systems[n]['accuracy'], '%')}**" for n in names) + " |")
    L += ["", "Numbers: correct within half a unit of the gold's last printed digit after 元/万元/亿元 normalisation; "
          "text: key phrase contained; unanswerable: correct only when declined.", ""]
    L += ["## Citation accuracy", "", "![citations](citations.png)", "",
          "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names),
          "| cites ≥1 gold evidence quote | " + " | ".join(_fmt(systems[n]["citation_any"], "%") for n in names) + " |",
          "| cites every gold evidence quote | " + " | ".join(_fmt(systems[n]["citation_all"], "%") for n in names) + " |",
          "", f"Over {g['citation_n']} answerable items with evidence. A citation counts when its quote contains the gold "
          "quote (normalised) in the same document; an evidence entry may list `alt` places printing the same figure.", ""]
    L += ["## Abstention", "", "![abstention](abstention.png)", "",
          "| system | answerable → answered | answerable → declined | unanswerable → answered | unanswerable → declined |",
          "|---|---|---|---|---|"]
    for n in names:
        a = systems[n]["abstention"]
        L.append(f"| {n} | {a['answerable_answered']} | {a['answerable_declined']} | {a['unanswerable_answered']} | {a['unanswerable_declined']} |")
    L += ["", "## Latency (warm process)", "", "![latency](latency.png)", "", "| system | p50 s | p95 s | mean s |", "|---|---|---|---|"]
    for n in names:
        lat = systems[n]["latency_s"]
        L.append(f"| {n} | {_fmt(lat['p50'])} | {_fmt(lat['p95'])} | {_fmt(lat['mean'])} |")
    if timings:
        L += [""] + [f"- {k}: {v:.1f}" for k, v in timings.items()]
    if heldout:
        L += ["", "## Held-out sets: the first run is the generalisation number", "",
              "Written after the code from the documents alone, by someone who had read neither `qa/` nor the other "
              "sets. The **first run** (recorded in `bench/heldout_first_runs.json`, on the code of that day) is what a "
              "new phrasing meets; each set's failures were then fixed by their general cause, so today's score on it is "
              "in-sample.", "",
              "| set | n | Gongkai, first run | Gongkai now | baseline now |", "|---|---|---|---|---|"]
        for h in heldout:
            f = h.get("first") or {}
            first = (f"{f['first_correct']}/{f['n']} ({100 * f['first_correct'] / f['n']:.1f}%)"
                     if f.get("first_correct") is not None else "–")
            now = h["gongkai"]
            base = h.get("baseline")
            L.append(f"| `{h['set']}` | {h['n']} | {first} | {_fmt(now['accuracy'], '%')} | "
                     f"{_fmt(base['accuracy'], '%') if base else '–'} |")
        firsts = [h["first"] for h in heldout if (h.get("first") or {}).get("first_correct") is not None]
        if firsts:
            c, n = sum(f["first_correct"] for f in firsts), sum(f["n"] for f in firsts)
            L += ["", f"All first runs together: **{c}/{n} ({100 * c / n:.1f}%)**."]
    L += ["", "## Extraction vs hand-built gold", "",
          f"`gongkai eval extract {_rel(gold)}`: every gold leaf "
          "(contract paths, by_function, narrative facts, 三公 parts and changes, staffing, procurement, assets, "
          "表5/表6 rows, 表7 projects, 表11 items).", "",
          "| document | fields | precision | recall | F1 | validator: known inconsistencies flagged | other mismatch flags |",
          "|---|---|---|---|---|---|---|"]
    for doc, d in extraction["documents"].items():
        t, v = d["total"], d["validator"]
        L.append(f"| {doc} | {t['tp'] + t['fn']} | {_fmt(t['precision'])} | {_fmt(t['recall'])} | {_fmt(t['f1'])} | "
                 f"{v['flagged']}/{v['detectable']} | {len(v['other_mismatch_flags'])} |")
    t = extraction["total"]
    L.append(f"| **all** | {t['tp'] + t['fn']} | {_fmt(t['precision'])} | {_fmt(t['recall'])} | {_fmt(t['f1'])} | | |")
    L += ["", "<details><summary>per section</summary>", "", "| section | P | R | tp/fp/fn |", "|---|---|---|---|"]
    for sec, s in extraction["sections"].items():
        L.append(f"| {sec} | {_fmt(s['precision'])} | {_fmt(s['recall'])} | {s['tp']}/{s['fp']}/{s['fn']} |")
    L += ["", "</details>", ""]
    if extraction.get("row_names"):
        L += ["Row names of the matched rows (the 科目, or the project/item name of 表7/表11 rows), scored apart "
              "from the values above: " + ", ".join(f"{tid} {v['right']}/{v['rows']}"
                                                   for tid, v in extraction["row_names"].items()) + ".", ""]
    misses = [(doc, m) for doc, d in extraction["documents"].items() for m in d["misses"]]
    if misses:
        L += ["Extraction misses:", ""] + [f"- {doc} `{m['path']}`: gold {m['gold']}, extracted {m['extracted']}" for doc, m in misses[:40]] + [""]
    if synth_res:
        st = synth_res["total"]
        L += ["## Synthetic tier (out of sample)", "",
              f"{synth_res['n']} disclosures generated by `evals/synth` (`gongkai synth`; random departments, places, years and "
              "amounts, consistent by construction) with gold records. Neither system has seen them; they are ingested into "
              "their own home. Questions come from templates over the gold (`evals/synth_qa.py`), scored by the same rules.", "",
              f"Extraction: precision {_fmt(st['precision'])}, recall {_fmt(st['recall'])} ({st['tp']}/{st['fp']}/{st['fn']} tp/fp/fn).", ""]
        qa = synth_res.get("qa") or {}
        if qa:
            sn = list(qa)
            L += [f"QA: {synth_res['qa_items']} templated questions.", "",
                  "| tier | n | " + " | ".join(sn) + " |", "|---|---|" + "---|" * len(sn)]
            g0 = qa["gongkai"]
            for t in TIERS:
                if t in g0["by_type"]:
                    L.append(f"| {t} | {g0['by_type'][t]['n']} | " + " | ".join(
                        _fmt((qa[n]['by_type'].get(t) or {}).get('accuracy'), '%') for n in sn) + " |")
            L.append(f"| **all** | {g0['n']} | " + " | ".join(f"**{_fmt(qa[n]['accuracy'], '%')}**" for n in sn) + " |")
            L.append("| citation (≥1 gold quote) | | " + " | ".join(_fmt(qa[n]["citation_any"], "%") for n in sn) + " |")
            for n in sn:
                a = qa[n]["abstention"]
                L.append(f"| abstention {n} (ans→ans / ans→decl / unans→ans / unans→decl) | | {a['answerable_answered']} / "
                         f"{a['answerable_declined']} / {a['unanswerable_answered']} / {a['unanswerable_declined']} |" + " |" * (len(sn) - 1))
            L.append("")
            wrong = synth_res.get("qa_wrong") or []
            if wrong:
                L += ["Gongkai's wrong synthetic answers:", ""] + [f"- `{r['id']}` {r['question']} — gold {r['answer_value']} {r.get('unit') or ''}, got {_got(r)}" for r in wrong] + [""]
    L += ["## Inconsistencies found by hand (evals/gold/*.inconsistencies.json)", ""]
    for doc, d in extraction["documents"].items():
        inc_file = gold / f"{doc}.inconsistencies.json" if gold.is_dir() else gold.with_name(f"{doc}.inconsistencies.json")
        if not inc_file.exists():
            continue
        flags = {i["id"]: i for i in d["validator"]["items"]}
        L.append(f"**{doc}**")
        L.append("")
        for inc in json.loads(inc_file.read_text(encoding="utf-8"))["inconsistencies"]:
            lines = ", ".join(str(e["line"]) for e in inc.get("evidence", []))
            f = flags.get(inc["id"])
            state = "" if f is None else (" — validator: **flagged**" if f["flagged"] else " — validator: not flagged")
            L.append(f"- [{inc['kind']}] {inc['what']} (lines {lines}){state}")
        L.append("")
    wrong = [r for r in rows_by["gongkai"] if not r["correct"]]
    L += ["## Gongkai's wrong answers", ""]
    for r in wrong:
        L.append(f"- `{r['id']}` {r['question']} — gold {r['answer_value']} {r.get('unit') or ''}, got {_got(r)}")
    if not wrong:
        L.append("- none")
    L += ["", "Reproduce: `gongkai eval report` (or `gongkai eval run evals/sets/qa.jsonl --out results.jsonl`, "
          "`gongkai eval run --system baseline`, `gongkai eval extract evals/gold`).", ""]
    return "\n".join(L)
