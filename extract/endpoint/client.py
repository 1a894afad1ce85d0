"""One chat call to the configured endpoint, bounded by a deadline.

Each attempt gets what is left of the deadline (as the HTTP timeout, and as a hard wall-clock bound:
the call runs in a daemon thread that is abandoned if it overruns), failed requests that are worth it
(HTTP 5xx, 429, a dropped connection) are retried inside the same deadline, and a timeout trips the
breaker so that the rest of the question / document / batch does not wait again.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any, Callable

from extract.endpoint.budget import Breaker, Deadline
from extract.endpoint.errors import LLMError, classify

MIN_CALL_S = 0.05  # less than this left: the deadline is spent
BACKOFF_S = 0.4
NO_KEY = "no-key"  # the OpenAI client insists on a key; servers without auth ignore it

# Tests (or an embedding application) may install `factory(settings) -> chat model`.
model_factory: Callable[[Any], Any] | None = None

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_THINK_OPEN = re.compile(r"^\s*<(think|thinking|reasoning)>", re.I)
_THINK_CLOSE = re.compile(r"</(think|thinking|reasoning)>", re.I)


def strip_think(text: str) -> str:
    """A reply without a reasoning model's <think>…</think> (also an unclosed one, or a reply whose
    opening tag was in the prompt and only the closing tag came back)."""
    text = _THINK.sub("", text or "")
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:
        text = text[closes[-1].end():]
    if _THINK_OPEN.match(text):
        return ""  # cut off while still thinking
    return text.strip()


def text_of(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        content = "".join(str(t.get("text", "")) if isinstance(t, dict) else str(t) for t in content)
    return strip_think(str(content or ""))


def usable(cfg, breaker: Breaker | None = None, needs_model: bool = True) -> None:
    """Raise LLMError saying why no call should be made (off, misconfigured, breaker open)."""
    url = (cfg.llm_base_url or "").strip()
    if not url:
        raise LLMError("off", "no LLM endpoint is set (llm_base_url)")
    if not url.startswith(("http://", "https://")):
        raise LLMError("bad_url", f"the LLM base URL {url!r} is not an http(s) URL")
    if needs_model and not (cfg.llm_model or "").strip():
        raise LLMError("no_model", "no model name is set (llm_model / GONGKAI_LLM_MODEL); "
                                   "`gongkai llm check` lists the models the server offers")
    if breaker is not None and breaker.reason:
        raise LLMError("skipped", breaker.reason)


def chat_model(cfg, timeout: float) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=cfg.llm_base_url.strip(), api_key=cfg.llm_api_key or NO_KEY,
                      model=cfg.llm_model.strip(), temperature=0, timeout=max(timeout, MIN_CALL_S), max_retries=0)


def _bounded(fn: Callable[[], Any], seconds: float) -> tuple[bool, Any, BaseException | None]:
    """Run fn in a daemon thread for at most `seconds`: (finished, result, error)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    worker = threading.Thread(target=target, name="gongkai-llm-call", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return False, None, None
    return True, box.get("result"), box.get("error")


def invoke(cfg, messages: list, *, deadline: Deadline, breaker: Breaker | None = None, model: Any = None,
           prepare: Callable[[Any], Any] | None = None) -> Any:
    """The model's reply message, or LLMError. `model`: a chat model to use instead of the one built
    from `cfg` (tests); `prepare(model)`: bind tools / a response format."""
    factory = model_factory
    if model is None and factory is None:
        usable(cfg, breaker)
    elif breaker is not None and breaker.reason:
        raise LLMError("skipped", breaker.reason)
    url, name, key = cfg.llm_base_url.strip(), (cfg.llm_model or "").strip(), cfg.llm_api_key or ""
    attempts = max(1, int(cfg.llm_max_retries) + 1)
    last: LLMError | None = None
    for attempt in range(attempts):
        left = deadline.remaining()
        if left < MIN_CALL_S:
            break
        chat = model if model is not None else (factory(cfg) if factory else chat_model(cfg, left))
        runnable = prepare(chat) if prepare else chat
        done, reply, error = _bounded(lambda: runnable.invoke(messages), left)
        if not done:
            last = LLMError("timeout", f"the server at {url} did not answer within the {deadline.seconds:g} s deadline")
            break
        if error is None:
            return reply
        last = classify(error, url, name, key, deadline.seconds)
        if not last.retryable or attempt == attempts - 1:
            break
        time.sleep(min(BACKOFF_S * (2 ** attempt), max(0.0, deadline.remaining() - MIN_CALL_S)))
    if last is None:  # the deadline was spent before this call could start
        last = LLMError("timeout", f"the {deadline.seconds:g} s deadline was used up before the server answered")
    if last.kind == "timeout" and breaker is not None:
        breaker.trip(f"the server timed out earlier ({last.message})")
    raise last
