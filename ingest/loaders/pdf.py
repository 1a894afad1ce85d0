"""PDF → printed lines with page provenance.

`parse_pdf_lines(path)` is a top-level, picklable function (it can run in a child process with
time/memory limits, see ingest.sandbox). It returns `(lines, pages)` where `lines` is a list of
`(text, page, page_line, cells, box)` tuples (1-based page and line-on-page). `cells` is None but for
a row of a ruled table, where it gives, for each tab-separated cell of `text`, its left and right
edge on the page (points) — a merged cell spans the columns it covers, so the extraction can tell
which header a figure sits under, whatever the column counts of the header and body rows. `box` is
where the line is printed, `[x0, top, x1, bottom]` in points on the page as displayed (None when no
character of it was located), so the app can draw the cited text over the rendered page
(ingest.loaders.pdfboxes).

Pages whose content draws enough rules to hold a table go through pdfplumber: ruled tables come
out row by row with their cells joined by a tab (wrapped cell text joined without spaces), the text
around them in reading order. Other pages use pypdfium2's fast text layer.

pdfplumber (pdfminer's pure-Python content parser) is nearly all of a real disclosure's parse time,
and each table page is read on its own: with `page_workers=2` the table pages are split between
this process and a forked helper (the same lines, in about half the time when a core is free).
Only for a caller that is a single-threaded process of its own — the isolated parse child
(ingest.sandbox) is one.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import BrokenFile, EmptyFile, EncryptedFile, GarbledText, NeedsOCR, ResourceLimit
from ingest.loaders.pdfboxes import line_boxes, page_chars, rounded, split_lines

# A page with at least this many vector path objects may hold a ruled table.
MIN_PATHS_FOR_TABLE = 4
_Y_TOL = 2.0


def parse_pdf_lines(path: str, max_pages: int | None = None, page_workers: int = 1) -> tuple[list[tuple], int]:
    p = Path(path)
    pdf = _open_pdfium(p)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise EmptyFile(f"{p.name}: the PDF has no pages", path=str(p))
        if max_pages and n_pages > max_pages:
            raise ResourceLimit(f"{p.name}: the PDF has {n_pages:,} pages, more than the limit of {max_pages:,} "
                                "(a budget disclosure has tens; raise the limit with setting max_pdf_pages)",
                                path=str(p))
        texts: list[str] = []
        boxes: list[list] = []  # per page: the box of each line of its pdfium text
        table_pages: list[int] = []
        hidden_chars: dict[int, dict[str, list[tuple]]] = {}  # table page → pdfium's hidden characters on it
        images = 0
        for i in range(n_pages):
            page = pdf[i]
            try:
                tp = page.get_textpage()
                paths, imgs, hidden = _scan_page(page)
                texts.append(_visible_text(tp, hidden) if hidden else (tp.get_text_bounded() or ""))
                # a table page's lines and boxes come from pdfplumber (see _pdfium_boxes for the rest)
                boxes.append(None if paths >= MIN_PATHS_FOR_TABLE else _text_boxes(page, tp, texts[-1], hidden))
                images += imgs
                if paths >= MIN_PATHS_FOR_TABLE:
                    table_pages.append(i)
                    if hidden:
                        hidden_chars[i] = _hidden_char_boxes(tp, hidden, page.get_height())
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

    page_lines: dict[int, list] = {}
    if table_pages:
        if page_workers > 1 and len(table_pages) >= MIN_PAGES_TO_SPLIT:
            page_lines.update(_plumber_pages_split(p, table_pages, hidden_chars))
        else:
            page_lines.update(_plumber_pages(p, table_pages, hidden_chars))
    if unread := [i for i in table_pages if i not in page_lines]:
        _pdfium_boxes(p, unread, texts, boxes)  # pages pdfplumber found no table on after all
    out: list[tuple] = []
    for i in range(n_pages):
        lines = page_lines.get(i)
        if lines is None:
            lines = [(t, None, b) for t, b in zip(split_lines(texts[i]), boxes[i])]
        lines = [(t.rstrip(), cells, box) for t, cells, box in lines]
        while lines and not lines[-1][0].strip():
            lines.pop()
        lines = _drop_page_numbers(lines)
        for j, (text, cells, box) in enumerate(lines, 1):
            out.append((text, i + 1, j, cells, box))
    if not out:
        raise EmptyFile(f"{p.name}: the PDF contains no text", path=str(p))
    return out, n_pages


_PAGE_NO = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?(?:\s*[-—–])?\s*$")


def _drop_page_numbers(lines: list[tuple]) -> list[tuple]:
    """Drop a page-number line (`3`, `- 3 -`, `第3页`, `3/12`) at the top or bottom of a page."""
    if lines and _PAGE_NO.match(lines[-1][0]):
        lines = lines[:-1]
    if lines and _PAGE_NO.match(lines[0][0]) and len(lines) > 1:
        lines = lines[1:]
    return lines


def _text_boxes(page, tp, text: str, hidden: set[int]) -> list:
    """The display box of each line of a page's pdfium text (see ingest.loaders.pdfboxes)."""
    import pypdfium2.raw as raw

    skip = None
    if hidden:
        def skip(k: int) -> bool:
            return _addr(raw.FPDFText_GetTextObject(tp.raw, k)) in hidden
    return line_boxes(page, page_chars(page, tp, skip, display=False), split_lines(text))


