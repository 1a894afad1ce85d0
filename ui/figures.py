"""One way to name, read and show a figure, for every view (Chat, Extraction, Compare, exports).

- `label(path)`: the figure's name — the catalogue's (qa/figures.json `label_zh`/`label_en`, how an
  answer names it), else the schema's (`extract.schema.field_names`). Never a raw key.
- `read(record, key)`: the figure a view shows for a catalogue key — the same leaf the chat answers
  from (`qa.records.figure`: the table's figure first, then the one the text states).
- `printed(value, evidence, units)`: the figure as the document prints it (its digits, thousands
  separators and the unit of its table or sentence), found in the quote it was read from;
  `shown(...)` adds the normalised 万元 value beside it when the two differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from extract.store import is_leaf, leaf

# a number as printed: 18,330.37 · 1202.75 · -3.5 (not part of a longer run of digits or a code)
_NUM = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])")
_UNIT_AFTER = re.compile(r"\s*(亿元|万元|元)")
FACTORS = {"万元": Decimal(1), "元": Decimal(10000), "亿元": Decimal("0.0001")}


@lru_cache(maxsize=1)
def _schema_names() -> dict[str, tuple[str, str]]:
    from extract.schema import field_names

    return field_names()


@lru_cache(maxsize=1)
def _catalogue() -> dict:
    from qa.lexicon import BY_KEY

    return BY_KEY


def metric(key: str):
    """The catalogue's Metric for a figure key (qa/figures.json), or None."""
    return _catalogue().get(key)


def figure_label(key: str, lang: str = "zh") -> str:
    """How answers name a catalogue figure (qa/figures.json label_zh/label_en), else its schema name."""
    m = _catalogue().get(key)
    if m is not None:
        return m.label_zh if lang == "zh" else m.label_en
    return label(key, lang)


def label(path: str, lang: str = "zh") -> str:
    """The name of a record dot path: the schema's name (extract.schema.field_names), else the
    catalogue's. A list item's index reads as "*"; a path under `stated.` is the figure the text
    states; an unnamed tail is put in words after its nearest named ancestor."""
    i = 0 if lang == "zh" else 1
    names = _schema_names()
    key = re.sub(r"\.\d+(?=\.|$)", ".*", path)
    if key in names:
        return names[key][i]
    m = _catalogue().get(path)
    if m is not None:
        return m.label_zh if i == 0 else m.label_en
    if path.startswith("stated."):
        base = label(path[len("stated."):], lang)
        return f"{base}（文中所述）" if i == 0 else f"{base} (as the text states)"
    parts = key.split(".")
    for cut in range(len(parts) - 1, 0, -1):  # a named ancestor + the rest in words
        head = ".".join(parts[:cut])
        if head in names:
            rest = [p for p in parts[cut:] if p != "*"]
            return " ".join([names[head][i], *(_word(p, i) for p in rest)])
    return _word(parts[-1], i)


def _word(key: str, i: int) -> str:
    from ui.records import COLUMN_LABELS

    if i == 0 and key in COLUMN_LABELS:
        return COLUMN_LABELS[key]
    return key.replace("_", " ")


def bilingual(key: str) -> str:
    zh, en = figure_label(key, "zh"), figure_label(key, "en")
    return zh if zh == en else f"{zh} · {en}"


# -- as printed ------------------------------------------------------------------------------------

@dataclass
class Printed:
    token: str  # the digits as printed, e.g. "18,330.37"
    unit: str  # 万元 | 元 | 亿元 | a count's unit | ""
    citation: dict = field(default_factory=dict)  # the quote it was found in


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def units_by_line(record: dict | None) -> dict[tuple, str]:
    """(doc, page, line) → the unit of the table that prints that line, from the record's tables."""
    out: dict[tuple, str] = {}
    for t in ((record or {}).get("tables") or {}).values():
        unit = t.get("unit") if isinstance(t, dict) else None
        if not unit:
            continue
        for row in t.get("rows") or []:
            for v in (row.get("values") or {}).values():
                for c in (v.get("evidence") or []) if is_leaf(v) else []:
                    out.setdefault((c.get("doc"), c.get("page"), c.get("line")), unit)
    return out


