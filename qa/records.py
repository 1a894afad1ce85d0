"""The extraction records QA answers from, kept warm per $GONGKAI_HOME.

Records are read ONLY through the export JSON contract (`extract.store.load_records`). The cache
is keyed by the records directory's listing (names, sizes, mtimes), so a newly ingested or removed
document is seen on the next question without a restart.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract.store import leaf, node
from qa.lexicon import Metric
from qa.text import to_decimal
from qa.units import UnitIndex

# tables whose rows are looked up by printed name (表1/表4/表10 are read through fixed paths)
ROW_TABLES = ("general_budget_basic", "expenditure_overview", "general_budget_expenditure", "income_overview",
              "general_budget_project", "carryover", "fiscal_basic", "fiscal_expenditure", "operating_expenses")
ROW_COLUMNS = ("total", "amount")


@dataclass
class Figure:
    """One value read from a record, with the evidence it came from."""

    doc: str
    department: str
    fiscal_year: int | None
    metric: Metric
    value: Any  # Decimal for amounts, int for counts, str for text
    path: str
    evidence: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # disagreements / validator flags
    flagged: bool = False


# Key of a record copy that answers with figures derived for another year (metric key → Figure).
DERIVED_FIGURES = "_derived_figures"


@dataclass
class Library:
    home: Path
    records: list[dict]  # one per disclosure: the two files of a split disclosure are merged (extract.merge)
    units: UnitIndex
    row_names: set[str]
    function_names: dict[str, str]  # code → name as printed by the records
    part_records: dict[str, dict] = field(default_factory=dict)  # each file's own record, by its doc id
    merged_into: dict[str, str] = field(default_factory=dict)  # file doc id → merged record doc id

    def record(self, doc: str) -> dict | None:
        """The record answering for a document: its own, or the merged disclosure it is part of."""
        doc = self.merged_into.get(doc, doc)
        return next((r for r in self.records if r.get("doc") == doc), None)

    def files_of(self, rec: dict) -> list[tuple[str, dict]]:
        """(doc id, the file's own record) of each file a record was read from (one, or the two halves)."""
        parts = rec.get("parts") or []
        if parts:
            return [(p, self.part_records.get(p) or rec) for p in parts]
        return [(rec.get("doc"), rec)]


_LOCK = threading.Lock()
_CACHE: dict[str, tuple[tuple, Library]] = {}


def resolve_home(home: Path | str | None) -> Path:
    if home is None:
        from gongkai.settings import home as default_home

        return default_home()
    return Path(home).expanduser().resolve()


def _signature(home: Path) -> tuple:
    d = home / "records"
    try:
        entries = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(d)
                         if e.name.endswith(".json"))
    except FileNotFoundError:
        entries = []
    return tuple(entries)


# Checks that say nothing about a figure (most of a record's size): the library keeps their count only.
QUIET_CHECKS = ("pass", "not_applicable")


def slim(record: dict) -> dict:
    """A record as the library keeps it: `validation` holds only the checks that did not pass (the
    ones answers and views flag); `validation_counts` counts every status. The full record stays on
    disk (`extract.store.load_record`)."""
    checks = record.get("validation") or []
    counts: dict[str, int] = {}
    for c in checks:
        counts[c.get("status", "?")] = counts.get(c.get("status", "?"), 0) + 1
    return {**record, "validation": [c for c in checks if c.get("status") not in QUIET_CHECKS],
            "validation_counts": counts}


_FILES: dict[str, dict[str, tuple[tuple, dict]]] = {}  # home → file name → (its signature, slim record)
_MERGED: dict[str, dict[tuple, dict]] = {}  # home → (signatures of the two halves) → merged slim record


