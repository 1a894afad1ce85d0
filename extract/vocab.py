"""The template's vocabulary for tables (extract/vocab.json): a column's role from its header path, a
row's record key from its label. Data, not code: a new wording is one entry in the JSON file."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|其中[:：]?)+")
GROUPS = {"sangong": "sangong_total", "vehicle_total": "vehicle_total"}


@lru_cache(maxsize=1)
def vocab() -> dict:
    return json.loads((Path(__file__).with_name("vocab.json")).read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").replace("“", "\"").replace("”", "\"")


def _words(table: list) -> list[tuple[str, str]]:
    """(key, word) pairs, longest word first."""
    out = [(key, _norm(w)) for key, words in table for w in words]
    return sorted(out, key=lambda kw: len(kw[1]), reverse=True)


@lru_cache(maxsize=1)
def _column_words() -> list[tuple[str, str]]:
    return _words(vocab()["column_roles"])


@lru_cache(maxsize=1)
def _qualifier_words() -> list[tuple[str, str]]:
    return _words(vocab()["qualifiers"])


def role_of_cell(text: str) -> str | None:
    """The role one header cell names (its longest matching word; a one-character word must be the
    whole cell), or None."""
    t = _norm(text)
    for key, w in _column_words():
        if (len(w) == 1 and t == w) or (len(w) > 1 and w in t):
            return key
    return None


def column_role(path: list[str]) -> tuple[str | None, str | None]:
    """(role, qualifier) of a header path. The lowest cell naming a specific role decides; a total word
    (合计/小计/金额…) under a group (三公, 公务用车购置及运行) is that group's total."""
    roles = [role_of_cell(p) for p in path]
    role = None
    for i in range(len(path) - 1, -1, -1):
        r = roles[i]
        if r is None:
            continue
        if r == "total":
            parent = next((roles[j] for j in range(i - 1, -1, -1) if roles[j] not in (None, "total")), None)
            role = GROUPS.get(parent, parent) if parent in GROUPS or parent in (
                "basic", "project", "personnel", "public", "operating") else "total"
            if parent is None:
                role = "total"
        else:
            role = GROUPS.get(r, r) if r == "sangong" else r
        break
    qualifier = None
    for p in path:
        t = _norm(p)
        for key, w in _qualifier_words():
            if w in t:
                qualifier = qualifier or key
                break
    return role, qualifier


def strip_ordinal(label: str) -> str:
    return _ORDINAL.sub("", _norm(label))


@lru_cache(maxsize=4)
def _row_words(family: str) -> list[tuple[str, str]]:
    return _words(vocab()["row_labels"][family])


def row_key(label: str, family: str) -> str | None:
    """The record key a row label names in a family of labels (income, expenditure, procurement): the
    label, ordinal and 其中 taken off, must equal a word or begin with it (一般公共预算拨款收入 → general_budget)."""
    t = strip_ordinal(label)
    if not t:
        return None
    for key, w in _row_words(family):
        if t == w:
            return key
    for key, w in _row_words(family):
        if t.startswith(w) and len(t) - len(w) <= 4:
            return key
    return None
