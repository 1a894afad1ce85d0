"""`gongkai extract`, `gongkai validate`, `gongkai schema` (light: heavy imports happen in handlers)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("extract", help="extract typed, validated records from disclosures (txt/md/pdf or directories)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=["json", "jsonl", "csv", "parquet"], default="json")
    p.add_argument("-o", "--output", type=Path, help="output file (json/jsonl default to stdout); csv/parquet also "
                   "write <stem>_items and <stem>_validation next to it")
    p.add_argument("--engine", choices=["deterministic", "llm"], default=None,
                   help="default: deterministic, plus the LLM pass when settings.llm_base_url is set")
    p.add_argument("--workers", type=int, default=0, help="parallel workers (default: settings.workers or cores)")
    p.add_argument("--executor", choices=["process", "thread", "dask"], default="process")
    p.add_argument("--scheduler", help="dask scheduler address, e.g. tcp://127.0.0.1:8786 (with --executor dask)")
    p.add_argument("--state", type=Path, help="resumable state directory (default: <output>.state or "
                   "$GONGKAI_HOME/extract-state)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_quiet_broken_pipe(cmd_extract))

    v = sub.add_parser("validate", help="check disclosures against their own arithmetic and words and print the report",
                       description="Every identity of the template (extract/identities.json, docs/validation.md) on every "
                                   "file; a disclosure published as two files is checked as one. Findings by severity with "
                                   "the page/line and quote of every figure, and a summary across documents.")
    v.add_argument("paths", nargs="+", metavar="PATH")
    v.add_argument("--format", choices=["text", "md", "html", "csv", "json"], default="text",
                   help="text (default), md (Markdown), html (one page), csv (one row per check), json")
    v.add_argument("-o", "--output", type=Path, help="write the report to this file (default: stdout)")
    v.add_argument("--json", action="store_true", help="same as --format json")
    v.add_argument("--all", action="store_true", help="list passing and not-applicable checks too")
    v.set_defaults(func=_quiet_broken_pipe(cmd_validate))

    s = sub.add_parser("schema", help="print the JSON Schema of an extracted record")
    s.set_defaults(func=_quiet_broken_pipe(cmd_schema))


def _quiet_broken_pipe(func):
    """A reader that stops early (`gongkai validate … | head`) ends the output, not with a traceback."""
    import functools
    import os

    @functools.wraps(func)
    def run(args) -> int:
        try:
            code = func(args)
            sys.stdout.flush()
            return code
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0

    return run


def _workers(args) -> int:
    if args.workers:
        return args.workers
    from gongkai import settings

    return settings.load().workers or 0


def cmd_extract(args) -> int:
    from extract import bulk, export

    files = bulk.expand(args.paths)
    if not files:
        print("no txt/md/pdf files found in: " + " ".join(args.paths), file=sys.stderr)
        return 1
    missing = [f for f in files if not f.exists()]
    for f in missing:
        print(f"{f}: no such file", file=sys.stderr)
    files = [f for f in files if f.exists()]
    if args.format in ("csv", "parquet") and args.output is None:
        print(f"--format {args.format} needs -o FILE", file=sys.stderr)
        return 2
    if len(files) == 1 and args.executor == "process" and args.state is None:
        from extract.api import extract_path

        try:
            records = [extract_path(files[0], engine=args.engine)]
        except Exception as exc:
            print(f"{files[0]}: {getattr(exc, 'reason', type(exc).__name__)}: {exc}", file=sys.stderr)
            return 1
        export.write(records, args.format, args.output)
        return 1 if missing else 0
    if args.state:
        state = args.state
    elif args.output:
        state = args.output.with_name(args.output.name + ".state")
    else:
        from gongkai.settings import home

        state = home() / "extract-state"
    executor = None
    if args.executor != "process":
        executor = bulk.make_executor(args.executor, _workers(args), args.scheduler)
    try:
        given = [p for p in args.paths if Path(p).exists()]
        statuses = bulk.run(given, state, executor=executor, workers=_workers(args), engine=args.engine,
                            progress=not args.no_progress)
    finally:
        if executor is not None:
            executor.shutdown(wait=True)
            client = getattr(executor, "_gongkai_client", None)
            if client is not None:
                client.close()
    print(bulk.status_table(statuses), file=sys.stderr)
    written = export.write(bulk.records(statuses), args.format, args.output)
    for w in written:
        print(f"wrote {w}", file=sys.stderr)
    failed = bool(missing) or any(s.status == "failed" for s in statuses)
    return 1 if failed else 0


def cmd_validate(args) -> int:
    from extract.report import RENDER, build, records_for
    from extract.validate import summary

    records, errors = records_for(args.paths)
    for e in errors:
        print(e, file=sys.stderr)
    fmt = "json" if args.json else args.format
    if fmt == "json":
        out = json.dumps([{"doc": r["doc"], "path": r.get("path"), "summary": summary(r["validation"]),
                           "validation": r["validation"]} for r in records], ensure_ascii=False, indent=1)
    else:
        out = RENDER[fmt](build(records, show_all=args.all))
    if args.output:
        args.output.write_text(out, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        print(out)
    return 1 if errors else 0


def cmd_schema(args) -> int:
    from extract.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=1))
    return 0
