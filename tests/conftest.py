"""Shared fixtures. Tests run offline against real parts (real Chroma, real models from installed
packages, real PDFs rendered by reportlab). The sample corpus lives in data/corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import gongkai  # noqa: F401  (offline environment)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    """A fresh, isolated $GONGKAI_HOME for one test."""
    h = tmp_path / "home"
    monkeypatch.setenv("GONGKAI_HOME", str(h))
    return h


def _shared_embed_cache() -> None:
    """One embedding cache for the whole test session (and across sessions on this machine), so the
    sample corpus is embedded once; tests that need their own cache set GONGKAI_EMBED_CACHE themselves."""
    import tempfile

    os.environ.setdefault("GONGKAI_EMBED_CACHE", str(Path(tempfile.gettempdir()) / "gongkai-embed-cache"))


@pytest.fixture(scope="session")
def ingested_home(tmp_path_factory) -> Path:
    """A $GONGKAI_HOME holding the ingested sample corpus (documents, chunks, hybrid index, and
    records when the extract stage is present). Session-wide: use it READ-ONLY, e.g.
    `monkeypatch.setenv("GONGKAI_HOME", str(ingested_home))` or pass `home=ingested_home`."""
    _shared_embed_cache()
    from ingest.service import ingest_paths

    home = tmp_path_factory.mktemp("ingested") / "home"
    results = ingest_paths([CORPUS], home, progress=False)
    failed = [f"{r.path}: {r.message}" for r in results if not r.ok]
    assert not failed, failed
    return home


@pytest.fixture(scope="session")
def qa_home(tmp_path_factory) -> Path:
    """The sample documents in a store with their extraction records, no vector index (the qa tests'
    structured and sentence routes need no embeddings). Read-only: tests must not add or remove."""
    from extract.api import extract_and_store
    from ingest.pipeline import load_document
    from ingest.store import Store

    home = tmp_path_factory.mktemp("qa_home")
    store = Store(home)
    for path in sorted(CORPUS.glob("*.txt")):
        doc = load_document(path)
        store.put(doc, [])
        extract_and_store(doc, home)
    return home


@pytest.fixture()
def ask(qa_home, monkeypatch):
    """qa.api.ask on qa_home, with no LLM configured."""
    monkeypatch.delenv("GONGKAI_LLM_BASE_URL", raising=False)
    from qa.api import ask as _ask

    return lambda q, history=None: _ask(q, history=history, home=qa_home)
