"""The typed document model and the provenance type every stage shares.

A `Document` keeps every line exactly as printed (`Line.text`) next to its normalised form
(`Line.norm`). Anything read from a document is cited with a `Span` made where it was read and
carried unchanged to the answer: nothing downstream re-finds text by searching.

Line numbering: `Line.no` is 1-based over the whole document. For plain-text sources it is the
line number in the file; for PDFs `Line.page` is the 1-based page and `Line.page_line` the line on
that page. A citation (`Span.citation()`) uses the page line for PDFs and the file line otherwise.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """Where a fact came from: document, page (PDF), line range, exact quote as printed."""

    doc: str
    page: int | None = None
    line: int | None = None
    line_end: int | None = None
    quote: str = ""

    def citation(self) -> dict[str, Any]:
        """The public citation shape: {"doc", "page", "line", "quote"}."""
        return {"doc": self.doc, "page": self.page, "line": self.line, "quote": self.quote}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Span":
        return cls(**{k: data.get(k) for k in ("doc", "page", "line", "line_end", "quote") if k in data})


@dataclass(slots=True)
class Line:
    no: int  # 1-based over the whole document
    text: str  # as printed (original)
    norm: str  # normalised (half-width, spaces between CJK removed, thousands separators dropped…)
    page: int | None = None  # 1-based PDF page
    page_line: int | None = None  # 1-based line on that page
    cells: list | None = None  # a ruled table row: [x0, x1] (points) or None per tab-separated cell
    box: list | None = None  # PDF: where the line is printed, [x0, top, x1, bottom] in points on the displayed page

    @property
    def cite_line(self) -> int:
        return self.page_line if self.page is not None and self.page_line is not None else self.no


@dataclass(slots=True)
class TableInfo:
    """A standard table found in the document (a kind of ingest/catalog/tables.json)."""

    id: str  # the catalogue kind: "income_expenditure_overview", "sangong", … (one table per kind)
    title: str  # e.g. "部门收支总体情况表"
    kind: str  # canonical key, e.g. "income_expenditure_overview", "sangong" (see ingest.structure)
    unit: str | None = None  # "元" | "万元" | "亿元" as stated for this table
    line_start: int = 0  # body range (Line.no, inclusive)
    line_end: int = 0
    title_line: int = 0
    empty: bool = False
    note: str | None = None  # 备注, e.g. "…为空表"
    label: str | None = None  # the table's number as printed: 表1, 表一, 公开01表… (None: none printed)


@dataclass(slots=True)
class Section:
    """A structural section: part (第一部分…), narrative (一、…十二、), glossary, performance."""

    kind: str  # "part" | "narrative" | "glossary" | "performance" | "table"
    title: str
    line_start: int
    line_end: int
    number: int | None = None  # 一 → 1 …; part number for parts
    ref: str | None = None  # for kind "table": the table's id (its catalogue kind)


@dataclass(slots=True)
class Document:
    doc: str  # stable id (from the file name)
    path: str  # the input file as given
    sha256: str
    source_type: str  # "pdf" | "text"
    lines: list[Line] = field(default_factory=list)
    pages: int | None = None
    department: str | None = None
    department_span: Span | None = None
    region: str | None = None
    level: str | None = None  # 省 | 市 | 区 | 县 | 街道 | 乡镇 (the body's administrative level)
    doc_kind: str | None = None  # 部门预算 | 单位预算 | 部门决算 | 单位决算
    doc_kind_span: Span | None = None
    fiscal_year: int | None = None
    fiscal_year_span: Span | None = None
    tables: list[TableInfo] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # -- provenance ---------------------------------------------------------------------------
    def line(self, no: int) -> Line:
        return self.lines[no - 1]

    def span(self, start: int, end: int | None = None, quote: str | None = None) -> Span:
        """A Span over lines start..end (Line.no, inclusive); quote defaults to the lines as printed."""
        end = end or start
        first = self.lines[start - 1]
        if quote is None:
            quote = "\n".join(l.text.strip() for l in self.lines[start - 1 : end])
        line_end = self.lines[end - 1].cite_line if end != start else None
        return Span(doc=self.doc, page=first.page, line=first.cite_line, line_end=line_end, quote=quote)

    def table(self, table_id: str) -> TableInfo | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def text(self, start: int = 1, end: int | None = None, norm: bool = True) -> str:
        end = end or len(self.lines)
        return "\n".join((l.norm if norm else l.text) for l in self.lines[start - 1 : end])

    # -- persistence --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        data = dict(data)
        data["lines"] = [Line(**l) for l in data.get("lines", [])]
        data["tables"] = [TableInfo(**t) for t in data.get("tables", [])]
        data["sections"] = [Section(**s) for s in data.get("sections", [])]
        for key in ("department_span", "fiscal_year_span", "doc_kind_span"):
            if data.get(key):
                data[key] = Span.from_dict(data[key])
        return cls(**data)

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> "Document":
        return cls.from_dict(json.loads(text))


@dataclass(slots=True)
class Chunk:
    """A retrievable piece of a document: a table (title, unit, header kept) or a narrative section."""

    id: str  # f"{doc}:{n}"
    doc: str
    text: str  # what is embedded / indexed (normalised; table chunks are prefixed with title+unit)
    span: Span  # provenance of the chunk as printed
    section: str | None = None
    table_id: str | None = None
    kind: str = "narrative"  # "narrative" | "table" | "glossary" | "performance" | "other"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Chunk":
        data = dict(data)
        data["span"] = Span.from_dict(data["span"])
        return cls(**data)


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
