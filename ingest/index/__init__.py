"""The hybrid search index over stored chunks: BM25 (jieba tokens, cached per document under
$GONGKAI_HOME/index/tokens) + dense vectors (Chroma). Derived state: `rebuild_index` recreates it
from the store.

Writes: `write_tokens` (BM25, part of committing a document: it is answerable from then on),
`write_vectors` (Chroma, done later by `ingest.embedding`), `remove_from_index`, `rebuild_index`;
`update_index` does both for one document at once. Which chunks get vectors: `embeddable`.
"""

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


def embeds_kind(kind: str, embed_tables: bool | None = None) -> bool:
    """Does a chunk of this kind get a vector? Every kind, unless setting embed_tables is 0 (then
    table chunks are served by BM25 and the extraction records only)."""
    if embed_tables is None:
        embed_tables = bool(_settings().embed_tables)
    return embed_tables or kind != "table"


def embeddable(chunks, embed_tables: bool | None = None) -> list:
    if embed_tables is None:
        embed_tables = bool(_settings().embed_tables)
    return [c for c in chunks if embeds_kind(c.kind, embed_tables)]


def tokens_for(chunks) -> dict[str, list[str]]:
    from ingest.index.tokenize import tokenize

    return {c.id: tokenize(c.text) for c in chunks}


def write_tokens(home: Path, doc_id: str, tokens: dict[str, list[str]]) -> None:
    """A document's BM25 entries (chunk id → tokens), replacing its old ones."""
    atomic_write(tokens_dir(home) / f"{doc_id}.json", json.dumps(tokens, ensure_ascii=False))


def write_vectors(home: Path, items, *, embedder: str | None = None, replace: bool = False) -> int:
    """Put documents' vectors into Chroma in one upsert: items = [(doc_id, chunks, vectors)].
    With `replace`, vectors of the document that are not among these chunk ids are deleted first
    (a document re-chunked into fewer chunks); callers that deleted the document's vectors when
    they committed its new content skip that query."""
    _, dense = dense_for(Path(home), embedder)
    ids, vecs, metas = [], [], []
    for doc_id, chunks, vectors in items:
        if replace:
            dense.drop_others(doc_id, [c.id for c in chunks])
        ids += [c.id for c in chunks]
        vecs += list(vectors)
        metas += [chunk_metadata(c) for c in chunks]
    dense.add(ids, vecs, metas)
    return len(ids)


def update_index(store, doc_id: str, chunks, *, embedder: str | None = None, progress=None) -> None:
    """(Re)index one document's chunks at once: BM25 tokens + dense vectors (replacing its old
    entries). Does not stamp the catalog (see ingest.embedding for the deferred path)."""
    from ingest.index.embedders import cache_dir

    home = Path(store.home)
    write_tokens(home, doc_id, tokens_for(chunks))
    emb, _ = dense_for(home, embedder)
    want = embeddable(chunks)
    vecs = emb.embed_passages([c.text for c in want], cache_dir=cache_dir(home), progress=progress)
    write_vectors(home, [(doc_id, want, vecs)], embedder=emb.name, replace=True)


def precompute(store, chunks, *, embedder: str | None = None, progress=None) -> None:
    """Embed chunks into the cache (no index write; safe outside the writer lock)."""
    from ingest.index.embedders import cache_dir, get_embedder

    emb = get_embedder(embedder or _settings().embedder)
    emb.embed_passages([c.text for c in embeddable(chunks)], cache_dir=cache_dir(Path(store.home)), progress=progress)


def index_has(store, doc_id: str, chunks=None, *, embedder: str | None = None) -> bool:
    """True when the document's tokens and all its vectors are in the index."""
    home = Path(store.home)
    if not (tokens_dir(home) / f"{doc_id}.json").exists():
        return False
    chunks = chunks if chunks is not None else store.chunks(doc_id)
    _, dense = dense_for(home, embedder)
    return dense.has([c.id for c in embeddable(chunks)])


def remove_from_index(store, doc_id: str, *, embedder: str | None = None) -> None:
    home = Path(store.home)
    (tokens_dir(home) / f"{doc_id}.json").unlink(missing_ok=True)
    _, dense = dense_for(home, embedder)
    dense.delete_doc(doc_id)


def rebuild_index(store, *, embedder: str | None = None, progress: bool | None = None) -> int:
    """Drop and rebuild the whole index from the stored chunks (BM25 and vectors, embedded now);
    stamps every document as embedded. Returns the number of chunks indexed."""
    home = Path(store.home)
    emb, dense = dense_for(home, embedder)
    dense.reset()
    shutil.rmtree(tokens_dir(home), ignore_errors=True)
    docs = store.ids()
    all_chunks = {d: store.chunks(d) for d in docs}
    total = sum(len(embeddable(v)) for v in all_chunks.values())
    bar = None
    if progress is None:
        progress = sys.stderr.isatty()
    if progress and total:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="chunk", desc="indexing", file=sys.stderr, leave=False)
    catalog = store.catalog()
    stamps = {}
    try:
        for d, chunks in all_chunks.items():
            update_index(store, d, chunks, embedder=emb.name, progress=bar.update if bar else None)
            stamps[d] = {"embedder": emb.slug, "sha256": catalog.get(d, {}).get("sha256"),
                         "vectors": len(embeddable(chunks))}
    finally:
        if bar is not None:
            bar.close()
    store.stamp_dense(stamps)
    from ingest.search import invalidate

    invalidate(home)
    return sum(len(v) for v in all_chunks.values())
