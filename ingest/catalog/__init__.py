"""The catalogues of the national disclosure template, as data (the JSON files next to this module).

- `tables.json`: the standard tables of 部门/单位预算 and 决算 — kind, names, title aliases,
  header signature. `table_kind(title_line)` names the table a title line prints.
- `bodies.json`: the suffixes that end a government body's name, the words that mark a document's
  kind (部门预算/单位预算/部门决算/单位决算) and the administrative levels.

A new variant met in the wild is one alias in a JSON file (and a test with that document), not new
code. See docs/extract.md, "Table catalogue".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True)
class TableKind:
    kind: str
    zh: str
    en: str
    titles: tuple[re.Pattern, ...]
    not_after: tuple[str, ...]
    signature: tuple[str, ...]
    legacy: str | None = None  # 表N as the bundled Xinjiang samples number it
    core: tuple[str, ...] = ()  # 预算 / 决算: the template of that kind requires this table


@lru_cache(maxsize=1)
def table_kinds() -> tuple[TableKind, ...]:
    data = json.loads((HERE / "tables.json").read_text(encoding="utf-8"))
    out = []
    for e in data["tables"]:
        out.append(TableKind(kind=e["kind"], zh=e["zh"], en=e["en"],
                             titles=tuple(re.compile(p) for p in e["titles"]),
                             not_after=tuple(e.get("not_after", [])), signature=tuple(e.get("signature", [])),
                             legacy=e.get("legacy"), core=tuple(e.get("core", ()))))
    return tuple(out)


@lru_cache(maxsize=1)
def kinds_by_name() -> dict[str, TableKind]:
    return {k.kind: k for k in table_kinds()}


def kind_info(kind: str) -> TableKind | None:
    return kinds_by_name().get(kind)


def legacy_to_kind() -> dict[str, str]:
    """表1 … 表11 (the bundled samples' numbering) → kind."""
    return {k.legacy: k.kind for k in table_kinds() if k.legacy}


def core_kinds(doc_kind: str | None) -> list[str]:
    """The standard tables the national template of a document's kind requires (部门/单位预算: 8;
    决算: 9)."""
    which = "决算" if doc_kind and "决算" in doc_kind else "预算"
    return [k.kind for k in table_kinds() if which in k.core]


def zh_name(kind: str) -> str:
    k = kind_info(kind)
    return k.zh if k else kind


# -- table titles ---------------------------------------------------------------------------------

CN_DIGITS = "一二三四五六七八九十"
# a table's label as printed: 表1, 表 11, 表一, 表十二, 公开01表, 公开 01 表, 公开表一, 部门预算公开08表,
# 附表1, 2.15 / 2-15 (a numbered section), optionally followed by ：/:
LABEL = re.compile(
    r"(?:附?表\s*(?:\d{1,2}|[" + CN_DIGITS + r"]{1,3})(?:-\d{1,2})?(?![\d" + CN_DIGITS + r"])"
    r"|(?:部门|单位)?(?:预算|决算)?公开\s*(?:\d{1,2}|表\s*[" + CN_DIGITS + r"]{1,3}|表\s*\d{1,2})\s*表?"
    r"|^\d{1,2}[.\-]\d{1,2}(?=[\u4e00-\u9fff]))"
    r"\s*[:：]?")
_ORDINAL = re.compile(r"^(?:[" + CN_DIGITS + r"]{1,3}、|\d{1,2}[、.．](?!\d))")
_YEAR = re.compile(r"(?:19|20)\d\d年度?")
_TAIL = re.compile(r"(?:(?:编制|填报|预算|主管)?(?:部门|单位)(?:名称)?(?:\(盖章\))?[:：]|(?:金额)?单位[:：]|公开\s*\d{1,2}\s*表).*$")
_QUALIFIER = re.compile(r"(?:\([^()]{1,16}\))+$")


def title_core(compact_line: str) -> tuple[str, str | None]:
    """(core, label) of a compact candidate title line: the printed label (表一, 公开01表…) and a
    trailing 部门：…/单位：… are taken off; the core keeps the body name / year prefix."""
    s = compact_line
    label = None
    m = LABEL.search(s)
    if m and (m.start() == 0 or m.end() == len(s) or _TAIL.match(s[m.end():]) or s[m.end():m.end() + 1] in "“\"一收支财政部单"):
        label = m.group(0).rstrip(":：")
        s = s[: m.start()] + s[m.end():]
    s = _TAIL.sub("", s)
    s = _ORDINAL.sub("", s)
    return s, label


def match_kind(core: str) -> tuple[TableKind, int] | None:
    """The catalogue kind whose title alias ends `core` (the longest match), with the match length."""
    body = _QUALIFIER.sub("", core)
    body = re.sub(r"\((?:19|20)\d\d年?\)$", "", body)
    best: tuple[TableKind, int] | None = None
    for k in table_kinds():
        for rx in k.titles:
            for m in re.finditer(rx.pattern + "$", body):
                prefix = body[: m.start()]
                if any(prefix.endswith(w) for w in k.not_after):
                    continue
                # what precedes the title is a short prefix: a body name, a year, 部门/单位
                if len(_YEAR.sub("", prefix)) > 40 or re.search(r"[,。;，；]", prefix):
                    continue
                n = m.end() - m.start()
                if best is None or n > best[1]:
                    best = (k, n)
    return best


# -- bodies, document kinds, levels -----------------------------------------------------------------


@dataclass(frozen=True)
class BodyCatalog:
    suffixes: tuple[str, ...]  # a body's name ends with one of these (longest first)
    doc_kinds: tuple[tuple[str, re.Pattern], ...]  # (部门预算 …, pattern)
    levels: tuple[tuple[str, str], ...]  # (suffix of an administrative unit, level)
    not_body: tuple[str, ...]  # words that end fragments, never a body name
    provinces: tuple[str, ...] = ()  # short names of the provincial-level units (江苏, 新疆…)
    not_place_chars: str = ""  # characters never in a place name (they mark a sentence)


@lru_cache(maxsize=1)
def bodies() -> BodyCatalog:
    data = json.loads((HERE / "bodies.json").read_text(encoding="utf-8"))
    return BodyCatalog(suffixes=tuple(sorted(data["body_suffixes"], key=len, reverse=True)),
                       doc_kinds=tuple((k, re.compile(p)) for k, p in data["doc_kinds"]),
                       levels=tuple((s, lv) for s, lv in data["levels"]),
                       not_body=tuple(data.get("not_body", [])), provinces=tuple(data.get("provinces", [])),
                       not_place_chars=data.get("not_place_chars", ""))
