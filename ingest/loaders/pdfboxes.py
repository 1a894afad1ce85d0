"""Where printed text sits on a PDF page.

Boxes are in *display* coordinates: points, origin at the top-left of the page as a reader sees it
(the page's /Rotate applied, as pdfium renders it and as pdfplumber reports it), ``[x0, top, x1,
bottom]``. The loader keeps one box per line (`Line.box`); the app finds the quoted characters
inside a cited line's box (`chars_in`) and draws them over the rendered page.

pdfium's text layer gives per-character boxes in the page's own (unrotated, bottom-up) space;
`display_transform` maps them with pdfium's own page-to-device matrix, so they land where the
rendered image shows the glyphs.
"""

from __future__ import annotations

import re

import ctypes
from typing import Callable

Box = list  # [x0, top, x1, bottom] in display points

# How far a character may stick out of a line's box and still belong to it (points).
SLACK = 1.5


def display_transform(page) -> Callable[[float, float], tuple[float, float]]:
    """pdfium page space → display points (top-down), the matrix pdfium renders with."""
    import pypdfium2.raw as raw

    w, h = page.get_size()
    scale = 100  # FPDF_PageToDevice returns integers: work in 1/100 pt
    dx, dy = ctypes.c_int(), ctypes.c_int()
    sx, sy = int(round(w * scale)), int(round(h * scale))

    def dev(x: float, y: float) -> tuple[float, float]:
        raw.FPDF_PageToDevice(page.raw, 0, 0, sx, sy, 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        return dx.value / scale, dy.value / scale

    o, ex, ey = dev(0, 0), dev(1000, 0), dev(0, 1000)
    a, b = (ex[0] - o[0]) / 1000, (ex[1] - o[1]) / 1000
    c, d = (ey[0] - o[0]) / 1000, (ey[1] - o[1]) / 1000
    return lambda x, y: (o[0] + a * x + c * y, o[1] + b * x + d * y)


def _box(tf, left: float, bottom: float, right: float, top: float) -> Box:
    pts = [tf(left, bottom), tf(right, top), tf(left, top), tf(right, bottom)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return [min(xs), min(ys), max(xs), max(ys)]


def page_chars(page, tp, skip: Callable[[int], bool] | None = None, display: bool = True
               ) -> list[tuple[str, Box]]:
    """Every character pdfium reads on the page (generated spaces and line breaks excluded, and
    those `skip(index)` rejects) with its loose box, in text order: in display points, or with
    `display=False` as pdfium gives it (page space, (left, bottom, right, top))."""
    import pypdfium2.raw as raw

    tf = display_transform(page) if display else None
    rect = raw.FS_RECTF()
    ref = ctypes.byref(rect)
    out = []
    for i in range(raw.FPDFText_CountChars(tp.raw)):
        if raw.FPDFText_IsGenerated(tp.raw, i) or (skip is not None and skip(i)):
            continue
        u = raw.FPDFText_GetUnicode(tp.raw, i)
        if u in (0, 0x0D, 0x0A) or not raw.FPDFText_GetLooseCharBox(tp.raw, i, ref):
            continue
        b = (rect.left, rect.bottom, rect.right, rect.top)
        out.append((chr(u), _box(tf, *b) if tf else b))
    return out


def split_lines(text: str) -> list[str]:
    """The page text split into lines exactly as the loader splits it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def line_boxes(page, chars: list[tuple[str, tuple]], lines: list[str], lookahead: int = 400) -> list[Box | None]:
    """The display box of each line of a page's text (None for a blank line or one whose characters
    were not found): its printed characters are matched, in order, to pdfium's characters on the page
    (`chars` in page space, from `page_chars(display=False)`; a character drawn outside the page —
    which the bounded text leaves out — is never matched)."""
    left, bottom, right, top = page.get_bbox()
    on_page = [(ch, b) for ch, b in chars if b[2] > left and b[0] < right and b[3] > bottom and b[1] < top]
    tf = display_transform(page)
    k, n = 0, len(on_page)
    out: list[Box | None] = []
    for line in lines:
        box = None
        for ch in line:
            if ch.isspace():
                continue
            j, stop = k, min(n, k + lookahead)
            while j < stop and on_page[j][0] != ch:
                j += 1
            if j >= stop:
                continue  # not found nearby (e.g. a ligature pdfium spells differently): skip it
            b = on_page[j][1]
            box = b if box is None else (min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3]))
            k = j + 1
        out.append(rounded(_box(tf, *box)) if box else None)
    return out


def rounded(box) -> Box:
    return [round(float(v), 1) for v in box]


def chars_in(chars: list[tuple[str, Box]], box: Box, cells: list | None = None) -> list[tuple[str, Box]]:
    """The characters whose centre lies inside `box` (a line's box), in reading order: a table row
    cell by cell (`cells`: the row's [x0, x1] per cell), and within a cell — or a plain line — top to
    bottom, left to right."""
    x0, top, x1, bottom = box
    inside = [(ch, b) for ch, b in chars if not ch.isspace()
              and x0 - SLACK <= (b[0] + b[2]) / 2 <= x1 + SLACK and top - SLACK <= (b[1] + b[3]) / 2 <= bottom + SLACK]
    if not inside:
        return []
    height = max(1.0, min(b[3] - b[1] for _, b in inside))

    def cell_of(b: Box) -> int:
        cx = (b[0] + b[2]) / 2
        for i, c in enumerate(cells or []):
            if c and c[0] - SLACK <= cx <= c[1] + SLACK:
                return i
        return 0

    return sorted(inside, key=lambda cb: (cell_of(cb[1]), round(cb[1][1] / (height * 0.6)), cb[1][0]))


def find_runs(chars: list[tuple[str, Box]], needle: str) -> list[list[Box]]:
    """Boxes of each occurrence of `needle` (whitespace ignored) in `chars`: one box per printed line
    of an occurrence (a wrapped cell gives two)."""
    target = "".join(needle.split())
    if not target:
        return []
    text = "".join(ch for ch, _ in chars)
    numeric = bool(_NUMBER.fullmatch(target))
    out = []
    start = text.find(target)
    while start >= 0:
        end = start + len(target)
        run = chars[start:end]
        # a figure is a whole number as printed: not the 5 of 2025 nor 12.00 inside 112.00, and not
        # digits of two neighbouring cells read together (a gap wider than a character between them)
        if not numeric or (_stands_alone(text, chars, start, end) and not _split(run)):
            out.append(merge_lines([b for _, b in run]))
        start = text.find(target, start + (len(target) if not numeric else 1))
    return out


_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
_NUMBER_CHAR = re.compile(r"[\d.,]")


def _stands_alone(text: str, chars: list[tuple[str, Box]], start: int, end: int) -> bool:
    """No digit, point or comma printed right against the match (the neighbouring cell's digits, read
    next to it but printed apart, do not count)."""
    before_ok = start == 0 or not _NUMBER_CHAR.match(text[start - 1]) or _apart(chars[start - 1][1], chars[start][1])
    if end >= len(text) or _apart(chars[end - 1][1], chars[end][1]):
        return before_ok
    after = text[end]
    # (a comma or point after a figure may end a sentence: "…为 5,560.31。" or "5辆,")
    after_ok = not after.isdigit() and not (after in ".," and text[end + 1:end + 2].isdigit())
    return before_ok and after_ok


def _apart(a: Box, b: Box) -> bool:
    """Two characters printed apart: on other lines, or with a space or more between (the digits of one
    printed number touch: their loose boxes are advance-wide)."""
    same_line = abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < (a[3] - a[1]) * 0.5
    return not same_line or b[0] - a[2] > 0.2 * max(a[3] - a[1], 1.0) or b[2] < a[0]


def _split(run: list[tuple[str, Box]]) -> bool:
    return any(_apart(a, b) and abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < (a[3] - a[1]) * 0.5
               for (_, a), (_, b) in zip(run, run[1:]))


def merge_lines(boxes: list[Box]) -> list[Box]:
    """Character boxes → one box per run on the same printed line."""
    runs: list[Box] = []
    for b in boxes:
        if runs and abs((runs[-1][1] + runs[-1][3]) / 2 - (b[1] + b[3]) / 2) < (b[3] - b[1]) * 0.5 and b[0] >= runs[-1][0] - SLACK:
            r = runs[-1]
            runs[-1] = [min(r[0], b[0]), min(r[1], b[1]), max(r[2], b[2]), max(r[3], b[3])]
        else:
            runs.append(list(b))
    return [rounded(r) for r in runs]
