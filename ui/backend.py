"""The UI's calls into the other stages (ingest, extract, qa), in one place.

Each raises `Missing` with a plain message when the stage it needs is not installed, so the app
still starts and says what is unavailable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

Progress = Callable[[float, str], None]


class Missing(RuntimeError):
    """A pipeline stage the UI needs is not available."""


def _store(home: Path):
    try:
        from ingest.store import Store
    except ImportError as exc:
        raise Missing("the ingest stage (ingest.store) is not installed") from exc
    return Store(home)


def list_documents(home: Path) -> list[dict]:
    try:
        return list(_store(home).list())
    except Missing:
        return []


def remove_document(doc: str, home: Path) -> None:
    _store(home).remove(doc)


def conversation(home: Path) -> Any:
    try:
        from qa.api import Conversation
    except ImportError as exc:
        raise Missing("question answering (qa.api) is not installed") from exc
    try:
        return Conversation(home=home)
    except TypeError:
        return Conversation()


def ingest_file(path: Path, home: Path, progress: Progress | None = None) -> dict:
    """Parse, index and extract one file; returns {doc, department, fiscal_year, tables, chunks, validation}."""
    progress = progress or (lambda frac, msg: None)
    try:
        from ingest import api as ingest_api
    except ImportError as exc:
        raise Missing("the ingest stage (ingest.api) is not installed") from exc
    progress(0.1, "parsing")
    result = ingest_api.ingest_file(path, home=home)
    progress(0.9, "indexed")
    return dict(result or {})


def warm(home: Path) -> None:
    try:
        from ingest.search import search
    except ImportError:
        return
    if list_documents(home):
        search("预算", k=1, home=home)
    try:
        import qa.api  # noqa: F401
    except ImportError:
        pass
