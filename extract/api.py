"""Public entry points of the extraction stage (the contract other stages call)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract.schema import BudgetRecord


def extract_document(doc, engine: str | None = None) -> BudgetRecord:
    """Document → validated BudgetRecord. `engine`: "deterministic" (default) or "llm" (needs settings)."""
    from extract.build import build_record

    if engine not in (None, "deterministic", "llm"):
        raise ValueError(f"unknown engine {engine!r}: use 'deterministic' or 'llm'")
    if engine == "llm" and not _llm_on():
        raise ValueError("the LLM engine needs an OpenAI-compatible endpoint: set llm_base_url (GONGKAI_LLM_BASE_URL)"
                         " and llm_model in settings; nothing is sent anywhere else")
    record = build_record(doc)
    if engine == "llm" or (engine is None and _llm_on()):
        from extract.llm import refine_with_llm

        record = refine_with_llm(doc, record)
    return record


def _llm_on() -> bool:
    from gongkai import settings

    return settings.load().llm_enabled


def load(path: str | Path):
    from ingest.pipeline import load_document

    return load_document(path)


def extract_path(path: str | Path, engine: str | None = None) -> dict[str, Any]:
    """Export-contract JSON of one file (txt/md/pdf). Raises ingest.errors.* on bad input."""
    doc = load(path)
    out = extract_document(doc, engine=engine).export()
    from ingest.pipeline import shown

    out["path"] = shown(path)  # a file name that is not UTF-8 shows its bytes as \xNN
    return out


def extract_and_store(doc, home: Path | str | None = None) -> dict[str, Any]:
    """Extract `doc` and write ``$GONGKAI_HOME/records/<doc>.json`` atomically; returns the record dict.

    Called by `gongkai ingest` for every ingested document.
    """
    from extract.store import save_record

    record = extract_document(doc).export()
    save_record(record, home)
    return record