def _pdfium_boxes(p: Path, pages: list[int], texts: list[str], boxes: list) -> None:
    """Line boxes of these pages' pdfium text (`boxes[i]`), read again."""
    pdf = _open_pdfium(p)
    try:
        for i in pages:
            page = pdf[i]
            try:
                tp = page.get_textpage()
                boxes[i] = _text_boxes(page, tp, texts[i], _scan_page(page)[2])
            finally:
                page.close()
    finally:
        pdf.close()


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


# Form XObjects nested deeper than this are not searched for hidden text (pdfium's own limit on
# form nesting is far lower than any real document needs); paths and images count to depth 2.
# The walk visits only objects pdfium has already parsed for this page (each placement of a form is
# parsed as its own object list), so its cost is proportional to pdfium's own; a page built to make
# that explode is stopped by the parse time/memory limits (ingest.sandbox).
MAX_FORM_DEPTH = 16
_Matrix = tuple[float, float, float, float, float, float]


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """The PDF matrix that applies `inner`, then `outer`."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _to_page(bb: tuple, m: _Matrix | None) -> tuple:
    """Bounds (left, bottom, right, top) in a form's space → page space (their bounding box)."""
    if m is None:
        return bb
    a, b, c, d, e, f = m
    xs, ys = [], []
    for x, y in ((bb[0], bb[1]), (bb[0], bb[3]), (bb[2], bb[1]), (bb[2], bb[3])):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _scan_page(page) -> tuple[int, int, set[int]]:
    """One pass over a page's objects through pypdfium2's raw API: (path objects, image objects,
    hidden text objects by handle address).

    Paths and images are counted descending into form XObjects to depth 2 (does the page draw
    enough rules to hold a table? is it a scanned image?). A text object — on the page or inside a
    form XObject — is hidden when a reader cannot see it: invisible render mode, white or fully
    transparent fill (unless drawn over a dark filled shape, like a header cell), under
    TINY_TEXT_PT high, or outside the page. Such text (e.g. an instruction aimed at an LLM) is not
    part of the disclosure as printed, so it never becomes a line. The per-object work is a handful
    of C calls: this runs on every page of every PDF."""
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

    def bounds(obj, outer: _Matrix | None = None):
        return _to_page(tuple(c.value for c in box), outer) if get_bounds(obj, *box_refs) else None

    def matrix(obj) -> _Matrix | None:
        return (m.a, m.b, m.c, m.d, m.e, m.f) if get_matrix(obj, m_ref) else None

    def off_page(left, bottom, right, top) -> bool:
        return right <= 0 or left >= width or top <= 0 or bottom >= height

    paths = images = 0
    hidden: set[int] = set()
    whites: list[tuple] = []  # (text object, form-to-page matrix or None)
    path_objs: list[tuple] = []  # (path object, form-to-page matrix or None)

    def form_text(obj, outer: _Matrix) -> bool:
        """Is a text object inside a form (form-to-page matrix `outer`) invisible?"""
        if get_mode(obj) == invisible:
            return True
        if get_size(obj, size_ref) and (om := matrix(obj)) is not None:
            ta, tb, tc, td, te, tf = _compose(om, outer)
            if size.value * (tb * tb + td * td) ** 0.5 < TINY_TEXT_PT:
                return True
            if not (0 <= te < width and 0 <= tf < height) and (bb := bounds(obj, outer)):
                return off_page(*bb)
        return False

    def walk_form(form, outer: _Matrix, depth: int) -> None:
        nonlocal paths, images
        for j in range(raw.FPDFFormObj_CountObjects(form)):
            obj = raw.FPDFFormObj_GetObject(form, j)
            kind = get_type(obj)
            if kind == TEXT:
                if form_text(obj, outer):
                    hidden.add(_addr(obj))
                elif white(obj):
                    whites.append((obj, outer))
            elif kind == PATH:
                paths += depth <= 2
                path_objs.append((obj, outer))
            elif kind == IMAGE:
                images += depth <= 2
            elif kind == FORM and depth < MAX_FORM_DEPTH and (fm := matrix(obj)) is not None:
                walk_form(obj, _compose(fm, outer), depth + 1)

    page_raw = page.raw
    for i in range(raw.FPDFPage_CountObjects(page_raw)):
        obj = raw.FPDFPage_GetObject(page_raw, i)
        kind = get_type(obj)
        if kind == TEXT:  # the common case, kept lean: no matrix composition at page level
            gone = get_mode(obj) == invisible
            if not gone and get_size(obj, size_ref) and get_matrix(obj, m_ref):
                gone = size.value * (m.b * m.b + m.d * m.d) ** 0.5 < TINY_TEXT_PT
                # the text origin off the page: confirm with the (costlier) glyph bounds
                if not gone and not (0 <= m.e < width and 0 <= m.f < height) and (bb := bounds(obj)):
                    gone = off_page(*bb)
            if gone:
                hidden.add(_addr(obj))
            elif white(obj):
                whites.append((obj, None))
        elif kind == PATH:
            paths += 1
            path_objs.append((obj, None))
        elif kind == IMAGE:
            images += 1
        elif kind == FORM and (fm := matrix(obj)) is not None:
            walk_form(obj, fm, 1)
    if whites:  # white text is visible only over a dark filled shape (e.g. a header cell)
        dark = [bb for obj, outer in path_objs
                if raw.FPDFPath_GetDrawMode(obj, fill_ref, stroke_ref) and fill.value
                and not white(obj) and (bb := bounds(obj, outer)) is not None]
        for obj, outer in whites:
            bb = bounds(obj, outer)
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


