"""One writer at a time for $GONGKAI_HOME (store, records and Chroma's persistent directory).

Chroma's embedded persistent mode is single-writer, and the store's JSON files are rewritten on
ingest, so `gongkai ingest`, `gongkai reindex`, `gongkai remove`, bulk extraction and uploads in a
running UI all take `writer_lock(home)` around their writes. It is an advisory `fcntl.flock` on
`$GONGKAI_HOME/writer.lock`:

- released by the kernel when the holder exits, even on `kill -9` (no stale locks);
- re-entrant inside one process (nested calls from the same thread just count);
- threads of one process (UI requests) queue on an in-process lock first;
- a waiter prints one line saying who holds it, then waits up to `timeout_s` and raises
  `StoreBusy` with that holder in the message.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ingest.errors import StoreBusy

LOCK_NAME = "writer.lock"
DEFAULT_TIMEOUT_S = float(os.environ.get("GONGKAI_LOCK_TIMEOUT_S", "600"))
POLL_S = 0.1


@dataclass
class _State:
    thread_lock: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0
    fd: int | None = None


_STATES: dict[str, _State] = {}
_STATES_GUARD = threading.Lock()


def lock_path(home: str | Path | None = None) -> Path:
    if home is None:
        from gongkai.settings import home as default_home

        home = default_home()
    return Path(home) / LOCK_NAME


def _state(path: Path) -> _State:
    key = os.path.abspath(path)
    with _STATES_GUARD:
        return _STATES.setdefault(key, _State())


def holder(home: str | Path | None = None) -> dict | None:
    """Who holds (or last held) the lock: {"pid", "command", "since"}; None if never taken."""
    try:
        text = lock_path(home).read_text(encoding="utf-8").strip()
        return json.loads(text) if text else None
    except (OSError, ValueError):
        return None


def is_locked(home: str | Path | None = None) -> bool:
    """True if another process holds the writer lock right now (this process's own hold excluded)."""
    import fcntl

    path = lock_path(home)
    if not path.exists():
        return False
    if _state(path).depth:
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


def _describe(info: dict | None) -> str:
    if not info:
        return "another gongkai process"
    return f"another gongkai process (pid {info.get('pid')}: {info.get('command', '?')})"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def writer_lock(home: str | Path | None = None, timeout_s: float | None = None, *,
                purpose: str | None = None, notify: Callable[[str], None] | None = _say) -> Iterator[Path]:
    """Hold the single-writer lock of `home` for the duration of the block.

    Waits (telling `notify` once who holds it) up to `timeout_s` seconds (default 600, env
    GONGKAI_LOCK_TIMEOUT_S; 0 = fail at once), then raises StoreBusy.
    """
    import fcntl

    timeout = DEFAULT_TIMEOUT_S if timeout_s is None else float(timeout_s)
    path = lock_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = _state(path)
    deadline = time.monotonic() + timeout

    got = state.thread_lock.acquire(timeout=timeout) if timeout > 0 else state.thread_lock.acquire(blocking=False)
    if not got:
        raise StoreBusy(f"{path.parent} is busy: another task in this process is writing; "
                        f"gave up after {timeout:g} s", path=str(path.parent))
    try:
        if state.depth == 0:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    info = holder(path.parent)
                    if time.monotonic() >= deadline:
                        os.close(fd)
                        raise StoreBusy(
                            f"{path.parent} is busy: {_describe(info)} is writing to it; "
                            f"gave up after {timeout:g} s — try again when it has finished",
                            path=str(path.parent)) from None
                    if not told and notify is not None:
                        notify(f"waiting for {_describe(info)} to finish writing {path.parent} …")
                        told = True
                    time.sleep(POLL_S)
            record = {"pid": os.getpid(), "command": purpose or " ".join(_command()),
                      "since": time.strftime("%Y-%m-%dT%H:%M:%S")}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record, ensure_ascii=False).encode("utf-8"), 0)
            state.fd = fd
        state.depth += 1
        try:
            yield path
        finally:
            state.depth -= 1
            if state.depth == 0 and state.fd is not None:
                fd, state.fd = state.fd, None
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
    finally:
        state.thread_lock.release()


def _command() -> list[str]:
    argv = list(sys.argv) or ["python"]
    name = os.path.basename(argv[0])
    if name in ("__main__.py", "gongkai"):
        argv[0] = "gongkai"
    return [a if len(a) < 60 else a[:57] + "…" for a in argv[:4]]
