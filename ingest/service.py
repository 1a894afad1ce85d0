"""Ingest files into the store and the index: idempotent, incremental, one failure never stops a batch.

`ingest_paths(paths)` expands directories, skips files whose content is already stored (sha256)
by this pipeline version, replaces a changed file's document and chunks, re-processes an unchanged
file an older Gongkai stored ("refreshed": see the version constants in `ingest.store`), indexes the
new chunks, runs extraction when the extract stage provides `extract.api.extract_and_store`, and
returns one `FileResult` per file.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ingest.document import sha256_file
from ingest.errors import GongkaiError, UnsupportedFile
from ingest.pipeline import SUPPORTED, doc_id_for, is_supported, shown
from ingest.store import record_stamp, stale_parts

SKIP_NAMES = ("readme", "license", "licence", "changelog")


@dataclass
class FileResult:
    path: str
    status: str  # "ingested" | "replaced" | "refreshed" (older pipeline version) | "unchanged" | "failed"
    doc: str | None = None
    department: str | None = None
    region: str | None = None
    fiscal_year: int | None = None
    doc_kind: str | None = None
    level: str | None = None
    tables: list[str] = field(default_factory=list)
    empty_tables: list[str] = field(default_factory=list)
    chunks: int = 0
    pages: int | None = None
    reason: str | None = None  # error key (ingest.errors.*.reason) when failed
    message: str | None = None
    extraction: str | None = None  # "ok" | "skipped" | "failed: …"
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def __post_init__(self) -> None:
        # a file name that is not valid UTF-8 must not crash printing, JSON or the UI
        self.path = shown(self.path)
        if self.message is not None:
            self.message = shown(self.message)

    def to_dict(self) -> dict:
        return asdict(self)


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (directories: every supported file below, README/LICENSE skipped) and
    immediate failures for paths that do not exist or are unsupported."""
    files: list[Path] = []
    failed: list[FileResult] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (f.is_file() and is_supported(f) and not any(part.startswith(".") for part in f.relative_to(p).parts)
                        and not f.stem.lower().startswith(SKIP_NAMES)):
                    files.append(f)
        elif p.is_file():
            if is_supported(p):
                files.append(p)
            else:
                failed.append(FileResult(path=str(p), status="failed", reason=UnsupportedFile.reason,
                                         message=f"{shown(p.name)}: unsupported file type '{p.suffix or '(none)'}'; "
                                                 f"supported: {', '.join(sorted(SUPPORTED))}"))
        else:
            failed.append(FileResult(path=str(p), status="failed", reason="not_found", message=f"{shown(p)}: no such file or directory"))
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, failed


def _resolve_doc_id(catalog: dict, path: Path, sha: str) -> tuple[str, str | None]:
    """(doc id, id of the entry it replaces). Same file path → same id (a change replaces it);
    another file with the same name gets a suffixed id."""
    base = doc_id_for(path)
    abspath = shown(path.resolve())
    for doc_id, entry in catalog.items():
        if entry.get("abspath") == abspath:
            return doc_id, doc_id
    if base not in catalog:
        return base, None
    return f"{base}-{sha[:8]}", None


