"""ingest.sandbox.run_isolated: results come back, limits stop hostile work, errors keep their type."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ingest.errors import EncryptedFile, GongkaiError, ResourceLimit
from ingest.sandbox import ParserError, run_isolated


def add(a, b, scale=1):
    return (a + b) * scale


def sleepy(seconds):
    time.sleep(seconds)
    return "woke"


def hog(mb):
    blocks = [bytearray(1024 * 1024) for _ in range(mb)]
    return len(blocks)


def raise_encrypted(path):
    raise EncryptedFile(f"{path}: the PDF is encrypted", path=path)


def raise_value_error():
    raise ValueError("bad xref")


def segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def exit_quietly():
    os._exit(3)


def pid():
    return os.getpid()


def test_result_and_kwargs_come_back():
    assert run_isolated(add, 2, 3, scale=10, timeout_s=30, memory_mb=1024) == 50


def test_runs_in_another_process():
    assert run_isolated(pid, timeout_s=30, memory_mb=None) != os.getpid()


def test_timeout_stops_the_child_quickly():
    t0 = time.monotonic()
    with pytest.raises(ResourceLimit) as info:
        run_isolated(sleepy, 30, timeout_s=1, memory_mb=None)
    assert time.monotonic() - t0 < 10
    assert "longer than 1 s" in str(info.value) and "parse_timeout_s" in str(info.value)


def test_memory_limit_is_a_resource_limit():
    with pytest.raises(ResourceLimit) as info:
        run_isolated(hog, 2000, timeout_s=60, memory_mb=400)
    assert "400 MB" in str(info.value) and "parse_memory_mb" in str(info.value)
    # within the limit the same function works
    assert run_isolated(hog, 20, timeout_s=60, memory_mb=400) == 20


def test_gongkai_errors_keep_type_message_and_path():
    with pytest.raises(EncryptedFile) as info:
        run_isolated(raise_encrypted, "a b/预算.pdf", timeout_s=30, memory_mb=1024)
    assert str(info.value) == "a b/预算.pdf: the PDF is encrypted"
    assert info.value.path == "a b/预算.pdf"


def test_other_exceptions_become_parser_errors():
    with pytest.raises(ParserError) as info:
        run_isolated(raise_value_error, timeout_s=30, memory_mb=1024)
    assert "ValueError: bad xref" in str(info.value)
    assert isinstance(info.value, GongkaiError)
    assert "raise_value_error" in info.value.child_traceback


def test_a_crashing_child_does_not_take_the_parent_down():
    with pytest.raises(GongkaiError) as info:
        run_isolated(segfault, timeout_s=30, memory_mb=None)
    assert "SIGSEGV" in str(info.value)
    with pytest.raises(ParserError, match="exit code 3"):
        run_isolated(exit_quietly, timeout_s=30, memory_mb=None)
    assert run_isolated(add, 1, 1, timeout_s=30, memory_mb=None) == 2
