"""Run `gongkai ui` in a child process and wait until it answers (used by tests and bench)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    proc: subprocess.Popen
    url: str
    start_s: float  # process start → first HTTP 200
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start(home: Path, port: int | None = None, password: str | None = None, timeout: float = 120,
          extra_env: dict | None = None, warm: bool = True) -> Running:
    port = port or free_port()
    env = dict(os.environ, GONGKAI_HOME=str(home), **(extra_env or {}))
    cmd = [sys.executable, "-m", "gongkai", "ui", "--host", "127.0.0.1", "--port", str(port)]
    if password:
        cmd += ["--password", password]
    if not warm:
        cmd.append("--no-warm")
    home.mkdir(parents=True, exist_ok=True)
    log = home / f"ui-{port}.log"
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"gongkai ui exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return Running(proc, url, time.perf_counter() - t0, log)
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    proc.kill()
    raise TimeoutError(f"gongkai ui did not answer within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")