def _hidden_char_boxes(tp, hidden: set[int], page_height: float) -> dict[str, list[tuple]]:
    """char → [(x0, top, x1, bottom)], in pdfplumber's top-down coordinates, of every character that
    belongs to a hidden text object. pdfplumber cannot see a text render mode (nor look into the
    hidden-text rules above), so on table pages pdfium's verdict is carried over char by char.
    Keyed by character so each pdfplumber char is compared only with hidden copies of itself."""
    import ctypes

    import pypdfium2.raw as raw

    box = [ctypes.c_double() for _ in range(4)]  # left, right, bottom, top
    refs = [ctypes.byref(c) for c in box]
    out: dict[str, list[tuple]] = {}
    for i in range(raw.FPDFText_CountChars(tp.raw)):
        if raw.FPDFText_IsGenerated(tp.raw, i) or _addr(raw.FPDFText_GetTextObject(tp.raw, i)) not in hidden:
            continue
        if raw.FPDFText_GetCharBox(tp.raw, i, *refs):
            left, right, bottom, top = (c.value for c in box)
            out.setdefault(chr(raw.FPDFText_GetUnicode(tp.raw, i)), []).append(
                (left, page_height - top, right, page_height - bottom))
    return out


def _is_white(color) -> bool:
    if not (isinstance(color, (list, tuple)) and color and all(isinstance(c, (int, float)) for c in color)):
        return False
    return (len(color) in (1, 3) and min(color) >= 0.98) or (len(color) == 4 and max(color) <= 0.02)


