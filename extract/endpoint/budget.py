"""Deadlines and circuit breakers for LLM calls.

A `Deadline` is the wall-clock budget of one question or one document: every call, retry and re-ask
inside it gets only what is left. A `Breaker` opens after a failure that would cost the same again
(a timeout): later calls in its scope — the rest of a document, a batch, a chat session — skip the
LLM at once and say why. A breaker can be backed by a file so that the worker processes of one batch
share it.

`session(...)` makes a question's deadline and its conversation's breaker the current ones (a
contextvar), so code deep in qa finds them without threading them through every call.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Deadline:
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self.started))

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0


class Breaker:
    """Open (with a reason) after `trip`; `cooldown_s` lets a long-lived process try again later.
    With `path`, the state lives in that file (shared by the processes of one batch)."""

    def __init__(self, scope: str = "session", path: Path | str | None = None, cooldown_s: float | None = None):
        self.scope = scope
        self.path = Path(path) if path else None
        self.cooldown_s = cooldown_s
        self._reason: str | None = None
        self._at = 0.0
        self._lock = threading.Lock()

    def trip(self, reason: str) -> None:
        with self._lock:
            self._reason, self._at = reason, time.time()
        if self.path is not None:
            try:
                tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps({"reason": reason, "at": self._at}), encoding="utf-8")
                os.replace(tmp, self.path)
            except OSError:
                pass

    def reset(self) -> None:
        with self._lock:
            self._reason, self._at = None, 0.0
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    @property
    def reason(self) -> str | None:
        """Why the LLM is skipped, or None when calls may go ahead."""
        reason, at = self._reason, self._at
        if reason is None and self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                reason, at = str(data.get("reason") or ""), float(data.get("at") or 0.0)
            except (OSError, ValueError):
                reason = None
        if reason and self.cooldown_s is not None and time.time() - at > self.cooldown_s:
            return None
        return reason or None

    @property
    def open(self) -> bool:
        return self.reason is not None


# Extraction's breaker for this process (a CLI run, an ingest batch, the app's uploads). The app sets
# a cooldown so that a server that came back is used again; bulk extraction points it at a file.
BATCH = Breaker("batch")


@dataclass
class Session:
    deadline: Deadline
    breaker: Breaker


_CURRENT: contextvars.ContextVar[Session | None] = contextvars.ContextVar("gongkai_llm_session", default=None)


def current() -> Session | None:
    return _CURRENT.get()


@contextlib.contextmanager
def session(breaker: Breaker, seconds: float):
    """Make (a fresh deadline of `seconds`, `breaker`) current for the calls inside."""
    token = _CURRENT.set(Session(Deadline(seconds), breaker))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)
