"""Dense vectors in Chroma: a PersistentClient under $GONGKAI_HOME/chroma, or a Chroma server when
settings.chroma_url is set (several writers, e.g. concurrent ingest + UI). Vectors are always
precomputed by our embedder (Chroma's default embedding function would try to download a model)."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlparse

_CLIENTS: dict[str, object] = {}
_LOCK = threading.Lock()


def client(home: Path, chroma_url: str = ""):
    import chromadb
    from chromadb.config import Settings

    key = chroma_url or str(Path(home) / "chroma")
    with _LOCK:
        if key not in _CLIENTS:
            settings = Settings(anonymized_telemetry=False, allow_reset=True)
            if chroma_url:
                u = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
                _CLIENTS[key] = chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                                    ssl=u.scheme == "https", settings=settings)
            else:
                Path(key).mkdir(parents=True, exist_ok=True)
                _CLIENTS[key] = chromadb.PersistentClient(path=key, settings=settings)
        return _CLIENTS[key]


def forget_clients() -> None:
    """Drop cached clients, ours and chromadb's own per-path system cache (after the directory was
    deleted or replaced, a cached client would keep writing to the vanished database)."""
    with _LOCK:
        _CLIENTS.clear()
        try:
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        except Exception:
            pass


def wipe_local(home: Path) -> None:
    """Remove the embedded Chroma store entirely (it is derived state; used by a full rebuild,
    which must also work when the store is corrupted)."""
    import shutil

    forget_clients()
    shutil.rmtree(Path(home) / "chroma", ignore_errors=True)


def collection_name(home: Path, embedder_slug: str, chroma_url: str = "") -> str:
    """One collection per embedder (dimensions differ). On a shared server, the home is part of the name."""
    if not chroma_url:
        return f"gongkai_{embedder_slug}"
    import hashlib

    return f"gongkai_{embedder_slug}_{hashlib.sha1(str(Path(home).resolve()).encode()).hexdigest()[:10]}"


class Dense:
    def __init__(self, home: Path, embedder_slug: str, chroma_url: str = ""):
        self.home, self.slug, self.url = Path(home), embedder_slug, chroma_url
        self.name = collection_name(self.home, embedder_slug, chroma_url)
        self._col = None

    @property
    def col(self):
        if self._col is None:
            self._col = client(self.home, self.url).get_or_create_collection(
                self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        return self._col

    def upsert(self, doc_id: str, ids: list[str], vectors, metadatas: list[dict]) -> None:
        """One document's vectors, replacing all it had."""
        self.drop_others(doc_id, ids)
        self.add(ids, vectors, metadatas)

    def drop_others(self, doc_id: str, keep: list[str]) -> None:
        """Delete the document's vectors whose ids are not in `keep`."""
        stale = sorted(set(self.ids_of(doc_id)) - set(keep))
        if stale:
            self.col.delete(ids=stale)

    def add(self, ids: list[str], vectors, metadatas: list[dict]) -> None:
        """Upsert vectors (any number of documents), in slices Chroma accepts."""
        for start in range(0, len(ids), 1000):
            sl = slice(start, start + 1000)
            self.col.upsert(ids=ids[sl], embeddings=[list(map(float, v)) for v in vectors[sl]], metadatas=metadatas[sl])

    def ids_of(self, doc_id: str) -> list[str]:
        return list(self.col.get(where={"doc": doc_id}, include=[])["ids"])

    def has(self, ids: list[str]) -> bool:
        if not ids:
            return True
        got = self.col.get(ids=ids, include=[])["ids"]
        return len(set(got)) == len(set(ids))

    def delete_doc(self, doc_id: str) -> None:
        self.col.delete(where={"doc": doc_id})

    def count(self) -> int:
        return self.col.count()

    def reset(self) -> None:
        """Drop every vector: the local store is wiped (even when corrupted); on a server only our collection."""
        self._col = None
        if not self.url:
            wipe_local(self.home)
            return
        try:
            client(self.home, self.url).delete_collection(self.name)
        except Exception:
            pass

    def query(self, vector, n: int, docs: list[str] | None = None) -> list[tuple[str, float]]:
        # No count() first: Chroma returns fewer than n (or none) by itself, and on a server every
        # call is a round trip (bench/RESULTS.md: count was ~1-5 ms of each query at 1e4-1e5 chunks).
        where = None
        if docs:
            where = {"doc": docs[0]} if len(docs) == 1 else {"doc": {"$in": list(docs)}}
        res = self.col.query(query_embeddings=[list(map(float, vector))], n_results=n, where=where,
                             include=["distances"])
        return list(zip(res["ids"][0], (1.0 - d for d in res["distances"][0])))
