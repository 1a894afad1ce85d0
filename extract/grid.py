"""A ruled table as a grid: header rows, and every figure placed under its header by position.

PDF table rows carry each cell's left and right edge (`Line.cells`, see ingest/loaders/pdf.py). A
header cell covers the columns it spans (merged cells included), so a figure's *header path* is the
list of header cells, top to bottom, whose span holds the figure's centre: e.g.
["“三公”经费", "公务用车购置及运行维护费", "小计"]. `extract.vocab` turns a path into a column role.
This does not depend on how many (empty) cells pdfplumber made of a row, nor on where the header
cells sit in the row's cell list.

Text sources have no geometry: `grid_of` returns None and the text parsers are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.amounts import clean

AMOUNT_CELL = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")
CODE_CELL = re.compile(r"^(?:[1-9]\d{2}(?:\d{2}){0,2}|\d{2})$")
_UNIT_OR_ISSUER = re.compile(r"(?:单位|部门)(?:名称)?[:：]")


@dataclass
class Cell:
    text: str  # as printed
    x0: float
    x1: float
    line: int  # Line.no

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def compact(self) -> str:
        return re.sub(r"\s+", "", clean(self.text))

    @property
    def is_amount(self) -> bool:
        return bool(AMOUNT_CELL.match(self.compact)) and not CODE_CELL.match(self.compact.replace(",", "")) \
            or bool(re.match(r"^-?\d[\d,]*\.\d+$", self.compact))


@dataclass
class Row:
    line: int
    cells: list[Cell]
    page: int | None = None

    @property
    def amounts(self) -> list[Cell]:
        return [c for c in self.cells if c.is_amount]

    @property
    def texts(self) -> list[Cell]:
        return [c for c in self.cells if not c.is_amount]

    @property
    def key(self) -> str:
        return "|".join(c.compact for c in self.cells)


@dataclass
class Grid:
    header: list[Row]
    body: list[Row]
    loose: list[int] = field(default_factory=list)  # lines inside the table with no cell geometry

    def path(self, cell: Cell) -> list[str]:
        """The header cells above a body cell, top to bottom, whose span holds its centre."""
        out = []
        for row in self.header:
            hits = [h for h in row.cells if _holds(h, cell.cx)]
            if hits:
                out.append(min(hits, key=lambda h: h.x1 - h.x0).compact)
        return out

    def column_of(self, cell: Cell) -> tuple[float, float] | None:
        """The narrowest header cell that holds a body cell's centre (its column)."""
        best = None
        for row in self.header:
            for h in row.cells:
                if _holds(h, cell.cx) and (best is None or h.x1 - h.x0 < best[1] - best[0]):
                    best = (h.x0, h.x1)
        return best


def _holds(h: Cell, x: float) -> bool:
    """Does header cell `h` span position `x`? (a point of slack for drawn borders, less on narrow cells)"""
    slack = min(1.0, (h.x1 - h.x0) * 0.1)
    return h.x0 - slack <= x <= h.x1 + slack


def _row_of(line, pseudo: list | None = None) -> Row | None:
    boxes = line.cells or pseudo
    if not boxes:
        return None
    parts = line.text.split("\t")
    cells = []
    for text, box in zip(parts, boxes):
        if text.strip() and box:
            cells.append(Cell(text=text.strip(), x0=float(box[0]), x1=float(box[1]), line=line.no))
    return Row(line=line.no, cells=cells, page=line.page) if cells else None


def _pseudo_cells(lines: list) -> dict[int, list]:
    """Cell extents for tab-separated text lines (no geometry): a body cell k spans [k, k+1); a header
    cell spans over the empty cells after it, up to the next cell of its row and never past the cell
    above it (a group header over its sub-columns; a cell with nothing under it spans only itself)."""
    rows = [(l, l.text.split("\t")) for l in lines if "\t" in (l.text or "")]
    if not rows:
        return {}
    width = max(len(c) for _, c in rows)
    first_fig = next((k for k, (_, c) in enumerate(rows) if any(AMOUNT_CELL.match(x.strip().replace(" ", ""))
                                                                for x in c if x.strip())), len(rows))
    out: dict[int, list] = {}
    cover: list[int | None] = [None] * width  # right edge of the innermost header cell above each column
    header = rows[:first_fig]
    for n, (line, cells) in enumerate(header):
        filled = [k for k, x in enumerate(cells) if x.strip()]
        bottom = n == len(header) - 1
        spans = []
        for i, k in enumerate(filled):
            end = k + 1 if bottom else (filled[i + 1] if i + 1 < len(filled) else width)
            cap = cover[k] if k < width else None
            spans.append((k, min(end, cap) if cap is not None else end))
        box = [None] * len(cells)
        for k, end in spans:
            box[k] = [float(k), float(end)]
            for c in range(k, min(end, width)):
                cover[c] = end
        out[line.no] = box
    for line, cells in rows[first_fig:]:
        out[line.no] = [[float(k), float(k + 1)] for k in range(len(cells))]
    return out


def grid_of(lines: list, text_tabs: bool = False) -> Grid | None:
    """The grid of a table's lines, or None when its rows carry no cell geometry (a text source, an
    unruled PDF table). Header rows: the rows before the first row that prints a figure, without the
    title / unit / issuer lines; a header repeated on a later page is dropped from the body."""
    rows = []
    loose = []
    pseudo = _pseudo_cells(lines) if text_tabs and not any(getattr(l, "cells", None) for l in lines) else {}
    for line in lines:
        r = _row_of(line, pseudo.get(line.no))
        if r is None:
            if line.norm and line.norm.strip():
                loose.append(line.no)
            continue
        rows.append(r)
    with_amounts = [r for r in rows if r.amounts]
    if not with_amounts:
        return None
    header: list[Row] = []
    body: list[Row] = []
    seen_figure = False
    for r in rows:
        if not seen_figure and not r.amounts:
            if len(r.cells) == 1 and (_UNIT_OR_ISSUER.search(r.cells[0].compact) or r.cells[0].compact.endswith("表")):
                continue  # the title, unit or issuer line printed inside the table's frame
            if all(_UNIT_OR_ISSUER.search(c.compact) or not c.compact for c in r.cells):
                continue
            header.append(r)
            continue
        seen_figure = seen_figure or bool(r.amounts)
        body.append(r)
    keys = {h.key for h in header}
    body = [r for r in body if r.key not in keys and not all(_UNIT_OR_ISSUER.search(c.compact) for c in r.cells)]
    return Grid(header=header, body=body, loose=loose)
