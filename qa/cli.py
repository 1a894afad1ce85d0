"""`gongkai ask "QUESTION" [--json]` (argparse only; the handler imports qa.api when it runs)."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("ask", help="answer a question from the ingested disclosures, with citations")
    p.add_argument("question", help="the question, in Chinese or English")
    p.add_argument("--json", action="store_true", help="print the answer object as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from qa.api import ask

    question = (args.question or "").strip()
    if not question:
        print("error: empty question", file=sys.stderr)
        return 2
    result = ask(question)
    try:
        _print(result, args.json)
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        sys.stdout = None
    _stale_notice()
    return 1 if result.get("declined") and result.get("reason") == "no_documents" else 0


def _print(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(result["answer"])
        for c in result.get("citations") or []:
            where = f"p.{c['page']} " if c.get("page") else ""
            quote = " ".join((c.get("quote") or "").split())
            print(f"  [{c.get('doc')} {where}line {c.get('line')}] {quote[:160]}")
        if result.get("declined"):
            print(f"  (declined: {result.get('reason')})")
        for note in result.get("notes") or []:
            print(f"  note: {note}")


def _stale_notice() -> None:
    """Stored documents an older Gongkai processed: say what to run (stderr; reads one small file)."""
    from ingest.store import stale_notice

    note = stale_notice()
    if note:
        print(note, file=sys.stderr)
