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
