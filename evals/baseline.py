"""The naive RAG a user would build in an afternoon, as the comparison point for Gongkai:

LangChain `RecursiveCharacterTextSplitter` over the raw text → the same embedding model as
Gongkai's default (settings.embedder, from ingest's embedder registry) →
an in-memory Chroma collection → top-k chunks → extractive answer: the best-matching sentence and
the number in it closest to the question's terms. It never declines unless nothing is retrieved.
Citations point at the line of the chosen sentence, so citation scoring is comparable.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NUM = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
_SENT = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def default_embeddings(name: str | None = None):
    """Gongkai's configured embedder (settings.embedder) from ingest's registry, as LangChain `Embeddings`."""
    from ingest.index.embedders import as_langchain, get_embedder

    return as_langchain(get_embedder(name))


@dataclass
class _Chunk:
    doc: str
    text: str
    start: int  # character offset in the document


class Baseline:
    """Index a directory (or list) of .txt/.md files; `ask(question)` returns the ask --json shape."""

    def __init__(self, corpus: str | Path | list[Path], k: int = 4, chunk_size: int = 500, chunk_overlap: int = 50,
                 embeddings: Any = None):
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        files = sorted(Path(corpus).glob("*")) if not isinstance(corpus, list) else list(corpus)
        files = [f for f in files if f.suffix.lower() in (".txt", ".md")]
        self.k = k
        self.texts: dict[str, str] = {}
        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True)
        chunks: list[_Chunk] = []
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace")
            self.texts[f.stem] = text
            for d in splitter.create_documents([text]):
                chunks.append(_Chunk(f.stem, d.page_content, int(d.metadata.get("start_index", 0))))
        self.chunks = chunks
        self.embeddings = embeddings or default_embeddings()
        self._collection = self._index(chunks)

    def _index(self, chunks: list[_Chunk]):
        import chromadb
        from chromadb.config import Settings

        client = chromadb.EphemeralClient(Settings(anonymized_telemetry=False))
        col = client.create_collection(f"baseline-{uuid.uuid4().hex[:8]}", metadata={"hnsw:space": "cosine"})
        if chunks:
            vecs = self.embeddings.embed_documents([c.text for c in chunks])
            col.add(ids=[str(i) for i in range(len(chunks))], embeddings=vecs, metadatas=[{"doc": c.doc} for c in chunks])
        return col

    def retrieve(self, question: str) -> list[_Chunk]:
        if not self.chunks:
            return []
        res = self._collection.query(query_embeddings=[self.embeddings.embed_query(question)], n_results=min(self.k, len(self.chunks)))
        return [self.chunks[int(i)] for i in res["ids"][0]]

    def _line_of(self, doc: str, offset: int) -> int:
        return self.texts[doc].count("\n", 0, offset) + 1

    def ask(self, question: str) -> dict[str, Any]:
        hits = self.retrieve(question)
        if not hits:
            return {"question": question, "answer": "", "value": None, "unit": None, "declined": True,
                    "citations": [], "confidence": 0.0, "route": "retrieval", "reason": "nothing retrieved"}
        terms = _terms(question)
        wants_number = bool(re.search(r"多少|几|比例|占|合计|how (much|many)|what share|percent|total|budget", question, re.I))
        best = None
        for rank, ch in enumerate(hits):
            for m in _SENT.finditer(ch.text):
                sent = m.group(0).strip()
                if len(sent) < 4:
                    continue
                overlap = sum(1 for t in terms if t in sent)
                has_num = bool(_NUM.search(re.sub(r"\d{4}\s*年", "", sent)))
                score = overlap - 0.1 * rank + (0.2 if has_num else (-2 if wants_number else 0))
                if best is None or score > best[0]:
                    best = (score, ch, m.start(), sent)
        _, ch, off, sent = best
        value, unit = _pick_number(sent, terms)
        line = self._line_of(ch.doc, ch.start + off)
        first_line = sent.split("\n")[0].strip() or sent
        return {
            "question": question,
            "answer": sent,
            "value": value if value is not None else sent,
            "unit": unit,
            "declined": False,
            "citations": [{"doc": ch.doc, "page": None, "line": line, "quote": sent}],
            "confidence": 0.5,
            "route": "retrieval",
            "first_line": first_line,
        }


def _terms(question: str) -> list[str]:
    """Chinese bigrams and latin words of the question (what a quick keyword overlap would use)."""
    q = re.sub(r"\s+", "", question)
    cjk = re.findall(r"[\u4e00-\u9fff]+", q)
    grams = {seg[i : i + 2] for seg in cjk for i in range(len(seg) - 1)}
    return sorted(grams | {w.lower() for w in re.findall(r"[A-Za-z]{3,}", question)})


def _pick_number(sentence: str, terms: list[str]) -> tuple[float | None, str | None]:
    """The number right after the densest run of question terms; unit read from what follows it."""
    best = None
    for m in _NUM.finditer(sentence):
        before = sentence[max(0, m.start() - 12) : m.start()]
        if re.match(r"\s*(年|月|日|个|类|款|项)", sentence[m.end() :]):
            continue  # a year, a date or a count, not an amount
        score = sum(1 for t in terms if t in before)
        if best is None or score > best[0]:
            best = (score, m)
    if best is None:
        return None, None
    m = best[1]
    after = sentence[m.end() : m.end() + 4].strip()
    unit = "%" if after.startswith("%") else "万元" if after.startswith("万") else "元" if after.startswith("元") else None
    try:
        return float(m.group(0).replace(",", "")), unit
    except ValueError:
        return None, None
