"""Read the export-contract records (`extract.store.load_records`) into rows the views show.

A record is a dict whose leaves are ``{"value", "evidence": [{"doc","page","line","quote"}]}``;
`validation` is a list of checks. Nothing here computes a figure: values are shown as stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The shared readers of the export contract (the same ones qa and evals use); the views call
# them as `records.leaf` / `records.is_leaf`.
from extract.store import is_leaf, leaf

# Metrics offered in the Compare view: numeric contract paths (amounts in 万元 unless noted).
COMPARE_METRICS = [
    "sangong.total", "operating_expenses", "income.total", "expenditure.total", "expenditure.basic",
    "expenditure.project", "expenditure.personnel", "expenditure.public", "sangong.reception",
    "sangong.vehicle_operation", "sangong.vehicle_purchase", "sangong.overseas_travel",
    "procurement.total", "income.general_budget", "income.carryover", "staffing.authorized",
    "staffing.actual", "assets.vehicles",
]
COUNT_PATHS = {"staffing.authorized", "staffing.actual", "staffing.active", "staffing.retired",
               "assets.vehicles", "staffing.offices", "staffing.subordinate_units"}

STATUS_ORDER = ["mismatch", "irreproducible_rounding", "rounding", "insufficient_data", "not_applicable", "pass"]
# Plain-text labels (emoji need a font most servers lack; CJK and Latin always render).
STATUS_LABEL = {"pass": "通过 pass", "rounding": "舍入 rounding", "mismatch": "不符 mismatch",
                "irreproducible_rounding": "无法由舍入解释 irreproducible rounding",
                "insufficient_data": "数据不足 insufficient", "not_applicable": "不适用 not applicable"}


COLUMN_LABELS = {"total": "合计", "amount": "金额", "basic": "基本支出", "project": "项目支出",
                 "personnel": "人员经费", "public": "公用经费", "general_budget": "一般公共预算",
                 "gov_fund": "政府性基金预算", "state_capital": "国有资本经营预算", "share": "占比",
                 "code": "编码", "name": "名称"}


def label(path: str) -> str:
    """The name of a record dot path: the schema's Chinese name (ui.figures.label); never a raw key."""
    from ui.figures import label as name

    return name(path)


def metric_unit(path: str) -> str:
    return "" if path in COUNT_PATHS else "万元"


def load(home: Path | None = None) -> dict[str, dict]:
    """Every file's record by doc id, as the question-answering library keeps them (one copy in the
    app, re-read only for files that changed; checks that passed are counted, not kept: the full
    record is `full(doc)`)."""
    from qa.records import load_library

    return load_library(home).part_records


def full(doc: str, home: Path | None = None) -> dict | None:
    """A file's record as stored, every check included."""
    from extract.store import load_record

    return load_record(doc, home)


def cite(c: dict, with_doc: bool = True) -> str:
    """One citation as a short readable string: doc · p.N · L.M “quote”."""
    parts = [str(c.get("doc", ""))] if with_doc else []
    if c.get("page") is not None:
        parts.append(f"p.{c['page']}")
    if c.get("line") is not None:
        parts.append(f"L.{c['line']}")
    quote = " ".join(str(c.get("quote") or "").split())
    if len(quote) > 80:
        quote = quote[:77] + "…"
    return " · ".join(parts) + (f" “{quote}”" if quote else "")


def cite_all(evidence: list[dict], limit: int = 3) -> str:
    shown = " | ".join(cite(c) for c in evidence[:limit])
    return shown + (f" | +{len(evidence) - limit} more" if len(evidence) > limit else "")


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value - round(value, 2)) < 1e-9 else f"{value:g}"
    return str(value)


def doc_title(record: dict | None, doc: str) -> str:
    if not record:
        return doc
    dept, _ = leaf(record, "department")
    year, _ = leaf(record, "fiscal_year")
    bits = [str(dept) if dept else doc]
    if year:
        bits.append(str(year))
    return " ".join(bits)


def validation_summary(record: dict | None) -> str:
    """e.g. '2 mismatch · 1 rounding · 14 pass'; 'not extracted' when there is no record."""
    if not record:
        return "not extracted"
    counts = record.get("validation_counts")
    if counts is None:
        counts = {}
        for c in record.get("validation") or []:
            counts[c.get("status", "?")] = counts.get(c.get("status", "?"), 0) + 1
    if not counts:
        return "no checks"
    parts = []
    for s in STATUS_ORDER + sorted(set(counts) - set(STATUS_ORDER)):
        if counts.get(s):
            parts.append(f"{counts[s]} {s}")
    return " · ".join(parts)


