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
    ctx = _context()
    label = _label(fn, args)
    where = os.fspath(args[0]) if args and isinstance(args[0], (str, os.PathLike)) else None
    recv_conn, send_conn = ctx.Pipe(duplex=False)
    proc = _PROCESS(target=_child, args=(send_conn, fn, args, kwargs, memory_mb), daemon=True)
    proc.start()
    send_conn.close()
    try:
        ready = recv_conn.poll(timeout_s)
        if not ready:
            raise ResourceLimit(
                f"{label}: parsing took longer than {timeout_s:g} s and was stopped "
                f"(hostile or very large file; raise the limit with setting parse_timeout_s)", path=where)
        try:
            status, data = recv_conn.recv()
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
    finally:
        recv_conn.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
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
