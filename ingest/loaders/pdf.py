"""PDF → printed lines with page provenance.

`parse_pdf_lines(path)` is a top-level, picklable function (it can run in a child process with
time/memory limits, see ingest.sandbox). It returns `(lines, pages)` where `lines` is a list of
`(text, page, page_line)` tuples (1-based page and line-on-page).

Pages whose content draws enough rules to hold a table go through pdfplumber: ruled tables come
out row by row with their cells joined by a tab (wrapped cell text joined without spaces), the text
around them in reading order. Other pages use pypdfium2's fast text layer.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import BrokenFile, EmptyFile, EncryptedFile, GarbledText, NeedsOCR

# A page with at least this many vector path objects may hold a ruled table.
MIN_PATHS_FOR_TABLE = 4
_Y_TOL = 2.0


def parse_pdf_lines(path: str) -> tuple[list[tuple[str, int, int]], int]:
    p = Path(path)
    pdf = _open_pdfium(p)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise EmptyFile(f"{p.name}: the PDF has no pages", path=str(p))
        texts: list[str] = []
        table_pages: list[int] = []
        images = 0
        for i in range(n_pages):
            page = pdf[i]
            try:
                tp = page.get_textpage()
                paths, imgs, hidden = _scan_page(page)
                texts.append(_visible_text(tp, hidden) if hidden else (tp.get_text_bounded() or ""))
                images += imgs
                if paths >= MIN_PATHS_FOR_TABLE:
                    table_pages.append(i)
            finally:
                page.close()
    finally:
        pdf.close()
    if not any(t.strip() for t in texts):
        if images:
            raise NeedsOCR(f"{p.name}: the PDF has no text layer (scanned images, {n_pages} pages); "
                           "it needs OCR, which gongkai does not run — convert it with an OCR tool "
                           "(e.g. ocrmypdf) and ingest the result", path=str(p))
        raise EmptyFile(f"{p.name}: the PDF contains no text", path=str(p))

    page_lines: dict[int, list[str]] = {}
    if table_pages:
        page_lines.update(_plumber_pages(p, table_pages))
    out: list[tuple[str, int, int]] = []
    for i in range(n_pages):
        lines = page_lines.get(i)
        if lines is None:
            lines = [l for l in texts[i].replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        lines = [l.rstrip() for l in lines]
        while lines and not lines[-1].strip():
            lines.pop()
        lines = _drop_page_numbers(lines)
        for j, text in enumerate(lines, 1):
            out.append((text, i + 1, j))
    if not out:
        raise EmptyFile(f"{p.name}: the PDF contains no text", path=str(p))
    return out, n_pages


_PAGE_NO = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?(?:\s*[-—–])?\s*$")


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Drop a page-number line (`3`, `- 3 -`, `第3页`, `3/12`) at the top or bottom of a page."""
    if lines and _PAGE_NO.match(lines[-1]):
        lines = lines[:-1]
    if lines and _PAGE_NO.match(lines[0]) and len(lines) > 1:
        lines = lines[1:]
    return lines


def _open_pdfium(p: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(p), password=None)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise EncryptedFile(f"{p.name}: the PDF is password-protected; remove the password "
                                "(e.g. qpdf --decrypt) and ingest it again", path=str(p)) from None
        raise BrokenFile(f"{p.name}: not a readable PDF ({exc}); the file may be truncated or damaged",
                         path=str(p)) from None


TINY_TEXT_PT = 1.0  # glyphs under 1 pt high cannot be read on paper or screen


