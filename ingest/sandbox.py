"""Run a parser in a child process with time and memory limits.

A hostile file (decompression bomb, pathological page, parser bug) must not hang or exhaust the
app. `run_isolated(fn, *args, timeout_s=…, memory_mb=…)` runs a top-level, picklable function in a
child process with an address-space limit (RLIMIT_AS) and a wall-clock timeout; it returns the
function's result or raises:

- `ResourceLimit` on timeout, on MemoryError, or when the child is killed while over its limit;
- the same `GongkaiError` subclass (same message, same path) the function raised in the child;
- `ParserError` (a `BrokenFile`) for any other exception or a crash of the child.

Children are forked from a clean `forkserver` (no threads, light imports preloaded), so each call
costs milliseconds rather than an interpreter start; elsewhere `spawn` is used.

**One child per batch.** Inside `with reuse():` (or in a process that called `enable_reuse()`, as
ingest's workers do) calls go to one long-lived child instead of a new one each: the same limits
per call (RLIMIT_AS is set once for the child; the timeout is per call), the same errors. The
child is replaced after a timeout, a crash, a MemoryError or an unexpected exception (anything
that could leave the parser in a bad state), when the memory limit asked for changes, and after
`MAX_CALLS` files in any case. A clean refusal (`GongkaiError`: encrypted, no text layer…) keeps it.
A fresh child per file cost ~25 ms of fork, pipe and warm-up per file (bench/RESULTS.md).
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import signal
import sys
import threading
from multiprocessing import spawn
import traceback
from typing import Any, Callable

from ingest.errors import BrokenFile, GongkaiError, ResourceLimit


class ParserError(BrokenFile):
    """The isolated function failed with an unexpected exception or the child crashed."""

    reason = "parser_error"


# Modules the forkserver imports once so forked children start warm. Light ones only (the PDF
# loader itself: importing it in every child cost ~4 ms per file).
PRELOAD = ["ingest.errors", "ingest.document", "pdfplumber", "pypdfium2", "ingest.loaders.pdf"]

_CTX: Any = None
_PROCESS: Any = None


def _context():
    global _CTX, _PROCESS
    if _CTX is None:
        method = os.environ.get("GONGKAI_SANDBOX_START", "")
        if not method:
            method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        ctx = mp.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(PRELOAD)
        _PROCESS = _process_class(ctx)
        _CTX = ctx
    return _CTX


_LAUNCH_GUARD = threading.Lock()
_DAEMON_GUARD = threading.Lock()


def _preparation_data_without_main(name):
    data = _ORIGINAL_PREPARATION_DATA(name)
    data.pop("init_main_from_path", None)
    data.pop("init_main_from_name", None)
    return data


_ORIGINAL_PREPARATION_DATA = spawn.get_preparation_data


def _launch_without_main(launch, popen, process_obj):
    """Launch a child that does not re-import the parent's __main__ (a `-c`/stdin script, a
    notebook, or an unguarded user script would fail or re-run there): the isolated function
    always lives in an importable module."""
    with _LAUNCH_GUARD:
        spawn.get_preparation_data = _preparation_data_without_main
        try:
            return launch(popen, process_obj)
        finally:
            spawn.get_preparation_data = _ORIGINAL_PREPARATION_DATA


def _process_class(ctx):
    """Module-level Process classes (they are pickled by reference into the child)."""
    return {"forkserver": _ForkServerProcess, "spawn": _SpawnProcess}.get(ctx.get_start_method(), ctx.Process)


if sys.platform != "win32":
    from multiprocessing import context as _mpctx
    from multiprocessing import popen_forkserver as _pfs
    from multiprocessing import popen_spawn_posix as _pss

    class _ForkServerPopen(_pfs.Popen):
        def _launch(self, process_obj):
            return _launch_without_main(_pfs.Popen._launch, self, process_obj)

    class _SpawnPopen(_pss.Popen):
        def _launch(self, process_obj):
            return _launch_without_main(_pss.Popen._launch, self, process_obj)

    class _ForkServerProcess(_mpctx.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj):
            return _ForkServerPopen(process_obj)

    class _SpawnProcess(_mpctx.SpawnProcess):
        @staticmethod
        def _Popen(process_obj):
            return _SpawnPopen(process_obj)
else:  # pragma: no cover - Windows: the standard spawn process
    _ForkServerProcess = _SpawnProcess = None


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    try:
        import resource

        limit = int(memory_mb) * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the timeout still applies
        pass


def _child(conn, fn: Callable, args: tuple, kwargs: dict, memory_mb: int | None) -> None:
    """Child entry point: apply limits, run, send ("ok", result) or an error description."""
    _limit_memory(memory_mb)
    try:
        result = fn(*args, **kwargs)
        payload: tuple = ("ok", result)
    except MemoryError:
        payload = ("memory", None)
    except GongkaiError as exc:
        cls = type(exc)
        payload = ("gongkai", (cls.__module__, cls.__qualname__, str(exc), exc.path))
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
        payload = ("error", (type(exc).__name__, str(exc)[:500], traceback.format_exc()[-4000:]))
    try:
        conn.send(payload)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # result not picklable
        conn.send(("error", (type(exc).__name__, f"result could not be returned: {exc}"[:500], "")))
    finally:
        conn.close()


def _rebuild(module: str, qualname: str, message: str, path: str | None) -> GongkaiError:
    try:
        cls = getattr(importlib.import_module(module), qualname)
        if isinstance(cls, type) and issubclass(cls, GongkaiError):
            try:
                return cls(message, path=path)
            except TypeError:
                pass
    except (ImportError, AttributeError):
        pass
    return ParserError(message, path=path)


def _label(fn: Callable, args: tuple) -> str:
    """What is being parsed, for messages: the file name when the first argument is a path."""
    if args and isinstance(args[0], (str, os.PathLike)):
        return os.path.basename(os.fspath(args[0])) or os.fspath(args[0])
    return getattr(fn, "__name__", "task")


def run_isolated(fn: Callable, *args: Any, timeout_s: float | None, memory_mb: int | None,
                 **kwargs: Any) -> Any:
    """Run `fn(*args, **kwargs)` in a child process under a time and memory limit.

    `fn` must be a top-level function (picklable), its arguments and result picklable.
    `timeout_s=None` / `memory_mb=None` disable that limit.
    """
    pool = getattr(_LOCAL, "pool", None) or (_GLOBAL_POOL if _GLOBAL_PID == os.getpid() else None)
    if pool is not None:
        return pool.run(fn, args, kwargs, timeout_s=timeout_s, memory_mb=memory_mb)
    ctx = _context()
    label = _label(fn, args)
    where = os.fspath(args[0]) if args and isinstance(args[0], (str, os.PathLike)) else None
    recv_conn, send_conn = ctx.Pipe(duplex=False)
    proc = _PROCESS(target=_child, args=(send_conn, fn, args, kwargs, memory_mb), daemon=True)
    _start(proc)
    send_conn.close()
    try:
        status, data = _receive(recv_conn, proc, label, where, timeout_s, memory_mb)
    finally:
        recv_conn.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    return _outcome(status, data, label, where, memory_mb)


def _start(proc) -> None:
    """Start a child even from a daemonic process (a Dask worker is one): multiprocessing refuses
    that by default because a daemon's children are not cleaned up when it is terminated — ours
    are short-lived, bounded by the parse time limit, and killed by us on every error path."""
    me = mp.current_process()
    if not me.daemon:
        proc.start()
        return
    with _DAEMON_GUARD:
        me._config["daemon"] = False  # type: ignore[attr-defined]
        try:
            proc.start()
        finally:
            me._config["daemon"] = True  # type: ignore[attr-defined]


def _receive(conn, proc, label: str, where: str | None, timeout_s: float | None, memory_mb: int | None):
    """(status, data) of one call, or raise ResourceLimit/ParserError (timeout, crash)."""
    ready = conn.poll(timeout_s)
    if not ready:
        raise ResourceLimit(
            f"{label}: parsing took longer than {timeout_s:g} s and was stopped "
            f"(hostile or very large file; raise the limit with setting parse_timeout_s)", path=where)
    try:
        return conn.recv()
    except (EOFError, OSError):
        proc.join(5)
        code = proc.exitcode
        if code is not None and code < 0:
            sig = -code
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            if memory_mb and sig in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGKILL):
                raise ResourceLimit(
                    f"{label}: the parser was killed ({name}) while limited to {memory_mb} MB of memory "
                    f"(hostile or very large file; raise the limit with setting parse_memory_mb)",
                    path=where) from None
            raise ParserError(f"{label}: the parser crashed ({name})", path=where) from None
        raise ParserError(f"{label}: the parser exited without a result (exit code {code})",
                          path=where) from None


def _outcome(status: str, data: Any, label: str, where: str | None, memory_mb: int | None) -> Any:
    if status == "ok":
        return data
    if status == "memory":
        raise ResourceLimit(
            f"{label}: parsing needed more than the memory limit of {memory_mb} MB and was stopped "
            f"(hostile or very large file; raise the limit with setting parse_memory_mb)", path=where)
    if status == "gongkai":
        raise _rebuild(*data)
    name, message, tb = data
    err = ParserError(f"{label}: could not be parsed ({name}: {message})", path=where)
    err.child_traceback = tb  # type: ignore[attr-defined]
    raise err


# -- one child for many calls ---------------------------------------------------------------------
MAX_CALLS = 32

_LOCAL = threading.local()
_GLOBAL_POOL: "_Reusable | None" = None
_GLOBAL_PID: int | None = None


def _serve(conn, memory_mb: int | None) -> None:
    """A reusable child: apply the memory limit once, then run calls until told to stop. Exits
    after any outcome that may leave the parser in a bad state (the parent starts a new child)."""
    _limit_memory(memory_mb)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if msg is None:
            return
        fn, args, kwargs = msg
        try:
            payload: tuple = ("ok", fn(*args, **kwargs))
        except MemoryError:
            payload = ("memory", None)
        except GongkaiError as exc:
            cls = type(exc)
            payload = ("gongkai", (cls.__module__, cls.__qualname__, str(exc), exc.path))
        except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
            payload = ("error", (type(exc).__name__, str(exc)[:500], traceback.format_exc()[-4000:]))
        try:
            conn.send(payload)
        except MemoryError:
            payload = ("memory", None)
            conn.send(payload)
        except Exception as exc:  # result not picklable
            payload = ("error", (type(exc).__name__, f"result could not be returned: {exc}"[:500], ""))
            conn.send(payload)
        if payload[0] in ("memory", "error"):
            return


class _Reusable:
    """The parent's side of a reusable child (not thread-safe: one per thread or per process)."""

    def __init__(self, max_calls: int = MAX_CALLS):
        self.max_calls = max_calls
        self.proc = None
        self.conn = None
        self.memory_mb: int | None = None
        self.calls = 0
        self.started = 0  # children started (tests, benches)

    def _spawn(self, memory_mb: int | None) -> None:
        ctx = _context()
        parent, child = ctx.Pipe(duplex=True)
        proc = _PROCESS(target=_serve, args=(child, memory_mb), daemon=True)
        _start(proc)
        child.close()
        self.proc, self.conn, self.memory_mb, self.calls = proc, parent, memory_mb, 0
        self.started += 1

    def close(self) -> None:
        proc, conn, self.proc, self.conn = self.proc, self.conn, None, None
        if conn is not None:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
            conn.close()
        if proc is not None:
            proc.join(1)
            if proc.is_alive():
                proc.kill()
                proc.join(5)

    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def run(self, fn: Callable, args: tuple, kwargs: dict, *, timeout_s: float | None, memory_mb: int | None) -> Any:
        label = _label(fn, args)
        where = os.fspath(args[0]) if args and isinstance(args[0], (str, os.PathLike)) else None
        if self.proc is not None and (not self.proc.is_alive() or self.memory_mb != memory_mb
                                      or self.calls >= self.max_calls):
            self.close()
        if self.proc is None:
            self._spawn(memory_mb)
        self.calls += 1
        ok = False
        try:
            try:
                self.conn.send((fn, args, kwargs))
            except (OSError, ValueError) as exc:  # the child died between calls
                raise ParserError(f"{label}: the parser exited before it could start ({exc})", path=where) from None
            status, data = _receive(self.conn, self.proc, label, where, timeout_s, memory_mb)
            ok = status in ("ok", "gongkai")
        finally:
            if not ok:
                if self.proc is not None and self.proc.is_alive():
                    self.proc.kill()
                self.close()
        return _outcome(status, data, label, where, memory_mb)


class reuse:
    """`with reuse():` — isolated calls made by this thread inside the block share one child
    (see the module docstring). Yields the pool (`.started`, `.pid()` for tests and benches)."""

    def __init__(self, max_calls: int = MAX_CALLS):
        self.pool = _Reusable(max_calls)

    def __enter__(self) -> _Reusable:
        self.prev = getattr(_LOCAL, "pool", None)
        _LOCAL.pool = self.pool
        return self.pool

    def __exit__(self, *exc) -> None:
        _LOCAL.pool = self.prev
        self.pool.close()


def enable_reuse(max_calls: int = MAX_CALLS) -> None:
    """For a worker process that parses file after file (a local pool's or a Dask worker): its
    isolated calls share one child from now on (a forked copy of this process does not inherit it)."""
    global _GLOBAL_POOL, _GLOBAL_PID
    if _GLOBAL_PID != os.getpid():
        _GLOBAL_POOL, _GLOBAL_PID = _Reusable(max_calls), os.getpid()
