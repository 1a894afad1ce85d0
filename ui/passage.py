"""Show a citation in its context: the PDF page (or the text section) around the cited lines, with
the quoted span highlighted. Lines are shown exactly as printed (`Line.text`)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

CONTEXT_LINES = 12  # lines shown either side in a text document
MAX_PAGE_LINES = 60


def find_line_index(doc: Any, citation: dict) -> int | None:
    """0-based index into doc.lines of the cited line (page+page line for PDFs, file line otherwise)."""
    page, line = citation.get("page"), citation.get("line")
    if line is None:
        return None
    if page is not None:
        for i, l in enumerate(doc.lines):
            if l.page == page and l.page_line == line:
                return i
        return None
    idx = int(line) - 1
    return idx if 0 <= idx < len(doc.lines) else None


def _quote_parts(quote: str) -> list[str]:
    return [q.strip() for q in (quote or "").split("\n") if q.strip()]


def highlight_lines(doc: Any, start: int, quote: str) -> dict[int, tuple[int, int] | None]:
    """Which lines (index → (begin, end) character range in Line.text, or None for the whole line)
    the quote covers, starting at the cited line; looks a few lines further if the first part is not there."""
    parts = _quote_parts(quote)
    if not parts:
        return {start: None}
    marks: dict[int, tuple[int, int] | None] = {}
    # the first part should be on the cited line; tolerate an off-by-few line number
    first = start
    for probe in [start, *range(start + 1, min(start + 4, len(doc.lines))), *range(start - 1, max(start - 4, -1), -1)]:
        if 0 <= probe < len(doc.lines) and parts[0] in doc.lines[probe].text:
            first = probe
            break
    i = first
    for part in parts:
        if i >= len(doc.lines):
            break
        # skip blank lines between quoted lines
        while i < len(doc.lines) and not doc.lines[i].text.strip() and part:
            i += 1
        if i >= len(doc.lines):
            break
        text = doc.lines[i].text
        pos = text.find(part)
        marks[i] = (pos, pos + len(part)) if pos >= 0 else None
        i += 1
    return marks or {start: None}


def _section_title(doc: Any, line_no: int) -> str:
    best = None
    for s in getattr(doc, "sections", []) or []:
        if s.line_start <= line_no <= s.line_end:
            if best is None or (s.line_end - s.line_start) < (best.line_end - best.line_start):
                best = s
    table = None
    for t in getattr(doc, "tables", []) or []:
        ends = [x for x in (t.line_start, t.line_end, t.title_line) if x]
        if ends and min(ends) <= line_no <= max(ends):
            table = t
    bits = []
    if best is not None:
        bits.append(best.title)
    if table is not None:
        label = f"{table.label} {table.title}" if getattr(table, "label", None) else table.title
        bits = [b for b in bits if b.strip() not in (label, table.title, table.id)]
        bits.append(label + (f"（单位：{table.unit}）" if table.unit else ""))
    return " › ".join(bits)


def context_html(doc: Any, citation: dict) -> str:
    """HTML of the cited passage in context; the quoted span is wrapped in <mark>."""
    idx = find_line_index(doc, citation)
    if idx is None:
        return (f"<div class='gk-passage'><p>Cited line {html.escape(str(citation.get('line')))} "
                f"(page {html.escape(str(citation.get('page')))}) is not in {html.escape(doc.doc)}.</p>"
                f"<blockquote>{html.escape(citation.get('quote') or '')}</blockquote></div>")
    marks = highlight_lines(doc, idx, citation.get("quote") or "")
    cited = doc.lines[idx]
    if cited.page is not None:
        window = [i for i, l in enumerate(doc.lines) if l.page == cited.page]
        if len(window) > MAX_PAGE_LINES:  # a long page: the part around the cited lines
            window = [i for i in window if -MAX_PAGE_LINES // 3 <= i - idx <= 2 * MAX_PAGE_LINES // 3]
        where = f"page {cited.page}, line {cited.page_line}"
    else:
        lo, hi = max(0, idx - CONTEXT_LINES), min(len(doc.lines), max(marks) + CONTEXT_LINES + 1)
        window = list(range(lo, hi))
        where = f"line {cited.no}"
    section = _section_title(doc, cited.no)
    head = (f"<div class='gk-passage-head'><b>{html.escape(doc.department or doc.doc)}</b> · "
            f"<code>{html.escape(doc.doc)}</code> · {html.escape(where)}"
            + (f"<br><span class='gk-section'>{html.escape(section)}</span>" if section else "") + "</div>")
    rows = []
    for i in window:
        l = doc.lines[i]
        if not l.text.strip() and i not in marks:
            continue  # blank lines carry no text; line numbers keep the position
        num = f"{l.page_line}" if l.page is not None else f"{l.no}"
        text = l.text
        if i in marks:
            span = marks[i]
            if span is None:
                body = f"<mark>{html.escape(text)}</mark>"
            else:
                b, e = span
                body = html.escape(text[:b]) + f"<mark>{html.escape(text[b:e])}</mark>" + html.escape(text[e:])
            cls = " class='gk-cited'"
        else:
            body = html.escape(text)
            cls = ""
        anchor = " id='gk-cited'" if i == idx else ""
        rows.append(f"<tr{cls}{anchor}><td class='gk-ln'>{num}</td><td class='gk-tx'>{body or '&nbsp;'}</td></tr>")
    return (f"<div class='gk-passage'>{head}<div class='gk-page'><table>{''.join(rows)}</table></div></div>")


def citation_html(citation: dict, home: Path | None = None) -> str:
    """Load the cited document from the store and render its context; a clear message if it is gone."""
    doc_id = citation.get("doc")
    try:
        from ingest.store import Store

        doc = Store(home).document(doc_id)
    except Exception as exc:  # noqa: BLE001 - shown to the user instead of a stack trace
        return (f"<div class='gk-passage'><p>Cannot open <code>{html.escape(str(doc_id))}</code>: "
                f"{html.escape(str(exc) or type(exc).__name__)}</p>"
                f"<blockquote>{html.escape(citation.get('quote') or '')}</blockquote></div>")
    return context_html(doc, citation)


CSS = """
.gk-passage-head{margin-bottom:6px}
.gk-section{color:#666;font-size:90%}
.gk-page{max-height:520px;overflow:auto;border:1px solid #ddd;border-radius:6px;background:#fff}
.gk-page table{border-collapse:collapse;width:100%;margin:0 !important;border:none !important;font-size:13px;font-family:'WenQuanYi Zen Hei',sans-serif}
.gk-page td{padding:1px 6px;border:none !important;vertical-align:top;white-space:pre-wrap;color:#222}
.gk-page tr{border:none !important}
.gk-ln{color:#999;text-align:right;width:3em;user-select:none}
.gk-cited{background:#fff8d6}
.gk-page mark{background:#ffd54a;color:#000;padding:0 1px}
"""
