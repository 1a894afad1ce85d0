"""The Library tab: upload with progress by real stage (one progress block), the documents as
disclosures (kind, level, year, body, tables recognised and not), filter and sort, remove."""

from __future__ import annotations

import html
import queue
import threading
from pathlib import Path

from gongkai import settings as gsettings
from ingest.errors import GongkaiError
from ui import backend, library, uploads, views
from ui import records as rec


def rows(home: Path) -> list[dict]:
    """Every disclosure of the library (ui.library), from the catalog and the records in memory."""
    from qa.records import load_library

    lib = load_library(home)
    merged = {r["doc"]: r for r in lib.records if r.get("parts")}
    return library.disclosures(backend.list_documents(home), lib.part_records, backend.document_states(home), merged)


def file_choices(home: Path) -> list[tuple[str, str]]:
    """(label, doc) of every file, for the Remove and Extraction pickers."""
    records = rec.load(home)
    out = []
    for d in backend.list_documents(home):
        part = {"text": " · 文字部分 text part", "tables": " · 表格部分 tables part"}.get(d.get("part") or "", "") \
            if d.get("disclosure") else ""
        out.append((f"{rec.doc_title(records.get(d['doc']), d['doc'])}{part} ({d['doc']})", d["doc"]))
    return out


def ingest_lines(info: dict, shown: str) -> str:
    tables = info.get("tables")
    n_tables = len(tables) if isinstance(tables, list) else tables
    bits = [f"`{info.get('doc')}`", info.get("department"), info.get("fiscal_year"), info.get("doc_kind"),
            f"{n_tables} tables" if n_tables is not None else None,
            f"{info['chunks']} chunks" if info.get("chunks") is not None else None,
            f"validation: {info['validation']}" if info.get("validation") else None, info.get("note"),
            f"extraction {info['extraction']}" if info.get("extraction") not in (None, "ok") else None,
            "answerable now; vectors in the background" if info.get("state") == "indexed" else None,
            info.get("message") if info.get("status") == "repaired" else None]
    return f"- **成功 OK** {html.escape(shown)} → " + " · ".join(html.escape(str(b)) for b in bits if b)


def failed_line(exc: BaseException, shown: str) -> str:
    if isinstance(exc, (GongkaiError, backend.Missing)):
        msg = str(exc)
        msg = msg[len(shown):].lstrip(": ") if msg.startswith(shown) else msg
        return f"- **失败 FAILED** {html.escape(shown)} — {html.escape(msg)} (`{getattr(exc, 'reason', 'error')}`)"
    return (f"- **失败 FAILED** {html.escape(shown)} — unexpected error: {html.escape(type(exc).__name__)}: "
            f"{html.escape(str(exc))}")


def run_batch(files: list, home: Path):
    """Ingest uploaded files one after another; yields (progress HTML, result lines) after every stage
    of every file. Gradio's own temporary copy of an upload is deleted once staged."""
    limit_mb = gsettings.load().max_upload_mb
    state = [{"name": Path(getattr(f, "name", None) or str(f)).name, "stage": None} for f in files]
    lines: list[str] = []
    for i, f in enumerate(files):
        path = getattr(f, "name", None) or str(f)
        shown = state[i]["name"]
        events: queue.Queue = queue.Queue()
        box: dict = {}

        def work(path=path, shown=shown, box=box, events=events):
            try:
                safe = uploads.check(path, shown, limit_mb)
                staged = uploads.stage(path, safe, home)
                uploads.discard_temp(path, home)
                box["info"] = backend.ingest_file(staged, home, events.put)
            except BaseException as exc:  # noqa: BLE001 - one bad file must not break the batch or the app
                box["error"] = exc
            finally:
                events.put(None)

        t = threading.Thread(target=work, daemon=True)
        t.start()
        while (stage := events.get()) is not None:
            state[i]["stage"] = stage
            yield views.progress_html(state), "\n".join(lines)
        t.join()
        if "error" in box:
            state[i]["failed"] = True
            lines.append(failed_line(box["error"], shown))
        else:
            state[i]["done"] = True
            lines.append(ingest_lines(box["info"], shown))
        yield views.progress_html(state), "\n".join(lines)


def build(home: Path) -> dict:
    import gradio as gr

    with gr.Tab("文件库 Library", id="library"):
        limit_note = gr.Markdown(_limit_text(gsettings.load().max_upload_mb), elem_id="gk-upload-note")
        with gr.Row():
            upload = gr.File(label="上传 Upload", file_count="multiple", file_types=list(uploads.ALLOWED),
                             elem_id="gk-upload", scale=3, height=140)
            with gr.Column(scale=1):
                ingest_btn = gr.Button("导入 Ingest", variant="primary", elem_id="gk-ingest")
                refresh_btn = gr.Button("刷新 Refresh", size="sm", elem_id="gk-refresh")
        progress = gr.HTML("", elem_id="gk-progress")
        status = gr.Markdown(elem_id="gk-ingest-status")
        embed_status = gr.HTML("", elem_id="gk-embed-status")
        with gr.Row():
            query = gr.Textbox(label="筛选 Filter (body, region, file)", elem_id="gk-lib-filter", scale=3)
            kind = gr.Dropdown(["全部 all", *library.KINDS], value="全部 all", label="类型 kind", elem_id="gk-lib-kind",
                               scale=1)
            year = gr.Dropdown(["全部 all"], value="全部 all", label="年度 year", elem_id="gk-lib-year", scale=1)
            sort = gr.Dropdown(list(library.SORTS), value=next(iter(library.SORTS)), label="排序 sort",
                               elem_id="gk-lib-sort", scale=2)
        table = gr.DataFrame(headers=library.COLUMNS, value=None, interactive=False, wrap=True, elem_id="gk-docs",
                             column_widths=["15%", "6%", "8%", "5%", "7%", "9%", "11%", "8%", "17%", "14%"],
                             label="Documents — one row per disclosure; click one to open its record and checks")
        shown_docs = gr.State([])  # the doc ids of each visible row
        with gr.Row():
            remove_pick = gr.Dropdown(choices=[], label="Remove a document (every trace: files, index, vectors, upload)",
                                      elem_id="gk-remove-doc", scale=3)
            remove_btn = gr.Button("删除 Remove", variant="stop", elem_id="gk-remove", scale=1)
        remove_status = gr.Markdown(elem_id="gk-remove-status")

    filters = [query, kind, year, sort]

    def view(q, k, y, s):
        all_rows = rows(home)
        picked = library.select(all_rows, q, k, y, s)
        years = library.years(all_rows)
        return (library.table(picked), [r["docs"] for r in picked],
                gr.update(choices=years, value=y if y in years else "全部 all"))

    view_outs = [table, shown_docs, year]
    for c in (query, kind, year, sort):
        c.change(view, filters, view_outs, show_progress="hidden")
    return {"upload": upload, "ingest": ingest_btn, "refresh": refresh_btn, "progress": progress, "status": status,
            "embed_status": embed_status, "table": table, "shown_docs": shown_docs, "filters": filters,
            "view": view, "view_outs": view_outs, "remove_pick": remove_pick, "remove": remove_btn,
            "remove_status": remove_status, "limit_note": limit_note}


def _limit_text(limit_mb: int) -> str:
    return (f"Upload budget disclosures (PDF, .txt or .md), up to {limit_mb} MB each. Each file is parsed, its "
            "structure recognised, its figures extracted and indexed — answerable seconds later — and its vectors "
            "are computed in the background; a bad file gets a clear reason and nothing already in the library is "
            "affected.")