def printed(value: Any, evidence: list[dict] | None, units: dict[tuple, str] | None = None,
            amount: bool = True) -> Printed | None:
    """The printed form of `value` (万元 for an amount) in the first quote that prints it: a number
    whose value in its unit — the unit after it in a sentence, else its table's (`units`), else the
    first of 万元/元/亿元 that fits — equals `value`. None when no quote prints it."""
    v = _dec(value)
    if v is None:
        return None
    for c in evidence or []:
        quote = str(c.get("quote") or "")
        table_unit = (units or {}).get((c.get("doc"), c.get("page"), c.get("line")))
        for m in _NUM.finditer(quote):
            d = _dec(m.group(0).replace(",", ""))
            if d is None:
                continue
            if not amount:
                if d == v:
                    return Printed(m.group(0), "", c)
                continue
            after = _UNIT_AFTER.match(quote, m.end())
            units_to_try = [after.group(1)] if after else [table_unit] if table_unit in FACTORS else list(FACTORS)
            for u in units_to_try:
                if abs(d - v * FACTORS[u]) <= Decimal("0.000001") * max(1, abs(d)):
                    return Printed(m.group(0), u, c)
    return None


def wan(value: Any) -> str:
    """An amount in 万元 with thousands separators and as many decimals as it has (at least two)."""
    d = _dec(value)
    if d is None:
        return "—" if value is None else str(value)
    places = max(2, -d.normalize().as_tuple().exponent) if d == d else 2
    return f"{d:,.{min(places, 6)}f}"


def shown(value: Any, evidence: list[dict] | None = None, units: dict[tuple, str] | None = None,
          unit: str = "万元") -> str:
    """A figure for the page: as printed, with the 万元 value beside it when the document prints it
    in another unit ("18,330.37 万元"; "12,345.00 元（1.2345 万元）"). A count or a text is shown as
    is; a figure no quote prints is shown in 万元 with separators."""
    if value is None:
        return "—"
    if unit != "万元":  # a count (人, 辆…), a percent or a text
        p = printed(value, evidence, amount=False)
        token = p.token if p else (str(value) if not isinstance(value, float) or value != int(value) else str(int(value)))
        return f"{token} {unit}".strip()
    p = printed(value, evidence, units)
    if p is None:
        return f"{wan(value)} 万元"
    if p.unit == "万元":
        return f"{p.token} 万元"
    return f"{p.token} {p.unit}（{wan(value)} 万元）"


def fmt(value: Any) -> str:
    """A value no quote prints as such (2 decimals for a float with cents, else as stored)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value - round(value, 2)) < 1e-9 else f"{value:g}"
    return str(value)


def as_printed(value: Any, evidence: list[dict] | None, units: dict[tuple, str] | None = None) -> str:
    """A record value as its quote prints it — the same number with the document's digits and
    separators; an amount printed in 元/亿元 with its unit and the 万元 value beside it."""
    if _dec(value) is None:
        return fmt(value)
    p = printed(value, evidence, amount=False)
    if p is not None:
        return p.token
    p = printed(value, evidence, units)
    if p is None:
        return fmt(value)
    return p.token if p.unit == "万元" else f"{p.token} {p.unit}（{wan(value)} 万元）"


# -- one reading for every view --------------------------------------------------------------------

@dataclass
class Reading:
    """A catalogue figure as a view shows it."""

    key: str
    value: Any  # in 万元 for amounts
    path: str | None  # the record path it was read from
    evidence: list[dict]
    unit: str  # 万元, or a count's unit
    text: str  # shown()
    notes: list[str] = field(default_factory=list)
    budget: Any = None  # a 决算: the budget printed beside the final figure
    budget_evidence: list[dict] = field(default_factory=list)
    budget_text: str = ""


def read(record: dict, key: str, units: dict[tuple, str] | None = None) -> Reading | None:
    """The figure `key` of a record — the leaf the chat answers from (`qa.records.figure`) — or None
    when the document does not state it. A 决算 also gives the budget printed beside it."""
    from qa.records import figure

    m = metric(key)
    if m is None:
        return None
    fig = figure(record, m)
    unit = "万元" if m.kind == "amount" else (m.unit if m.kind == "count" else "")
    units = units if units is not None else units_by_line(record)
    if fig is None:
        return None
    value = float(fig.value) if isinstance(fig.value, Decimal) else fig.value
    r = Reading(key, value, fig.path, list(fig.evidence), unit, shown(value, fig.evidence, units, unit), list(fig.notes))
    if fig.path and "决算" in str(leaf(record, "doc_kind")[0] or ""):
        b, ev = leaf(record, f"budget.{fig.path}")
        if b is not None:
            r.budget, r.budget_evidence, r.budget_text = b, ev, shown(b, ev, units, unit)
    return r
