"""A small, generic PDF renderer for tests, evals and synthetic corpora (reportlab + a CJK font).

    from evals.pdfkit import render_pdf, Heading, Para, Table, PageBreak
    render_pdf("x.pdf", [Heading("第一部分 概况"), Para("……"), Table(header=[["项目", "金额"]],
               rows=[["合计", "12.00"]], col_widths=[120, 60]), PageBreak()])

Blocks may also be dicts: {"type": "heading"|"para"|"table"|"pagebreak"|"spacer", ...same fields}.
Tables are ruled (grid lines), so pdfplumber's default strategy finds them; a long table continues
across pages and repeats its header rows when `repeat_header=True`. Text is real, selectable text:
font = embedded TrueType WenQuanYi Zen Hei when present, else the CID font STSong-Light
(not embedded). pdfplumber reads the text back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
_FONT: str | None = None


def cjk_font() -> str:
    """Register (once) and return the CJK font name."""
    global _FONT
    if _FONT:
        return _FONT
    from reportlab.pdfbase import pdfmetrics

    try:
        from reportlab.pdfbase.ttfonts import TTFont

        if not Path(WQY).exists():
            raise FileNotFoundError(WQY)
        pdfmetrics.registerFont(TTFont("WQYZenHei", WQY, subfontIndex=0))
        _FONT = "WQYZenHei"
    except Exception:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _FONT = "STSong-Light"
    return _FONT


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 (largest) … 3


@dataclass
class Para:
    text: str
    size: float = 10.5
    align: str = "left"  # left | center | right


@dataclass
class Table:
    rows: list[list[Any]]
    header: list[list[Any]] = field(default_factory=list)  # header rows (drawn bold-ish, optionally repeated)
    col_widths: list[float] | None = None  # points; None = equal split of the frame width
    repeat_header: bool = False  # repeat the header rows on every page the table continues to
    size: float = 8.5
    ruled: bool = True  # grid lines (pdfplumber finds ruled tables)
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # ((c0,r0),(c1,r1)) merged cells


@dataclass
class PageBreak:
    pass


@dataclass
class Spacer:
    height: float = 8


def _coerce(block: Any):
    if not isinstance(block, dict):
        return block
    kind = block.get("type", "para")
    data = {k: v for k, v in block.items() if k != "type"}
    return {"heading": Heading, "para": Para, "paragraph": Para, "table": Table, "pagebreak": PageBreak,
            "page_break": PageBreak, "spacer": Spacer}[kind](**data)


def _esc(text: Any) -> str:
    s = "" if text is None else str(text)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_pdf(path: str | Path, blocks: Iterable[Any], *, pagesize=None, margin: float = 48,
               title: str | None = None, page_numbers: bool = False) -> Path:
    """Render `blocks` to a PDF at `path`; returns the path."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.platypus import Spacer as RLSpacer
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    font = cjk_font()
    pagesize = pagesize or A4
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame_w = pagesize[0] - 2 * margin
    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

    def pstyle(size: float, align: str = "left", leading: float | None = None) -> ParagraphStyle:
        return ParagraphStyle(f"s{size}{align}", fontName=font, fontSize=size, leading=leading or size * 1.5,
                              alignment=aligns.get(align, TA_LEFT), wordWrap="CJK")

    story = []
    for raw in blocks:
        b = _coerce(raw)
        if isinstance(b, Heading):
            size = {1: 16, 2: 13.5, 3: 11.5}.get(b.level, 11.5)
            story.append(Paragraph(_esc(b.text), pstyle(size, "center" if b.level == 1 else "left")))
            story.append(RLSpacer(1, size * 0.4))
        elif isinstance(b, Para):
            story.append(Paragraph(_esc(b.text), pstyle(b.size, b.align)))
            story.append(RLSpacer(1, 3))
        elif isinstance(b, Table):
            cell = pstyle(b.size, leading=b.size * 1.3)
            data = [[Paragraph(_esc(c), cell) if c not in (None, "") else "" for c in row] for row in b.header + b.rows]
            ncols = max((len(r) for r in data), default=1)
            data = [r + [""] * (ncols - len(r)) for r in data]
            widths = b.col_widths or [frame_w / ncols] * ncols
            t = RLTable(data, colWidths=widths, repeatRows=len(b.header) if b.repeat_header else 0)
            cmds = [("FONT", (0, 0), (-1, -1), font, b.size), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
            if b.ruled:
                cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
            if b.header:
                cmds.append(("BACKGROUND", (0, 0), (-1, len(b.header) - 1), colors.Color(0.92, 0.92, 0.92)))
            for start, end in b.spans:
                cmds.append(("SPAN", tuple(start), tuple(end)))
            t.setStyle(TableStyle(cmds))
            story.append(t)
            story.append(RLSpacer(1, 6))
        elif isinstance(b, PageBreak):
            story.append(RLPageBreak())
        elif isinstance(b, Spacer):
            story.append(RLSpacer(1, b.height))
        else:
            raise TypeError(f"unknown block: {raw!r}")

    def on_page(canvas, doc):
        if page_numbers:
            canvas.setFont(font, 8)
            canvas.drawCentredString(pagesize[0] / 2, margin / 2, str(doc.page))

    doc = SimpleDocTemplate(str(path), pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, title=title or path.stem, author="gongkai")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path
