"""The Gradio app: Chat · Library · Extraction · Compare · Settings.

Offline and local by default: binds 127.0.0.1, sets the no-telemetry environment before gradio is
imported, keeps gradio's upload/cache directory under $GONGKAI_HOME and serves nothing else. Each tab
is built by its own module (ui/tab_*.py); this one wires what they share — the refresh after an
upload or a removal, the page load (settings read from disk every time), the embedder's ticker.
"""

from __future__ import annotations

import hmac
import html
import os
import threading
import time
from pathlib import Path

import gongkai  # noqa: F401  (offline environment first)
from gongkai import settings as gsettings
from ingest.errors import GongkaiError
from ui import backend, compare, pageview, passage, tab_chat, tab_compare, tab_extraction, tab_library, tab_settings
from ui.views import chat_note, check_html, embed_markdown, settings_markdown  # noqa: F401  (the app's helpers)
from ui.views import CSS as VIEWS_CSS

Conversations = tab_chat.Conversations


def build(home: Path | None = None):
    """Build the gr.Blocks app over the data directory `home`."""
    import gradio as gr

    home = Path(home or gsettings.home())
    convs = Conversations()
    from extract.endpoint import budget

    budget.BATCH.cooldown_s = 300  # uploads try the LLM again 5 min after it timed out

    with gr.Blocks(title="Gongkai 公开") as demo:
        gr.Markdown(f"## Gongkai 公开 · 预算公开文件问答与核验\n<span class='gk-note'>data: <code>{html.escape(str(home))}</code> · offline</span>")
        with gr.Tabs() as tabs:
            chat = tab_chat.build(home, convs)
            lib = tab_library.build(home)
            ext = tab_extraction.build(home)
            cmp = tab_compare.build(home)
            st = tab_settings.build()

        # ------------------------------------------------------------ after an upload or a removal
        def refresh(current: str | None, *filters):
            choices = tab_library.file_choices(home)
            ids = [v for _, v in choices]
            keep = current if current in ids else (ids[0] if ids else None)
            bodies, years = cmp["refresh"]()
            return (*lib["view"](*filters), gr.update(choices=choices, value=None), gr.update(choices=choices, value=keep),
                    bodies, years)

        refresh_outs = [*lib["view_outs"], lib["remove_pick"], ext["doc"], cmp["bodies"], cmp["years"]]

        def on_ingest(files, current, *filters):
            files = files or []
            if not files:
                yield ("", "Choose one or more files first.", *refresh(current, *filters), gr.update())
                return
            progress, lines = "", ""
            for progress, lines in tab_library.run_batch(files, home):
                yield (progress, lines, *(gr.update() for _ in refresh_outs), gr.update())
            # the upload box is emptied: its temporary copies are gone once staged, so a second click
            # must not ingest them again
            yield (progress, lines, *refresh(current, *filters), None)

        lib["ingest"].click(on_ingest, [lib["upload"], ext["doc"], *lib["filters"]],
                            [lib["progress"], lib["status"], *refresh_outs, lib["upload"]], concurrency_limit=1,
                            show_progress="hidden")
        lib["refresh"].click(lambda cur, *f: refresh(cur, *f), [ext["doc"], *lib["filters"]], refresh_outs)

        def on_remove(doc: str | None, current, *filters):
            if not doc:
                return ("Pick a document to remove.", *refresh(current, *filters))
            try:
                backend.remove_document(doc, home)
                msg = f"Removed `{doc}` (its files, index entries, vectors and uploaded copy)."
            except (GongkaiError, backend.Missing, KeyError, FileNotFoundError) as exc:
                msg = f"**失败 FAILED** could not remove `{doc}`: {html.escape(str(exc))}"
            return (msg, *refresh(current, *filters))

        lib["remove"].click(on_remove, [lib["remove_pick"], ext["doc"], *lib["filters"]],
                            [lib["remove_status"], *refresh_outs], concurrency_limit=1)

        def on_doc_row(shown: list, evt):
            """Clicking a disclosure in the Library opens its (first) file in the Extraction view."""
            i = evt.index[0] if evt.index else None
            if i is None or i >= len(shown or []):
                return gr.update(), gr.update()
            return gr.Tabs(selected="extraction"), gr.update(value=shown[i][0])

        on_doc_row.__annotations__["evt"] = gr.SelectData  # gradio passes the click to a parameter so annotated
        lib["table"].select(on_doc_row, [lib["shown_docs"]], [tabs, ext["doc"]])

        # ------------------------------------------------------------ every page load
        states_seen = gr.State(None)

        def on_load():
            s = gsettings.load()  # from disk now, not the values the app started with
            embed = backend.embed_status(home)
            return (*refresh(None, "", "全部 all", "全部 all", next(iter(tab_library.library.SORTS))),
                    *cmp["on_pick"](cmp_default, None, None), embed_markdown(embed), chat_note(embed),
                    sorted(backend.document_states(home).items()), *tab_settings.form_values(s),
                    tab_library._limit_text(s.max_upload_mb))

        cmp_default = compare.choices()[0][1]
        demo.load(on_load, None, [*refresh_outs, *cmp["pick_outs"], lib["embed_status"], chat["note"], states_seen,
                                  *st["form"], lib["limit_note"]])

        # ------------------------------------------------------------ background embedding
        # Every 2 s: the embedder's progress, the chat note, and the library table when a document's
        # state changed (answerable → ready). A document waiting without a running embedder (e.g.
        # it was killed) gets one started again, at most every 30 s.
        ticker = gr.Timer(2.0)
        last_kick = [0.0]

        def on_tick(seen, *filters):
            status = backend.embed_status(home)
            if status.get("waiting") and not status.get("running") and time.monotonic() - last_kick[0] > 30:
                last_kick[0] = time.monotonic()
                backend.kick_embedder(home)
            sig = sorted(backend.document_states(home).items())
            table = lib["view"](*filters) if sig != seen else (gr.update(),) * 3
            return (embed_markdown(status), chat_note(status), *table, sig)

        ticker.tick(on_tick, [states_seen, *lib["filters"]],
                    [lib["embed_status"], chat["note"], *lib["view_outs"], states_seen], show_progress="hidden",
                    queue=False)
    return demo


