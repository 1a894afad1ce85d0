"""`gongkai ui [--host 127.0.0.1] [--port 7860] [--password …]` — gradio is imported only here when run."""

from __future__ import annotations

import argparse
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ui", help="open the web app (chat, library, extraction, compare, settings)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--password", default=os.environ.get("GONGKAI_UI_PASSWORD", ""),
                   help="require this password (user name: gongkai); or set GONGKAI_UI_PASSWORD")
    p.add_argument("--user", default="gongkai", help="user name for --password (default gongkai)")
    p.add_argument("--no-warm", action="store_true", help="do not pre-load the search index at start")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ingest.store import stale_notice

    if note := stale_notice():  # documents an older Gongkai processed: say what to run
        print(note, file=sys.stderr, flush=True)
    from ui.app import launch

    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.password:
        print(f"warning: binding {args.host} without --password exposes your data to the network", file=sys.stderr)
    launch(host=args.host, port=args.port, password=args.password or None, user=args.user,
           warm=not args.no_warm, block=True)
    return 0
