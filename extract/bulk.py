"""Bulk extraction: many files in parallel through any `concurrent.futures.Executor`, resumable.

Each document's outcome is written atomically to ``STATE/results/<key>.json`` where the key is made
from the file's path and sha256, by the worker that produced it. A run that is killed keeps what it
finished; the next run with the same state directory skips those files (no duplicates, no rework).
A file whose content changed gets a new key and is extracted again. Failures are recorded with their
reason and retried on the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

SUFFIXES = {".txt", ".md", ".pdf"}


@dataclass
class DocStatus:
    path: str
    doc: str | None = None
    status: str = "pending"  # ok | cached | failed | skipped (not a disclosure, found in a directory)
    seconds: float = 0.0
    reason: str | None = None
    message: str | None = None
    checks: dict[str, int] = field(default_factory=dict)
    result_file: str | None = None


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the disclosure files inside directories named (sorted, deduplicated)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUFFIXES and
                       not q.name.startswith(".")) if p.is_dir() else [p]
        for q in found:
            r = q.resolve()
            if r not in seen:
                seen.add(r)
                out.append(q)
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def result_key(path: Path, sha: str) -> str:
    where = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{sha[:24]}-{where}"


def _work(path: str, out_file: str, engine: str | None, breaker_file: str | None = None) -> dict[str, Any]:
    """Runs in a worker: extract one file and write its outcome atomically. Returns a short summary.
    `breaker_file`: the batch's LLM breaker, shared by the workers (after a timeout the rest of the
    batch goes without the LLM)."""
    import gongkai  # noqa: F401  (offline environment in the worker too)
    from extract.api import extract_path
    from extract.store import atomic_write
    from extract.validate import summary
    from extract.endpoint import budget
    from ingest.pipeline import shown

    if breaker_file:
        budget.BATCH.path = Path(breaker_file)

    t0 = time.perf_counter()
    try:
        record = extract_path(path, engine=engine)
        outcome = {"status": "ok", "path": shown(path), "doc": record["doc"], "record": record}
        checks = summary(record.get("validation", []))
    except Exception as exc:  # every failure is reported with its reason; the run goes on
        reason = getattr(exc, "reason", None) or type(exc).__name__
        outcome = {"status": "failed", "path": shown(path), "doc": None, "reason": reason, "message": shown(exc)}
        checks = {}
    outcome["seconds"] = round(time.perf_counter() - t0, 4)
    atomic_write(Path(out_file), json.dumps(outcome, ensure_ascii=False))
    return {k: outcome.get(k) for k in ("status", "path", "doc", "reason", "message", "seconds")} | {"checks": checks}


def make_executor(kind: str = "process", workers: int = 0, scheduler: str | None = None) -> Executor:
    workers = workers or os.cpu_count() or 1
    if kind == "process":
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=workers)
    if kind == "thread":
        from concurrent.futures import ThreadPoolExecutor

        return ThreadPoolExecutor(max_workers=workers)
    if kind == "dask":
        from dask.distributed import Client

        client = Client(scheduler) if scheduler else Client(n_workers=workers, threads_per_worker=1, processes=True)
        executor = client.get_executor()
        executor._gongkai_client = client  # keep the client alive with the executor
        return executor
    raise ValueError(f"unknown executor {kind!r} (process, thread, dask)")


def run(paths: Iterable[str | Path], state_dir: str | Path, *, executor: Executor | None = None,
        workers: int = 0, engine: str | None = None, progress: bool = True) -> list[DocStatus]:
    """Extract every file; returns one DocStatus per input file, in input order."""
    paths = list(paths)
    named = {Path(p).resolve() for p in paths if not Path(p).is_dir()}
    files = expand(paths)
    results_dir = Path(state_dir) / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    statuses: list[DocStatus] = []
    todo: list[tuple[int, Path, Path]] = []
    for f in files:
        st = DocStatus(path=str(f))
        statuses.append(st)
        try:
            key = result_key(f, file_sha256(f))
        except OSError as exc:
            st.status, st.reason, st.message = "failed", "unreadable", str(exc)
            continue
        out = results_dir / f"{key}.json"
        st.result_file = str(out)
        cached = _read(out)
        if cached and cached.get("status") == "ok":
            st.status, st.doc, st.seconds = "cached", cached.get("doc"), cached.get("seconds", 0.0)
            from extract.validate import summary

            st.checks = summary(cached["record"].get("validation", []))
            continue
        todo.append((len(statuses) - 1, f, out))
    if todo:
        breaker_file = results_dir.parent / "llm-breaker.json"
        breaker_file.unlink(missing_ok=True)  # a new batch tries the LLM again
        own = executor is None
        ex = executor or make_executor("process", workers)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(files), initial=len(files) - len(todo), desc="extract", unit="doc", file=sys.stderr)
        try:
            futures = {ex.submit(_work, str(f), str(out), engine, str(breaker_file)): i for i, f, out in todo}
            for fut in as_completed(futures):
                i = futures[fut]
                st = statuses[i]
                try:
                    res = fut.result()
                    st.status, st.doc, st.seconds = res["status"], res["doc"], res["seconds"]
                    st.reason, st.message, st.checks = res.get("reason"), res.get("message"), res.get("checks", {})
                except Exception as exc:  # the worker itself died
                    st.status, st.reason, st.message = "failed", "worker_error", f"{type(exc).__name__}: {exc}"
                if st.status == "failed" and st.reason == "not_a_disclosure" and Path(st.path).resolve() not in named:
                    st.status = "skipped"  # found while walking a directory: not a disclosure, not an error
                if bar:
                    bar.update(1)
        finally:
            if bar:
                bar.close()
            if own:
                ex.shutdown(wait=True)
    return statuses


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def records(statuses: list[DocStatus]) -> list[dict[str, Any]]:
    out = []
    for st in statuses:
        if st.status in ("ok", "cached") and st.result_file:
            data = _read(Path(st.result_file))
            if data and data.get("record"):
                out.append(data["record"])
    return out


def status_table(statuses: list[DocStatus]) -> str:
    """The per-document status table printed at the end of a run."""
    head = f"{'status':8} {'seconds':>8} {'pass':>5} {'round':>5} {'mism':>5} {'insuf':>5}  document / reason"
    lines = [head, "-" * len(head)]
    for st in statuses:
        c = st.checks or {}
        what = st.doc or Path(st.path).name
        if st.status in ("failed", "skipped"):
            what = f"{Path(st.path).name}: {st.reason}: {st.message}"
        lines.append(f"{st.status:8} {st.seconds:8.2f} {c.get('pass', 0):5d} {c.get('rounding', 0):5d} "
                     f"{c.get('mismatch', 0):5d} {c.get('insufficient_data', 0):5d}  {what}")
    n_ok = sum(1 for s in statuses if s.status == "ok")
    n_cached = sum(1 for s in statuses if s.status == "cached")
    n_fail = sum(1 for s in statuses if s.status == "failed")
    n_skip = sum(1 for s in statuses if s.status == "skipped")
    tail = f", {n_skip} skipped (not a disclosure)" if n_skip else ""
    lines.append(f"{len(statuses)} files: {n_ok} extracted, {n_cached} already done, {n_fail} failed{tail}")
    return "\n".join(lines)


def as_dicts(statuses: list[DocStatus]) -> list[dict[str, Any]]:
    return [asdict(s) for s in statuses]
