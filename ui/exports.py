"""Write records for download under $GONGKAI_HOME/exports — the only place downloads come from.

Uses the extraction stage's writer (`extract.export.write`), so a download is the same file the
CLI writes: JSON (the export contract), or CSV/Parquet as three tables (one row per document,
`_items`: one row per table cell, `_validation`: one row per check), each with citations.
"""

from __future__ import annotations

import re
from pathlib import Path

FORMATS = ("csv", "parquet", "json")


def export(records: list[dict], fmt: str, home: Path, name: str) -> list[Path]:
    """Write `records` as fmt to $GONGKAI_HOME/exports/<name>.<fmt> (+ side tables); returns the files."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from extract.export import write

    out_dir = home / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.\-]+", "_", name).lstrip(".") or "records"
    return write(records, fmt, out_dir / f"{stem}.{fmt}")
