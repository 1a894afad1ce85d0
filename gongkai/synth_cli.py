"""`gongkai synth N -o DIR`: write N synthetic disclosures (text, optional PDF) with gold records."""

from __future__ import annotations

import argparse
import sys

EPILOG = """\
layout variants (--layout NAME[,NAME…] fixes one for every document; --layouts mixed draws every
dimension per document from the seed; default: the template layout of the bundled samples):
  labels-chinese 表一…   labels-gongkai 公开01表…   labels-dept 部门预算公开08表…   labels-none
  label-inline "公开03表：支出预算总表"     title-after    title (and label, issuer) after the body
  issuer-one-line "部门：X  单位：万元"      issuer-two-lines   issuer-name 部门名称：   issuer-unit 编制单位：
  jiangsu-titles  Jiangsu wordings and set (收支预算总表…, 三公+会议费/培训费, 机关运行经费, 政府采购)
  thousands / thousands-all   18,330.37 in the tables (and the narrative)
  tables-first    the tables part before the narrative       codes-joined  one 科目编码 column (2010101)
  province / street   a 省…厅 or a …街道办事处 publishes      unit-publisher  单位预算 / 单位决算
  jiangsu         = labels-gongkai, issuer-one-line, jiangsu-titles, thousands, codes-joined, province
  or DIMENSION=VALUE items (labels=none,title_pos=after); see evals/synth/layout.py.
kinds: --kind final writes 部门决算 (final accounts, MoF template: nine tables, 决算数 beside 预算数);
  --kinds mixed draws budget or final per document. --split writes every disclosure as two files,
  <doc>_部门预算公开文件 (narrative) and <doc>_部门预算公开表 (tables), each with its own gold
  ("half": "text" | "tables"). The gold of a 决算 holds 决算数 in the standard paths and the printed
  预算数 under budget.<path> (budget_initial.<path> = 年初预算数 when 全年预算数 is printed too).
"""


def register(subparsers) -> None:
    p = subparsers.add_parser("synth", help="generate synthetic disclosures with gold records (tests, evals, benchmarks)",
                              description="Write DIR/text/<doc>.txt, DIR/gold/<doc>.json and with --pdf DIR/pdf/<doc>.pdf.",
                              epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("n", type=int, help="number of documents")
    p.add_argument("-o", "--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed → same documents)")
    p.add_argument("--start", type=int, default=0, help="index of the first document (to extend a set)")
    p.add_argument("--pdf", action="store_true", help="also render real PDFs (reportlab, CJK font, ruled tables)")
    p.add_argument("--inject-errors", type=float, default=0.0, metavar="RATE",
                   help="share of documents with injected inconsistencies (recorded in the gold), 0–1")
    p.add_argument("--yuan-rate", type=float, default=0.0, metavar="RATE",
                   help="share of documents with one or two tables stated in 元 instead of 万元, 0–1")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--layout", metavar="NAME[,NAME…]", help="one layout for every document (presets below)")
    g.add_argument("--layouts", choices=["mixed", "off"], default=None,
                   help="mixed: draw each document's layout from the seed; off (default): the template layout")
    k = p.add_mutually_exclusive_group()
    k.add_argument("--kind", choices=["budget", "final"], default="budget",
                   help="budget: 部门预算 (default); final: 部门决算 (final accounts)")
    k.add_argument("--kinds", choices=["mixed", "off"], default=None, help="mixed: budget or final per document")
    p.add_argument("--split", action="store_true",
                   help="write each disclosure as two files (…公开文件 = narrative, …公开表 = tables), each with its gold")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.n < 0 or not (0 <= args.inject_errors <= 1) or not (0 <= args.yuan_rate <= 1):
        print("error: N must be ≥ 0 and rates between 0 and 1", file=sys.stderr)
        return 2
    from evals.synth import generate
    from evals.synth.layout import parse

    if args.layout:
        try:
            parse(args.layout)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    made = generate(args.n, args.out, seed=args.seed, pdf=args.pdf, inject_rate=args.inject_errors,
                    yuan_rate=args.yuan_rate, start=args.start, layout=args.layout, layouts=args.layouts,
                    kind=args.kind, kinds=args.kinds, split=args.split)
    files = f" as {len(made)} files" if args.split else ""
    print(f"wrote {args.n} documents{files} to {args.out} (text/, gold/{', pdf/' if args.pdf else ''})")
    return 0
