"""The hybrid search index over stored chunks: BM25 (jieba tokens, cached per document under
$GONGKAI_HOME/index/tokens) + dense vectors (Chroma). Derived state: `rebuild_index` recreates it
from the store. All writes go through `update_index` / `remove_from_index` / `rebuild_index`."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from ingest.store import atomic_write


def _settings():
    from gongkai import settings

    return settings.load()


def tokens_dir(home: Path) -> Path:
    return Path(home) / "index" / "tokens"


def dense_for(home: Path, embedder_name: str | None = None):
    from ingest.index.dense import Dense
    from ingest.index.embedders import get_embedder

    s = _settings()
    emb = get_embedder(embedder_name or s.embedder)
    return emb, Dense(Path(home), emb.slug, s.chroma_url)


def chunk_metadata(c) -> dict:
    return {"doc": c.doc, "table_id": c.table_id or "", "kind": c.kind, "section": (c.section or "")[:200],
            "page": c.span.page or 0, "line": c.span.line or 0, "line_end": c.span.line_end or 0}


def update_index(store, doc_id: str, chunks, *, embedder: str | None = None, progress=None) -> None:
    """(Re)index one document's chunks: BM25 tokens + dense vectors (replacing its old entries)."""
    from ingest.index.embedders import cache_dir
    from ingest.index.tokenize import tokenize

    home = Path(store.home)
    toks = {c.id: tokenize(c.text) for c in chunks}
    atomic_write(tokens_dir(home) / f"{doc_id}.json", json.dumps(toks, ensure_ascii=False))
    emb, dense = dense_for(home, embedder)
    vecs = emb.embed_passages([c.text for c in chunks], cache_dir=cache_dir(home), progress=progress)
    dense.upsert(doc_id, [c.id for c in chunks], vecs, [chunk_metadata(c) for c in chunks])


def precompute(store, chunks, *, embedder: str | None = None, progress=None) -> None:
    """Embed chunks into the cache (no index write; safe outside the writer lock)."""
    from ingest.index.embedders import cache_dir, get_embedder

    emb = get_embedder(embedder or _settings().embedder)
    emb.embed_passages([c.text for c in chunks], cache_dir=cache_dir(Path(store.home)), progress=progress)


def index_has(store, doc_id: str, chunks=None, *, embedder: str | None = None) -> bool:
    """True when the document's tokens and all its vectors are in the index."""
    home = Path(store.home)
    if not (tokens_dir(home) / f"{doc_id}.json").exists():
        return False
    chunks = chunks if chunks is not None else store.chunks(doc_id)
    _, dense = dense_for(home, embedder)
    return dense.has([c.id for c in chunks])


def remove_from_index(store, doc_id: str, *, embedder: str | None = None) -> None:
    home = Path(store.home)
    (tokens_dir(home) / f"{doc_id}.json").unlink(missing_ok=True)
    _, dense = dense_for(home, embedder)
    dense.delete_doc(doc_id)


def rebuild_index(store, *, embedder: str | None = None, progress: bool | None = None) -> int:
    """Drop and rebuild the whole index from the stored chunks; returns the number of chunks indexed."""
    home = Path(store.home)
    emb, dense = dense_for(home, embedder)
    dense.reset()
    shutil.rmtree(tokens_dir(home), ignore_errors=True)
    docs = store.ids()
    all_chunks = {d: store.chunks(d) for d in docs}
    total = sum(len(v) for v in all_chunks.values())
    bar = None
    if progress is None:
        progress = sys.stderr.isatty()
    if progress and total:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="chunk", desc="indexing", file=sys.stderr, leave=False)
    try:
        for d, chunks in all_chunks.items():
            update_index(store, d, chunks, embedder=emb.name, progress=bar.update if bar else None)
    finally:
        if bar is not None:
            bar.close()
    from ingest.search import invalidate

    invalidate(home)
    return total
