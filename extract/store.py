"""Records on disk: ``$GONGKAI_HOME/records/<doc>.json`` (export-contract JSON), written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def records_dir(home: Path | str | None = None) -> Path:
    if home is None:
        from gongkai.settings import home as default_home

        home = default_home()
    return Path(home) / "records"


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)  # like a normally created file (mkstemp makes it 0600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
