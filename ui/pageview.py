"""A cited PDF page, rendered, with the evidence boxed.

The page is rendered by pypdfium2 from the document's stored copy (`$GONGKAI_HOME/sources`); the
boxes come from the characters pdfium reads inside each cited line's box (kept at ingest,
`Line.box`): the quoted text of each cited line, and — when the view knows which figure the
citation stands for — that figure's digits as printed. A line whose characters cannot be matched
is boxed whole. Boxes are positioned in percent of the page, so they stay on the glyphs at any zoom;
each also carries its position in points (data-x0, data-top, data-x1, data-bottom).
"""

from __future__ import annotations

import base64
import html
import io
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ui import passage

SCALE = 1.6  # pixels per point of the rendered image (zoom up to 200 % stays sharp)
_CACHE: OrderedDict[tuple, tuple[str, float, float]] = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()


def source_pdf(doc_id: str, home: Path) -> Path | None:
    """The stored copy of a document's PDF, if it is one."""
    from ingest.store import Store

    path = Store(home).source_path(doc_id)
    return path if path is not None and path.suffix.lower() == ".pdf" and path.exists() else None


def _open(path: Path):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(str(path))


def render(path: Path, page: int, scale: float = SCALE) -> tuple[str, float, float]:
    """(PNG as a data URI, page width, page height in points) of a 1-based page; the last few are kept."""
    key = (str(path), path.stat().st_mtime_ns, page, scale)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    pdf = _open(path)
    try:
        pg = pdf[page - 1]
        try:
            w, h = pg.get_size()
            image = pg.render(scale=scale).to_pil()
        finally:
            pg.close()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    out = ("data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"), w, h)
    with _LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def page_chars(path: Path, page: int) -> list[tuple[str, list]]:
    """pdfium's characters on a page with their display boxes (ingest.loaders.pdfboxes)."""
    import pypdfium2.raw as raw

    from ingest.loaders.pdf import _addr, _scan_page
    from ingest.loaders.pdfboxes import page_chars as chars

    pdf = _open(path)
    try:
        pg = pdf[page - 1]
        try:
            tp = pg.get_textpage()
            try:
                # text a reader cannot see (white, invisible, tiny, off the page) never became a line
                # at ingest; it takes no box here either
                hidden = _scan_page(pg)[2]
                skip = (lambda k: _addr(raw.FPDFText_GetTextObject(tp.raw, k)) in hidden) if hidden else None
                return chars(pg, tp, skip)
            finally:
                tp.close()
        finally:
            pg.close()
    finally:
        pdf.close()


def evidence_boxes(doc: Any, citation: dict, chars: list, value: Any = None) -> list[dict]:
    """The boxes to draw for a citation: {"kind": "figure" | "quote" | "line", "box": [x0, top, x1,
    bottom], "line": page line}. `figure`: where `value` (the figure this citation stands for) is
    printed inside the cited lines; `quote`: the quoted text of each cited line; `line`: a cited
    line whose characters were not found, boxed whole."""
    from ingest.loaders.pdfboxes import chars_in, find_runs
    from ui.figures import printed

    idx = passage.find_line_index(doc, citation)
    if idx is None:
        return []
    marks = passage.highlight_lines(doc, idx, citation.get("quote") or "")
    page = doc.lines[idx].page
    out: list[dict] = []
    cited_chars: list = []
    for i, span in sorted(marks.items()):
        line = doc.lines[i]
        if line.page != page or not line.box:
            continue
        inside = chars_in(chars, line.box, line.cells)
        cited_chars.append(inside)
        part = line.text[span[0]:span[1]] if span else line.text
        runs = find_runs(inside, part)
        if runs:
            out += [{"kind": "quote", "box": b, "line": line.page_line} for b in runs[0]]
        else:
            out.append({"kind": "line", "box": list(line.box), "line": line.page_line})
    p = printed(value, [citation]) or printed(value, [citation], amount=False) if value is not None else None
    if p is not None:
        for inside in cited_chars:
            for run in find_runs(inside, p.token):
                out += [{"kind": "figure", "box": b, "line": None} for b in run]
    return out


def _box_div(b: dict, w: float, h: float) -> str:
    x0, top, x1, bottom = b["box"]
    pad = 1.0
    style = (f"left:{(x0 - pad) / w * 100:.3f}%;top:{(top - pad) / h * 100:.3f}%;"
             f"width:{(x1 - x0 + 2 * pad) / w * 100:.3f}%;height:{(bottom - top + 2 * pad) / h * 100:.3f}%")
    return (f"<div class='gk-box gk-box-{b['kind']}' style='{style}' data-x0='{x0}' data-top='{top}' "
            f"data-x1='{x1}' data-bottom='{bottom}'></div>")