CSS = passage.CSS + pageview.CSS + compare.CSS + VIEWS_CSS + """
.gk-note{color:#666;font-size:90%}
.gk-table{border-collapse:collapse;margin:4px 0 12px 0;font-size:13px}
.gk-table th,.gk-table td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
.gk-table th{background:#f4f4f4}
.gk-v-mismatch td{background:#fde2e1}
.gk-v-rounding td{background:#fff5d6}
.gk-v-irreproducible_rounding td{background:#ffe9c7}
.gk-v-insufficient_data td{color:#777}
.gk-ev{font-size:12px;color:#444;max-width:520px}
.gk-srctable summary{cursor:pointer;margin:4px 0}
"""


def prepare_env(home: Path) -> None:
    """Offline env + gradio's upload/cache directory inside the data directory (set before importing gradio)."""
    gongkai.settings.apply_offline_env()
    tmp = home / "tmp" / "gradio"
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(tmp)
    os.environ.setdefault("GRADIO_SERVER_NAME", "127.0.0.1")


def warm_up(home: Path) -> None:
    """Load the search index and the QA module in the background so the first answer is quick."""
    try:
        backend.warm(home)
    except Exception:  # noqa: BLE001 - warming is best effort; errors surface on first use
        pass


def launch(host: str = "127.0.0.1", port: int = 7860, password: str | None = None, user: str = "gongkai",
           home: Path | None = None, warm: bool = True, block: bool = True):
    """Start the app; returns (demo, url). With block=False the server runs in a background thread."""
    home = Path(home or gsettings.home())
    home.mkdir(parents=True, exist_ok=True)
    prepare_env(home)
    t0 = time.perf_counter()
    demo = build(home)
    auth = None
    if password:
        def auth(u: str, p: str) -> bool:
            return hmac.compare_digest(u.encode(), user.encode()) & hmac.compare_digest(p.encode(), password.encode())
    limit = gsettings.load().max_upload_mb
    demo.queue(default_concurrency_limit=2)
    _app, url, _ = demo.launch(
        server_name=host, server_port=port, auth=auth, prevent_thread_lock=True, quiet=True,
        allowed_paths=[], blocked_paths=[str(home / "settings.json")], max_file_size=f"{limit}mb",
        footer_links=[], css=CSS, show_error=True, inbrowser=False, share=False, ssr_mode=False,
        enable_monitoring=False, mcp_server=False, pwa=False)
    # Warm the index and records only once the server listens: warming during start-up competes
    # for the interpreter and delayed the first page by 2–4 s; the page itself takes ~1.5 s to load.
    if warm:
        threading.Thread(target=warm_up, args=(home,), daemon=True).start()
    backend.kick_embedder(home)  # documents a killed run left without vectors: resume now
    print(f"Gongkai UI on http://{host}:{port}  (data: {home}; started in {time.perf_counter() - t0:.1f} s)", flush=True)
    if block:
        try:
            demo.block_thread()
        except KeyboardInterrupt:
            pass
        finally:
            demo.close()
    return demo, url