def ingest_paths(paths: Iterable[str | Path], home: Path | str | None = None, *, progress: bool | None = None,
                 extract: bool = True, index: bool = True,
                 on_result: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    from ingest.store import Store

    store = Store(home)
    files, results = expand(paths)
    for r in results:
        if on_result:
            on_result(r)
    bar = None
    if progress is None:
        progress = len(files) > 1 and sys.stderr.isatty()
    if progress and files:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", file=sys.stderr, leave=False)
    try:
        for f in files:
            if bar is not None:
                bar.set_description(f.name[:30])
            r = ingest_file(f, store, extract=extract, index=index)
            results.append(r)
            if on_result:
                if bar is not None:
                    bar.clear()
                on_result(r)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return results


def ingest_file(path: Path, store, *, extract: bool = True, index: bool = True) -> FileResult:
    """Ingest one file. Crash-safe: whatever point a run is killed at (kill -9, power loss), running
    it again leaves the store, the index and the records complete, without duplicates."""
    t0 = time.perf_counter()
    try:
        sha = sha256_file(path)
    except OSError as exc:
        return FileResult(path=str(path), status="failed", reason="unreadable", message=f"{shown(path.name)}: cannot read ({exc.strerror})")
    catalog = store.catalog()
    doc_id, _ = _resolve_doc_id(catalog, path, sha)
    existing = catalog.get(doc_id)
    refresh = False
    if existing and existing.get("sha256") == sha and _complete(store, doc_id):
        if "chunks" not in stale_parts(existing):
            result = _finish_unchanged(store, path, existing, extract=extract, index=index)
            result.seconds = time.perf_counter() - t0
            return result
        refresh = True  # stored by an older pipeline: parse, chunk, index and extract it again
    # a refresh that fails leaves the stored (older) version as it was: still listed and answering
    kept = " (the version stored by an older Gongkai is kept; `gongkai list` still shows it)" if refresh else ""
    try:
        from ingest.pipeline import load_document

        doc = load_document(path)
    except GongkaiError as exc:
        return FileResult(path=str(path), status="failed", doc=doc_id, reason=exc.reason, message=f"{exc}{kept}",
                          seconds=time.perf_counter() - t0)
    except Exception as exc:  # a parser bug must not stop the batch
        return FileResult(path=str(path), status="failed", doc=doc_id, reason="internal_error",
                          message=f"{shown(path.name)}: could not be read ({type(exc).__name__}: {exc}){kept}",
                          seconds=time.perf_counter() - t0)
    doc.path = shown(path)
    try:
        status, entry, doc = commit_document(store, doc, path, sha, index=index)
    except GongkaiError as exc:  # e.g. StoreBusy: nothing was written for this file
        return FileResult(path=str(path), status="failed", doc=doc_id, reason=exc.reason, message=str(exc),
                          seconds=time.perf_counter() - t0)
    except OSError as exc:  # disk full, permissions: report it, keep the batch going
        return FileResult(path=str(path), status="failed", doc=doc_id, reason="store_error",
                          message=f"{shown(path.name)}: could not be stored ({exc.strerror or exc}); "
                                  f"check free space and permissions of {store.home}",
                          seconds=time.perf_counter() - t0)
    if status == "unchanged":  # another process stored the same file meanwhile
        result = _finish_unchanged(store, path, entry, extract=extract, index=index)
    else:
        result = _result_from_entry(path, status, entry, 0.0)
        if extract:
            result.extraction = extract_and_stamp(store, doc)
    result.seconds = time.perf_counter() - t0
    return result


def _finish_unchanged(store, path: Path, entry: dict, *, extract: bool, index: bool) -> FileResult:
    """A stored, unchanged file: complete what an interrupted earlier run left undone (its index
    entries, its extraction record), and re-extract a record an older extraction made ("refreshed");
    otherwise nothing is written."""
    doc_id = entry["doc"]
    result = _result_from_entry(path, "unchanged", entry, 0.0)
    done = []
    record_made = (entry.get("pipeline") or {}).get("record")
    if index and (_pending(store, doc_id).exists() or not _indexed(store, doc_id)):
        from ingest.index import precompute, update_index

        chunks = store.chunks(doc_id)
        precompute(store, chunks)
        with _writing(store.home):
            update_index(store, doc_id, chunks)
            _pending(store, doc_id).unlink(missing_ok=True)
        done.append("index entries")
    if extract and not _record_current(store, doc_id, entry.get("sha256")):
        result.extraction = extract_and_stamp(store, store.document(doc_id))
        done.append("extraction record")
    elif extract and record_made != record_stamp() and _extract_available():
        # the record exists for this content, but an older extraction made it (or it was written
        # by a run killed before it could stamp it): make it again
        result.extraction = extract_and_stamp(store, store.document(doc_id))
        if record_made is not None and result.extraction == "ok":
            result.status = "refreshed"
    if done:
        result.message = f"{' and '.join(done)} were missing (an earlier run was interrupted) and have been rebuilt"
    return result


def _pending(store, doc_id: str) -> Path:
    """Marker written before a document's store+index writes and removed after them: if it is
    still there, a run was killed in between and the index may hold an older version."""
    return Path(store.home) / "pending" / f"{doc_id}.json"


def _extract_available() -> bool:
    try:
        from extract.api import extract_and_store  # noqa: F401
    except (ImportError, AttributeError):
        return False
    return True


def _record_current(store, doc_id: str, sha: str | None) -> bool:
    """True if the extraction record of `doc_id` exists and was made from this content (or the
    extract stage is not installed, so there is nothing to redo)."""
    if not _extract_available():
        return True
    import json

    try:
        rec = json.loads((Path(store.home) / "records" / f"{doc_id}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return not rec.get("sha256") or not sha or rec.get("sha256") == sha


def _writing(home):
    """The single-writer lock of $GONGKAI_HOME (ingest.lock), or a no-op where it is unavailable."""
    try:
        from ingest.lock import writer_lock
    except ImportError:
        import contextlib

        return contextlib.nullcontext()
    return writer_lock(home)


def _with_id(doc, doc_id: str):
    """Give a parsed document its id and chunk it (chunk ids and citations carry the id)."""
    from ingest.chunk import chunk_document

    doc.doc = doc_id
    for s in (doc.department_span, doc.fiscal_year_span):
        if s is not None:
            object.__setattr__(s, "doc", doc_id)
    return chunk_document(doc)


def commit_document(store, doc, source: Path, sha: str, *, index: bool = True) -> tuple[str, dict, object]:
    """The one place that writes a document: store it (+source copy), then update the index.
    Returns (status "ingested" | "replaced" | "refreshed" | "unchanged", catalog entry, document);
    "refreshed": the same content, stored before by an older pipeline version.

    Embedding (slow) happens before the writer lock is taken — vectors land in the cache — so the
    lock is held only for the quick writes. The document id is decided under the lock, against
    the catalog as it is then (another process may have stored this or a same-named file)."""
    chunks = _with_id(doc, _resolve_doc_id(store.catalog(), source, sha)[0])
    if index:
        try:
            from ingest.index import precompute

            precompute(store, chunks)
        except ImportError:
            index = False
    from ingest.store import atomic_write

    with _writing(store.home):
        catalog = store.catalog()
        doc_id, _ = _resolve_doc_id(catalog, source, sha)
        existing = catalog.get(doc_id)
        same = existing is not None and existing.get("sha256") == sha and _complete(store, doc_id)
        if same and "chunks" not in stale_parts(existing):
            return "unchanged", existing, doc
        if doc_id != doc.doc:
            chunks = _with_id(doc, doc_id)
        if index:
            atomic_write(_pending(store, doc_id), "{}")
        entry = store.put(doc, chunks, source, extra={"abspath": shown(Path(source).resolve())})
        if index:
            from ingest.index import update_index

            update_index(store, doc.doc, chunks)
            _pending(store, doc_id).unlink(missing_ok=True)
    return ("refreshed" if same else "replaced" if existing else "ingested"), entry, doc


def extract_and_stamp(store, doc) -> str:
    """Run extraction for a stored document; when it succeeds, stamp the catalog entry with this
    pipeline's record version (a failed extraction leaves the older record and its older stamp,
    so the document still counts as stale)."""
    outcome = run_extraction(doc, store.home)
    if outcome == "ok":
        with _writing(store.home):
            store.stamp_record(doc.doc, doc.sha256)
    return outcome


def run_extraction(doc, home: Path) -> str:
    try:
        from extract.api import extract_and_store
    except (ImportError, AttributeError):
        return "skipped"
    try:
        extract_and_store(doc, home)
        return "ok"
    except Exception as exc:  # extraction failure is reported, the ingest stands
        return f"failed: {type(exc).__name__}: {exc}"[:200]


def remove_document(doc_id: str, home: Path | str | None = None) -> bool:
    from ingest.store import Store

    store = Store(home)
    record = store.home / "records" / f"{doc_id}.json"
    with _writing(store.home):
        found = store.remove(doc_id)
        # not in the catalog, but a removal killed half-way may have left index entries or a record
        leftovers = record.exists() or _pending(store, doc_id).exists()
        try:
            from ingest.index import dense_for, remove_from_index, tokens_dir

            if not found and not leftovers:
                leftovers = (tokens_dir(store.home) / f"{doc_id}.json").exists() or \
                    bool(dense_for(store.home)[1].ids_of(doc_id))
            remove_from_index(store, doc_id)
        except ImportError:
            pass
        record.unlink(missing_ok=True)
        _pending(store, doc_id).unlink(missing_ok=True)
    return found or leftovers


def _indexed(store, doc_id: str) -> bool:
    try:
        from ingest.index import index_has
    except ImportError:
        return True
    return index_has(store, doc_id)


def _complete(store, doc_id: str) -> bool:
    return store.doc_path(doc_id).exists() and store.chunks_path(doc_id).exists()


def _result_from_entry(path: Path, status: str, e: dict, seconds: float) -> FileResult:
    return FileResult(path=str(path), status=status, doc=e.get("doc"), department=e.get("department"),
                      region=e.get("region"), fiscal_year=e.get("fiscal_year"), doc_kind=e.get("doc_kind"),
                      level=e.get("level"), tables=list(e.get("tables") or []),
                      empty_tables=list(e.get("empty_tables") or []), chunks=e.get("chunks") or 0,
                      pages=e.get("pages"), seconds=seconds)


def reindex(home: Path | str | None = None, *, index_only: bool = False, progress: bool | None = None) -> list[FileResult]:
    """Rebuild from the stored sources: re-parse every stored source (documents + chunks), then
    rebuild the search index from scratch. With index_only, only the index is rebuilt."""
    from ingest.store import Store

    store = Store(home)
    with _writing(store.home):
        return _reindex(store, index_only=index_only, progress=progress)


def _reindex(store, *, index_only: bool, progress: bool | None) -> list[FileResult]:
    results: list[FileResult] = []
    catalog = store.catalog()
    if not index_only:
        from ingest.pipeline import load_document

        for doc_id, entry in sorted(catalog.items()):
            t0 = time.perf_counter()
            src = store.home / entry["source"] if entry.get("source") else None
            if src is None or not src.exists():
                results.append(FileResult(path=entry.get("path") or doc_id, status="failed", doc=doc_id, reason="source_missing",
                                          message=f"{doc_id}: stored source copy is missing; ingest the file again"))
                continue
            try:
                doc = load_document(src)
            except GongkaiError as exc:
                results.append(FileResult(path=str(src), status="failed", doc=doc_id, reason=exc.reason, message=str(exc)))
                continue
            doc.path = entry.get("path") or shown(src)
            chunks = _with_id(doc, doc_id)
            e = store.put(doc, chunks, src, extra={"abspath": entry.get("abspath")})
            r = _result_from_entry(Path(doc.path), "reindexed", e, 0.0)
            r.extraction = extract_and_stamp(store, doc)
            r.seconds = time.perf_counter() - t0
            results.append(r)
    else:
        for doc_id, entry in sorted(catalog.items()):
            results.append(_result_from_entry(Path(entry.get("path") or doc_id), "reindexed", entry, 0.0))
    try:
        from ingest.index import rebuild_index
    except ImportError:
        return results
    rebuild_index(store, progress=progress)
    import shutil

    shutil.rmtree(Path(store.home) / "pending", ignore_errors=True)  # every document is indexed afresh
    return results
