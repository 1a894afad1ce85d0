"""UI hardening over HTTP (no browser): file routes refuse everything outside gradio's cache in
$GONGKAI_HOME (known Gradio path-traversal shapes), binds 127.0.0.1, optional password works, and
the settings page never echoes the API key."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ui import server

SECRET = "sk-test-NEVER-SHOW-4242"


def _get(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("ui_sec") / "home"
    home.mkdir()
    (home / "settings.json").write_text(json.dumps({"llm_api_key": SECRET, "llm_base_url": "http://127.0.0.1:9/v1"}))
    (home / "records").mkdir()
    (home / "records" / "private.json").write_text('{"doc": "private"}')
    running = server.start(home, warm=False)
    yield running, home
    running.stop()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on `port`."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, p = local.rsplit(":", 1)
            if state == "0A" and int(p, 16) == port:
                out.add(addr)
    return out


def test_binds_loopback_only(app):
    running, _ = app
    port = int(running.url.rsplit(":", 1)[1].strip("/"))
    addrs = _listening_addresses(port)
    assert addrs == {"0100007F"}, addrs  # 127.0.0.1 only; not 0.0.0.0 (00000000) or ::


ATTACKS = [
    "gradio_api/file=/etc/passwd",
    "gradio_api/file=../../../../../../etc/passwd",
    "gradio_api/file=..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "gradio_api/file=/proc/self/environ",
    "file=/etc/passwd",
    "file=../../../../etc/passwd",
    "gradio_api/file={home}/settings.json",
    "gradio_api/file={home}/records/private.json",
    "gradio_api/file={home}/tmp/gradio/../../settings.json",
    "file={home}/settings.json",
    "static/../../../../etc/passwd",
    "static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "gradio_api/file=//etc/passwd",
    "gradio_api/file=C:/Windows/win.ini",
]


@pytest.mark.parametrize("shape", ATTACKS)
def test_file_routes_refuse_paths_outside_the_cache(app, shape):
    running, home = app
    status, body = _get(running.url + shape.format(home=home))
    assert b"root:x:0:0" not in body
    assert SECRET.encode() not in body
    assert b'"doc": "private"' not in body
    assert status in (400, 403, 404, 405), (shape, status, body[:200])


def test_component_server_cannot_copy_files_into_the_cache(app):
    """CVE-2024-1561 shape: ask a component to 'move' /etc/passwd into the served cache."""
    running, _ = app
    _, cfg = _get(running.url + "config")
    comp = next(c["id"] for c in json.loads(cfg)["components"] if c.get("type") == "file")
    payload = json.dumps({"component_id": comp, "data": "/etc/passwd", "fn_name": "move_resource_to_block_cache",
                          "session_hash": "x"}).encode()
    status, body = _get(running.url + "gradio_api/component_server", payload, {"Content-Type": "application/json"})
    assert b"root:x:0:0" not in body
    if status == 200 and body.strip().strip(b'"'):
        served = json.loads(body)
        s2, b2 = _get(running.url + f"gradio_api/file={served}")
        assert b"root:x:0:0" not in b2


def test_upload_name_cannot_escape_the_upload_dir(app):
    running, home = app
    boundary = "gkboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../../../../escape.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
    status, out = _get(running.url + "gradio_api/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert not (home.parent / "escape.txt").exists() and not Path("/tmp/escape.txt").exists()
    assert status == 200
    (saved,) = json.loads(out)
    assert Path(saved).resolve().is_relative_to((home / "tmp" / "gradio").resolve()), saved
    # positive control: the file route does serve what is inside the cache
    status, served = _get(running.url + f"gradio_api/file={saved}")
    assert (status, served) == (200, b"hello")


def test_config_and_pages_never_contain_the_api_key(app):
    running, _ = app
    for route in ("", "config", "gradio_api/info"):
        _, body = _get(running.url + route)
        assert SECRET.encode() not in body, route


def test_password_required_when_set(tmp_path):
    home = tmp_path / "home"
    running = server.start(home, password="s3cret-pw", warm=False)
    try:
        _, cfg = _get(running.url + "config")
        assert b'"components"' not in cfg  # no app config before login
        body = "username=gongkai&password=wrong".encode()
        status, _ = _get(running.url + "login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status in (400, 401)
        body = "username=gongkai&password=s3cret-pw".encode()
        status, _ = _get(running.url + "login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200
    finally:
        running.stop()


def test_upload_size_limit_is_enforced_by_the_server(tmp_path):
    running = server.start(tmp_path / "home", warm=False, extra_env={"GONGKAI_MAX_UPLOAD_MB": "1"})
    try:
        def upload(size: int) -> int:
            head = ('--b\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
                    "Content-Type: text/plain\r\n\r\n").encode()
            status, _ = _get(running.url + "gradio_api/upload", head + b"a" * size + b"\r\n--b--\r\n",
                             {"Content-Type": "multipart/form-data; boundary=b"})
            return status

        assert upload(1024 * 1024 + 4096) == 413
        assert upload(1000) == 200
    finally:
        running.stop()
