"""`gongkai llm check`: ask the configured endpoint what is wrong, and say it in plain words.

Steps (each bounded by `llm_timeout_s`; the first timeout ends the check): the settings (base URL,
`/v1`, model, key), GET {base}/models (reachable? key accepted? the model served?), one short chat
(the model answers?), then which structured-output method the server honours — forced function
calling, JSON-schema `response_format`, or plain JSON — remembered for `llm_structured = auto`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field

from pydantic import BaseModel

from extract.endpoint.errors import LLMError, classify, has_v1, scrub, with_v1


@dataclass
class Step:
    name: str
    status: str  # ok | fail | note
    message: str


@dataclass
class Report:
    ok: bool = False
    steps: list[Step] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    structured: str | None = None
    problem: str = ""

    def add(self, name: str, status: str, message: str) -> None:
        self.steps.append(Step(name, status, message))
        if status == "fail" and not self.problem:
            self.problem = message

    def to_dict(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        marks = {"ok": "ok  ", "fail": "FAIL", "note": "note"}
        lines = [f"[{marks.get(s.status, s.status)}] {s.name}: {s.message}" for s in self.steps]
        lines.append("result: " + ("OK — the LLM can be used" if self.ok else f"NOT USABLE — {self.problem}"))
        return "\n".join(lines)


class _HTTPFailure(Exception):
    def __init__(self, status: int | None, body: str, reason: str = ""):
        super().__init__(reason or f"HTTP {status}")
        self.status_code, self.body, self.reason = status, body, reason


def _get_models(base: str, key: str, timeout: float) -> list[str]:
    req = urllib.request.Request(base.rstrip("/") + "/models", headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(req, timeout=max(timeout, 0.1)) as resp:
            data = json.loads(resp.read().decode("utf-8", "replace") or "{}")
    except urllib.error.HTTPError as exc:
        raise _HTTPFailure(exc.code, exc.read().decode("utf-8", "replace")[:300]) from None
    except (TimeoutError, OSError) as exc:
        raise exc
    except ValueError:
        raise _HTTPFailure(200, "", "the /models reply is not JSON") from None
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list):
        items = data.get("models", []) if isinstance(data, dict) else []
    return [str(m.get("id") or m.get("name")) for m in items if isinstance(m, dict) and (m.get("id") or m.get("name"))]


def _models_step(report: Report, cfg, base: str, key: str, timeout: float) -> bool:
    """GET /models; False when the check cannot go on (nothing there, timeout)."""
    try:
        report.models = _get_models(base, key, timeout)
    except _HTTPFailure as exc:
        if exc.status_code == 401:
            report.add("GET /models", "fail", classify(_status_exc(401, exc.body), base, cfg.llm_model, key).message)
            return False
        if exc.status_code == 404 and not has_v1(base):
            try:
                _get_models(with_v1(base), key, timeout)
                report.add("base URL", "fail", f"{base} has no /v1 — the API answers at {with_v1(base)}: "
                                               f"set llm_base_url to {with_v1(base)}")
                return False
            except Exception:  # noqa: BLE001
                pass
        hint = f" (the base URL has no /v1: most servers want {with_v1(base)})" if not has_v1(base) else ""
        report.add("GET /models", "note", f"the server gave no model list (HTTP {exc.status_code}){hint}; going on")
        return True
    except (TimeoutError, OSError) as exc:
        text = str(getattr(exc, "reason", exc))
        if "timed out" in text.lower() or isinstance(exc, TimeoutError):
            report.add("GET /models", "fail", f"the server at {base} did not answer within {timeout:g} s (timeout)")
        elif "refused" in text.lower():
            report.add("GET /models", "fail", f"nothing is listening at {base} (connection refused): is the server "
                                              "running, and is the port right?")
        else:
            report.add("GET /models", "fail", f"cannot reach {base}: {scrub(text, key)[:200]}")
        return False
    shown = ", ".join(report.models[:12]) + (" …" if len(report.models) > 12 else "")
    report.add("GET /models", "ok", f"{len(report.models)} model(s) served: {shown or '(none listed)'}")
    return True


def _status_exc(status: int, body: str) -> Exception:
    exc = Exception(body)
    exc.status_code = status  # type: ignore[attr-defined]
    return exc


def run(cfg, save: bool = True) -> Report:
    """Check the endpoint of `cfg` (a gongkai.settings.Settings)."""
    from gongkai import settings as gsettings
    from extract.endpoint import client, structured
    from extract.endpoint.budget import Deadline

    report = Report()
    base, model, key = (cfg.llm_base_url or "").strip(), (cfg.llm_model or "").strip(), cfg.llm_api_key or ""
    timeout = float(cfg.llm_timeout_s)
    if not base:
        report.add("base URL", "fail", "no LLM endpoint is set (llm_base_url / GONGKAI_LLM_BASE_URL); "
                                       "the offline answers are used")
        return report
    if not base.startswith(("http://", "https://")):
        report.add("base URL", "fail", f"{base!r} is not an http(s) URL (e.g. http://127.0.0.1:8000/v1)")
        return report
    report.add("base URL", "ok", base)
    report.add("API key", "ok" if key else "note", "set (not shown)" if key else "none set (fine for a local server)")
    for problem in gsettings.file_problems():
        report.add("settings file", "note", problem)
    if not _models_step(report, cfg, base, key, timeout):
        return report
    if not model:
        offer = f"; the server offers: {', '.join(report.models[:12])}" if report.models else ""
        report.add("model", "fail", f"no model name is set (llm_model / GONGKAI_LLM_MODEL){offer}")
        return report
    if report.models and model not in report.models:
        report.add("model", "fail", f"the server does not serve a model called {model!r}; it offers: "
                                    + ", ".join(report.models[:12]))
        return report
    report.add("model", "ok", model + (" (served)" if report.models else ""))
    from langchain_core.messages import HumanMessage

    t0 = time.monotonic()
    try:
        reply = client.invoke(cfg, [HumanMessage(content="Reply with the single word OK.")], deadline=Deadline(timeout))
    except LLMError as err:
        report.add("chat", "fail", err.message)
        return report
    raw = str(getattr(reply, "content", "") or "")
    said = client.text_of(reply)
    think = " (a reasoning model: its <think> block is removed from replies)" if "</think>" in raw.lower() else ""
    report.add("chat", "ok", f"answered in {time.monotonic() - t0:.1f} s: {said[:60]!r}{think}")
    report.ok = True
    mode, how = _detect(cfg, timeout)
    report.structured = mode
    if mode is None:
        report.add("structured output", "note", how)
    else:
        chosen = (cfg.llm_structured or "auto").strip()
        tail = ""
        if chosen == "auto" and save:
            structured.remember(cfg, mode)
            tail = " — remembered: llm_structured=auto uses it"
        elif chosen != "auto" and chosen != mode:
            tail = f" — but llm_structured is set to {chosen!r}"
        report.add("structured output", "ok", how + tail)
    return report


class Probe(BaseModel):
    """A test of structured answers."""

    answer: int


def _detect(cfg, timeout: float) -> tuple[str | None, str]:
    """Which structured-output method this server and model honour."""
    from langchain_core.messages import HumanMessage

    from extract.endpoint import client, structured
    from extract.endpoint.budget import Deadline

    model_cls = Probe
    ask = [HumanMessage(content="What is 2 + 3? Give the result as `answer`.")]
    notes = []
    for mode in structured.MODES:
        msgs = structured._with_instructions(ask, model_cls, mode)
        try:
            reply = client.invoke(cfg, msgs, deadline=Deadline(timeout), prepare=structured._prepare(model_cls, mode))
        except LLMError as err:
            notes.append(f"{mode}: {err.message}")
            if err.kind == "timeout":
                break
            continue
        if mode == "tools" and not getattr(reply, "tool_calls", None):
            notes.append("tools: the server ignored the forced function call (tool_choice)")
            continue
        try:
            obj, _ = structured.read_reply(reply, model_cls)
        except ValueError as exc:
            notes.append(f"{mode}: {exc}")
            continue
        label = {"tools": "function calling (tools)", "json_schema": "JSON-schema response_format",
                 "json": "plain JSON in the reply"}[mode]
        extra = f" ({'; '.join(notes)})" if notes else ""
        return mode, f"{label}{extra}" + ("" if obj.answer == 5 else f" — but the model answered {obj.answer} to 2 + 3")
    return None, "no structured method worked (" + "; ".join(notes) + "): the LLM can phrase answers but not " \
                 "help understand questions or extract"
