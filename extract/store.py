"""Records on disk: ``$GONGKAI_HOME/records/<doc>.json`` (export-contract JSON), written atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ingest.store import atomic_write


def records_dir(home: Path | str | None = None) -> Path:
    if home is None:
        from gongkai.settings import home as default_home

        home = default_home()
    return Path(home) / "records"


def _safe(doc_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in doc_id)


def save_record(record: dict[str, Any], home: Path | str | None = None) -> Path:
    path = records_dir(home) / f"{_safe(record['doc'])}.json"
    atomic_write(path, json.dumps(record, ensure_ascii=False, indent=1))
    return path


def load_record(doc_id: str, home: Path | str | None = None) -> dict[str, Any] | None:
    path = records_dir(home) / f"{_safe(doc_id)}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def load_records(home: Path | str | None = None) -> list[dict[str, Any]]:
    """Every stored record (export-contract dicts), sorted by doc id. Unreadable files are skipped."""
    d = records_dir(home)
    out = []
    if not d.exists():
        return out
    for path in sorted(d.glob("*.json")):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(out, key=lambda r: r.get("doc", ""))


def remove_record(doc_id: str, home: Path | str | None = None) -> bool:
    path = records_dir(home) / f"{_safe(doc_id)}.json"
    if path.exists():
        path.unlink()
        return True
    return False


# -- reading the export contract (shared by qa, ui and evals) -------------------------------------
def node(record: dict, path: str) -> Any:
    """The node at a dot path (``sangong.total``; list items as ``projects[0].amount`` or
    ``projects.0.amount``), or None when any step is missing."""
    cur: Any = record
    parts = path.split(".")
    k = 0
    while k < len(parts):
        part = parts[k]
        k += 1
        m = re.fullmatch(r"([^\[\]]*)((?:\[\d+\])*)", part)
        if m is None:
            return None
        key, indexes = m.group(1), [int(i) for i in re.findall(r"\d+", m.group(2))]
        if key and isinstance(cur, dict) and key not in cur:
            # a key that holds dots itself (``stated`` is keyed by record paths: stated.sangong.total)
            for j in range(len(parts), k, -1):
                if ".".join(parts[k - 1: j]) in cur:
                    key, k = ".".join(parts[k - 1: j]), j
                    break
        if key:
            if isinstance(cur, dict) and key in cur:
                cur = cur[key]
            elif isinstance(cur, list) and key.isdigit():
                indexes.insert(0, int(key))
            else:
                return None
        for i in indexes:
            if not isinstance(cur, list) or i >= len(cur):
                return None
            cur = cur[i]
    return cur


def is_leaf(obj: Any) -> bool:
    """A ``{"value", "evidence"}`` leaf of the export contract."""
    return isinstance(obj, dict) and "value" in obj and "evidence" in obj


def leaf(record: dict, path: str) -> tuple[Any, list[dict]]:
    """(value, evidence) of the leaf at a dot path; (None, []) when absent or not a leaf."""
    obj = node(record, path)
    if is_leaf(obj):
        return obj.get("value"), list(obj.get("evidence") or [])
    return None, []
