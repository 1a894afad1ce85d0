"""The Chat tab: questions, answers with numbered sources; a source opens where it is printed (the
PDF page with the figure boxed, or the text lines)."""

from __future__ import annotations

import html
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ingest.errors import GongkaiError
from ui import backend
from ui.viewer import PageViewer

MAX_SESSIONS = 200


class Conversations:
    """One qa Conversation per browser session (kept server-side; the page holds only an id)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, home: Path) -> Any:
        with self._lock:
            conv = self._items.get(key)
            if conv is None:
                conv = backend.conversation(home)
                self._items[key] = conv
                while len(self._items) > MAX_SESSIONS:
                    self._items.popitem(last=False)
            self._items.move_to_end(key)
            return conv

    def drop(self, key: str | None) -> None:
        with self._lock:
            self._items.pop(key or "", None)


def build(home: Path, convs: Conversations) -> dict:
    import gradio as gr

    with gr.Tab("问答 Chat", id="chat"):
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="问答", elem_id="gk-chat", height=460, buttons=["copy"], feedback_options=None)
                with gr.Row():
                    question = gr.Textbox(placeholder="例如：某局2024年三公经费是多少？", show_label=False,
                                          elem_id="gk-question", scale=5, max_lines=3)
                    send = gr.Button("提问 Ask", variant="primary", elem_id="gk-ask", scale=1)
                clear = gr.Button("新对话 New conversation", size="sm", elem_id="gk-new")
                note = gr.HTML("", elem_id="gk-chat-note")
            with gr.Column(scale=2):
                sources = gr.Radio(choices=[], label="来源 Sources — click to open where it is printed",
                                   elem_id="gk-sources", interactive=True)
                viewer = PageViewer(home, "gk-passage")
        session = gr.State(None)
        source_state = gr.State([])  # [(citation, the figure the answer gives)]

    def on_ask(q: str, history: list, sid: str | None):
        q = (q or "").strip()
        if not q:
            return (gr.update(), history, sid, gr.update(), gr.update(), gr.update(), gr.update(), gr.update())
        sid = sid or uuid.uuid4().hex
        history = [*(history or []), {"role": "user", "content": q}]
        value = None
        try:
            md, srcs, value = backend.answer_sources(convs.get(sid, home), q, home)
        except GongkaiError as exc:
            md, srcs = f"**【错误 error】** {html.escape(str(exc))}", []
        except backend.Missing as exc:
            md, srcs = f"**【不可用 unavailable】** {html.escape(str(exc))}", []
        history.append({"role": "assistant", "content": md})
        return ("", history, sid, gr.update(choices=[label for label, _ in srcs], value=None),
                [(c, value) for _, c in srcs], *viewer.clear())

    outs = [question, chat, session, sources, source_state, *viewer.outputs]
    send.click(on_ask, [question, chat, session], outs)
    question.submit(on_ask, [question, chat, session], outs)

    def on_source(label: str | None, srcs: list):
        if not label:
            return gr.update(), gr.update(), gr.update()
        try:
            citation, value = srcs[int(label.split("]", 1)[0].lstrip("[")) - 1]
        except (ValueError, IndexError, TypeError):
            return viewer.clear("<p>Source not found.</p>")
        return viewer.show(citation, value)

    sources.change(on_source, [sources, source_state], viewer.outputs)

    def on_clear(sid):
        convs.drop(sid)
        return [], None, gr.update(choices=[], value=None), [], *viewer.clear()

    clear.click(on_clear, [session], [chat, session, sources, source_state, *viewer.outputs])
    chat.clear(on_clear, [session], [chat, session, sources, source_state, *viewer.outputs])
    return {"note": note}
