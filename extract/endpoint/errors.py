"""What went wrong with the LLM endpoint, in plain words (and never with the key in them)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

# kinds worth another try inside the deadline
RETRYABLE = {"server_error", "rate_limited", "dropped"}


class LLMError(Exception):
    """A failed or skipped LLM call: `kind` for code, `message` for people."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


def has_v1(base_url: str) -> bool:
    path = urlsplit(base_url).path.rstrip("/")
    return any(part.lower() in ("v1", "v1beta", "v2", "v3", "v4") for part in path.split("/"))


def with_v1(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/v1"))


def scrub(text: str, secret: str | None) -> str:
    """`text` with the key (and long tails of it) replaced by ***."""
    text = str(text or "")
    if secret:
        text = text.replace(secret, "***")
        if len(secret) >= 12:
            for n in (8, 6):
                text = text.replace(secret[-n:], "***").replace(secret[:n], "***")
    return text


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    if code is None:
        code = getattr(getattr(exc, "response", None), "status_code", None)
    return code if isinstance(code, int) else None


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _detail(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        msg = err.get("message") if isinstance(err, dict) else err
        if msg:
            return str(msg)
    return str(getattr(exc, "message", None) or exc)


def classify(exc: BaseException, base_url: str, model: str, key: str = "", seconds: float | None = None) -> LLMError:
    """An exception from the OpenAI client (or the transport) → LLMError with a plain message."""
    if isinstance(exc, LLMError):
        return exc
    names = {type(e).__name__ for e in _chain(exc)}
    text = " ".join(str(e) for e in _chain(exc)).lower()
    status = _status(exc)
    detail = scrub(_detail(exc), key)[:300]
    if status == 401 or (status is None and "AuthenticationError" in names):
        if not key:
            return LLMError("no_key", f"the server at {base_url} requires an API key (HTTP 401) and none is set: "
                                      "set GONGKAI_LLM_API_KEY or save one in the settings")
        return LLMError("unauthorized", f"the server at {base_url} refused the API key (HTTP 401): check the key")
    if status == 403:
        return LLMError("forbidden", f"the server at {base_url} refused access (HTTP 403): {detail}")
    if status == 404:
        if not has_v1(base_url) and "model" not in detail.lower():
            return LLMError("no_v1", f"{base_url} answered 404 Not Found: the base URL has no /v1 — "
                                     f"try {with_v1(base_url)}")
        if model and ("model" in detail.lower() or has_v1(base_url)):
            return LLMError("unknown_model", f"the server does not know the model {model!r} (HTTP 404): "
                                             "`gongkai llm check` lists the models it serves")
        return LLMError("not_found", f"{base_url} answered 404 Not Found: check the base URL ({detail})")
    if status == 429:
        return LLMError("rate_limited", f"the server is rate-limiting requests (HTTP 429): {detail}")
    if status is not None and status >= 500:
        return LLMError("server_error", f"the server failed (HTTP {status}): {detail}")
    if status is not None and status >= 400:
        return LLMError("bad_request", f"the server rejected the request (HTTP {status}): {detail}")
    if "APITimeoutError" in names or "TimeoutException" in names or "ReadTimeout" in names or "timed out" in text:
        after = f" after {seconds:.1f} s" if seconds else ""
        return LLMError("timeout", f"the server at {base_url} did not answer in time (timed out{after})")
    if "connection refused" in text or "ConnectionRefusedError" in names:
        return LLMError("refused", f"nothing is listening at {base_url} (connection refused): is the server running?")
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return LLMError("refused", f"the host of {base_url} cannot be found (DNS): check the base URL")
    if "APIConnectionError" in names or "ConnectError" in names or "RemoteProtocolError" in names:
        return LLMError("dropped", f"the connection to {base_url} failed: {scrub(str(exc), key)[:200]}")
    if "JSONDecodeError" in names or "APIResponseValidationError" in names:
        return LLMError("bad_reply", f"the server at {base_url} sent a reply that is not valid JSON — is it an "
                                     "OpenAI-compatible API (…/v1)?")
    if "OpenAIError" in names and "credentials" in text:
        return LLMError("no_key", "no API key is set")
    return LLMError("bad_reply", f"{type(exc).__name__}: {scrub(str(exc), key)[:200]}")
