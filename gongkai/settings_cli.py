"""`gongkai settings [--json]`, `gongkai settings set NAME [VALUE]`, `gongkai settings unset NAME`.

Shows every value and where it comes from (env / file / default), secrets masked. `set` writes the
settings file (0600); a secret given without VALUE is read from the terminal without echo (or one
line of stdin), so it stays out of the shell history.
"""

from __future__ import annotations

import json
import os
import sys


def register(sub) -> None:
    p = sub.add_parser("settings", help="show the settings and where each comes from; set or unset one")
    p.add_argument("--json", action="store_true")
    ssub = p.add_subparsers(dest="settings_command", metavar="SETTINGS_COMMAND")
    s = ssub.add_parser("set", help="save one setting to $GONGKAI_HOME/settings.json (mode 0600)")
    s.add_argument("name")
    s.add_argument("value", nargs="?", help="omit for a secret: it is read without echo")
    s.set_defaults(func=cmd_set)
    u = ssub.add_parser("unset", help="remove one setting from the settings file (back to the default)")
    u.add_argument("name")
    u.set_defaults(func=cmd_unset)
    p.set_defaults(func=cmd_show)


def rows() -> list[dict]:
    from dataclasses import fields

    from gongkai import settings

    cfg, src = settings.load(), settings.sources()
    out = []
    for f in fields(settings.Settings):
        value = getattr(cfg, f.name)
        if f.name in settings.SECRETS:
            value = "*** (set)" if value else "(not set)"
        where = {"env": f"env {settings.env_name(f.name)}", "file": f"file {settings.settings_file()}",
                 "default": "default"}[src[f.name]]
        out.append({"name": f.name, "value": value, "source": src[f.name], "from": where})
    return out


def cmd_show(args) -> int:
    from gongkai import settings

    table = rows()
    if args.json:
        print(json.dumps({"settings": table, "file": str(settings.settings_file()),
                          "warnings": settings.file_problems()}, ensure_ascii=False, indent=1))
        return 0
    width = max(len(r["name"]) for r in table)
    vwidth = min(48, max(len(str(r["value"])) for r in table))
    for r in table:
        print(f"{r['name']:<{width}}  {str(r['value']):<{vwidth}}  {r['from']}")
    for w in settings.file_problems():
        print(f"warning: {w}", file=sys.stderr)
    return 0


def _field(name: str):
    from dataclasses import fields

    from gongkai import settings

    for f in fields(settings.Settings):
        if f.name == name:
            return f
    print(f"error: no setting called {name!r} (see `gongkai settings`)", file=sys.stderr)
    return None


def cmd_set(args) -> int:
    from gongkai import settings

    f = _field(args.name)
    if f is None:
        return 2
    value = args.value
    if value is None or value == "-":
        if args.name not in settings.SECRETS and value is None:
            print(f"error: give a value for {args.name}", file=sys.stderr)
            return 2
        if sys.stdin.isatty():
            import getpass

            value = getpass.getpass(f"{args.name}: ")
        else:
            value = sys.stdin.readline().rstrip("\r\n")
    try:
        typed = settings._coerce(f.type, value)
    except ValueError:
        print(f"error: {args.name} needs a {f.type} value", file=sys.stderr)
        return 2
    if (problem := settings.check(args.name, typed)) is not None:
        print(f"error: not saved: {problem}", file=sys.stderr)
        return 2
    path = settings.update({args.name: typed})
    shown = "***" if args.name in settings.SECRETS else typed
    print(f"saved {args.name} = {shown} to {path} (mode 0600)", file=sys.stderr)
    env = settings.env_name(args.name)
    if os.environ.get(env) is not None:
        print(f"note: {env} is set in the environment and overrides the file while it is set", file=sys.stderr)
    return 0


def cmd_unset(args) -> int:
    from gongkai import settings

    if _field(args.name) is None:
        return 2
    raw = settings._read_file()
    if args.name not in raw:
        print(f"{args.name} is not in {settings.settings_file()}", file=sys.stderr)
        return 0
    settings.update(remove=[args.name])
    print(f"removed {args.name} from {settings.settings_file()}", file=sys.stderr)
    return 0
