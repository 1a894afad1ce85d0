"""File → Document: parse (txt/md/pdf), normalise every line, recognise the structure.

`load_document(path)` is pure (no index, no store) and raises `ingest.errors.*` with a message
that names the file and says what to do.

A change here, in ingest/loaders/, normalize.py, structure.py or chunk.py that changes what an
unchanged file turns into must bump `ingest.store.STRUCTURE_VERSION` (stored documents are then
re-processed by the next `gongkai ingest` of the file, or by `gongkai reindex`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from ingest.document import Document, Line, sha256_file
from ingest.errors import BrokenFile, EmptyFile, GarbledText, NotADisclosure, UnsupportedFile
from ingest.normalize import normalize_line

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = TEXT_SUFFIXES | PDF_SUFFIXES


def shown(text: str | Path) -> str:
    """A path or message safe to print, store as JSON and show in a UI: bytes of a file name that
    are not valid UTF-8 (os.fsdecode turns them into lone surrogates) appear as \\xNN escapes."""
    text = str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def doc_id_for(path: str | Path) -> str:
    """Stable document id from the file name (stem; unsafe characters replaced)."""
    stem = Path(path).stem.strip()
    safe = re.sub(r"[^\w.\-]+", "_", stem).strip("._") or "document"
    return safe[:120]


def is_supported(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUPPORTED


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise EmptyFile(f"{shown(path.name)}: the file is empty", path=str(path))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BrokenFile(f"{shown(path.name)}: binary data in a text file; expected UTF-8 text", path=str(path))
    for enc in ("utf-8-sig", "utf-16", "gb18030"):
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise BrokenFile(f"{shown(path.name)}: not readable as UTF-8 or GB18030 text", path=str(path))


def make_lines(raw_lines: list[tuple]) -> list[Line]:
    """(text, page, page_line[, cells[, box]]) → numbered Lines with their normalised form."""
    return [Line(no=i + 1, text=r[0], norm=normalize_line(r[0]), page=r[1], page_line=r[2],
                 cells=r[3] if len(r) > 3 else None, box=r[4] if len(r) > 4 else None)
            for i, r in enumerate(raw_lines)]


def load_document(path: str | Path, *, require_disclosure: bool = True,
                  on_stage: Callable[[str], None] | None = None) -> Document:
    """Parse, normalise and recognise one file. Raises ingest.errors.* on bad input. `on_stage` is
    told when each stage starts ("parse", "structure")."""
    from ingest.structure import recognise

    stage = on_stage or (lambda name: None)

    p = Path(path)
    if not p.exists():
        raise BrokenFile(f"{shown(p)}: no such file", path=str(p))
    if p.is_dir():
        raise UnsupportedFile(f"{shown(p)}: is a directory (pass the files in it, or use `gongkai ingest DIR`)", path=str(p))
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFile(f"{shown(p.name)}: unsupported file type '{suffix or '(none)'}'; "
                              f"supported: {', '.join(sorted(SUPPORTED))}", path=str(p))
    if p.stat().st_size == 0:
        raise EmptyFile(f"{shown(p.name)}: the file is empty", path=str(p))
    pages = None
    stage("parse")
    if suffix in PDF_SUFFIXES:
        from ingest.loaders.pdf import parse_pdf_lines

        raw, pages = _parse_pdf(p, parse_pdf_lines)
        source_type = "pdf"
    else:
        text = read_text(p)
        raw = [(t, None, None) for t in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        if raw and raw[-1][0] == "":
            raw.pop()
        source_type = "text"
    stage("structure")
    doc = Document(doc=doc_id_for(p), path=shown(path), sha256=sha256_file(p), source_type=source_type,
                   lines=make_lines(raw), pages=pages)
    if not any(l.norm for l in doc.lines):
        raise EmptyFile(f"{shown(p.name)}: no text in the file", path=str(p))
    _check_garbled(doc, p)
    recognise(doc)
    if require_disclosure and not doc.tables and not (doc.fiscal_year and doc.department):
        raise NotADisclosure(f"{shown(p.name)}: does not look like a budget disclosure (预算/决算公开): no standard "
                             "table (收支总表, 三公经费表… by title), and no issuing body with a budget year found",
                             path=str(p))
    return doc


def _parse_pdf(p: Path, fn):
    """Run the PDF parser, isolated in a child process when ingest.sandbox is available."""
    from gongkai import settings

    s = settings.load()
    try:
        from ingest.sandbox import run_isolated  # robustness helper
    except ImportError:
        return fn(str(p), max_pages=s.max_pdf_pages or None)
    return run_isolated(fn, str(p), max_pages=s.max_pdf_pages or None, timeout_s=s.parse_timeout_s,
                        memory_mb=s.parse_memory_mb, page_workers=parse_page_workers(s))


def parse_page_workers(s) -> int:
    """Processes reading one PDF's table pages (setting parse_page_workers; 0 = 2 when this machine
    has two cores or more). Ingest's worker processes set it to 1: they already use every core."""
    import os

    n = int(getattr(s, "parse_page_workers", 1) or 0)
    return n if n > 0 else min(2, os.cpu_count() or 1)


# Characters a budget disclosure is made of: ASCII, Latin-1, CJK (incl. Kangxi radicals, symbols,
# full-width forms), common punctuation/symbols, and the scripts of bilingual regions (Cyrillic,
# Arabic/Uyghur, Tibetan, Mongolian). Anything else in bulk means the text layer is garbage.
_IMPLAUSIBLE = re.compile(r"[^\t\n\x20-\x7e\xa0-\xff\u0400-\u04ff\u0600-\u06ff\u0f00-\u0fff\u1800-\u18af"
                          r"\u2000-\u27bf\u2e80-\u2fdf\u3000-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                          r"\ufb50-\ufdff\ufe30-\ufe4f\ufe70-\ufefc\uff00-\uffef]")


def _check_garbled(doc: Document, p: Path) -> None:
    text = "".join(l.norm for l in doc.lines)
    if not text:
        return
    cid = len(re.findall(r"\(cid:\d+\)", text))
    bad = cid * 6 + len(_IMPLAUSIBLE.findall(text))  # unmapped fonts also come out as random code points
    if bad / max(1, len(text)) > 0.2:
        raise GarbledText(f"{shown(p.name)}: the text layer is garbled ({'(cid:NN) glyphs' if cid else 'undecodable characters'}); "
                          "the file's fonts carry no usable Unicode mapping — OCR would be needed", path=str(p))
