"""Load Gongkai's own index (store + BM25 token cache + Chroma collection) with given chunks and
precomputed vectors, then search through `ingest.search.search` — the code path `ask` uses.

Only the embedding step of `ingest.index.update_index` is replaced (by the given vectors); the
tokens come from Gongkai's tokenizer and the vectors go into the collection Gongkai queries. The
catalog is written once at the end (Store.put rewrites it per document: see RESULTS.md).
"""

from __future__ import annotations

import json
from pathlib import Path


def load(home: Path, rows: list[dict], vecs):
    from ingest.document import Chunk, Document
    from ingest.index import chunk_metadata, dense_for, tokens_dir
    from ingest.index.tokenize import tokenize
    from ingest.search import invalidate, search
    from ingest.store import Store, atomic_write, entry_for

    store = Store(home)
    by_doc: dict[str, list[int]] = {}
    for j, r in enumerate(rows):
        by_doc.setdefault(r["doc"], []).append(j)
    _, dense = dense_for(home)
    catalog = {}
    batch_ids, batch_vecs, batch_meta = [], [], []
    for doc_id, idx in by_doc.items():
        chunks = [Chunk.from_dict(rows[j]["chunk"]) for j in idx]
        doc = Document(doc=doc_id, path=f"{doc_id}.txt", sha256=doc_id, source_type="text",
                       department=rows[idx[0]]["unit"], fiscal_year=rows[idx[0]]["year"])
        atomic_write(store.doc_path(doc_id), doc.dumps())
        atomic_write(store.chunks_path(doc_id), json.dumps([c.to_dict() for c in chunks], ensure_ascii=False))
        atomic_write(tokens_dir(home) / f"{doc_id}.json",
                     json.dumps({c.id: tokenize(c.text) for c in chunks}, ensure_ascii=False))
        catalog[doc_id] = entry_for(doc, len(chunks), None)
        batch_ids += [c.id for c in chunks]
        batch_vecs += [list(map(float, vecs[j])) for j in idx]
        batch_meta += [chunk_metadata(c) for c in chunks]
        if len(batch_ids) >= 5000:
            dense.col.add(ids=batch_ids, embeddings=batch_vecs, metadatas=batch_meta)
            batch_ids, batch_vecs, batch_meta = [], [], []
    if batch_ids:
        dense.col.add(ids=batch_ids, embeddings=batch_vecs, metadatas=batch_meta)
    store._write_catalog(catalog)
    invalidate(home)

    def run(query: str, k: int = 5) -> list[str]:
        return [h.chunk.id for h in search(query, k=k, home=home)]

    return run