def scalar_groups(record: dict) -> dict[str, list[dict]]:
    """Leaves grouped by top-level section: {group label: [{field, value, evidence}]}; each value as
    the document prints it (ui.figures.as_printed).

    Lists (e.g. by_function) and the raw `tables` are shown separately."""
    from ui.figures import as_printed, units_by_line

    groups: dict[str, list[dict]] = {}
    units = units_by_line(record)

    def walk(obj: Any, path: str, group: str) -> None:
        if is_leaf(obj):
            groups.setdefault(group, []).append(
                {"field": label(path), "path": path,
                 "value": as_printed(obj.get("value"), obj.get("evidence") or [], units),
                 "evidence": cite_all(obj.get("evidence") or [])})
        elif isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{path}.{k}" if path else k, group)

    skip = {"tables", "validation", "conflicts", "warnings", "doc", "path", "sha256", "schema_version", "engine",
            "validation_counts"}
    for key, obj in record.items():
        if key in skip:
            continue
        if is_leaf(obj):
            walk(obj, key, "概况")
        elif isinstance(obj, dict):
            walk(obj, key, label(key))
    return groups


def list_tables(record: dict) -> dict[str, list[dict]]:
    """Lists of leaf-dicts anywhere in the record (e.g. expenditure.by_function) as row lists, each
    value as printed."""
    from ui.figures import as_printed

    out: dict[str, list[dict]] = {}

    def walk(obj: Any, path: str) -> None:
        if isinstance(obj, list) and obj and all(isinstance(r, dict) and not is_leaf(r) for r in obj):
            rows = []
            for r in obj:
                row: dict[str, str] = {}
                ev: list[dict] = []
                for k, v in r.items():
                    if is_leaf(v):
                        row[k] = as_printed(v.get("value"), v.get("evidence") or [])
                        ev.extend(v.get("evidence") or [])
                rows.append({**row, "evidence": cite_all(ev[:1] if ev else [])})
            out[path] = rows
        elif isinstance(obj, dict) and not is_leaf(obj):
            for k, v in obj.items():
                if k not in ("tables", "validation", "conflicts", "validation_counts"):
                    walk(v, f"{path}.{k}" if path else k)

    walk(record, "")
    return out


def source_tables(record: dict) -> list[tuple[str, list[str], list[list[str]], str]]:
    """The parsed disclosure tables (catalogue order) as (caption, header, rows, kind) with a per-row citation;
    a caption is the table's label and title as printed."""
    from ingest.catalog import zh_name
    from ui.figures import as_printed

    out = []
    tables = record.get("tables") or {}
    for tid, t in sorted(tables.items(), key=lambda kv: _table_no(kv[0])):  # catalogue order
        if not isinstance(t, dict):
            continue
        cols = list(t.get("columns") or [])
        header = ["编码", "科目/项目", *[COLUMN_LABELS.get(c, c) for c in cols], "出处"]
        rows = []
        for r in t.get("rows") or []:
            values = r.get("values") or {}
            ev: list[dict] = []
            cells = []
            for col in cols:
                v = values.get(col)
                cells.append(as_printed(v.get("value"), v.get("evidence") or []) if is_leaf(v) else "")
                if is_leaf(v):
                    ev.extend(v.get("evidence") or [])
            name = r.get("name") or ""
            if r.get("extra"):
                name = f"{name}（{r['extra']}）"
            rows.append([r.get("code") or "", name, *cells, cite(ev[0]) if ev else ""])
        unit = t.get("unit") or ""
        status = t.get("status") or ""
        caption = f"{t.get('label') or ''} {t.get('title') or zh_name(tid)}".strip() + (f"（单位：{unit}）" if unit else "") + f" — {status}"
        note, _ = leaf(t, "note")
        if note:
            caption += f"；备注：{note}"
        out.append((caption, header, rows, str(t.get("kind") or "")))
    return out


def _table_no(tid: str) -> int:
    from ingest.catalog import table_kinds

    order = [k.kind for k in table_kinds()]
    return order.index(tid) if tid in order else 99


def validation_rows(record: dict | None) -> list[dict]:
    """Each identity check with its numbers and evidence, worst status first."""
    if not record:
        return []
    rows = []
    for c in record.get("validation") or []:
        rows.append({
            "status": STATUS_LABEL.get(c.get("status"), c.get("status")),
            "raw_status": c.get("status"),
            "check": c.get("id", ""),
            "description": c.get("description", ""),
            "lhs": fmt(c.get("lhs")), "rhs": fmt(c.get("rhs")), "difference": fmt(c.get("difference")),
            "paths": ", ".join(c.get("paths") or []),
            "evidence": cite_all(c.get("evidence") or []),
            "severity": c.get("severity") or "", "rule": c.get("rule") or "", "note": c.get("note") or "",
            "figures": _figures(c),
        })
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    rows.sort(key=lambda r: order.get(r["raw_status"], 9))
    return rows


