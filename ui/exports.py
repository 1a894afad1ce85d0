"""Write records for download (CSV / Parquet / JSON) under $GONGKAI_HOME/exports — the only
place downloads come from."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ui import records as rec

FORMATS = ("csv", "parquet", "json")
COLUMNS = ["doc", "department", "fiscal_year", "path", "value", "page", "line", "quote"]


def long_rows(record: dict) -> list[dict]:
    """Every leaf of a record as one row with its first citation (lists indexed: a.b.0.amount)."""
    dept, _ = rec.leaf(record, "department")
    year, _ = rec.leaf(record, "fiscal_year")
    rows: list[dict] = []

    def walk(node: Any, path: str) -> None:
        if rec.is_leaf(node):
            ev = (node.get("evidence") or [{}])[0] if node.get("evidence") else {}
            value = node.get("value")
            rows.append({"doc": record.get("doc"), "department": dept, "fiscal_year": year, "path": path,
                         "value": None if value is None else str(value), "page": ev.get("page"),
                         "line": ev.get("line"), "quote": ev.get("quote")})
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}.{i}")

    for key, node in record.items():
        if key not in ("validation", "conflicts", "warnings"):
            walk(node, key)
    return rows


def frame(records: list[dict]):
    import pandas as pd

    rows = [r for record in records for r in long_rows(record)]
    return pd.DataFrame(rows, columns=COLUMNS)


def export(records: list[dict], fmt: str, home: Path, name: str) -> Path:
    """Write `records` as fmt to $GONGKAI_HOME/exports/<name>.<fmt>; returns the path."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out_dir = home / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.\-]+", "_", name).lstrip(".") or "records"
    path = out_dir / f"{stem}.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(records if len(records) != 1 else records[0], ensure_ascii=False, indent=1),
                        encoding="utf-8")
    elif fmt == "csv":
        frame(records).to_csv(path, index=False, encoding="utf-8-sig")
    else:
        frame(records).to_parquet(path, index=False)
    return path
