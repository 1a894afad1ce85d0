"""`gongkai synth N -o DIR`: write N synthetic disclosures (text, optional PDF) with gold records."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("synth", help="generate synthetic disclosures with gold records (tests, evals, benchmarks)",
                              description="Write DIR/text/<doc>.txt, DIR/gold/<doc>.json and with --pdf DIR/pdf/<doc>.pdf.")
    p.add_argument("n", type=int, help="number of documents")
    p.add_argument("-o", "--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed → same documents)")
    p.add_argument("--start", type=int, default=0, help="index of the first document (to extend a set)")
    p.add_argument("--pdf", action="store_true", help="also render real PDFs (reportlab, CJK font, ruled tables)")
    p.add_argument("--inject-errors", type=float, default=0.0, metavar="RATE",
                   help="share of documents with injected inconsistencies (recorded in the gold), 0–1")
    p.add_argument("--yuan-rate", type=float, default=0.0, metavar="RATE",
                   help="share of documents with one or two tables stated in 元 instead of 万元, 0–1")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.n < 0 or not (0 <= args.inject_errors <= 1) or not (0 <= args.yuan_rate <= 1):
        print("error: N must be ≥ 0 and rates between 0 and 1", file=sys.stderr)
        return 2
    from evals.synth import generate

    made = generate(args.n, args.out, seed=args.seed, pdf=args.pdf, inject_rate=args.inject_errors,
                    yuan_rate=args.yuan_rate, start=args.start)
    print(f"wrote {len(made)} documents to {args.out} (text/, gold/{', pdf/' if args.pdf else ''})")
    return 0