def _visible_char(obj, width: float, height: float, dark: list[tuple] = (),
                  hidden: dict[str, list[tuple]] | None = None) -> bool:
    """pdfplumber's view of the same rule: a char that is tiny, off the page, or white (and not over
    one of the ``dark`` filled rectangles (x0, top, x1, bottom)) is dropped; so is a char that pdfium
    found hidden (``hidden``: char → boxes from `_hidden_char_boxes`: the same glyph,
    pdfium's tight glyph box centred inside pdfplumber's char box, give or take a point)."""
    if obj.get("object_type") != "char":
        return True
    if hidden and (boxes := hidden.get(obj.get("text"))):
        left, top_, right, bottom_ = obj["x0"] - 1, obj["top"] - 1, obj["x1"] + 1, obj["bottom"] + 1
        if any(left <= (x0 + x1) / 2 <= right and top_ <= (top + bottom) / 2 <= bottom_ for x0, top, x1, bottom in boxes):
            return False
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


MIN_PAGES_TO_SPLIT = 4  # fewer table pages are not worth a fork (~10 ms)


def _plumber_pages_split(p: Path, indices: list[int], hidden_chars: dict | None) -> dict[int, list]:
    """`_plumber_pages` with every other table page read by a forked helper. The first page is read
    before the fork, so the document's fonts and CMaps (a good part of a CJK document's cost) are
    parsed once and shared. The helper dies with this process (a parse stopped by its time limit
    stops both); if it fails, its pages are read here instead."""
    import os
    import pickle

    with _open_plumber(p) as pdf:
        out = _plumber_read(pdf, indices[:1], hidden_chars)
        mine, theirs = indices[1::2], indices[2::2]
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper
            code = 1
            try:
                os.close(r)
                _die_with_parent()
                _own_file(pdf, p)
                data = pickle.dumps(_plumber_read(pdf, theirs, hidden_chars), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(w, "wb") as sink:
                    sink.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        try:
            out.update(_plumber_read(pdf, mine, hidden_chars))
        except BaseException:
            os.close(r)
            _reap(pid, kill=True)
            raise
        with os.fdopen(r, "rb") as inp:
            data = inp.read()
        if _reap(pid) == 0 and data:
            out.update(pickle.loads(data))
        else:
            out.update(_plumber_read(pdf, theirs, hidden_chars))
    return out


def _own_file(pdf, p: Path) -> None:
    """The forked helper reads through a file of its own: the inherited one shares its offset with the
    parent, and pdfminer's seek-then-read on both sides at once returns the other's bytes (garbled CID
    text, now and then). The parsed fonts and objects stay shared."""
    fp = open(p, "rb")  # noqa: SIM115 — lives as long as the helper
    pdf.stream = fp
    pdf.doc._parser.fp = fp
    pdf.doc._parser.seek(0)


def _die_with_parent() -> None:
    """Linux: be killed when the parent dies (else a helper outlives a parse killed by its time limit)."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _reap(pid: int, kill: bool = False) -> int | None:
    import os
    import signal

    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)


def _open_plumber(p: Path):
    import pdfplumber

    try:
        return pdfplumber.open(str(p))
    except Exception as exc:  # pdfminer raises its own types for encryption and damage
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise EncryptedFile(f"{p.name}: the PDF is password-protected; remove the password and ingest it again",
                                path=str(p)) from None
        raise BrokenFile(f"{p.name}: not a readable PDF ({name}: {exc})", path=str(p)) from None


def _plumber_pages(p: Path, indices: list[int], hidden_chars: dict[int, dict[str, list[tuple]]] | None = None
                   ) -> dict[int, list]:
    """Lines of table pages, tables as tab-joined rows in reading order."""
    with _open_plumber(p) as pdf:
        return _plumber_read(pdf, indices, hidden_chars)


def _plumber_read(pdf, indices: list[int], hidden_chars: dict | None) -> dict[int, list]:
    out: dict[int, list] = {}
    for i in indices:
        lines = _plumber_page(pdf, i, (hidden_chars or {}).get(i))
        if lines is not None:
            out[i] = lines
    return out


def _plumber_page(pdf, i: int, hid: dict | None) -> list | None:
    """One table page's lines in reading order, each (text, cells, box): cells = [[x0, x1] or None per
    tab-separated cell] for a table row, else None; box = the line's (row's) [x0, top, x1, bottom]
    (None: pdfplumber finds no table on the page after all)."""
    page = pdf.pages[i]
    dark = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
            if r.get("fill") and not _is_white(r.get("non_stroking_color"))]
    page = page.filter(lambda obj, w=page.width, h=page.height, d=dark, x=hid: _visible_char(obj, w, h, d, x))
    try:
        tables = page.find_tables()
    except Exception:
        tables = []
    if not tables:
        return None
    items: list[tuple[float, float, tuple]] = []  # (top, x0, (text, cells, box))
    bboxes = [t.bbox for t in tables]

    def outside(obj, bboxes=bboxes):
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in bboxes)

    rest = page.filter(outside)
    for line in rest.extract_text_lines(layout=False, strip=True, return_chars=False):
        if line["text"].strip():
            items.append((line["top"], line["x0"], (line["text"], None, _line_box(line))))
    for t in tables:
        rows = t.extract()
        frames = _frame_cells(t)
        for row_obj, cells in zip(t.rows, rows):
            if frames:  # a cell framing other cells: its text is only what no inner cell holds
                cells = [None if c is not None and b in frames else c for c, b in zip(cells, row_obj.cells)]
            texts = [_cell(c) for c in cells]
            if not any(texts):
                continue
            boxes = [[round(b[0], 1), round(b[2], 1)] if b else None for b in row_obj.cells]
            while texts and not texts[-1]:
                texts.pop()
            items.append((row_obj.bbox[1], row_obj.bbox[0], ("\t".join(texts), boxes[: len(texts)],
                                                            rounded(row_obj.bbox))))
        for frame in frames:
            inner = [b for r in t.rows for b in r.cells if b and b != frame and _inside(b, frame)]
            own = page.crop(frame, strict=False).filter(
                lambda obj, inner=inner: obj.get("object_type") != "char" or not any(
                    _inside((obj["x0"], obj["top"], obj["x1"], obj["bottom"]), b, centre=True) for b in inner))
            for line in own.extract_text_lines(layout=False, strip=True, return_chars=False):
                if line["text"].strip():
                    items.append((line["top"], line["x0"], (line["text"], None, _line_box(line))))
    items.sort(key=lambda it: (round(it[0] / _Y_TOL), it[1]))
    return [text for _, _, text in items]


def _line_box(line: dict) -> list:
    return rounded((line["x0"], line["top"], line["x1"], line["bottom"]))


def _inside(box, frame, centre: bool = False) -> bool:
    """Is `box` (x0, top, x1, bottom) inside `frame` (by its centre when `centre`)?"""
    if centre:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return frame[0] <= cx <= frame[2] and frame[1] <= cy <= frame[3]
    return frame[0] - 0.5 <= box[0] and box[2] <= frame[2] + 0.5 and frame[1] - 0.5 <= box[1] and box[3] <= frame[3] + 0.5


def _frame_cells(table) -> set:
    """Cells of a table that frame two or more cells of other rows (a border drawn around the whole
    table read as one cell): pdfplumber gives such a cell the text of everything inside it."""
    boxes = [(k, b) for k, r in enumerate(table.rows) for b in r.cells if b]
    out = set()
    for k, b in boxes:
        if sum(1 for k2, b2 in boxes if k2 != k and b2 != b and _inside(b2, b)) >= 2:
            out.add(b)
    return out