def _figures(check: dict) -> list[str]:
    """Each figure of a check: "lhs path = value [p.. l..] “quote”" (both sides, where each is printed)."""
    out = []
    for t in check.get("terms") or []:
        ev = (t.get("evidence") or [{}])[0]
        out.append(f"{t.get('role')} {t.get('path') or ''} = {fmt(t.get('value'))}: {cite(ev, with_doc=False)}")
    return out


def compare_rows(records: dict[str, dict], path: str) -> list[dict]:
    """One metric across all documents: department, year, value, evidence as text and as citations
    (value None if not stated)."""
    rows = []
    for doc, rec in sorted(records.items()):
        value, evidence = leaf(rec, path)
        dept, _ = leaf(rec, "department")
        year, _ = leaf(rec, "fiscal_year")
        flags = [c for c in rec.get("validation") or []
                 if path in (c.get("paths") or []) and c.get("status") == "mismatch"]
        rows.append({"doc": doc, "department": str(dept or doc), "fiscal_year": fmt(year),
                     "value": value if isinstance(value, (int, float)) else None,
                     "shown": fmt(value), "evidence": cite_all(evidence), "citations": evidence,
                     "flag": "; ".join(f"不符 mismatch: {c.get('id')}" for c in flags)})
    return rows


def flags_for_citation(record: dict | None, citation: dict) -> list[dict]:
    """Validator checks that did not pass and whose evidence cites the same line as `citation`."""
    if not record:
        return []
    key = (citation.get("page"), citation.get("line"))
    out = []
    for c in record.get("validation") or []:
        if c.get("status") not in ("mismatch", "rounding"):
            continue
        for e in c.get("evidence") or []:
            if (e.get("page"), e.get("line")) == key and e.get("doc", citation.get("doc")) == citation.get("doc"):
                out.append(c)
                break
    return out


def flags_for_paths(record: dict | None, paths: list[str]) -> list[dict]:
    """Validator checks that did not pass and that involve one of the record `paths` (dot paths)."""
    if not record or not paths:
        return []
    wanted = set(paths)
    return [c for c in record.get("validation") or []
            if c.get("status") in ("mismatch", "rounding") and wanted & set(c.get("paths") or [])]


def flagged_evidence(record: dict | None) -> list[tuple[str, dict]]:
    """(label, citation) for each evidence line of the checks that did not pass, worst first — the
    passages an auditor opens to see a mismatch as printed."""
    order = {st: i for i, st in enumerate(STATUS_ORDER)}
    checks = [c for c in (record or {}).get("validation") or [] if c.get("status") in ("mismatch", "rounding")]
    out: list[tuple[str, dict]] = []
    for c in sorted(checks, key=lambda c: order.get(c.get("status"), 9)):
        for e in c.get("evidence") or []:
            out.append((f"[{len(out) + 1}] {STATUS_LABEL[c['status']]} {c.get('id', '')} · {cite(e)}", e))
    return out


def check_figure(record: dict | None, citation: dict) -> Any:
    """The figure a flagged check reads on the cited line (its terms say which), for the page view to
    box; None when the check names none there."""
    for c in (record or {}).get("validation") or []:
        for t in c.get("terms") or []:
            for e in t.get("evidence") or []:
                if (e.get("doc"), e.get("page"), e.get("line")) == (citation.get("doc"), citation.get("page"),
                                                                    citation.get("line")):
                    return t.get("value")
    return None


def value_sources(record: dict | None, with_values: bool = False) -> list[tuple]:
    """(label, first citation) for every stated value of the record, in record order — so any
    number in the Extraction view can be opened where it is printed; `with_values`: (label,
    citation, value)."""
    from ui.figures import as_printed

    out: list[tuple] = []
    skip = {"tables", "validation", "conflicts", "warnings", "validation_counts"}

    def add(path: str, value: Any, evidence: list[dict], name: str | None = None) -> None:
        if value is None or not evidence:
            return
        item = (f"[{len(out) + 1}] {name or label(path)} = {as_printed(value, evidence)} · "
                f"{cite(evidence[0], with_doc=False)}", evidence[0])
        out.append((*item, value) if with_values else item)

    def walk(obj: Any, path: str) -> None:
        if is_leaf(obj):
            add(path, obj.get("value"), list(obj.get("evidence") or []))
        elif isinstance(obj, dict):
            for k, v in obj.items():
                if not (path == "" and k in skip):
                    walk(v, f"{path}.{k}" if path else k)
        elif isinstance(obj, list):
            for i, row in enumerate(obj):
                if not isinstance(row, dict):
                    continue
                name = " ".join(str(row[k]["value"]) for k in ("code", "name")
                                if is_leaf(row.get(k)) and row[k].get("value") is not None)
                for k, v in row.items():
                    if is_leaf(v) and k not in ("code", "name"):
                        add(f"{path}.{i}.{k}", v.get("value"), list(v.get("evidence") or []),
                            f"{label(path)} {name or i} {label(f'{path}.{i}.{k}')}")

    walk(record or {}, "")
    return out
