"""`gongkai llm check` (argparse only; the handler imports the client when it runs)."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("llm", help="the optional LLM endpoint: check what works and what is wrong")
    lsub = p.add_subparsers(dest="llm_command", metavar="LLM_COMMAND")
    c = lsub.add_parser("check", help="test the configured endpoint (base URL, key, model, chat, structured output)")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.add_argument("--no-save", action="store_true", help="do not remember the detected structured-output method")
    c.set_defaults(func=cmd_check)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def cmd_check(args) -> int:
    from gongkai import settings
    from extract.endpoint import check

    cfg = settings.load()
    src = settings.sources()
    report = check.run(cfg, save=not args.no_save)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(f"endpoint: {cfg.llm_base_url or '(none)'} [{src['llm_base_url']}] · model: "
              f"{cfg.llm_model or '(none)'} [{src['llm_model']}] · key: {'set' if cfg.llm_api_key else 'none'} "
              f"[{src['llm_api_key']}] · deadline {cfg.llm_timeout_s:g} s")
        print(report.text())
    return 0 if report.ok else 1
