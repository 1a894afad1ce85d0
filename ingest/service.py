"""Ingest files into the store and the index: idempotent, incremental, one failure never stops a batch.

`ingest_paths(paths)` expands directories, skips files whose content is already stored (sha256)
by this pipeline version, replaces a changed file's document and chunks, re-processes an unchanged
file an older Gongkai stored ("refreshed": see the version constants in `ingest.store`), repairs a
document an interrupted run left incomplete ("repaired", saying what was missing), and returns one
`FileResult` per file.

Two phases. **Answerable first**: each file is parsed, chunked, tokenised for BM25 and extracted
by `prepare` — in this process, on a local process pool (`workers`) or on a Dask cluster
(`executor`) — and the results are committed by this process alone (`commit`: the one writer),
a few documents per catalog write. From its commit on, a document is answerable: its record, its
BM25 entries and the text route. **Vectors later**: `ingest.embedding.embed_pending` embeds every
answerable document that has no vectors yet; `gongkai ingest` runs it after the whole batch is
committed (`embed="foreground"`), `--background` leaves it to a detached `gongkai embed`, and the
app runs that in the background after an upload. A kill during embedding loses nothing: the
documents stay answerable and the next run embeds what is left.

Crash safety of a commit: a `pending/<doc>.json` marker is written first and removed last; in
between the source copy, Document, chunks and BM25 tokens are written, then the catalog entry,
then the extraction record. A document whose marker is still there is listed as incomplete
(`ingest.state`), and the next `gongkai ingest` of its file writes it again.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ingest.document import sha256_file
from ingest.errors import GongkaiError, UnsupportedFile
from ingest.pipeline import SUPPORTED, doc_id_for, is_supported, shown
from ingest.store import record_stamp, stale_parts  # noqa: F401

SKIP_NAMES = ("readme", "license", "licence", "changelog")


@dataclass
class FileResult:
    path: str
    status: str  # "ingested" | "replaced" | "refreshed" (older pipeline version) | "repaired" | "unchanged" | "failed"
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
    seconds: float = 0.0  # from the start of the run to this file's commit: it was answerable from then on
    state: str | None = None  # the document's state after this run (ingest.state): "indexed", "embedded", …

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


# -- phase 1, on a worker: parse, chunk, tokenise, extract ----------------------------------------
@dataclass
class Prepared:
    """What a worker made of one file (picklable; nothing written)."""

    path: str
    sha: str
    doc_id: str
    doc: Any = None
    chunks: list = field(default_factory=list)
    tokens: dict | None = None  # chunk id → BM25 tokens (None: not indexed)
    record: dict | None = None  # the extraction record (export contract)
    extraction: str | None = None  # "ok" | "skipped" | "failed: …" | None (not asked)
    failure: FileResult | None = None
    seconds: float = 0.0  # time on the worker


def prepare(path: str, sha: str, doc_id: str, *, extract: bool = True, index: bool = True,
            reuse_parser: bool = False, on_stage: Callable[[str], None] | None = None) -> Prepared:
    """Parse + chunk + BM25 tokens + extraction of one file; runs in this process, in a local
    worker process or on a Dask worker (`reuse_parser`: keep this process's isolated PDF-parse
    child for the next files, see ingest.sandbox). Writes nothing."""
    import gongkai  # noqa: F401  (offline environment on a worker too)

    t0 = time.perf_counter()
    p = Path(path)
    out = Prepared(path=shown(path), sha=sha, doc_id=doc_id)
    if reuse_parser:  # a worker process among others: one parse child for its files, one page process each
        from ingest.sandbox import enable_reuse

        enable_reuse()
        os.environ["GONGKAI_PARSE_PAGE_WORKERS"] = "1"
    try:
        from ingest.pipeline import load_document

        doc = load_document(p, on_stage=on_stage)
    except GongkaiError as exc:
        out.failure = FileResult(path=path, status="failed", doc=doc_id, reason=exc.reason, message=str(exc))
    except Exception as exc:  # a parser bug must not stop the batch
        out.failure = FileResult(path=path, status="failed", doc=doc_id, reason="internal_error",
                                 message=f"{shown(p.name)}: could not be read ({type(exc).__name__}: {exc})")
    else:
        doc.path = shown(path)
        out.doc = doc
        out.chunks = _with_id(doc, doc_id)
        if index:
            from ingest.index import tokens_for

            out.tokens = tokens_for(out.chunks)
        if extract:
            if on_stage:
                on_stage("extract")
            out.record, out.extraction = make_record(doc)
    out.seconds = time.perf_counter() - t0
    return out


def make_record(doc) -> tuple[dict | None, str]:
    """(the extraction record of a Document, "ok") or (None, "skipped" | "failed: …")."""
    try:
        from extract.api import extract_document
    except (ImportError, AttributeError):
        return None, "skipped"
    try:
        return extract_document(doc).export(), "ok"
    except Exception as exc:  # extraction failure is reported, the ingest stands
        return None, f"failed: {type(exc).__name__}: {exc}"[:200]


def _rekey(p: Prepared, doc_id: str) -> None:
    """Another process took the proposed id meanwhile: give the document the one decided now."""
    old = [c.id for c in p.chunks]
    p.chunks = _with_id(p.doc, doc_id)
    if p.tokens is not None:
        p.tokens = {c.id: p.tokens.get(o, []) for c, o in zip(p.chunks, old)}
    if p.record is not None:
        p.record, p.extraction = make_record(p.doc)
    p.doc_id = doc_id


# -- the plan: what each file needs ---------------------------------------------------------------
@dataclass
class _Job:
    index: int  # position in the input
    path: Path
    sha: str = ""
    doc_id: str = ""
    kind: str = "prepare"  # prepare | fix | unchanged | failed
    status: str = "ingested"  # the status it gets when it works out
    message: str | None = None
    kept: str = ""  # appended to a failure message of a refresh
    result: FileResult | None = None


def _plan(store, f: Path, i: int, catalog: dict, states: dict, *, extract: bool, index: bool) -> _Job:
    from ingest.store import removing, stale_parts

    job = _Job(index=i, path=f)
    try:
        job.sha = sha256_file(f)
    except OSError as exc:
        job.kind = "failed"
        job.result = FileResult(path=str(f), status="failed", reason="unreadable",
                                message=f"{shown(f.name)}: cannot read ({exc.strerror})")
        return job
    job.doc_id, _ = _resolve_doc_id(catalog, f, job.sha)
    e = catalog.get(job.doc_id)
    st = states.get(job.doc_id)
    pending = _pending(store, job.doc_id).exists()
    if e is None or removing(e):
        if pending:
            job.status, job.message = "repaired", _interrupted(store, job.doc_id, job.sha, e)
        return job
    if e.get("sha256") != job.sha:
        job.status = "replaced"
        if pending:
            job.message = "an earlier run was interrupted while writing this document; the new version replaced it"
        return job
    if pending or not _complete(store, job.doc_id):
        job.status, job.message = "repaired", _interrupted(store, job.doc_id, job.sha, e)
        if "chunks" in stale_parts(e):  # it was being refreshed: it still is (and says so)
            job.status = "refreshed"
            job.kept = " (the version stored by an older Gongkai is kept; `gongkai list` still shows it)"
        return job
    if "chunks" in stale_parts(e):
        job.status = "refreshed"  # stored by an older pipeline: parse, chunk, index and extract it again
        job.kept = " (the version stored by an older Gongkai is kept; `gongkai list` still shows it)"
        return job
    job.kind, job.status = "fix", "unchanged"
    return job


def _interrupted(store, doc_id: str, sha: str, entry: dict | None) -> str:
    """What an interrupted write of `doc_id` left missing, in words."""
    from ingest.index import tokens_dir

    parts = []
    if entry is None or entry.get("sha256") != sha:
        parts.append("catalog entry")
    if not _complete(store, doc_id):
        parts.append("stored document and chunks")
    if not (tokens_dir(store.home) / f"{doc_id}.json").exists():
        parts.append("BM25 index entries")
    if _extract_available():
        try:
            rec = json.loads((Path(store.home) / "records" / f"{doc_id}.json").read_text(encoding="utf-8"))
            if rec.get("sha256") and rec.get("sha256") != sha:
                parts.append("extraction record (the one stored was another version's)")
        except (OSError, ValueError):
            parts.append("extraction record")
    if parts:
        what = f"its {', '.join(parts)} {'was' if len(parts) == 1 else 'were'} missing"
    else:
        what = "its files were written but the write was never confirmed"
    return f"an earlier run was killed while writing this document: {what}; written again"


# -- phase 1 orchestration ----------------------------------------------------------------------
def ingest_paths(paths: Iterable[str | Path], home: Path | str | None = None, *, progress: bool | None = None,
                 extract: bool = True, index: bool = True,
                 on_result: Callable[[FileResult], None] | None = None,
                 embed: str = "foreground", workers: int = 1, executor: Any = None,
                 embed_executor: Any = None, on_embed: Callable[[Any], None] | None = None,
                 on_stage: Callable[[str, str], None] | None = None) -> list[FileResult]:
    """Ingest files and directories into `home`; returns one FileResult per file (input order).

    `embed`: "foreground" (vectors after the batch is committed, this call returns when they are
    written), "background" (a detached `gongkai embed` writes them) or "none" (later, by
    `gongkai embed`). `workers` > 1: parse on a local process pool of that size; `executor`: any
    concurrent.futures.Executor (e.g. a Dask client's, see extract.bulk.make_executor) — one
    writer, this process, commits what the workers made; `embed_executor` embeds there too;
    `on_embed` gets the foreground embedding's report (ingest.embedding.EmbedReport); `on_stage(stage,
    path)` is told when a file parsed in this process starts a stage (parse, structure, extract,
    index)."""
    from ingest.store import Store

    store = Store(home)
    files, failed = expand(paths)
    results: list[tuple[int, FileResult]] = []

    def emit(i: int, r: FileResult) -> None:
        results.append((i, r))
        if on_result:
            if bar is not None:
                bar.clear()
            on_result(r)
        if bar is not None:
            bar.update(1)

    bar = None
    for r in failed:
        results.append((-1, r))
        if on_result:
            on_result(r)
    if progress is None:
        progress = len(files) > 1 and sys.stderr.isatty()
    if progress and files:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="parsing", file=sys.stderr, leave=False)
    t0 = time.perf_counter()
    try:
        _phase1(store, files, emit, t0, extract=extract, index=index, workers=workers, executor=executor,
                on_stage=on_stage)
    finally:
        if bar is not None:
            bar.close()
    ordered = [r for _, r in sorted(results, key=lambda x: x[0])]
    if index and files and embed != "none":
        # every answerable document of the home without vectors, not only this batch's: a run
        # killed while embedding is resumed by the next ingest
        if embed == "foreground":
            from ingest.embedding import embed_pending

            rep = embed_pending(store.home, progress=progress, executor=embed_executor, wait=True)
            if on_embed is not None:
                on_embed(rep)
        elif embed == "background":
            from ingest.embedding import start_background

            start_background(store.home, even_if_running=True)
    if index or extract:
        _note_states(store, ordered)
    return ordered


def _note_states(store, results: list[FileResult]) -> None:
    from ingest.state import home_states

    states = home_states(store.home)
    for r in results:
        if r.ok and r.doc in states:
            r.state = states[r.doc].state


def _phase1(store, files: list[Path], emit, t0: float, *, extract: bool, index: bool, workers: int,
            executor: Any, on_stage: Callable[[str, str], None] | None = None) -> None:
    from ingest.state import home_states

    catalog = store.catalog()
    states = home_states(store.home, catalog)
    jobs = [_plan(store, f, i, catalog, states, extract=extract, index=index) for i, f in enumerate(files)]
    todo = []
    for job in jobs:
        if job.kind == "failed":
            emit(job.index, job.result)
        elif job.kind == "fix":
            r = _fix_stored(store, job, extract=extract, index=index)
            r.seconds = time.perf_counter() - t0
            emit(job.index, r)
        else:
            todo.append(job)
    if not todo:
        return
    by_path = {str(j.path): j for j in todo}
    own = None
    if executor is None and workers > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor

        import multiprocessing

        # spawn: a forked copy of this process would inherit its threads (progress bar, Chroma)
        from ingest.embedding import die_with_parent

        own = executor = ProcessPoolExecutor(max_workers=min(workers, len(todo)),
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=die_with_parent)
    committer = _Committer(store, by_path, emit, t0, index=index, on_stage=on_stage)
    try:
        if executor is None:
            from ingest.sandbox import reuse

            with reuse():  # one isolated parse child for the whole batch (recycled every few files)
                for n, job in enumerate(todo):
                    stage = (lambda name, p=str(job.path): on_stage(name, p)) if on_stage else None
                    committer.add(prepare(str(job.path), job.sha, job.doc_id, extract=extract, index=index,
                                          on_stage=stage))
                    committer.maybe_commit(more=n + 1 < len(todo))
        else:
            from concurrent.futures import FIRST_COMPLETED, wait

            limit = max(4, 2 * _n_workers(executor))
            queue = list(todo)
            inflight: dict[Any, _Job] = {}
            while queue or inflight:
                while queue and len(inflight) < limit:
                    job = queue.pop(0)
                    inflight[executor.submit(prepare, str(job.path), job.sha, job.doc_id, extract=extract,
                                             index=index, reuse_parser=True)] = job
                done, _ = wait(list(inflight), timeout=committer.wait_s(), return_when=FIRST_COMPLETED)
                for fut in done:
                    job = inflight.pop(fut)
                    try:
                        committer.add(fut.result())
                    except Exception as exc:  # the worker itself died
                        committer.fail(job, "worker_error", f"{shown(job.path.name)}: the worker failed "
                                                            f"({type(exc).__name__}: {exc})")
                committer.maybe_commit(more=bool(queue or inflight))
        committer.maybe_commit(more=False)
    finally:
        if own is not None:
            own.shutdown(wait=True, cancel_futures=True)


def _n_workers(executor: Any) -> int:
    from ingest.embedding import _workers_of

    return _workers_of(executor)


class _Committer:
    """Collects prepared files and commits them a few at a time: at once when nothing else is
    coming, otherwise when the oldest has waited long enough that catalog writes stay a small share
    of the run (a catalog write rewrites the whole catalog)."""

    def __init__(self, store, jobs: dict[str, _Job], emit, t0: float, *, index: bool,
                 on_stage: Callable[[str, str], None] | None = None):
        self.store, self.jobs, self.emit, self.t0, self.index = store, jobs, emit, t0, index
        self.on_stage = on_stage
        self.batch: list[Prepared] = []
        self.first_at: float | None = None
        self.last_cost = 0.0

    def add(self, p: Prepared) -> None:
        job = self.jobs[p.path] if p.path in self.jobs else next(j for j in self.jobs.values() if shown(j.path) == p.path)
        if p.failure is not None:
            r = p.failure
            if job.kept:
                r.message = f"{r.message}{job.kept}"
            r.seconds = time.perf_counter() - self.t0
            self.emit(job.index, r)
            return
        self.batch.append(p)
        if self.first_at is None:
            self.first_at = time.monotonic()

    def fail(self, job: _Job, reason: str, message: str) -> None:
        self.emit(job.index, FileResult(path=str(job.path), status="failed", doc=job.doc_id, reason=reason,
                                        message=message + job.kept, seconds=time.perf_counter() - self.t0))

    def wait_s(self) -> float | None:
        if self.first_at is None:
            return None
        return max(0.0, self._budget() - (time.monotonic() - self.first_at))

    def _budget(self) -> float:
        return max(0.25, 4 * self.last_cost)

    def maybe_commit(self, more: bool) -> None:
        if not self.batch:
            return
        if more and len(self.batch) < 64 and time.monotonic() - (self.first_at or 0) < self._budget():
            return
        batch, self.batch, self.first_at = self.batch, [], None
        if self.on_stage:
            for p in batch:
                self.on_stage("index", p.path)
        t = time.monotonic()
        for job, r in commit(self.store, batch, {p.path: self._job(p) for p in batch}, index=self.index):
            r.seconds = time.perf_counter() - self.t0
            self.emit(job.index, r)
        self.last_cost = time.monotonic() - t

    def _job(self, p: Prepared) -> _Job:
        return self.jobs[p.path] if p.path in self.jobs else next(j for j in self.jobs.values() if shown(j.path) == p.path)


def commit(store, batch: list[Prepared], jobs: dict[str, _Job], *, index: bool = True) -> list[tuple[_Job, FileResult]]:
    """The one place that writes documents: a batch of prepared files, under the writer lock, with
    one catalog write. See the module docstring for the order of the writes."""
    from ingest.store import atomic_write, record_stamp, removing, stale_parts

    out: list[tuple[_Job, FileResult]] = []
    home = Path(store.home)
    try:
        lock = _writing(home)
        lock.__enter__()
    except GongkaiError as exc:  # e.g. StoreBusy: nothing was written for these files
        return [(jobs[p.path], FileResult(path=p.path, status="failed", doc=p.doc_id, reason=exc.reason,
                                          message=str(exc))) for p in batch]
    try:
        catalog = store.catalog()
        entries: dict[str, dict] = {}
        unsaved: dict[str, str] = {}
        records: list[tuple[str, dict | None, bool]] = []
        committed: list[tuple[_Job, Prepared, dict]] = []
        for p in batch:
            job = jobs[p.path]
            source = Path(job.path)
            doc_id, _ = _resolve_doc_id(catalog, source, p.sha)
            existing = catalog.get(doc_id)
            if existing is not None and removing(existing):
                existing = None
            pending = _pending(store, doc_id).exists()
            if (existing is not None and existing.get("sha256") == p.sha and not pending and job.status == "ingested"
                    and _complete(store, doc_id) and "chunks" not in stale_parts(existing)):
                # another process stored the same file meanwhile
                out.append((job, _finish_unchanged(store, source, existing, extract=p.extraction is not None,
                                                   index=index)))
                continue
            if doc_id != p.doc_id:
                _rekey(p, doc_id)
            try:
                atomic_write(_pending(store, doc_id), json.dumps({"sha256": p.sha, "pid": os.getpid(),
                                                                  "since": time.time()}))
                if index and (existing is not None or pending or catalog.get(doc_id) is not None):
                    _drop_vectors(store, doc_id)  # the old content's vectors: its new ones come later
                source_rel = store.write_files(p.doc, p.chunks, source)
                if index:
                    from ingest.index import write_tokens

                    write_tokens(home, doc_id, p.tokens or {})
            except OSError as exc:  # disk full, permissions: report it, keep the batch going
                out.append((job, FileResult(path=str(source), status="failed", doc=doc_id, reason="store_error",
                                            message=f"{shown(source.name)}: could not be stored ({exc.strerror or exc}); "
                                                    f"check free space and permissions of {store.home}")))
                continue
            extra = {"abspath": shown(source.resolve()), "indexed": bool(index)}
            if p.extraction is not None:
                extra["extraction"] = p.extraction
            entry = store.new_entry(p.doc, p.chunks, source_rel, existing, extra)
            if p.record is not None:
                entry["pipeline"]["record"] = record_stamp()
            entries[doc_id] = entry
            catalog[doc_id] = entry  # later files of the batch resolve their ids against it
            stale_record = existing is not None and existing.get("sha256") != p.sha
            records.append((doc_id, p.record, stale_record))
            committed.append((job, p, entry))
        if entries:
            try:
                store.update(entries)
            except OSError as exc:
                for job, p, entry in committed:
                    out.append((job, FileResult(path=str(job.path), status="failed", doc=entry["doc"], reason="store_error",
                                                message=f"{shown(job.path.name)}: could not be stored ({exc.strerror or exc}); "
                                                        f"check free space and permissions of {store.home}")))
                return out
            unsaved: dict[str, str] = {}
            for doc_id, record, stale_record in records:
                try:
                    if record is not None:
                        from extract.store import save_record

                        save_record(record, home)
                    elif stale_record:  # extraction failed on new content: the old record would answer for it
                        (home / "records" / f"{doc_id}.json").unlink(missing_ok=True)
                except OSError as exc:  # the document stays incomplete (pending): a rerun repairs it
                    unsaved[doc_id] = f"its extraction record could not be stored ({exc.strerror or exc})"
            for doc_id in entries:
                if doc_id not in unsaved:
                    _pending(store, doc_id).unlink(missing_ok=True)
        for job, p, entry in committed:
            r = _result_from_entry(job.path, job.status, entry, 0.0)
            r.extraction = p.extraction
            r.message = job.message
            if entry["doc"] in unsaved:
                r.extraction = f"failed: {unsaved[entry['doc']]}; check free space and ingest the file again"
            out.append((job, r))
    finally:
        lock.__exit__(None, None, None)
    if entries:
        try:
            from ingest.search import invalidate_soft

            invalidate_soft(home)
        except ImportError:
            pass
    return out


def _drop_vectors(store, doc_id: str) -> None:
    try:
        from ingest.index import dense_for
    except ImportError:
        return
    from ingest.embedding import _fresh_client, _wrote

    _fresh_client(Path(store.home))
    dense_for(store.home)[1].delete_doc(doc_id)
    _wrote(Path(store.home))


def ingest_file(path: Path, store, *, extract: bool = True, index: bool = True, embed: str = "none",
                on_stage: Callable[[str], None] | None = None) -> FileResult:
    """Ingest one file (the app's upload path): answerable when this returns; vectors per `embed`
    ("none": left to `ingest.embedding`, e.g. the background embedder the app starts); `on_stage`
    is told when each stage starts (parse, structure, extract, index)."""
    stage = (lambda name, _path: on_stage(name)) if on_stage else None
    [r] = ingest_paths([path], store.home, progress=False, extract=extract, index=index, embed=embed,
                       on_stage=stage)
    return r


def _fix_stored(store, job: _Job, *, extract: bool, index: bool) -> FileResult:
    """A stored, unchanged file: complete what an interrupted earlier run left undone (its BM25
    entries, its extraction record) and re-extract a record an older extraction made ("refreshed");
    otherwise nothing is written. Vectors are the embedding phase's business."""
    entry = store.catalog()[job.doc_id]
    return _finish_unchanged(store, job.path, entry, extract=extract, index=index)


def _finish_unchanged(store, path: Path, entry: dict, *, extract: bool, index: bool) -> FileResult:
    from ingest.store import record_stamp

    doc_id = entry["doc"]
    result = _result_from_entry(path, "unchanged", entry, 0.0)
    done = []
    record_made = (entry.get("pipeline") or {}).get("record")
    if index:
        from ingest.index import tokens_dir

        if not (tokens_dir(store.home) / f"{doc_id}.json").exists():
            from ingest.index import tokens_for, write_tokens

            chunks = store.chunks(doc_id)
            toks = tokens_for(chunks)
            with _writing(store.home):
                write_tokens(Path(store.home), doc_id, toks)
                if not entry.get("indexed", True):
                    e = store.catalog().get(doc_id)
                    if e is not None:
                        store.update({doc_id: {**e, "indexed": True}})
            done.append("BM25 index entries")
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
        result.status = "repaired"
        result.message = (f"{' and '.join(done)} {'was' if len(done) == 1 else 'were'} missing (an earlier run was "
                          "interrupted) and have been rebuilt")
    return result


def _pending(store, doc_id: str) -> Path:
    """Marker written before a document's writes and removed after them: if it is still there, a
    run was killed in between (ingest.state lists the document as incomplete)."""
    return Path(store.home) / "pending" / f"{doc_id}.json"


def _extract_available() -> bool:
    from ingest.state import extract_available

    return extract_available()


def _record_current(store, doc_id: str, sha: str | None) -> bool:
    """True if the extraction record of `doc_id` exists and was made from this content (or the
    extract stage is not installed, so there is nothing to redo)."""
    if not _extract_available():
        return True
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


def extract_and_stamp(store, doc) -> str:
    """Run extraction for a stored document; when it succeeds, stamp the catalog entry with this
    pipeline's record version (a failed extraction leaves the older record and its older stamp,
    so the document still counts as stale)."""
    outcome = run_extraction(doc, store.home)
    with _writing(store.home):
        if outcome == "ok":
            store.stamp_record(doc.doc, doc.sha256)
        e = store.catalog().get(doc.doc)
        if e is not None and e.get("sha256") == doc.sha256 and e.get("extraction") != outcome and "extraction" in e:
            store.update({doc.doc: {**e, "extraction": outcome}})
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
    """Remove a document, its chunks, index entries and record. One view of the truth while it
    runs: the catalog says "removing" first (list, search and the app drop it at once), then the
    record goes (chat stops answering from it), then the index entries (the slow part), then the
    files and the catalog entry, then what it left elsewhere — the app's copy of an uploaded file, its
    vectors in the embedding cache (ingest.forget). A removal killed half-way is finished by running
    it again."""
    from ingest.forget import forget, traces
    from ingest.store import Store

    if not doc_id or doc_id in (".", "..") or Path(doc_id).name != doc_id or "\\" in doc_id:
        return False  # a document id is a plain name: never a path out of the data home
    store = Store(home)
    record = store.home / "records" / f"{doc_id}.json"
    with _writing(store.home):
        found = store.mark_removing(doc_id)
        left_behind = traces(store, doc_id)
        leftovers = record.exists() or _pending(store, doc_id).exists()
        record.unlink(missing_ok=True)
        try:
            from ingest.search import invalidate_soft

            invalidate_soft(store.home)
        except ImportError:
            pass
        try:
            from ingest.index import dense_for, remove_from_index, tokens_dir

            if not found and not leftovers:
                leftovers = (tokens_dir(store.home) / f"{doc_id}.json").exists() or \
                    bool(dense_for(store.home)[1].ids_of(doc_id))
            if found or leftovers:
                from ingest.embedding import _fresh_client, _wrote

                _fresh_client(Path(store.home))
                remove_from_index(store, doc_id)
                _wrote(Path(store.home))
        except ImportError:
            pass
        # what it left elsewhere goes while the catalog still holds its entry: a removal killed after
        # this line finds the same traces when run again (killed before, the upload's path was lost)
        forget(store, doc_id, left_behind)
        store.remove(doc_id)
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
