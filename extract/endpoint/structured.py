"""Structured answers that work on common servers.

Three ways to ask for a schema-shaped answer (setting `llm_structured`):
* `tools` — function calling with the function forced by `tool_choice` (OpenAI, DeepSeek, Qwen,
  vLLM, llama.cpp). A server that ignores `tool_choice` (Ollama may) and answers in text is read as
  plain JSON, so the answer is not lost.
* `json_schema` — `response_format: {"type": "json_schema", …}` (OpenAI, vLLM, Ollama; not llama.cpp).
* `json` — the schema in the prompt and the JSON object read from the reply text (any server).
`auto` uses what `gongkai llm check` detected for this endpoint and model, else `tools`.
Every reply is read without its <think>…</think>. A reply that does not parse is re-asked with the
assistant's reply kept in between, so user and assistant messages alternate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from extract.endpoint.budget import Breaker, Deadline
from extract.endpoint.client import invoke, text_of
from extract.endpoint.errors import LLMError

MODES = ("tools", "json_schema", "json")
PROBE_FILE = "llm-probe.json"
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S | re.I)


def probe_path() -> Path:
    from gongkai.settings import home

    return home() / PROBE_FILE


def detected(cfg) -> str | None:
    """The mode `gongkai llm check` found for this endpoint and model, if it checked them."""
    try:
        data = json.loads(probe_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("base_url") == cfg.llm_base_url.strip() and data.get("model") == (cfg.llm_model or "").strip():
        mode = data.get("structured")
        return mode if mode in MODES else None
    return None


def remember(cfg, mode: str) -> Path:
    path = probe_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"base_url": cfg.llm_base_url.strip(), "model": (cfg.llm_model or "").strip(),
                                "structured": mode}), encoding="utf-8")
    return path


def mode_for(cfg) -> str:
    mode = (getattr(cfg, "llm_structured", "auto") or "auto").strip()
    if mode in MODES:
        return mode
    return detected(cfg) or "tools"


def schema_of(model: type[BaseModel]) -> dict:
    return model.model_json_schema()


def instructions(model: type[BaseModel], mode: str) -> str:
    schema = json.dumps(schema_of(model), ensure_ascii=False)
    if mode == "tools":
        return (f"Answer by calling the function {model.__name__}. If you cannot call functions, reply with only "
                f"the JSON object of its arguments, matching this JSON Schema: {schema}")
    return f"Reply with only one JSON object (no prose, no code fence) matching this JSON Schema: {schema}"


def parse_json(text: str) -> Any:
    """The first JSON object in a reply (code fences and <think> already allowed for)."""
    text = text_of(text)
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    start = text.find("{")
    if start < 0:
        raise ValueError("the reply holds no JSON object")
    obj, _ = json.JSONDecoder().raw_decode(text[start:])
    return obj


def _prepare(model_cls: type[BaseModel], mode: str):
    def prepare(chat: Any) -> Any:
        if mode == "tools" and hasattr(chat, "bind_tools"):
            return chat.bind_tools([model_cls], tool_choice=model_cls.__name__)
        if mode == "json_schema" and hasattr(chat, "bind"):
            return chat.bind(response_format={"type": "json_schema", "json_schema": {
                "name": model_cls.__name__, "schema": schema_of(model_cls)}})
        return chat

    return prepare


def read_reply(reply: Any, model_cls: type[BaseModel]) -> tuple[BaseModel, str]:
    """(the validated object, the reply as text for a re-ask) — ValueError when it does not parse."""
    for call in getattr(reply, "tool_calls", None) or []:
        args = call.get("args") if isinstance(call, dict) else getattr(call, "args", None)
        if isinstance(args, dict) and (call.get("name") in (None, model_cls.__name__) if isinstance(call, dict) else True):
            return model_cls.model_validate(args), json.dumps(args, ensure_ascii=False)
    bad = getattr(reply, "invalid_tool_calls", None) or []
    text = text_of(reply)
    if not text and bad:
        raw = bad[0].get("args") if isinstance(bad[0], dict) else ""
        text = str(raw or "")
    try:
        return model_cls.model_validate(parse_json(text)), text
    except ValidationError as exc:
        raise ValueError(f"the JSON does not match the schema: {exc.errors()[0].get('msg')}") from None
    except ValueError as exc:
        raise ValueError(f"{exc} ({text[:80]!r})") from None


def ask(cfg, messages: list, model_cls: type[BaseModel], *, deadline: Deadline, breaker: Breaker | None = None,
        chat: Any = None, reasks: int = 1) -> tuple[BaseModel, list]:
    """(the answer, the conversation including it) — LLMError when the endpoint fails or the reply
    still does not parse after `reasks` re-asks."""
    from langchain_core.messages import AIMessage, HumanMessage

    mode = mode_for(cfg)
    msgs = _with_instructions(list(messages), model_cls, mode)
    problem = ""
    for _ in range(max(0, reasks) + 1):
        reply = invoke(cfg, msgs, deadline=deadline, breaker=breaker, model=chat, prepare=_prepare(model_cls, mode))
        try:
            obj, text = read_reply(reply, model_cls)
        except ValueError as exc:
            problem = str(exc)
            raw = text_of(reply) or "(no answer)"
            msgs = msgs + [AIMessage(content=raw),
                           HumanMessage(content=f"That reply could not be read: {problem}. "
                                                + instructions(model_cls, "json"))]
            continue
        return obj, msgs + [AIMessage(content=text)]
    raise LLMError("bad_reply", f"the model's reply was not the JSON asked for ({problem})")


def _with_instructions(messages: list, model_cls: type[BaseModel], mode: str) -> list:
    """The last user message with the answer-format instructions appended."""
    from langchain_core.messages import HumanMessage

    out = list(messages)
    for i in range(len(out) - 1, -1, -1):
        if isinstance(out[i], HumanMessage):
            out[i] = HumanMessage(content=f"{out[i].content}\n\n{instructions(model_cls, mode)}")
            break
    return out
