"""The source view every citation opens (chat sources, Compare rows, record values, validation
evidence): a PDF's page rendered with the evidence boxed, previous/next page and zoom; a text
document's lines around the cited ones, as before."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ui import pageview, passage

PLACEHOLDER = "<p class='gk-note'>Click a source to see it where it is printed.</p>"


def _message(text: str, citation: dict | None = None) -> str:
    quote = html.escape((citation or {}).get("quote") or "")
    return f"<div class='gk-passage'><p>{text}</p>" + (f"<blockquote>{quote}</blockquote>" if quote else "") + "</div>"


def render(home: Path, citation: dict | None, value: Any = None, page: int | None = None) -> tuple[str, bool, dict | None]:
    """(HTML, is a PDF page, state) for a citation — `page` another page of the same document."""
    if not citation:
        return PLACEHOLDER, False, None
    doc_id = citation.get("doc")
    try:
        from ingest.store import Store

        doc = Store(home).document(doc_id)
    except Exception as exc:  # noqa: BLE001 - shown to the user instead of a stack trace
        return _message(f"Cannot open <code>{html.escape(str(doc_id))}</code>: "
                        f"{html.escape(str(exc) or type(exc).__name__)}", citation), False, None
    pdf = pageview.source_pdf(doc.doc, home) if doc.source_type == "pdf" else None
    if pdf is None:
        return passage.context_html(doc, citation), False, None
    page = page or citation.get("page") or 1
    page = max(1, min(int(page), doc.pages or int(page)))
    try:
        out = pageview.page_html(doc, pdf, page, citation, value)
    except Exception as exc:  # noqa: BLE001 - a page that cannot be rendered falls back to its lines
        return (f"<p class='gk-note'>The page could not be drawn ({html.escape(type(exc).__name__)}); its "
                "text as read:</p>" + passage.context_html(doc, citation)), False, None
    return out, True, {"citation": citation, "value": value, "page": page, "pages": doc.pages}


class PageViewer:
    """The components of one source view (call inside a gradio Blocks context)."""

    def __init__(self, home: Path, elem_id: str, placeholder: str = PLACEHOLDER):
        import gradio as gr

        self.home = home
        self.html = gr.HTML(placeholder, elem_id=elem_id, js_on_load=pageview.ZOOM_JS)
        with gr.Row(visible=False, elem_id=f"{elem_id}-nav") as self.nav:
            self.prev = gr.Button("◀ 上一页 Previous page", size="sm", elem_id=f"{elem_id}-prev")
            self.next = gr.Button("下一页 Next page ▶", size="sm", elem_id=f"{elem_id}-next")
        self.state = gr.State(None)
        self.prev.click(lambda st: self.turn(st, -1), [self.state], self.outputs, show_progress="hidden")
        self.next.click(lambda st: self.turn(st, +1), [self.state], self.outputs, show_progress="hidden")

    @property
    def outputs(self) -> list:
        return [self.html, self.nav, self.state]

    def show(self, citation: dict | None, value: Any = None) -> tuple:
        import gradio as gr

        out, is_pdf, state = render(self.home, citation, value)
        return out, gr.update(visible=is_pdf), state

    def clear(self, text: str = PLACEHOLDER) -> tuple:
        import gradio as gr

        return text, gr.update(visible=False), None

    def turn(self, state: dict | None, delta: int) -> tuple:
        import gradio as gr

        if not state:
            return gr.update(), gr.update(), state
        page = max(1, min(state["page"] + delta, state.get("pages") or state["page"] + delta))
        out, is_pdf, new = render(self.home, state["citation"], state.get("value"), page)
        return out, gr.update(visible=is_pdf), new
