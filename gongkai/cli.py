"""`gongkai` command line. Each stage registers its own sub-commands from a light `<stage>/cli.py`;
the handlers import their heavy libraries only when they run, so `gongkai list` starts fast.

Exit codes: 0 success, 1 a file or question failed (reason printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

import gongkai  # noqa: F401  (sets the offline environment first)

# Stages that contribute sub-commands, in help order. A stage module must define
# `register(subparsers)` and set `func` on each parser it adds.
STAGES = ["ingest.cli", "extract.cli", "qa.cli", "ui.cli", "evals.cli", "gongkai.synth_cli", "extract.endpoint.cli",
          "gongkai.settings_cli"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="Read Chinese budget disclosures (预算公开).")
    parser.add_argument("--version", action="version", version=f"gongkai {gongkai.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in STAGES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A stage that is not installed (yet) contributes no commands; any other missing
            # module is a real error.
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
