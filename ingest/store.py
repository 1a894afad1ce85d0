"""The document store under $GONGKAI_HOME. Plain files, written atomically (tmp + os.replace).

Layout:
  catalog.json            {doc_id: {doc, path, source, department, region, fiscal_year, tables,
                            chunks, sha256, pages, source_type}}
  documents/<doc>.json    the Document (lines as printed + normalised, structure)
  chunks/<doc>.json       its Chunks
  sources/<doc><.ext>     a copy of the input file (so `gongkai reindex` can rebuild everything)

The search index (BM25 + Chroma) is derived state, rebuilt from here by `ingest.index`.
Every write goes through `put`/`remove` (one place, so a writer lock can wrap them).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ingest.document import Chunk, Document

CATALOG = "catalog.json"


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
        return [self.catalog()[k] for k in sorted(self.catalog())]

    def ids(self) -> list[str]:
        return sorted(self.catalog())

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
        return next((k for k, v in self.catalog().items() if v.get("sha256") == sha256), None)

    # -- writing ---------------------------------------------------------------------------------
    def put(self, doc: Document, chunks: list[Chunk], source: Path | None = None,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store a document, its chunks and a copy of its source; the catalog entry is written last."""
        source_rel = None
        if source is not None and Path(source).exists():
            rel = Path("sources") / f"{doc.doc}{Path(source).suffix.lower()}"
            if Path(source).resolve() != (self.home / rel).resolve():
                atomic_copy(Path(source), self.home / rel)
            source_rel = str(rel)
        atomic_write(self.doc_path(doc.doc), doc.dumps())
        atomic_write(self.chunks_path(doc.doc), json.dumps([c.to_dict() for c in chunks], ensure_ascii=False))
        entry = entry_for(doc, len(chunks), source_rel)
        entry.update(extra or {})
        cat = self.catalog()
        cat[doc.doc] = entry
        self._write_catalog(cat)
        return entry

    def remove(self, doc_id: str) -> bool:
        cat = self.catalog()
        entry = cat.pop(doc_id, None)
        self._write_catalog(cat)
        for p in (self.doc_path(doc_id), self.chunks_path(doc_id)):
            p.unlink(missing_ok=True)
        if entry and entry.get("source"):
            (self.home / entry["source"]).unlink(missing_ok=True)
        return entry is not None

    def _write_catalog(self, cat: dict) -> None:
        atomic_write(self.catalog_path, json.dumps(cat, ensure_ascii=False, indent=1, sort_keys=True))

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


def entry_for(doc: Document, n_chunks: int, source_rel: str | None) -> dict[str, Any]:
    return {
        "doc": doc.doc,
        "path": doc.path,
        "source": source_rel,
        "source_type": doc.source_type,
        "department": doc.department,
        "region": doc.region,
        "fiscal_year": doc.fiscal_year,
        "tables": [t.id for t in doc.tables],
        "empty_tables": [t.id for t in doc.tables if t.empty],
        "chunks": n_chunks,
        "sha256": doc.sha256,
        "pages": doc.pages,
        "lines": len(doc.lines),
    }
