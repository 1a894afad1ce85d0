"""`gongkai eval run|extract|report|verify` (registered by gongkai/cli.py). Heavy imports happen in
the handlers only."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SET = HERE / "sets" / "qa.jsonl"
DEFAULT_GOLD = HERE / "gold"


def register(sub) -> None:
    p = sub.add_parser("eval", help="run labelled eval sets (QA, extraction) and write the eval report")
    esub = p.add_subparsers(dest="eval_command", metavar="EVAL_COMMAND")

    r = esub.add_parser("run", help="answer every question of a JSONL set through `ask` and score it")
    r.add_argument("set", nargs="?", default=str(DEFAULT_SET), help="JSONL set (default: the bundled QA set)")
    r.add_argument("--out", help="write one JSON line per item (item + result + correct) here")
    r.add_argument("--corpus", help="ingest this directory into $GONGKAI_HOME first")
    r.add_argument("--system", choices=["gongkai", "baseline"], default="gongkai",
                   help="gongkai (qa.api.ask, default) or the naive-RAG baseline over --corpus / data/corpus")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("--llm", action="store_true", help="score the set twice, without and with the configured LLM "
                   "endpoint, side by side (accuracy, declines, latency)")
    r.set_defaults(func=cmd_run)

    x = esub.add_parser("extract", help="field-level precision/recall of extraction against gold record(s)")
    x.add_argument("gold", nargs="?", default=str(DEFAULT_GOLD), help="a gold JSON file or a directory of them")
    x.add_argument("--corpus", help="directory holding the source documents (default: the gold's path)")
    x.add_argument("--out", help="write the full result (with every miss) as JSON here")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_extract)

    rep = esub.add_parser("report", help="Gongkai vs the naive-RAG baseline on a set + extraction P/R → markdown and plots")
    rep.add_argument("--set", default=str(DEFAULT_SET))
    rep.add_argument("--gold", default=str(DEFAULT_GOLD))
    rep.add_argument("--corpus", default=None, help="corpus directory (ingested into a fresh temporary home unless --home)")
    rep.add_argument("--home", default=None, help="use this already-ingested GONGKAI_HOME")
    rep.add_argument("--out", default="docs/eval", help="report directory (default docs/eval)")
    rep.add_argument("--no-baseline", action="store_true")
    rep.add_argument("--synth", type=int, default=4, help="synthetic tier: N generated disclosures (evals/synth), extraction + templated QA; 0 = skip (default 4)")
    rep.add_argument("--results", default=None, help="also write per-item results (JSONL per system) into this directory")
    rep.add_argument("--no-wild", action="store_true", help="skip the real documents of another province (evals/wild)")
    rep.add_argument("--wild-home", default=None, help="use this already-ingested home of data/wild/jiangsu")
    rep.set_defaults(func=cmd_report)

    w = esub.add_parser("wild", help="score extraction of real PDFs against hand-read PDF gold (evals/wild/<set>)")
    w.add_argument("--gold", default=str(HERE / "wild" / "jiangsu"), help="directory of PDF gold files")
    w.add_argument("--pdfs", default="data/wild/jiangsu", help="directory holding the PDFs")
    w.add_argument("--records", default=None, help="score records written earlier (<stem>.json per PDF) instead of "
                   "extracting now — e.g. a first run of older code")
    w.add_argument("-v", "--verbose", action="store_true", help="every wrong field and missed table")
    w.add_argument("--json", action="store_true")
    w.set_defaults(func=cmd_wild)

    v = esub.add_parser("verify", help="check that every evidence quote of a set/gold is printed where it says")
    v.add_argument("files", nargs="*")
    v.add_argument("--corpus", default=None)
    v.set_defaults(func=cmd_verify)

    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def cmd_wild(args) -> int:
    from evals.wild_eval import load_gold, records_from_dir, report_lines, run_today, score_all, summary

    gold = load_gold(Path(args.gold))
    if not gold:
        print(f"error: no gold files in {args.gold}", file=sys.stderr)
        return 1
    if args.records:
        records = records_from_dir(Path(args.records))
        refused = {k: "no record" for k, v in records.items() if v is None}
    else:
        records, refused = run_today(gold, Path(args.pdfs))
    scores = score_all(gold, records, refused)
    if args.json:
        print(json.dumps(summary(scores), ensure_ascii=False, indent=1))
        return 0
    s = summary(scores)
    print(f"{s['files']} files ({s['refused']} refused): identity body {s['identity']['department']}, year "
          f"{s['identity']['fiscal_year']}, kind {s['identity']['doc_kind']}, level {s['identity']['level']}; tables "
          f"found {s['tables_found']}, table totals {s['table_totals']}; core fields {s['core_fields']} "
          f"({s['core_fields_pct']} %)")
    if args.verbose:
        print("\n".join(report_lines(scores, verbose=True)))
    return 0


def _progress(i: int, n: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{i}/{n}", end="" if i < n else "\n", file=sys.stderr, flush=True)


def cmd_run(args) -> int:
    from evals.run import SetError, gongkai_answerer, ingest_corpus, load_set, run_items, write_rows
    from evals.score import format_summary, summarize

    try:
        items = load_set(args.set)
    except SetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.system == "baseline":
        from evals.baseline import Baseline

        corpus = Path(args.corpus or "data/corpus")
        if not corpus.is_dir():
            print(f"error: baseline needs a corpus directory; {corpus} is not one", file=sys.stderr)
            return 1
        answer = Baseline(corpus).ask
    else:
        if args.corpus:
            code = ingest_corpus(args.corpus, None)
            if code:
                print(f"error: ingesting {args.corpus} failed (exit {code})", file=sys.stderr)
                return 1
        try:
            answer = gongkai_answerer()
        except ImportError as exc:
            print(f"error: the question-answering stage is not available ({exc})", file=sys.stderr)
            return 1
    if args.llm:
        return _run_llm(args, items)
    rows = run_items(items, answer, progress=_progress)
    if args.out:
        write_rows(rows, args.out)
    summary = summarize(rows)
    print(json.dumps(summary, ensure_ascii=False, indent=1) if args.json else format_summary(summary, args.system))
    return 0


def _run_llm(args, items) -> int:
    from evals.llm_compare import compare, format_comparison
    from evals.run import write_rows
    from gongkai import settings

    cfg = settings.load()
    if args.system != "gongkai":
        print("error: --llm compares Gongkai with and without its LLM (not with --system baseline)", file=sys.stderr)
        return 2
    if not cfg.llm_enabled:
        print("error: --llm needs an LLM endpoint: set llm_base_url (GONGKAI_LLM_BASE_URL) and llm_model; "
              "`gongkai llm check` tests it", file=sys.stderr)
        return 1
    res = compare(items, progress=_progress)
    if args.out:
        out = Path(args.out)
        write_rows(res["offline"], out)
        write_rows(res["llm"], out.with_name(out.stem + ".llm" + (out.suffix or ".jsonl")))
    print(json.dumps(res["summary"], ensure_ascii=False, indent=1) if args.json
          else format_comparison(res["summary"], cfg.llm_base_url))
    return 0


def cmd_extract(args) -> int:
    from evals.extract_eval import evaluate, format_report

    target = Path(args.gold)
    if not target.exists():
        print(f"error: {target}: no such gold file or directory", file=sys.stderr)
        return 1
    res = evaluate(target, Path(args.corpus) if args.corpus else None)
    if args.out:
        Path(args.out).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(res, ensure_ascii=False, indent=1) if args.json else format_report(res))
    return 0


def cmd_report(args) -> int:
    from evals.report import build_report

    path = build_report(set_path=Path(args.set), gold=Path(args.gold), corpus=Path(args.corpus) if args.corpus else None,
                        home=Path(args.home) if args.home else None, out_dir=Path(args.out),
                        baseline=not args.no_baseline, synth=args.synth,
                        results_dir=Path(args.results) if args.results else None, wild=not args.no_wild,
                        wild_home=Path(args.wild_home) if args.wild_home else None)
    print(f"wrote {path}")
    return 0


def cmd_verify(args) -> int:
    from evals.verify import main as verify_main

    argv = list(args.files)
    if args.corpus:
        argv += ["--corpus", args.corpus]
    return verify_main(argv)
