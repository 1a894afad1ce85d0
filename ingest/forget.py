"""What a removed document leaves outside its store files, removed with it (ingest.service.remove_document):

- the uploaded file the app staged under `$GONGKAI_HOME/uploads` (a file ingested from anywhere
  else is the user's own and is never touched), so a re-upload gets the same name and id again;
- its vectors in the embedding cache, when the cache lives in the data directory (a cache shared
  through GONGKAI_EMBED_CACHE keeps them: it holds vectors keyed by a hash of the text, no text),
  unless another document of the library has a chunk with the same text.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def traces(store, doc_id: str) -> dict:
    """What to forget once `doc_id` is removed; read before its files go."""
    entry = store.catalog().get(doc_id) or {}
    try:
        texts = [c.text for c in store.chunks(doc_id)]
    except (KeyError, OSError, ValueError):
        texts = []
    return {"upload": entry.get("abspath"), "keys": {hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts}}


def forget(store, doc_id: str, found: dict) -> list[str]:
    """Remove the traces `traces` found; returns what was removed (for messages and tests)."""
    home = Path(store.home).resolve()
    removed = []
    upload = found.get("upload")
    if upload:
        p = Path(upload)
        try:
            inside = p.resolve().is_relative_to(home / "uploads")
        except OSError:
            inside = False
        if inside and p.is_file():
            p.unlink()
            removed.append(str(p))
    keys = set(found.get("keys") or ())
    if keys:
        removed += _forget_vectors(store, doc_id, keys, home)
    return removed


def _forget_vectors(store, doc_id: str, keys: set[str], home: Path) -> list[str]:
    try:
        from ingest.index.embedders import cache_dir
    except ImportError:
        return []
    directory = cache_dir(home).resolve()
    if not directory.is_relative_to(home) or not directory.is_dir():
        return []
    for other in store.ids():  # a chunk text another document shares keeps its vector
        if other == doc_id:
            continue
        try:
            keys -= {hashlib.sha256(c.text.encode("utf-8")).hexdigest() for c in store.chunks(other)}
        except (KeyError, OSError, ValueError):
            continue
    out = []
    for db in sorted(directory.glob("*.sqlite")):
        con = sqlite3.connect(str(db), timeout=60)
        try:
            with con:
                part = sorted(keys)
                for start in range(0, len(part), 500):
                    chunk = part[start:start + 500]
                    con.execute(f"DELETE FROM vec WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            out.append(str(db))
        except sqlite3.DatabaseError:
            continue
        finally:
            con.close()
    return out
