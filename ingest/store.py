"""The document store under $GONGKAI_HOME. Plain files, written atomically (tmp + os.replace).

Layout:
  catalog.json            {doc_id: {doc, path, source, department, region, fiscal_year, tables,
                            chunks, sha256, pages, source_type, pipeline, indexed, extraction,
                            dense, added[, state]}}
  documents/<doc>.json    the Document (lines as printed + normalised, structure)
  chunks/<doc>.json       its Chunks
  sources/<doc><.ext>     a copy of the input file (so `gongkai reindex` can rebuild everything)
  pipeline.json           a summary of the catalog's pipeline stamps, so a reader (`gongkai ask`)
                          learns whether documents are stale without reading the whole catalog

The search index (BM25 + Chroma) is derived state, rebuilt from here by `ingest.index`.
Every write goes through this class (one place, so a writer lock can wrap them).

What each entry says about its document (`ingest.state` turns it into one state per document):
`indexed` (its BM25 entries were written), `extraction` ("ok" | "skipped" | "failed: …"),
`dense` (null until its vectors are in Chroma, then {"embedder", "sha256", "vectors"}: which
embedder embedded which content), `added` (when it was committed: the embedding queue's order) and,
only while a removal runs, `"state": "removing"` (readers treat the document as gone). An entry
written before these fields existed has no `dense` key: its vectors were written with it.

Pipeline version stamp: each catalog entry carries `"pipeline": {"chunks": "<S>", "record": "<S>.<E>"
| null}` — which STRUCTURE_VERSION made its document/chunks/index entries, and which
STRUCTURE_VERSION.EXTRACT_VERSION made its extraction record (null: no record made by a stamped
Gongkai yet). An entry without a stamp (a home written before stamps existed) is stale.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest.document import Chunk, Document
from ingest.identity import canonical_body, document_part

CATALOG = "catalog.json"
SUMMARY = "pipeline.json"

# -- pipeline version ---------------------------------------------------------------------------
# BUMP ONE OF THESE when a code change alters the OUTPUT for an unchanged input file, so homes
# built by the older code are re-processed instead of silently serving old chunks/records:
#   STRUCTURE_VERSION: ingest/pipeline.py, loaders/, normalize.py, structure.py, tables.py, identity.py,
#                      catalog/, chunk.py
#                      (the stored Document, its chunks and therefore the index entries);
#                      a bump also re-extracts (the record is made from the Document);
#   EXTRACT_VERSION:   extract/ (the record written to records/<doc>.json).
# Not needed for changes that leave the output identical (speed-ups, refactors). A stale document
# is re-processed by `gongkai ingest` of the same file (status "refreshed") or by `gongkai reindex`;
# `gongkai list`, `gongkai ask` and `gongkai ui` say when a home holds stale documents.
STRUCTURE_VERSION = 5
EXTRACT_VERSION = 5


def chunks_stamp() -> str:
    return str(STRUCTURE_VERSION)


def record_stamp() -> str:
    return f"{STRUCTURE_VERSION}.{EXTRACT_VERSION}"


def stale_parts(entry: dict[str, Any]) -> list[str]:
    """Which parts of a catalog entry an older pipeline made: "chunks" (document, chunks, index
    entries) and/or "record" (extraction record). [] = current."""
    p = entry.get("pipeline")
    if not isinstance(p, dict):
        return ["chunks", "record"]  # stored before stamps existed
    out = []
    if p.get("chunks") != chunks_stamp():
        out.append("chunks")
    if p.get("record") is not None and p.get("record") != record_stamp():
        out.append("record")
    return out


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write a file so a reader sees either the old or the new content, never a torn one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)  # like a normally created file (mkstemp makes it 0600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Store:
    def __init__(self, home: Path | str | None = None):
        if home is None:
            from gongkai.settings import home as default_home

            home = default_home()
        self.home = Path(home)

    # -- paths -----------------------------------------------------------------------------------
    @property
    def catalog_path(self) -> Path:
        return self.home / CATALOG

    def doc_path(self, doc_id: str) -> Path:
        return self.home / "documents" / f"{doc_id}.json"

    def chunks_path(self, doc_id: str) -> Path:
        return self.home / "chunks" / f"{doc_id}.json"

    def source_path(self, doc_id: str) -> Path | None:
        entry = self.catalog().get(doc_id)
        if entry and entry.get("source"):
            return self.home / entry["source"]
        return None

    # -- reading ---------------------------------------------------------------------------------
    def catalog(self) -> dict[str, dict[str, Any]]:
        try:
            return json.loads(self.catalog_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:
            # a damaged catalog is rebuilt from the stored documents
            return self._rebuild_catalog()

    def list(self) -> list[dict[str, Any]]:
        """Catalog entries of the documents in the library (a document being removed is not)."""
        cat = self.catalog()
        return [cat[k] for k in sorted(cat) if not removing(cat[k])]

    def ids(self) -> list[str]:
        return [k for k, v in sorted(self.catalog().items()) if not removing(v)]

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.catalog()

    def document(self, doc_id: str) -> Document:
        try:
            return Document.loads(self.doc_path(doc_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyError(f"no ingested document '{doc_id}' (see `gongkai list`)") from None

    def chunks(self, doc_id: str) -> list[Chunk]:
        try:
            data = json.loads(self.chunks_path(doc_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyError(f"no ingested document '{doc_id}' (see `gongkai list`)") from None
        return [Chunk.from_dict(c) for c in data]

    def all_chunks(self) -> list[Chunk]:
        out: list[Chunk] = []
        for doc_id in self.ids():
            try:
                out += self.chunks(doc_id)
            except KeyError:
                continue
        return out

    def find_by_sha(self, sha256: str) -> str | None:
        return next((k for k, v in self.catalog().items() if v.get("sha256") == sha256 and not removing(v)), None)

    # -- writing ---------------------------------------------------------------------------------
    def write_files(self, doc: Document, chunks: list[Chunk], source: Path | None = None) -> str | None:
        """Write a document's source copy, Document and chunks (not its catalog entry); returns the
        source copy's path relative to the home."""
        source_rel = None
        if source is not None and Path(source).exists():
            rel = Path("sources") / f"{doc.doc}{Path(source).suffix.lower()}"
            if Path(source).resolve() != (self.home / rel).resolve():
                atomic_copy(Path(source), self.home / rel)
            source_rel = str(rel)
        atomic_write(self.doc_path(doc.doc), doc.dumps())
        atomic_write(self.chunks_path(doc.doc), json.dumps([c.to_dict() for c in chunks], ensure_ascii=False))
        return source_rel

    def new_entry(self, doc: Document, chunks: list[Chunk], source_rel: str | None, old: dict[str, Any] | None,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """The catalog entry for a document whose files were just written. Documents and chunks are
        this pipeline's; the record stays the one made before (by whichever version made it) until
        `stamp_record` — or the caller, having made a new one — says otherwise. Not embedded yet."""
        entry = entry_for(doc, len(chunks), source_rel)
        entry.update(extra or {})
        old_record = None if old is None else (old.get("pipeline") or {"record": "0"}).get("record")
        entry["pipeline"] = {"chunks": chunks_stamp(), "record": old_record}
        entry["added"] = time.time()
        return entry

    def put(self, doc: Document, chunks: list[Chunk], source: Path | None = None,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store a document, its chunks and a copy of its source; the catalog entry is written last."""
        source_rel = self.write_files(doc, chunks, source)
        cat = self.catalog()
        entry = self.new_entry(doc, chunks, source_rel, cat.get(doc.doc), extra)
        cat[doc.doc] = entry
        self._write_catalog(cat)
        return entry

    def update(self, entries: dict[str, dict[str, Any]] | None = None, *, drop: list[str] = ()) -> dict:
        """One catalog write: set these entries, drop those ids. Returns the catalog written."""
        cat = self.catalog()
        cat.update(entries or {})
        for d in drop:
            cat.pop(d, None)
        self._write_catalog(cat)
        return cat

    def mark_removing(self, doc_id: str) -> bool:
        """Say in the catalog that `doc_id` is being removed (readers treat it as gone from now on)."""
        cat = self.catalog()
        if doc_id not in cat:
            return False
        if cat[doc_id].get("state") != "removing":
            cat[doc_id] = {**cat[doc_id], "state": "removing"}
            self._write_catalog(cat)
        return True

    def stamp_dense(self, stamps: dict[str, dict[str, Any]]) -> list[str]:
        """Note that these documents' vectors are in the index: {doc: {"embedder", "sha256",
        "vectors"}}; an entry that is gone, being removed or holds other content meanwhile is left
        alone. One catalog write. Returns the ids stamped."""
        cat = self.catalog()
        done = []
        for doc_id, stamp in stamps.items():
            e = cat.get(doc_id)
            if e is None or removing(e) or e.get("sha256") != stamp.get("sha256"):
                continue
            cat[doc_id] = {**e, "dense": dict(stamp)}
            done.append(doc_id)
        if done:
            self._write_catalog(cat)
        return done

    def stamp_record(self, doc_id: str, sha256: str | None) -> bool:
        """Note that the extraction record of `doc_id` was just made by this pipeline from the content
        `sha256` (nothing is written when the entry is gone or holds other content meanwhile)."""
        cat = self.catalog()
        entry = cat.get(doc_id)
        if entry is None or entry.get("sha256") != sha256:
            return False
        p = dict(entry.get("pipeline") or {})
        if p.get("record") != record_stamp():
            p["record"] = record_stamp()
            entry["pipeline"] = p
            self._write_catalog(cat)
        return True

    def stale(self) -> list[str]:
        """Ids of the documents an older Gongkai processed (see `stale_parts`)."""
        return [k for k, v in sorted(self.catalog().items()) if stale_parts(v)]

    def remove(self, doc_id: str) -> bool:
        """Drop a document's files, then its catalog entry (callers mark it removing first)."""
        entry = self.catalog().get(doc_id)
        for p in (self.doc_path(doc_id), self.chunks_path(doc_id)):
            p.unlink(missing_ok=True)
        if entry and entry.get("source"):
            (self.home / entry["source"]).unlink(missing_ok=True)
        if entry is not None:
            self.update(drop=[doc_id])
        return entry is not None

    def _write_catalog(self, cat: dict) -> None:
        atomic_write(self.catalog_path, json.dumps(cat, ensure_ascii=False, indent=1, sort_keys=True))
        _write_summary(self.home, cat)

    def _rebuild_catalog(self) -> dict[str, dict[str, Any]]:
        cat: dict[str, dict[str, Any]] = {}
        for p in sorted((self.home / "documents").glob("*.json")):
            try:
                doc = Document.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError, KeyError):
                continue
            try:
                n = len(json.loads(self.chunks_path(doc.doc).read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                n = 0  # chunks lost too: `gongkai reindex` re-makes them from the source copy
            src = next((s for s in (self.home / "sources").glob(f"{doc.doc}.*")), None)
            cat[doc.doc] = entry_for(doc, n, str(src.relative_to(self.home)) if src else None)
        return cat


def disclosure_of(doc: Document) -> str | None:
    """"<canonical body>|<year>|<kind>": the files of one disclosure share it."""
    body = canonical_body(doc.department)
    if not body or not doc.fiscal_year:
        return None
    return f"{body}|{doc.fiscal_year}|{'决算' if '决算' in (doc.doc_kind or '') else '预算'}"


def entry_for(doc: Document, n_chunks: int, source_rel: str | None) -> dict[str, Any]:
    return {
        "doc": doc.doc,
        "path": doc.path,
        "source": source_rel,
        "source_type": doc.source_type,
        "department": doc.department,
        "region": doc.region,
        "fiscal_year": doc.fiscal_year,
        "doc_kind": doc.doc_kind,
        "level": doc.level,
        "part": document_part(doc),  # text | tables | whole: two parts of one disclosure are shown together
        "disclosure": disclosure_of(doc),
        "tables": [t.id for t in doc.tables],
        "empty_tables": [t.id for t in doc.tables if t.empty],
        "chunks": n_chunks,
        "sha256": doc.sha256,
        "pages": doc.pages,
        "lines": len(doc.lines),
        "dense": None,
    }


def removing(entry: dict[str, Any]) -> bool:
    """True while a removal of this entry's document runs (or after one was interrupted)."""
    return entry.get("state") == "removing"


# -- is this home stale? (cheap: read by `gongkai ask` on every start) ---------------------------
def _stamp_key(entry: dict[str, Any]) -> str:
    p = entry.get("pipeline")
    return json.dumps([p.get("chunks"), p.get("record")] if isinstance(p, dict) else None)


def _write_summary(home: Path, cat: dict) -> None:
    """pipeline.json: how many catalog entries carry which stamp, tied to the catalog file it
    describes (size + mtime), so a reader can trust it without parsing the catalog."""
    counts: dict[str, int] = {}
    for e in cat.values():
        k = _stamp_key(e)
        counts[k] = counts.get(k, 0) + 1
    try:
        st = (Path(home) / CATALOG).stat()
        atomic_write(Path(home) / SUMMARY, json.dumps({"catalog": [st.st_size, st.st_mtime_ns], "stamps": counts}))
    except OSError:
        pass  # only a hint: readers fall back to the catalog


def stale_count(home: Path | str | None = None) -> tuple[int, int]:
    """(stale documents, all documents) in a home, from pipeline.json when it describes the
    current catalog.json, else from the catalog itself. (0, 0) when there is no readable catalog."""
    if home is None:
        from gongkai.settings import home as default_home

        home = default_home()
    home = Path(home)
    try:
        st = (home / CATALOG).stat()
    except OSError:
        return 0, 0
    counts: dict[str, int] | None = None
    try:
        summary = json.loads((home / SUMMARY).read_text(encoding="utf-8"))
        if summary.get("catalog") == [st.st_size, st.st_mtime_ns]:
            counts = summary["stamps"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    if counts is None:  # no summary, or the catalog was written after it (e.g. by an older Gongkai)
        try:
            cat = json.loads((home / CATALOG).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0, 0
        counts = {}
        for e in cat.values() if isinstance(cat, dict) else ():
            k = _stamp_key(e) if isinstance(e, dict) else "null"
            counts[k] = counts.get(k, 0) + 1
    stale = total = 0
    for k, n in counts.items():
        total += n
        try:
            chunks, record = json.loads(k) or (None, "0")
        except (ValueError, TypeError):
            chunks, record = None, "0"
        if stale_parts({"pipeline": {"chunks": chunks, "record": record}}):
            stale += n
    return stale, total


def stale_notice(home: Path | str | None = None) -> str | None:
    """One plain sentence for list/ask/ui when an older Gongkai made some of the stored documents."""
    stale, total = stale_count(home)
    if not stale:
        return None
    return (f"note: {stale} of {total} stored documents {'was' if stale == 1 else 'were'} processed by an older "
            "version of Gongkai (their chunks or extracted records may be out of date); run `gongkai reindex` to "
            "re-process them from the stored copies, or `gongkai ingest` the same files again")
