"""Build small `Document`s from literal lines (tests, examples, the LLM plumbing checks).

Real documents come from `ingest.pipeline.load_document`; this only saves writing Line objects by hand.
"""

from __future__ import annotations

from ingest.document import Document, Line, TableInfo


def document(text: str, tables: dict[str, tuple[int, int]] | None = None, unit: str = "万元", doc: str = "t",
             empty: dict[str, str] | None = None, page: int | None = None) -> Document:
    """A Document whose lines are `text` split on newlines (norm = text); tables: id → (first, last line)."""
    from extract.amounts import clean

    lines = [Line(no=i + 1, text=t, norm=clean(t).strip(), page=page, page_line=(i + 1) if page else None)
             for i, t in enumerate(text.split("\n"))]
    infos = []
    for tid, (a, b) in (tables or {}).items():
        note = (empty or {}).get(tid)
        infos.append(TableInfo(id=tid, title="", kind="", unit=unit, line_start=a, line_end=b,
                               empty=note is not None, note=note))
    return Document(doc=doc, path=f"{doc}.txt", sha256="0" * 64, source_type="text", lines=lines, tables=infos)