def page_html(doc: Any, path: Path, page: int, citation: dict | None = None, value: Any = None) -> str:
    """The page view: header (body, document, page N of M, section), the rendered page with the
    evidence boxed (when `citation` is on this page), and the zoom buttons."""
    uri, w, h = render(path, page)
    boxes: list[dict] = []
    cited_line = None
    if citation is not None and citation.get("page") == page:
        boxes = evidence_boxes(doc, citation, page_chars(path, page), value)
        cited_line = citation.get("line")
    where = f"page {page} of {doc.pages or '?'}" + (f", line {cited_line}" if cited_line else "")
    idx = passage.find_line_index(doc, citation) if citation and cited_line else None
    section = passage._section_title(doc, doc.lines[idx].no) if idx is not None else ""
    quote = " ".join(str((citation or {}).get("quote") or "").split()) if cited_line else ""
    head = (f"<div class='gk-passage-head'><b>{html.escape(doc.department or doc.doc)}</b> · "
            f"<code>{html.escape(doc.doc)}</code> · {html.escape(where)}"
            + (f"<br><span class='gk-section'>{html.escape(section)}</span>" if section else "")
            + (f"<br><span class='gk-quote'>“{html.escape(quote[:160])}”</span>" if quote else "") + "</div>")
    zoom = ("<div class='gk-zoom'><button type='button' data-zoom='-'>−</button>"
            "<button type='button' data-zoom='fit'>fit</button><button type='button' data-zoom='+'>+</button>"
            "<span class='gk-zoom-level'>200%</span></div>")
    divs = "".join(_box_div(b, w, h) for b in boxes)
    return (f"<div class='gk-pdfview' data-doc='{html.escape(doc.doc)}' data-page='{page}' data-width='{w:.2f}' "
            f"data-height='{h:.2f}' data-boxes='{len(boxes)}'>{head}{zoom}<div class='gk-pdfscroll'>"
            f"<div class='gk-pdfpage'><img class='gk-pdfimg' alt='page {page}' src='{uri}'>{divs}</div></div></div>")


# Zoom in the browser (no round trip): the page's width in percent of the view (200 % at first, the
# evidence scrolled into view; "fit" shows the whole page); kept across pages and sources.
ZOOM_JS = """
const apply = () => {
  const z = parseInt(element.dataset.zoom || '200');
  const pg = element.querySelector('.gk-pdfpage');
  if (pg) pg.style.width = z + '%';
  const lv = element.querySelector('.gk-zoom-level');
  if (lv) lv.textContent = z + '%';
  const box = element.querySelector('.gk-box-figure') || element.querySelector('.gk-box-quote') || element.querySelector('.gk-box-line');
  const sc = element.querySelector('.gk-pdfscroll');
  if (box && sc) { sc.scrollTop = box.offsetTop - sc.clientHeight / 3; sc.scrollLeft = box.offsetLeft - sc.clientWidth / 3; }
};
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('[data-zoom]');
  if (!b) return;
  let z = parseInt(element.dataset.zoom || '200');
  const d = b.dataset.zoom;
  z = d === 'fit' ? 100 : Math.max(50, Math.min(400, z + (d === '+' ? 25 : -25)));
  element.dataset.zoom = String(z);
  apply();
});
watch('value', apply);
apply();
"""

CSS = """
.gk-pdfview{font-size:13px}
.gk-pdfscroll{max-height:640px;overflow:auto;border:1px solid #ddd;border-radius:6px;background:#888;padding:6px}
.gk-pdfpage{position:relative;width:100%;margin:0 auto;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.4)}
.gk-pdfimg{display:block;width:100%;height:auto}
.gk-box{position:absolute;pointer-events:none;box-sizing:border-box}
.gk-box-quote,.gk-box-line{border:1.5px solid rgba(230,150,0,.9);background:rgba(255,213,74,.18)}
.gk-box-figure{border:2.5px solid #d00;background:rgba(255,0,0,.08)}
.gk-zoom{margin:4px 0}
.gk-zoom button{border:1px solid #bbb;border-radius:4px;background:#f6f6f6;padding:0 8px;margin-right:4px;cursor:pointer}
.gk-zoom-level{color:#666;margin-left:4px}
.gk-quote{color:#444}
"""
