"""Render synthetic blocks as a real PDF: reportlab with an embedded CJK TrueType font, ruled
tables (GRID) whose long bodies continue across pages with the header repeated."""

from __future__ import annotations

import re
from pathlib import Path

from evals.synth.blocks import Para, Table

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT = "WQYZenHei"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))
        _registered = True
    return FONT


def render_pdf(blocks: list[Para | Table], path: str | Path, title: str = "") -> Path:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    head = ParagraphStyle("head", parent=body, fontSize=12, leading=20, firstLineIndent=0, spaceBefore=6)
    big = ParagraphStyle("big", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=12)
    ttitle = ParagraphStyle("ttitle", parent=body, fontSize=13, leading=18, alignment=TA_CENTER, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName=font, fontSize=6.5, leading=8, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12, firstLineIndent=0)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=title)
    width = A4[0] - 30 * mm
    story = []
    in_tables = False
    for b in blocks:
        if isinstance(b, Para):
            if b.kind == "title":
                story.append(Spacer(1, 60 * mm))
                story.append(Paragraph(_esc(b.text), big))
            elif b.kind == "heading":
                if b.text.startswith("第") and "部分" in b.text and story and in_tables is not None:
                    pass
                story.append(Paragraph(_esc(b.text), head))
            else:
                story.append(Paragraph(_esc(b.text), body))
            continue
        if not in_tables:
            story.append(PageBreak())
            in_tables = True
        ncols = len(b.header[0])
        rel = b.widths or [1] * ncols
        col_widths = [width * w / sum(rel) for w in rel]

        def c(text: str, w: float) -> object:
            # wrap long cells (they come back from pdfplumber with "\n" inside, as real ones do)
            if text and len(text) * 6.5 > w - 4 and not _NUMERIC.match(text):
                return Paragraph(_esc(text), cell)
            return text

        data = [[c(x, col_widths[i]) for i, x in enumerate(r)] for r in b.header]
        data += [[c(x, col_widths[i]) for i, x in enumerate(r.cells)] for r in b.rows]
        t = RLTable(data, colWidths=col_widths, repeatRows=len(b.header))
        t.setStyle(TableStyle(_spans(b.header) + [
            ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 6.5),
            ("LEADING", (0, 0), (-1, -1), 8), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (4, len(b.header)), (-1, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        meta = RLTable([[f"编制部门：{b.unit_name}", f"单位：{b.unit}"]], colWidths=[width * 0.75, width * 0.25])
        meta.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
                                  ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
        story.append(KeepTogether([Paragraph(b.id.replace("表", "表 "), small), Paragraph(_esc(b.title), ttitle),
                                   meta]))
        story.append(t)
        if b.note:
            story.append(Paragraph(_esc(b.note), small))
        story.append(Spacer(1, 8 * mm))
    doc.build(story)
    return path


_NUMERIC = re.compile(r"^[-\d.,]+$")


def _spans(header: list[list[str]]) -> list[tuple]:
    """Merged header cells: a label followed by blanks spans them; a label with nothing below spans down."""
    out: list[tuple] = []
    top = header[0]
    covered: set[int] = set()
    i = 0
    while i < len(top):
        j = i
        while j + 1 < len(top) and not top[j + 1] and (len(header) < 2 or header[1][j + 1]):
            j += 1
        if top[i] and j > i:
            out.append(("SPAN", (i, 0), (j, 0)))
            covered.update(range(i, j + 1))
        i = j + 1
    if len(header) > 1:
        for i, label in enumerate(top):
            if label and i not in covered and not header[1][i]:
                out.append(("SPAN", (i, 0), (i, len(header) - 1)))
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
