"""Render synthetic blocks as a real PDF through `evals.pdfkit` (reportlab, embedded CJK font):
ruled tables with merged header cells, long tables continuing across pages with the header
repeated, page numbers."""

from __future__ import annotations

from pathlib import Path

from evals.synth.blocks import Para, Table
from evals.synth.layout import Layout

_MARGIN = 42


def _spans(header: list[list[str]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged header cells: a label followed by blanks spans them; a label with nothing below spans down."""
    out = []
    top = header[0]
    covered: set[int] = set()
    i = 0
    while i < len(top):
        j = i
        while j + 1 < len(top) and not top[j + 1] and (len(header) < 2 or header[1][j + 1]):
            j += 1
        if top[i] and j > i:
            out.append(((i, 0), (j, 0)))
            covered.update(range(i, j + 1))
        i = j + 1
    if len(header) > 1:
        for i, label in enumerate(top):
            if label and i not in covered and not header[1][i]:
                out.append(((i, 0), (i, len(header) - 1)))
    return out


def _spans_deep(header: list[list[str]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged cells of a header of any depth: a label spans the blanks to its right that have a label
    below them, and then down over the rows where all its columns are blank."""
    out = []
    n, m = len(header), max(len(h) for h in header)
    grid = [h + [""] * (m - len(h)) for h in header]
    for r in range(n):
        for c in range(m):
            if not grid[r][c]:
                continue
            j = c
            while j + 1 < m and not grid[r][j + 1] and any(grid[k][j + 1] for k in range(r + 1, n)):
                j += 1
            k = r
            while k + 1 < n and not any(grid[k + 1][c:j + 1]):
                k += 1
            if j > c or k > r:
                out.append(((c, r), (j, k)))
    return out


def to_pdfkit(blocks: list[Para | Table], width: float, layout: Layout | None = None) -> list:
    from evals import pdfkit
    from evals.synth.text import table_head

    lay = layout or Layout()
    out: list = []
    in_tables = False
    for b in blocks:
        if isinstance(b, Para):
            if b.kind == "title":
                out += [pdfkit.Spacer(180), pdfkit.Heading(b.text, 1), pdfkit.PageBreak()]
            elif b.kind == "heading":
                out.append(pdfkit.Heading(b.text, 2 if "部分" in b.text else 3))
            else:
                out.append(pdfkit.Para(b.text))
            continue
        if not in_tables:
            if not (out and isinstance(out[-1], pdfkit.PageBreak)):
                out.append(pdfkit.PageBreak())
            in_tables = True
        rel = b.widths or [1] * len(b.header[0])
        widths = [width * w / sum(rel) for w in rel]
        head = []
        for line in table_head(b, lay, pdf=True):
            title = line.endswith(b.title)
            head.append(pdfkit.Para(line, size=13 if title else 9, align="center" if title else "left"))
        if lay.title_pos == "before":
            out += head
        out.append(pdfkit.Table(rows=[r.cells for r in b.rows], header=b.header, col_widths=widths,
                                repeat_header=True, size=6.5,
                                spans=_spans(b.header) if len(b.header) <= 2 else _spans_deep(b.header)))
        if lay.title_pos == "after":
            out += head
        if b.note:
            out.append(pdfkit.Para(b.note, size=9))
        out.append(pdfkit.Spacer(10))
    return out


def render_pdf(blocks: list[Para | Table], path: str | Path, title: str = "", layout: Layout | None = None) -> Path:
    from reportlab.lib.pagesizes import A4

    from evals import pdfkit

    width = A4[0] - 2 * _MARGIN
    return pdfkit.render_pdf(path, to_pdfkit(blocks, width, layout), margin=_MARGIN, title=title or Path(path).stem,
                             page_numbers=True)