def _read_records(h: Path, sig: tuple) -> list[dict]:
    """Every record of the home, slim; a file unchanged since the last read is not read again."""
    import json

    seen = _FILES.setdefault(str(h), {})
    fresh: dict[str, tuple[tuple, dict]] = {}
    for entry in sig:
        name = entry[0]
        hit = seen.get(name)
        if hit is not None and hit[0] == entry:
            fresh[name] = hit
            continue
        try:
            rec = json.loads((h / "records" / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(rec, dict):
            fresh[name] = (entry, slim(rec))
    _FILES[str(h)] = fresh
    return sorted((r for _, r in fresh.values()), key=lambda r: r.get("doc", ""))


def _merge(h: Path, files: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """extract.merge.merge_halves, remembering each merged pair until one of its halves changes."""
    from extract.merge import halves, merge_pair

    cache, keep = _MERGED.setdefault(str(h), {}), {}
    merged, replaced = [], {}
    for tab, text in halves(files):
        k = (tab.get("doc"), tab.get("sha256"), id(tab), text.get("doc"), id(text))
        m = keep[k] = cache.get(k) or slim(merge_pair(tab, text))
        merged.append(m)
        replaced.setdefault(tab["doc"], m["doc"])
        replaced.setdefault(text["doc"], m["doc"])
    _MERGED[str(h)] = keep
    if not replaced:
        return files, {}
    return [r for r in files if r.get("doc") not in replaced] + merged, replaced


def load_library(home: Path | str | None = None) -> Library:
    h = resolve_home(home)
    sig = _signature(h)
    key = str(h)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit and hit[0] == sig:
            return hit[1]
        files = _read_records(h, sig)
        records, merged_into = _merge(h, files)
    lib = Library(home=h, records=records, units=UnitIndex.from_records(records), row_names=set(),
                  function_names={}, part_records={r.get("doc"): r for r in files}, merged_into=merged_into)
    for r in records:
        for tid in ROW_TABLES:
            for row in ((r.get("tables") or {}).get(tid) or {}).get("rows", []):
                for name in (row.get("name"), row.get("extra")):
                    if isinstance(name, str) and 2 <= len(name) <= 60 and not name.isdigit() and name not in (
                            "合计", "总计", "小计"):
                        lib.row_names.add(name)
        for path in ("expenditure", "fiscal"):
            for item in (r.get(path) or {}).get("by_function") or []:
                code, name = leaf(item, "code")[0], leaf(item, "name")[0]
                if code and name:
                    lib.function_names.setdefault(str(code), str(name))
    with _LOCK:
        _CACHE[key] = (sig, lib)
    return lib


def _coerce(value: Any, metric: Metric) -> Any:
    if value is None:
        return None
    if metric.kind == "text":
        return str(value)
    d = to_decimal(value)
    if d is None:
        return None
    if metric.kind == "count" and d == d.to_integral_value():
        return int(d)
    return d


def _same(a: Any, b: Any) -> bool:
    da, db = to_decimal(a), to_decimal(b)
    if da is not None and db is not None:
        return da == db
    return str(a) == str(b)


def figure(record: dict, metric: Metric) -> Figure | None:
    """The figure for `metric` in `record` (None when the document does not state it)."""
    derived = record.get(DERIVED_FIGURES)
    if derived is not None:  # a previous-year view (qa.routes._previous_op): only what was derived
        return derived.get(metric.key)
    doc = record.get("doc", "")
    dep = str(leaf(record, "department")[0] or doc)
    year = leaf(record, "fiscal_year")[0]
    try:
        year = int(year) if year is not None else None
    except (TypeError, ValueError):
        year = None
    if metric.function_code:
        return _function_figure(record, metric, doc, dep, year)
    if metric.row:
        return _row_figure(record, metric, doc, dep, year)
    found: list[tuple[str, Any, list]] = []
    for path in metric.paths:
        raw, evidence = leaf(record, path)
        value = _coerce(raw, metric)
        if value is not None:
            found.append((path, value, evidence))
    if not found:
        for name in metric.rows:  # a figure some documents print only as a table row (会议费 of 基本支出表)
            fig = _row_figure(record, replace(metric, row=name), doc, dep, year)
            if fig is not None:
                fig.metric = metric
                return fig
        return None
    path, value, evidence = found[0]
    fig = Figure(doc, dep, year, metric, value, path, evidence[:2])
    for other_path, other_value, other_ev in found[1:]:
        if _same(other_value, value):
            # the same figure stated again (e.g. table and narrative): cite it too
            for ev in other_ev[:1]:
                if ev not in fig.evidence:
                    fig.evidence.append(ev)
            break
        fig.notes.append(f"{other_path}={other_value}")
        for ev in other_ev[:1]:
            fig.evidence.append(ev)
        fig.flagged = True
        break
    _validator_flags(record, fig)
    return fig


def _function_figure(record: dict, metric: Metric, doc: str, dep: str, year) -> Figure | None:
    items = node(record, metric.paths[0]) or []
    for item in items:
        code, name = leaf(item, "code")[0], leaf(item, "name")[0]
        if str(code) == metric.function_code or (name and name == metric.label_zh):
            raw, evidence = leaf(item, "amount")
            value = _coerce(raw, metric)
            if value is None:
                continue
            fig = Figure(doc, dep, year, metric, value, f"{metric.paths[0]}.{metric.function_code}",
                         evidence[:2])
            _validator_flags(record, fig, extra_paths=(metric.paths[0],))
            return fig
    return None


def _row_figure(record: dict, metric: Metric, doc: str, dep: str, year) -> Figure | None:
    tables = record.get("tables") or {}
    rows = [(tid, row) for tid in ROW_TABLES for row in (tables.get(tid) or {}).get("rows", [])]
    exact = [(t, r) for t, r in rows if metric.row in (r.get("name"), r.get("extra"))]
    loose = [] if exact or len(metric.row) < 4 else [
        (t, r) for t, r in rows if any(isinstance(x, str) and metric.row in x for x in (r.get("name"), r.get("extra")))]
    for tid, row in exact or loose:
        values = row.get("values") or {}
        for col in ROW_COLUMNS:
            raw, evidence = leaf(values, col)
            if raw is not None:
                value = _coerce(raw, metric)
                return Figure(doc, dep, year, metric, value, f"tables.{tid}.{metric.row}.{col}",
                              evidence[:2])
    return None


def _validator_flags(record: dict, fig: Figure, extra_paths: tuple[str, ...] = ()) -> None:
    paths = {fig.path, *extra_paths}
    for check in record.get("validation") or []:
        if check.get("status") != "mismatch":
            continue
        if str(check.get("id") or "").startswith("stated."):
            # the generic stated-figure check reads any sentence that names a figure (a contents page, a
            # visible injected line): the validator report shows it; an answer is flagged by the
            # template's own narrative identities only
            continue
        if paths & set(check.get("paths") or []):
            fig.flagged = True
            desc = check.get("description") or check.get("id")
            diff = check.get("difference")
            fig.notes.append(f"{desc}" + (f" (lhs {check.get('lhs')}, rhs {check.get('rhs')}, diff {diff})"
                                          if diff is not None else ""))


def decimal_or_none(value: Any) -> Decimal | None:
    return to_decimal(value)
