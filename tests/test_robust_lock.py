"""ingest.lock.writer_lock: one writer per $GONGKAI_HOME across processes and threads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.errors import StoreBusy
from ingest.lock import holder, is_locked, writer_lock

ROOT = Path(__file__).resolve().parent.parent

HOLD = """
import sys, time
from ingest.lock import writer_lock
with writer_lock(sys.argv[1], timeout_s=30, purpose="test holder"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_in_child(home: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(home), str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_process_fails_with_store_busy_naming_the_holder(tmp_path):
    proc = hold_in_child(tmp_path, 30)
    try:
        assert is_locked(tmp_path)
        t0 = time.monotonic()
        with pytest.raises(StoreBusy) as info:
            with writer_lock(tmp_path, timeout_s=0.5, notify=None):
                pass
        assert 0.4 < time.monotonic() - t0 < 5
        msg = str(info.value)
        assert f"pid {proc.pid}" in msg and "test holder" in msg and "0.5 s" in msg
        assert holder(tmp_path)["pid"] == proc.pid
    finally:
        proc.kill()
        proc.wait()


def test_waiter_says_so_once_then_gets_the_lock(tmp_path):
    proc = hold_in_child(tmp_path, 1.0)
    said: list[str] = []
    t0 = time.monotonic()
    with writer_lock(tmp_path, timeout_s=30, notify=said.append):
        waited = time.monotonic() - t0
        assert holder(tmp_path)["pid"] == os.getpid()
    proc.wait()
    assert 0.5 < waited < 10
    assert len(said) == 1 and f"pid {proc.pid}" in said[0] and "waiting" in said[0]


def test_kill_9_of_the_holder_releases_the_lock(tmp_path):
    proc = hold_in_child(tmp_path, 60)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not is_locked(tmp_path)
    with writer_lock(tmp_path, timeout_s=2, notify=None):
        pass


def test_reentrant_in_one_thread_and_exclusive_between_threads(tmp_path):
    order: list[str] = []
    with writer_lock(tmp_path, timeout_s=1, notify=None):
        with writer_lock(tmp_path, timeout_s=1, notify=None):  # nested: no self-deadlock
            order.append("nested")

        def other():
            try:
                with writer_lock(tmp_path, timeout_s=0.2, notify=None):
                    order.append("other-early")
            except StoreBusy:
                order.append("other-busy")

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert order == ["nested", "other-busy"]
    got: list[bool] = []

    def after():
        with writer_lock(tmp_path, timeout_s=1, notify=None):
            got.append(True)

    t = threading.Thread(target=after)
    t.start()
    t.join()
    assert got == [True]
    assert not is_locked(tmp_path)
