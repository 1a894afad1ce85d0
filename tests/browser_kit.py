"""What the browser tests share: headless Debian Chromium driven by Playwright, the audit that logs
every outbound connection of the app process, and small page helpers (ask, open a tab, pick)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
T = 60_000  # ms: generous for a shared 2-core machine


# Loaded by every Python process started with the audit dir on PYTHONPATH: logs each socket connect
# and name lookup that is not loopback or a local (unix) socket.
NET_AUDIT = """
import os, sys
_LOG = os.environ.get("GK_NET_AUDIT")
_LOCAL = {None, "", "127.0.0.1", "localhost", "::1", "0.0.0.0", b"127.0.0.1", b"localhost"}

def _hook(event, args):
    if event == "socket.connect":
        addr = args[1]
        if not isinstance(addr, tuple):
            return  # unix socket path
        host = addr[0]
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if host in _LOCAL or str(host).startswith("127."):
        return
    with open(_LOG, "a") as f:
        f.write(f"{event} {host!r}\\n")

if _LOG:
    sys.addaudithook(_hook)
"""


@pytest.fixture(scope="module")
def net_audit(tmp_path_factory) -> tuple[Path, dict]:
    d = tmp_path_factory.mktemp("net_audit")
    (d / "sitecustomize.py").write_text(NET_AUDIT)
    log = d / "connections.log"
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(d), os.environ.get("PYTHONPATH")])),
           "GK_NET_AUDIT": str(log)}
    # positive control: the hook sees an outside connect attempt (TEST-NET address, nothing is sent)
    probe = ("import socket; s = socket.socket(); s.settimeout(0.01)\n"
             "try: s.connect(('192.0.2.1', 9))\nexcept OSError: pass")
    subprocess.run([sys.executable, "-c", probe], env={**os.environ, **env}, check=True, timeout=30)
    assert "192.0.2.1" in log.read_text()
    log.unlink()
    return log, env


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def ask(pg, question: str, n_answers: int) -> str:
    pg.fill("#gk-question textarea", question)
    pg.click("#gk-ask")
    bots = pg.locator("#gk-chat [data-testid='bot']")
    pg.wait_for_function(
        "n => document.querySelectorAll(\"#gk-chat [data-testid='bot']\").length >= n", arg=n_answers, timeout=T)
    return bots.nth(n_answers - 1).inner_text()


def open_tab(pg, name: str) -> None:
    pg.get_by_role("tab", name=name).click()


def pick(pg, elem_id: str, text: str) -> None:
    pg.click(f"#{elem_id} input")
    pg.locator(f"#{elem_id} [role=option]", has_text=text).first.click()


@pytest.fixture
def page(browser, app):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.goto(app.url, wait_until="domcontentloaded")
    pg.wait_for_selector("#gk-question textarea", timeout=T)
    yield pg
    hosts = {urlparse(u).hostname for u in pg.requests if not u.startswith(("data:", "blob:"))}
    ctx.close()
    assert hosts <= {"127.0.0.1"}, f"requests left the machine: {hosts}"
    outside = app.net_log.read_text() if app.net_log.exists() else ""
    assert not outside, f"the app process reached outside 127.0.0.1:\n{outside}"
