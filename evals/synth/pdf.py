"""Render synthetic blocks as a real PDF through `evals.pdfkit` (reportlab, embedded CJK font):
ruled tables with merged header cells, long tables continuing across pages with the header
repeated, page numbers."""

from __future__ import annotations

from pathlib import Path

from evals.synth.blocks import Para, Table

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


def to_pdfkit(blocks: list[Para | Table], width: float) -> list:
    from evals import pdfkit

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
            out.append(pdfkit.PageBreak())
            in_tables = True
        rel = b.widths or [1] * len(b.header[0])
        widths = [width * w / sum(rel) for w in rel]
        out.append(pdfkit.Para(b.label.replace("表", "表 "), size=9))
        out.append(pdfkit.Para(b.title, size=13, align="center"))
        out.append(pdfkit.Para(f"编制部门：{b.unit_name}　　　　单位：{b.unit}", size=9))
        out.append(pdfkit.Table(rows=[r.cells for r in b.rows], header=b.header, col_widths=widths,
                                repeat_header=True, size=6.5, spans=_spans(b.header)))
        if b.note:
            out.append(pdfkit.Para(b.note, size=9))
        out.append(pdfkit.Spacer(10))
    return out


def render_pdf(blocks: list[Para | Table], path: str | Path, title: str = "") -> Path:
    from reportlab.lib.pagesizes import A4

    from evals import pdfkit

    width = A4[0] - 2 * _MARGIN
    return pdfkit.render_pdf(path, to_pdfkit(blocks, width), margin=_MARGIN, title=title or Path(path).stem,
                             page_numbers=True)