def _addr(handle) -> int:
    import ctypes

    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _scan_page(page) -> tuple[int, int, set[int]]:
    """One pass over a page's objects through pypdfium2's raw API: (path objects, image objects,
    hidden text objects by handle address).

    Paths and images are counted descending into form XObjects to depth 2 (does the page draw
    enough rules to hold a table? is it a scanned image?). A text object is hidden when a reader
    cannot see it — invisible render mode, white or fully transparent fill (unless drawn over a dark
    filled shape, like a header cell), under TINY_TEXT_PT high, or outside the page. Such text (e.g.
    an instruction aimed at an LLM) is not part of the disclosure as printed, so it never becomes a
    line. The per-object work is a handful of C calls: this runs on every page of every PDF."""
    import ctypes

    import pypdfium2.raw as raw

    width, height = page.get_size()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    rgba_refs = (ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a))
    box = [ctypes.c_float() for _ in range(4)]  # left, bottom, right, top
    box_refs = [ctypes.byref(c) for c in box]
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    fill_ref, stroke_ref = ctypes.byref(fill), ctypes.byref(stroke)
    size, m = ctypes.c_float(), raw.FS_MATRIX()
    size_ref, m_ref = ctypes.byref(size), ctypes.byref(m)
    get_type, get_fill, get_bounds = raw.FPDFPageObj_GetType, raw.FPDFPageObj_GetFillColor, raw.FPDFPageObj_GetBounds
    get_mode, get_size, get_matrix = (raw.FPDFTextObj_GetTextRenderMode, raw.FPDFTextObj_GetFontSize,
                                      raw.FPDFPageObj_GetMatrix)
    TEXT, PATH, IMAGE, FORM = (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE,
                               raw.FPDF_PAGEOBJ_FORM)
    invisible = raw.FPDF_TEXTRENDERMODE_INVISIBLE

    def white(obj) -> bool:
        return bool(get_fill(obj, *rgba_refs)) and (
            a.value == 0 or (r.value >= 250 and g.value >= 250 and b.value >= 250))

    def bounds(obj):
        return tuple(c.value for c in box) if get_bounds(obj, *box_refs) else None

    paths = images = 0

    def count_form(form, depth: int) -> None:
        nonlocal paths, images
        for j in range(raw.FPDFFormObj_CountObjects(form)):
            obj = raw.FPDFFormObj_GetObject(form, j)
            kind = get_type(obj)
            if kind == PATH:
                paths += 1
            elif kind == IMAGE:
                images += 1
            elif kind == FORM and depth < 2:
                count_form(obj, depth + 1)

    hidden: set[int] = set()
    whites, path_objs = [], []
    page_raw = page.raw
    for i in range(raw.FPDFPage_CountObjects(page_raw)):
        obj = raw.FPDFPage_GetObject(page_raw, i)
        kind = get_type(obj)
        if kind == TEXT:
            gone = get_mode(obj) == invisible
            if not gone and get_size(obj, size_ref) and get_matrix(obj, m_ref):
                gone = size.value * (m.b * m.b + m.d * m.d) ** 0.5 < TINY_TEXT_PT
                # the text origin off the page: confirm with the (costlier) glyph bounds
                if not gone and not (0 <= m.e < width and 0 <= m.f < height) and (bb := bounds(obj)):
                    left, bottom, right, top = bb
                    gone = right <= 0 or left >= width or top <= 0 or bottom >= height
            if gone:
                hidden.add(_addr(obj))
            elif white(obj):
                whites.append(obj)
        elif kind == PATH:
            paths += 1
            path_objs.append(obj)
        elif kind == IMAGE:
            images += 1
        elif kind == FORM:
            count_form(obj, 1)
    if whites:  # white text is visible only over a dark filled shape (e.g. a header cell)
        dark = [bb for obj in path_objs
                if raw.FPDFPath_GetDrawMode(obj, fill_ref, stroke_ref) and fill.value
                and not white(obj) and (bb := bounds(obj)) is not None]
        for obj in whites:
            bb = bounds(obj)
            cx, cy = ((bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2) if bb else (-1, -1)
            if not any(l <= cx <= r_ and b_ <= cy <= t for l, b_, r_, t in dark):
                hidden.add(_addr(obj))
    return paths, images, hidden


def _visible_text(tp, hidden: set[int]) -> str:
    """The page text without the characters of hidden text objects (pdfium's generated spaces and
    line breaks are kept)."""
    import pypdfium2.raw as raw

    chars = []
    for i in range(raw.FPDFText_CountChars(tp.raw)):
        if not raw.FPDFText_IsGenerated(tp.raw, i) and _addr(raw.FPDFText_GetTextObject(tp.raw, i)) in hidden:
            continue
        chars.append(chr(raw.FPDFText_GetUnicode(tp.raw, i)))
    return "".join(chars)


def _is_white(color) -> bool:
    if not (isinstance(color, (list, tuple)) and color and all(isinstance(c, (int, float)) for c in color)):
        return False
    return (len(color) in (1, 3) and min(color) >= 0.98) or (len(color) == 4 and max(color) <= 0.02)


def _visible_char(obj, width: float, height: float, dark: list[tuple] = ()) -> bool:
    """pdfplumber's view of the same rule: a char that is tiny, off the page, or white (and not over
    one of the ``dark`` filled rectangles (x0, top, x1, bottom)) is dropped."""
    if obj.get("object_type") != "char":
        return True
    if _is_white(obj.get("non_stroking_color")):
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        if not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in dark):
            return False
    if (obj.get("bottom", 0) - obj.get("top", 0)) < TINY_TEXT_PT:
        return False
    return obj["x1"] > 0 and obj["x0"] < width and obj["bottom"] > 0 and obj["top"] < height


def _cell(text) -> str:
    if text is None:
        return ""
    return "".join(part.strip() for part in str(text).split("\n"))


def _plumber_pages(p: Path, indices: list[int]) -> dict[int, list[str]]:
    """Lines of table pages, tables as tab-joined rows in reading order."""
    import pdfplumber

    out: dict[int, list[str]] = {}
    try:
        pdf = pdfplumber.open(str(p))
    except Exception as exc:  # pdfminer raises its own types for encryption and damage
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise EncryptedFile(f"{p.name}: the PDF is password-protected; remove the password and ingest it again",
                                path=str(p)) from None
        raise BrokenFile(f"{p.name}: not a readable PDF ({name}: {exc})", path=str(p)) from None
    with pdf:
        for i in indices:
            page = pdf.pages[i]
            dark = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
                    if r.get("fill") and not _is_white(r.get("non_stroking_color"))]
            page = page.filter(lambda obj, w=page.width, h=page.height, d=dark: _visible_char(obj, w, h, d))
            try:
                tables = page.find_tables()
            except Exception:
                tables = []
            if not tables:
                continue
            items: list[tuple[float, float, str]] = []  # (top, x0, text)
            bboxes = [t.bbox for t in tables]

            def outside(obj, bboxes=bboxes):
                if obj.get("object_type") != "char":
                    return True
                cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in bboxes)

            rest = page.filter(outside)
            for line in rest.extract_text_lines(layout=False, strip=True, return_chars=False):
                if line["text"].strip():
                    items.append((line["top"], line["x0"], line["text"]))
            for t in tables:
                rows = t.extract()
                for row_obj, cells in zip(t.rows, rows):
                    texts = [_cell(c) for c in cells]
                    if not any(texts):
                        continue
                    while texts and not texts[-1]:
                        texts.pop()
                    items.append((row_obj.bbox[1], row_obj.bbox[0], "\t".join(texts)))
            items.sort(key=lambda it: (round(it[0] / _Y_TOL), it[1]))
            out[i] = [text for _, _, text in items]
    return out
