"""Document → Chunks, by the recognised structure.

Every line belongs to its most specific owner: a standard table, a 绩效目标表, the 名词解释, a
narrative section (一、…), a part, or nothing. Consecutive lines of one owner are cut into chunks
of bounded size at line boundaries. A table chunk starts with the table id, title and unit and
repeats the table's header rows; a narrative chunk starts with its section heading. Each chunk's
Span covers exactly its own lines (page + line range as printed); a PDF chunk ends at a page break
(unless a sentence wraps across it), so its citation is one page.
"""

from __future__ import annotations

import re

from ingest.document import Chunk, Document
from ingest.normalize import join_wrapped

MAX_TABLE_CHARS = 700
MAX_TEXT_CHARS = 500
_AMOUNT = re.compile(r"\d+\.\d{2}")

_PRIORITY = {"table": 5, "performance": 4, "glossary": 3, "narrative": 2, "part": 1}


def _owners(doc: Document) -> list[object | None]:
    owner: list[object | None] = [None] * (len(doc.lines) + 1)
    rank = [0] * (len(doc.lines) + 1)
    for sec in doc.sections:
        p = _PRIORITY.get(sec.kind, 0)
        # the narrower section wins among equals (sections are sorted by start)
        for i in range(max(1, sec.line_start), min(len(doc.lines), sec.line_end) + 1):
            if p >= rank[i]:
                owner[i], rank[i] = sec, p
    return owner


def _table_header(doc: Document, start: int, end: int) -> list[int]:
    """Header rows of a table body: the lines before the first line carrying an amount (≤ 8)."""
    out = []
    for i in range(start, min(end, start + 12) + 1):
        norm = doc.lines[i - 1].norm
        if _AMOUNT.search(norm):
            break
        if norm.strip():
            out.append(i)
    return out[:8]


def chunk_document(doc: Document) -> list[Chunk]:
    owner = _owners(doc)
    groups: list[tuple[object | None, list[int]]] = []
    for i in range(1, len(doc.lines) + 1):
        if not doc.lines[i - 1].norm.strip():
            continue
        if groups and groups[-1][0] is owner[i] and i - groups[-1][1][-1] <= 6:
            groups[-1][1].append(i)
        else:
            groups.append((owner[i], [i]))
    # a stray heading (a part title, a lone 表N) joins the group that follows it
    merged: list[tuple[object | None, list[int]]] = []
    carry: list[int] = []
    for sec, lines in groups:
        small = len(lines) <= 2 and sum(len(doc.lines[i - 1].norm) for i in lines) <= 60
        if small and (sec is None or sec.kind == "part"):
            carry += lines
            continue
        merged.append((sec, carry + lines))
        carry = []
    if carry:
        merged.append((None, carry))
    groups = merged
    chunks: list[Chunk] = []
    part_of = _part_lookup(doc)
    for sec, lines in groups:
        if sec is not None and sec.kind == "table":
            chunks += _table_chunks(doc, sec, lines, len(chunks))
        else:
            chunks += _text_chunks(doc, sec, lines, len(chunks), part_of)
    return chunks


def _part_lookup(doc: Document):
    parts = [s for s in doc.sections if s.kind == "part"]

    def find(line: int) -> str | None:
        for p in parts:
            if p.line_start <= line <= p.line_end:
                return p.title
        return None

    return find


def _page(doc: Document, line_no: int) -> int | None:
    return doc.lines[line_no - 1].page


def _make(doc: Document, n: int, text: str, lines: list[int], section: str | None, table_id: str | None,
          kind: str) -> Chunk:
    return Chunk(id=f"{doc.doc}:{n}", doc=doc.doc, text=text, span=doc.span(lines[0], lines[-1]),
                 section=section, table_id=table_id, kind=kind)


def _table_chunks(doc: Document, sec, lines: list[int], n0: int) -> list[Chunk]:
    table = doc.table(sec.ref) if sec.ref else None
    unit = table.unit if table else None
    title = table.title if table else sec.title
    label = (table.label + " ") if table and table.label else ""
    prefix = f"{label}{title}" + (f"（单位：{unit}）" if unit else "")
    if table and table.empty:
        prefix += "（空表）"
    header = _table_header(doc, table.line_start, table.line_end) if table else []
    header_text = "\n".join(doc.lines[i - 1].norm for i in header)
    out: list[Chunk] = []
    cur: list[int] = []
    size = 0
    for i in lines:
        norm = doc.lines[i - 1].norm
        if cur and _page(doc, i) != _page(doc, cur[0]):
            out.append(_table_piece(doc, n0 + len(out), prefix, header, header_text, cur, sec))
            cur, size = [], 0
        elif cur and size + len(norm) > MAX_TABLE_CHARS:
            # cut after the last line that ends a row (carries an amount): a row whose label wraps
            # over lines before its amounts stays in one chunk
            j = _row_end_cut(doc, cur)
            out.append(_table_piece(doc, n0 + len(out), prefix, header, header_text, cur[:j], sec))
            cur = cur[j:]
            size = sum(len(doc.lines[x - 1].norm) + 1 for x in cur)
        cur.append(i)
        size += len(norm) + 1
    if cur:
        out.append(_table_piece(doc, n0 + len(out), prefix, header, header_text, cur, sec))
    return out


def _row_end_cut(doc: Document, cur: list[int]) -> int:
    """Where to cut `cur`: after its last line carrying an amount if the lines after it (an
    unfinished row) are few; else at the end."""
    for j in range(len(cur), max(0, len(cur) - 4), -1):
        if _AMOUNT.search(doc.lines[cur[j - 1] - 1].norm):
            return j
    return len(cur)


def _table_piece(doc, n, prefix, header, header_text, cur, sec) -> Chunk:
    body = "\n".join(doc.lines[i - 1].norm for i in cur)
    head = header_text if header and cur[0] > header[-1] else ""
    text = "\n".join(x for x in (prefix, head, body) if x)
    return _make(doc, n, text, cur, sec.title, sec.ref, "table")


def _text_chunks(doc: Document, sec, lines: list[int], n0: int, part_of) -> list[Chunk]:
    kind = sec.kind if sec is not None and sec.kind in ("narrative", "glossary", "performance") else "other"
    heading = sec.title if sec is not None else part_of(lines[0])
    section = sec.title if sec is not None else heading
    joined = join_wrapped(doc.lines[i - 1] for i in lines)
    out: list[Chunk] = []
    cur_text: list[str] = []
    cur_lines: list[int] = []
    size = 0
    for j in joined:
        if cur_text and (size + len(j.text) > MAX_TEXT_CHARS or _page(doc, j.lines[0]) != _page(doc, cur_lines[0])):
            out.append(_text_piece(doc, n0 + len(out), heading, cur_text, cur_lines, section, kind))
            cur_text, cur_lines, size = [], [], 0
        # a very long logical line is cut on its own
        cur_text.append(j.text)
        cur_lines += j.lines
        size += len(j.text) + 1
    if cur_text:
        out.append(_text_piece(doc, n0 + len(out), heading, cur_text, cur_lines, section, kind))
    return out


def _text_piece(doc, n, heading, texts, lines, section, kind) -> Chunk:
    body = "\n".join(texts)
    squash = lambda x: re.sub(r"\s+", "", x)  # noqa: E731
    text = body if (not heading or squash(body).startswith(squash(heading)[:20])) else f"{heading}\n{body}"
    return _make(doc, n, text, sorted(lines), section, None, kind)
