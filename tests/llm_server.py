"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for the LLM tests (a real socket, real HTTP).

POST /v1/chat/completions answers from a queue of scripted replies (then `default`), GET /v1/models
lists `models`. Each reply is a dict:
  {"content": "..."}                 an assistant message (may hold <think>…</think>)
  {"tool": {...}}                    a tool call of the requested function with these arguments
  {"status": 500}                    an HTTP error with an OpenAI-style error body
  {"hang": 30}                       no answer for 30 s (then a late reply, if the client still listens)
  {"raw": "..."}                     a 200 response whose body is this text (broken JSON)
  callable(request_body) -> dict     decided per request
`key` set → every request without `Authorization: Bearer <key>` gets 401 (the body echoes the key
sent, as some servers do); a model not in `models` gets 404 model_not_found; any path outside /v1
gets 404. `requests` records every request body (with its path).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ScriptedLLM:
    def __init__(self, models: tuple[str, ...] = ("test-model",), key: str | None = None):
        self.replies: list[Any] = []
        self.default: Any = {"content": "NOT_FOUND"}
        self.models = list(models)
        self.key = key
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, payload: Any, raw: str | None = None) -> None:
                data = (raw if raw is not None else json.dumps(payload, ensure_ascii=False)).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _auth_ok(self) -> bool:
                if owner.key is None:
                    return True
                sent = self.headers.get("Authorization") or ""
                if sent == f"Bearer {owner.key}":
                    return True
                self._send(401, {"error": {"message": f"Incorrect API key provided: {sent[7:]}",
                                           "type": "invalid_request_error", "code": "invalid_api_key"}})
                return False

            def do_GET(self):
                with owner._lock:
                    owner.requests.append({"_path": self.path, "_method": "GET"})
                if self.path.rstrip("/") != "/v1/models":
                    return self._send(404, None, raw="404 page not found")
                if not self._auth_ok():
                    return
                self._send(200, {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "test"}
                                                            for m in owner.models]})

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                body["_path"] = self.path
                body["_auth"] = self.headers.get("Authorization")
                with owner._lock:
                    owner.requests.append(body)
                    reply = owner.replies.pop(0) if owner.replies else owner.default
                if self.path != "/v1/chat/completions":
                    return self._send(404, None, raw="404 page not found")
                if not self._auth_ok():
                    return
                if body.get("model") not in owner.models:
                    return self._send(404, {"error": {"message": f"model '{body.get('model')}' not found",
                                                      "type": "invalid_request_error", "code": "model_not_found"}})
                if callable(reply):
                    reply = reply(body)
                if "hang" in reply:
                    time.sleep(reply["hang"])
                    reply = {"content": "a late answer"}
                if "status" in reply:
                    return self._send(reply["status"], {"error": {"message": reply.get("message", "scripted failure"),
                                                                  "type": "server_error"}})
                if "raw" in reply:
                    return self._send(200, None, raw=reply["raw"])
                message: dict[str, Any] = {"role": "assistant", "content": reply.get("content")}
                finish = "stop"
                if "tool" in reply:
                    tools = body.get("tools") or [{"function": {"name": "f"}}]
                    message = {"role": "assistant", "content": None, "tool_calls": [{
                        "id": "call_1", "type": "function",
                        "function": {"name": reply.get("name") or tools[0]["function"]["name"],
                                     "arguments": reply["tool"] if isinstance(reply["tool"], str)
                                     else json.dumps(reply["tool"], ensure_ascii=False)}}]}
                    finish = "tool_calls"
                self._send(200, {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                                 "model": body.get("model"), "choices": [{"index": 0, "finish_reason": finish,
                                                                          "message": message}],
                                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.root + "/v1"

    def script(self, *replies: Any, default: Any = None) -> "ScriptedLLM":
        with self._lock:
            self.replies = list(replies)
            if default is not None:
                self.default = default
            self.requests = []
        return self

    def chats(self) -> list[dict]:
        return [r for r in self.requests if r.get("_method") != "GET"]

    def __enter__(self) -> "ScriptedLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
