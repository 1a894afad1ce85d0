"""Writing records for bulk use: JSON, JSON Lines, CSV and Parquet.

CSV/Parquet write three tables: FILE (one row per document, one column per dot path of a leaf),
FILE-stem + ``_items`` (one row per table cell: doc, table, code, level, name, column, amount and its
citation; plus one row per project line, table ``projects`` (表7) or ``narrative_projects`` (情况说明 七)) and FILE-stem + ``_validation`` (one row per check).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

_SKIP = {"tables", "validation", "conflicts", "warnings"}


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """Leaf values of one export record by dot path (lists such as by_function go to the items table)."""
    out: dict[str, Any] = {"doc": record.get("doc"), "path": record.get("path"), "sha256": record.get("sha256"),
                           "engine": record.get("engine")}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            if "value" in node and "evidence" in node:
                out[prefix] = node["value"]
                return
            for k, v in node.items():
                if not prefix and k in _SKIP:
                    continue
                walk(v, f"{prefix}.{k}" if prefix else k)

    walk({k: v for k, v in record.items() if k not in ("doc", "path", "sha256", "engine", "schema_version")}, "")
    counts = {"pass": 0, "rounding": 0, "irreproducible_rounding": 0, "mismatch": 0, "insufficient_data": 0,
              "not_applicable": 0}
    for c in record.get("validation", []):
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    for k, v in counts.items():
        out[f"validation.{k}"] = v
    return out


def _cite(leaf: dict) -> tuple[Any, Any, Any]:
    ev = (leaf.get("evidence") or [{}])[0]
    return ev.get("page"), ev.get("line"), ev.get("quote")


def items(record: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for tid, table in (record.get("tables") or {}).items():
        for r in table.get("rows", []):
            for col, leaf in r.get("values", {}).items():
                page, line, quote = _cite(leaf)
                rows.append({"doc": record.get("doc"), "table": tid, "unit": table.get("unit"), "code": r.get("code"),
                             "level": r.get("level"), "name": r.get("name"), "extra": r.get("extra"), "column": col,
                             "amount": leaf.get("value"), "resolution": r.get("resolution"), "page": page,
                             "line": line, "quote": quote})
    for key in ("projects", "narrative_projects"):  # project lines with their own names (表7 / 情况说明 七)
        for p in record.get(key) or []:
            page, line, quote = _cite(p.get("amount") or {})
            rows.append({"doc": record.get("doc"), "table": key, "unit": "万元", "code": (p.get("code") or {}).get("value"),
                         "level": "project", "name": (p.get("name") or {}).get("value"), "extra": None,
                         "column": "amount", "amount": (p.get("amount") or {}).get("value"), "resolution": None,
                         "page": page, "line": line, "quote": quote})
    return rows


def checks(record: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for c in record.get("validation", []):
        ev = (c.get("evidence") or [{}])[0]
        out.append({"doc": record.get("doc"), "id": c["id"], "rule": c.get("rule"), "description": c["description"],
                    "status": c["status"], "severity": c.get("severity"), "lhs": _number(c.get("lhs")),
                    "rhs": _number(c.get("rhs")), "lhs_text": _text(c.get("lhs")), "rhs_text": _text(c.get("rhs")),
                    "difference": c.get("difference"), "paths": ";".join(c.get("paths", [])),
                    "page": ev.get("page"), "line": ev.get("line"), "quote": ev.get("quote")})
    return out


def _number(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _text(x: Any) -> str | None:
    """A side that is no number (a title, a year range, a comparison in words), as printed."""
    return x if isinstance(x, str) else None


def side_paths(path: Path) -> tuple[Path, Path]:
    return (path.with_name(f"{path.stem}_items{path.suffix}"), path.with_name(f"{path.stem}_validation{path.suffix}"))


def write(records: Iterable[dict[str, Any]], fmt: str, out: Path | None) -> list[Path]:
    """Write `records` in `fmt` to `out` (stdout for json/jsonl when out is None). Returns files written."""
    import sys

    records = list(records)
    if fmt in ("json", "jsonl"):
        if fmt == "json":
            text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
        else:
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        if out is None:
            sys.stdout.write(text)
            return []
        from extract.store import atomic_write

        atomic_write(out, text)
        return [out]
    if out is None:
        raise ValueError(f"--format {fmt} needs -o FILE")
    import pandas as pd

    docs = pd.DataFrame([flatten(r) for r in records])
    cells = pd.DataFrame([row for r in records for row in items(r)])
    vals = pd.DataFrame([row for r in records for row in checks(r)])
    items_path, val_path = side_paths(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for frame, path in ((docs, out), (cells, items_path), (vals, val_path)):
        if fmt == "csv":
            frame.to_csv(path, index=False, encoding="utf-8")
        elif fmt == "parquet":
            for col in frame.columns:
                if frame[col].dtype == object:
                    frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
            frame.to_parquet(path, index=False)
        else:
            raise ValueError(f"unknown format {fmt}")
    return [out, items_path, val_path]
