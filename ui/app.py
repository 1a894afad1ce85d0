"""The Gradio app: Chat · Library · Extraction · Compare · Settings.

Offline and local by default: binds 127.0.0.1, sets the no-telemetry environment before gradio is
imported, keeps gradio's upload/cache directory under $GONGKAI_HOME and serves nothing else.
"""

from __future__ import annotations

import hmac
import html
import os
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

import gongkai  # noqa: F401  (offline environment first)
from gongkai import settings as gsettings
from ingest.errors import GongkaiError
from ui import backend, exports, passage, uploads
from ui import records as rec

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


# -- view helpers (plain Python, no gradio) -----------------------------------------------------

def documents_rows(home: Path) -> list[list[Any]]:
    records = rec.load(home)
    states = backend.document_states(home)
    rows = []
    for d in backend.list_documents(home):
        r = records.get(d["doc"])
        tables = d.get("tables")
        n_tables = len(tables) if isinstance(tables, (list, dict)) else (tables or 0)
        dept = d.get("department") or (rec.leaf(r, "department")[0] if r else None)
        year = d.get("fiscal_year") or (rec.leaf(r, "fiscal_year")[0] if r else None)
        rows.append([d["doc"], dept or "—", d.get("region") or "—", year or "—", n_tables,
                     d.get("chunks", "—"), states.get(d["doc"], "—"), rec.validation_summary(r)])
    return rows


DOC_COLUMNS = ["doc", "单位 unit", "地区 region", "年度 year", "表 tables", "chunks", "状态 state", "校验 validation"]


def embed_markdown(st: dict) -> str:
    """The Library's line about the background embedding (real progress: documents and chunks done,
    rate, time left)."""
    if not st.get("answerable"):
        return ""
    if not st.get("text"):
        return f"<span class='gk-note'>向量 vectors: all {st['answerable']} documents embedded.</span>"
    return f"<span class='gk-note'>向量 vectors: {html.escape(st['text'])}.</span>"


def chat_note(st: dict) -> str:
    """Under the chat: said only while some documents have no vectors yet."""
    if not st.get("waiting"):
        return ""
    return (f"<span class='gk-note'>{st['waiting']} of {st['answerable']} documents are still being embedded: "
            "their figures and keyword search answer now; passage search finds them by keywords until their "
            "vectors are written.</span>")


def _html_table(header: list[str], rows: list[list[Any]], cls: str = "gk-table") -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# Disclosure tables shown open in the Extraction view (by the template's table kind, not number).
FEATURED_TABLES = ("sangong", "general_budget_basic")


def record_html(record: dict | None) -> str:
    """The typed record: 三公, function classes, basic expenditure by economic class, then every
    other section; each value with its evidence. The parsed disclosure tables follow, folded."""
    if not record:
        return "<p>No extracted record for this document yet (run <code>gongkai ingest</code> or re-upload it).</p>"
    parts = [f"<h3>{html.escape(rec.doc_title(record, record.get('doc', '')))}</h3>",
             "<p class='gk-note'>金额单位：万元（按各表所列单位换算）；每个数字附出处（页/行与原文）。</p>"]
    groups = rec.scalar_groups(record)

    def group(g: str) -> None:
        items = [i for i in groups.get(g, []) if i["value"] != "—"]
        if items:
            parts.append(f"<h4>{html.escape(g)}</h4>")
            parts.append(_html_table(["项目", "数值", "出处 evidence"],
                                     [[i["field"], i["value"], i["evidence"]] for i in items]))

    def source_table(caption: str, header: list[str], rows: list[list[str]], open_: bool) -> None:
        parts.append(f"<details class='gk-srctable'{' open' if open_ else ''}><summary>{html.escape(caption)}</summary>"
                     f"{_html_table(header, rows) if rows else '<p>(no rows)</p>'}</details>")

    tables = rec.source_tables(record)
    first = ["“三公”经费（表10）", "“三公”经费（情况说明）"]
    for g in first:
        group(g)
    for path, rows in rec.list_tables(record).items():
        if rows and path.endswith("by_function"):
            header = list(rows[0].keys())
            parts.append(f"<h4>{html.escape(rec.label(path))} <code>{html.escape(path)}</code></h4>")
            parts.append(_html_table([rec.COLUMN_LABELS.get(h, h) for h in header],
                                     [[r.get(h, "") for h in header] for r in rows]))
    for caption, header, rows, kind in tables:
        if kind in FEATURED_TABLES and kind != "sangong":
            source_table(caption, header, rows, True)
    order = ["“三公”经费增减", "概况", "人员编制", "收入", "支出", "财政拨款", "机关运行经费", "机关运行经费增减",
             "政府采购", "国有资产占用"]
    for g in order + [g for g in groups if g not in order and g not in first]:
        group(g)
    for path, rows in rec.list_tables(record).items():
        if rows and not path.endswith("by_function"):
            header = list(rows[0].keys())
            parts.append(f"<h4>{html.escape(rec.label(path))} <code>{html.escape(path)}</code></h4>")
            parts.append(_html_table([rec.COLUMN_LABELS.get(h, h) for h in header],
                                     [[r.get(h, "") for h in header] for r in rows]))
    parts.append("<h4>预算公开表 Disclosure tables (as parsed)</h4>")
    for caption, header, rows, kind in tables:
        if kind not in FEATURED_TABLES or kind == "sangong":
            source_table(caption, header, rows, False)
    if record.get("warnings"):
        parts.append("<h4>Warnings</h4><ul>" + "".join(f"<li>{html.escape(str(w))}</li>" for w in record["warnings"]) + "</ul>")
    return "".join(parts)


def validation_html(record: dict | None) -> str:
    """The document's findings by severity (errors, then warnings, then the rest), each with both sides,
    the difference, why, and where every figure is printed; passing checks folded below — the same as
    `gongkai validate --format html` shows for the document."""
    rows = rec.validation_rows(record)
    if not rows:
        return "<p>No validation results.</p>"
    summary = html.escape(rec.validation_summary(record))

    def table(rs: list[dict]) -> str:
        body = []
        for r in rs:
            figs = "<br>".join(html.escape(f) for f in r.get("figures") or []) or html.escape(r["evidence"])
            note = f"<br><span class='gk-note'>{html.escape(r['note'])}</span>" if r.get("note") else ""
            body.append(
                f"<tr class='gk-v-{html.escape(str(r['raw_status']))}'><td>{html.escape(r['status'])}</td>"
                f"<td><code>{html.escape(r['check'])}</code><br>{html.escape(r['description'])}{note}</td>"
                f"<td>{html.escape(r['lhs'])}</td><td>{html.escape(r['rhs'])}</td><td>{html.escape(r['difference'])}</td>"
                f"<td class='gk-ev'>{figs}</td></tr>")
        return ("<table class='gk-table gk-validation'><thead><tr><th>status</th><th>identity</th><th>lhs</th>"
                f"<th>rhs</th><th>difference</th><th>figures: where printed, quote</th></tr></thead><tbody>{''.join(body)}"
                "</tbody></table>")

    out = [f"<p><b>{summary}</b> — identities: docs/validation.md</p>"]
    shown = False
    for sev, title in (("error", "不符 Findings: mismatch"), ("warning", "无法由舍入解释 Findings: irreproducible rounding"),
                       ("info", "舍入差与数据不足 Rounding and insufficient data")):
        group = [r for r in rows if r.get("severity") == sev and r["raw_status"] != "pass"]
        if group:
            shown = True
            out.append(f"<h4>{html.escape(title)} ({len(group)})</h4>{table(group)}")
    if not shown:
        out.append("<p>Every identity that could be checked holds.</p>")
    passed = [r for r in rows if r["raw_status"] in ("pass", "not_applicable")]
    if passed:
        out.append(f"<details class='gk-srctable'><summary>通过 {len(passed)} passing / not applicable checks</summary>"
                   f"{table(passed)}</details>")
    return "".join(out)


def validation_overview_html(records: list[dict]) -> str:
    """Across all documents (a two-file disclosure as one): which checks fire most, which bodies."""
    from extract.merge import merge_halves
    from extract.report import build

    merged, _ = merge_halves(records)
    rep = build(merged)
    s = rep["summary"]
    out = [f"<p><b>{s['documents']} documents, {s['documents_with_findings']} with findings</b> — "
           + html.escape(", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items()))) + "</p>"]
    out.append("<table class='gk-table'><thead><tr><th>check (rule)</th><th>findings</th><th>what it says</th></tr></thead><tbody>"
               + "".join(f"<tr><td><code>{html.escape(r['rule'])}</code></td><td>{r['count']}</td><td>{html.escape(r['zh'])}</td></tr>"
                         for r in s["rules"]) + "</tbody></table>")
    out.append("<table class='gk-table'><thead><tr><th>body</th><th>findings</th></tr></thead><tbody>"
               + "".join(f"<tr><td>{html.escape(str(b['body']))}</td><td>{b['findings']}</td></tr>" for b in s["bodies"])
               + "</tbody></table>")
    return "".join(out)


def compare_frame(home: Path, path: str):
    """(table, bar-chart frame, {doc: first citation}) of one metric across all documents."""
    import pandas as pd

    rows = rec.compare_rows(rec.load(home), path)
    unit = rec.metric_unit(path)
    table = pd.DataFrame([[r["department"], r["fiscal_year"], r["shown"], r["evidence"] or "—", r["flag"], r["doc"]]
                          for r in rows],
                         columns=["单位 unit", "年度 year", f"{rec.label(path)}{'（' + unit + '）' if unit else ''}",
                                  "出处 evidence", "校验 flag", "doc"])
    plot = pd.DataFrame([{"unit": r["department"], "value": float(r["value"])} for r in rows if r["value"] is not None],
                        columns=["unit", "value"])
    cites = {r["doc"]: r["citations"][0] for r in rows if r["citations"]}
    return table, plot, cites


def compare_source_html(row: list | None, cites: dict, home: Path) -> str:
    """The passage behind one Compare row (its last column is the doc id)."""
    doc = str(row[-1]) if row else ""
    if doc not in cites:
        return f"<p class='gk-note'>No source: the document does not state this figure ({html.escape(doc)}).</p>"
    return passage.citation_html(cites[doc], home)


def settings_markdown(s: gsettings.Settings) -> str:
    pub = s.public()
    src = gsettings.sources()

    def where(name: str) -> str:
        return {"env": f" <span class='gk-note'>(from {gsettings.env_name(name)})</span>",
                "file": "", "default": ""}[src.get(name, "default")]

    llm = (f"on — <code>{html.escape(pub['llm_base_url'])}</code>{where('llm_base_url')} model "
           f"<code>{html.escape(pub['llm_model'] or '(none set)')}</code>{where('llm_model')}"
           if s.llm_enabled else "off")
    key = ("set (hidden)" if s.llm_api_key else "not set") + where("llm_api_key")
    if src.get("llm_api_key") == "env":
        key += "<br><span class='gk-note'>the environment's key is used and never saved; a key saved here counts " \
               "only once that variable is unset</span>"
    items = [("LLM endpoint", llm), ("API key", key),
             ("LLM deadline", f"{s.llm_timeout_s:g} s per question · {s.llm_doc_timeout_s:g} s per document"),
             ("structured output", html.escape(s.llm_structured)),
             ("retrieval depth (top_k)", pub["top_k"]),
             ("embedder", f"<code>{html.escape(str(pub['embedder']))}</code>"), ("upload limit", f"{pub['max_upload_mb']} MB")]
    warn = "".join(f"<p class='gk-note'>⚠ {html.escape(w)}</p>" for w in gsettings.file_problems())
    return ("<table class='gk-table gk-settings'><tbody>"
            + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in items) + "</tbody></table>" + warn)


def check_html(report) -> str:
    """The connection test's report: each step in plain words."""
    marks = {"ok": "✓", "fail": "✗", "note": "•"}
    rows = "".join(f"<li>{marks.get(st.status, '•')} <b>{html.escape(st.name)}</b>: {html.escape(st.message)}</li>"
                   for st in report.steps)
    head = ("<p><b>✓ The LLM endpoint works.</b></p>" if report.ok
            else f"<p><b>✗ Not usable:</b> {html.escape(report.problem or 'see below')}</p>")
    return f"<div class='gk-check'>{head}<ul>{rows}</ul></div>"


# -- the app ------------------------------------------------------------------------------------

def build(home: Path | None = None):
    """Build the gr.Blocks app over the data directory `home`."""
    import gradio as gr

    home = Path(home or gsettings.home())
    convs = Conversations()
    from extract.endpoint import budget

    budget.BATCH.cooldown_s = 300  # uploads try the LLM again 5 min after it timed out

    def doc_choices() -> list[tuple[str, str]]:
        records = rec.load(home)
        return [(f"{rec.doc_title(records.get(d['doc']), d['doc'])} ({d['doc']})", d["doc"])
                for d in backend.list_documents(home)]

    with gr.Blocks(title="Gongkai 公开") as demo:
        gr.Markdown(f"## Gongkai 公开 · 预算公开文件问答与核验\n<span class='gk-note'>data: <code>{html.escape(str(home))}</code> · offline</span>")
        session = gr.State(None)
        source_state = gr.State([])
        with gr.Tabs() as tabs:
            # ---------------------------------------------------------------- Chat
            with gr.Tab("问答 Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(label="问答", elem_id="gk-chat", height=460, buttons=["copy"],
                                          feedback_options=None)
                        with gr.Row():
                            question = gr.Textbox(placeholder="例如：某局2024年三公经费是多少？", show_label=False,
                                                  elem_id="gk-question", scale=5, max_lines=3)
                            send = gr.Button("提问 Ask", variant="primary", elem_id="gk-ask", scale=1)
                        clear = gr.Button("新对话 New conversation", size="sm", elem_id="gk-new")
                        chat_embed_note = gr.HTML("", elem_id="gk-chat-note")
                    with gr.Column(scale=2):
                        sources = gr.Radio(choices=[], label="来源 Sources — click to open", elem_id="gk-sources",
                                           interactive=True)
                        passage_box = gr.HTML("<p class='gk-note'>Click a source to see the passage in context.</p>",
                                              elem_id="gk-passage")

                def on_ask(q: str, history: list, sid: str | None):
                    q = (q or "").strip()
                    if not q:
                        return gr.update(), history, sid, gr.update(), [], gr.update()
                    sid = sid or uuid.uuid4().hex
                    history = list(history or [])
                    history.append({"role": "user", "content": q})
                    try:
                        md, srcs = backend.answer_markdown(convs.get(sid, home), q, home)
                    except GongkaiError as exc:
                        md, srcs = f"**【错误 error】** {html.escape(str(exc))}", []
                    except backend.Missing as exc:
                        md, srcs = f"**【不可用 unavailable】** {html.escape(str(exc))}", []
                    history.append({"role": "assistant", "content": md})
                    labels = [label for label, _ in srcs]
                    return ("", history, sid, gr.update(choices=labels, value=None), [c for _, c in srcs],
                            "<p class='gk-note'>Click a source to see the passage in context.</p>")

                outs = [question, chat, session, sources, source_state, passage_box]
                send.click(on_ask, [question, chat, session], outs)
                question.submit(on_ask, [question, chat, session], outs)

                def on_source(label: str | None, srcs: list, choices_sid):
                    if not label:
                        return gr.update()
                    try:
                        idx = int(label.split("]", 1)[0].lstrip("[")) - 1
                        citation = srcs[idx]
                    except (ValueError, IndexError):
                        return "<p>Source not found.</p>"
                    return passage.citation_html(citation, home)

                sources.change(on_source, [sources, source_state, session], passage_box)

                def on_clear(sid):
                    convs.drop(sid)
                    return [], None, gr.update(choices=[], value=None), [], ""

                clear.click(on_clear, [session], [chat, session, sources, source_state, passage_box])
                chat.clear(on_clear, [session], [chat, session, sources, source_state, passage_box])

            # ---------------------------------------------------------------- Library
            with gr.Tab("文件库 Library", id="library"):
                limit = gsettings.load().max_upload_mb
                gr.Markdown(f"Upload budget disclosures (PDF, .txt or .md), up to {limit} MB each. "
                            "Each file is parsed, extracted and indexed — answerable about a second later — and "
                            "its vectors are computed in the background; a bad file gets a clear reason and "
                            "nothing already in the library is affected.")
                with gr.Row():
                    upload = gr.File(label="上传 Upload", file_count="multiple", file_types=list(uploads.ALLOWED),
                                     elem_id="gk-upload", scale=3)
                    with gr.Column(scale=1):
                        ingest_btn = gr.Button("导入 Ingest", variant="primary", elem_id="gk-ingest")
                        refresh_btn = gr.Button("刷新 Refresh", size="sm", elem_id="gk-refresh")
                ingest_status = gr.Markdown(elem_id="gk-ingest-status")
                embed_status = gr.HTML("", elem_id="gk-embed-status")
                docs_table = gr.DataFrame(headers=DOC_COLUMNS, value=None, interactive=False, wrap=True,
                                          elem_id="gk-docs", label="Documents — click one to open its record and checks")
                with gr.Row():
                    remove_pick = gr.Dropdown(choices=[], label="Remove a document", elem_id="gk-remove-doc", scale=3)
                    remove_btn = gr.Button("删除 Remove", variant="stop", elem_id="gk-remove", scale=1)
                remove_status = gr.Markdown(elem_id="gk-remove-status")

            # ---------------------------------------------------------------- Extraction
            with gr.Tab("提取与校验 Extraction", id="extraction"):
                with gr.Row():
                    ext_doc = gr.Dropdown(choices=[], label="Document", elem_id="gk-ext-doc", scale=3)
                    fmt = gr.Radio(list(exports.FORMATS), value="csv", label="Download format", elem_id="gk-fmt",
                                   scale=2)
                with gr.Row():
                    dl_one = gr.Button("下载本文件 Download this document", elem_id="gk-dl-one")
                    dl_all = gr.Button("下载全部 Download all documents", elem_id="gk-dl-all")
                download = gr.File(label="Download", elem_id="gk-download", interactive=False, file_count="multiple",
                                   visible=False)
                with gr.Accordion("校验汇总 Validation across all documents", open=False, elem_id="gk-validation-all-acc"):
                    validation_all = gr.HTML(elem_id="gk-validation-all")
                    with gr.Row():
                        report_fmt = gr.Radio(["html", "md", "csv"], value="html", label="Report format",
                                              elem_id="gk-report-fmt", scale=2)
                        report_btn = gr.Button("下载校验报告 Download the validation report", elem_id="gk-report-dl",
                                               scale=2)
                with gr.Accordion("校验 Validation — the document's own arithmetic", open=False,
                                  elem_id="gk-validation-acc"):
                    validation_box = gr.HTML(elem_id="gk-validation")
                    with gr.Row():
                        v_sources = gr.Dropdown(choices=[], value=None, elem_id="gk-v-sources",
                                                label="出处 Open the evidence of a flagged check")
                    v_cites = gr.State([])
                    v_passage = gr.HTML("", elem_id="gk-v-passage")
                val_sources = gr.Dropdown(choices=[], value=None, elem_id="gk-val-sources", filterable=True,
                                          label="出处 Open where a value is printed (type to filter, e.g. 三公)")
                val_cites = gr.State([])
                val_passage = gr.HTML("", elem_id="gk-val-passage")
                record_box = gr.HTML(elem_id="gk-record")

                def on_doc(doc: str | None):
                    if not doc:
                        return ("<p>Pick a document.</p>", "", gr.update(choices=[], value=None), [], "",
                                gr.update(choices=[], value=None), [], "")
                    record = rec.load(home).get(doc)
                    flagged, values = rec.flagged_evidence(record), rec.value_sources(record)
                    return (record_html(record), validation_html(record),
                            gr.update(choices=[label for label, _ in flagged], value=None), [c for _, c in flagged], "",
                            gr.update(choices=[label for label, _ in values], value=None), [c for _, c in values], "")

                ext_doc.change(on_doc, [ext_doc], [record_box, validation_box, v_sources, v_cites, v_passage,
                                                   val_sources, val_cites, val_passage])

                def on_pick_source(label: str | None, cites: list):
                    if not label:
                        return ""
                    try:
                        return passage.citation_html(cites[int(label.split("]", 1)[0].lstrip("[")) - 1], home)
                    except (ValueError, IndexError):
                        return "<p>Source not found.</p>"

                v_sources.change(on_pick_source, [v_sources, v_cites], v_passage)
                val_sources.change(on_pick_source, [val_sources, val_cites], val_passage)

                def on_download(doc: str | None, fmt_: str, all_docs: bool):
                    records = rec.load(home)
                    if all_docs:
                        chosen, name = list(records.values()), "gongkai_all"
                    else:
                        if not doc or doc not in records:
                            raise gr.Error("Pick a document with an extracted record first.")
                        chosen, name = [records[doc]], doc
                    if not chosen:
                        raise gr.Error("No extracted records yet.")
                    return gr.update(value=[str(p) for p in exports.export(chosen, fmt_, home, name)], visible=True)

                def on_report(fmt_: str):
                    from extract.merge import merge_halves
                    from extract.report import RENDER, build

                    records = list(rec.load(home).values())
                    if not records:
                        raise gr.Error("No extracted records yet.")
                    merged, _ = merge_halves(records)
                    out_dir = home / "exports"
                    out_dir.mkdir(parents=True, exist_ok=True)
                    path = out_dir / f"gongkai_validation.{fmt_}"
                    path.write_text(RENDER[fmt_](build(merged)), encoding="utf-8")
                    return gr.update(value=[str(path)], visible=True)

                report_btn.click(on_report, [report_fmt], download)
                dl_one.click(lambda d, f: on_download(d, f, False), [ext_doc, fmt], download)
                dl_all.click(lambda d, f: on_download(d, f, True), [ext_doc, fmt], download)

            # ---------------------------------------------------------------- Compare
            with gr.Tab("对比 Compare", id="compare"):
                metric = gr.Dropdown(choices=[(f"{rec.label(p)} ({p})", p) for p in rec.COMPARE_METRICS],
                                     value=rec.COMPARE_METRICS[0], label="Metric", elem_id="gk-metric")
                cmp_plot = gr.BarPlot(x="unit", y="value", title="", elem_id="gk-cmp-plot", height=320,
                                      x_label_angle=0, sort="-y")
                gr.Markdown("<span class='gk-note'>点击表格中的一行查看原文出处 · Click a row to open the passage "
                            "its figure is read from.</span>")
                cmp_table = gr.DataFrame(interactive=False, wrap=True, elem_id="gk-cmp-table")
                cmp_cites = gr.State({})
                cmp_passage = gr.HTML("", elem_id="gk-cmp-passage")

                def on_metric(path: str):
                    table, plot, cites = compare_frame(home, path)
                    unit = rec.metric_unit(path)
                    return (table, gr.update(value=plot, y_title=f"{rec.label(path)}{'（' + unit + '）' if unit else ''}",
                                             x_title="单位"), cites, "")

                metric.change(on_metric, [metric], [cmp_table, cmp_plot, cmp_cites, cmp_passage])

                def on_cmp_select(cites: dict, evt):
                    return compare_source_html(evt.row_value, cites, home)

                # gradio passes the clicked row when the parameter is annotated with the class itself
                # (a string annotation, as `from __future__ import annotations` makes, is not resolved)
                on_cmp_select.__annotations__["evt"] = gr.SelectData

                cmp_table.select(on_cmp_select, [cmp_cites], cmp_passage)

            # ---------------------------------------------------------------- Settings
            with gr.Tab("设置 Settings", id="settings"):
                s0 = gsettings.load()
                settings_md = gr.HTML(settings_markdown(s0), elem_id="gk-settings-now")
                gr.Markdown("An LLM is off unless an endpoint is set (OpenAI-compatible, e.g. a local "
                            "llama.cpp server). Numbers always come from the validated records.")
                llm_url = gr.Textbox(label="LLM endpoint (base URL; empty = off)", value=s0.llm_base_url,
                                     elem_id="gk-llm-url")
                llm_model = gr.Textbox(label="LLM model", value=s0.llm_model, elem_id="gk-llm-model")
                llm_key = gr.Textbox(label="API key (never shown; leave empty to keep the current one)",
                                     type="password", value="", elem_id="gk-llm-key")
                clear_key = gr.Checkbox(label="Remove the stored API key", value=False, elem_id="gk-llm-key-clear")
                with gr.Row():
                    llm_timeout = gr.Number(label="LLM deadline per question (s)", value=s0.llm_timeout_s, minimum=1,
                                            elem_id="gk-llm-timeout")
                    llm_structured = gr.Dropdown(choices=list(gsettings.STRUCTURED_MODES), value=s0.llm_structured,
                                                 label="Structured output (auto = as detected by Test connection)",
                                                 elem_id="gk-llm-structured")
                top_k = gr.Slider(1, 30, value=s0.top_k, step=1, label="Retrieval depth (top_k)",
                                  elem_id="gk-topk")
                with gr.Row():
                    save_btn = gr.Button("保存 Save", variant="primary", elem_id="gk-save")
                    test_btn = gr.Button("测试连接 Test connection", elem_id="gk-llm-test")
                save_status = gr.Markdown(elem_id="gk-save-status")
                test_out = gr.HTML(elem_id="gk-llm-check")

                def on_save(url: str, model: str, key: str, drop_key: bool, k: float, timeout_s, structured):
                    try:
                        s = backend.save_settings(url, model, key, drop_key, int(k), timeout_s, structured)
                    except ValueError as exc:
                        raise gr.Error(str(exc)) from None
                    return settings_markdown(s), "", False, "Saved."

                save_btn.click(on_save, [llm_url, llm_model, llm_key, clear_key, top_k, llm_timeout, llm_structured],
                               [settings_md, llm_key, clear_key, save_status])

                def on_test(url: str, model: str, key: str, timeout_s):
                    return check_html(backend.test_connection(url, model, key, timeout_s))

                test_btn.click(on_test, [llm_url, llm_model, llm_key, llm_timeout], test_out)

        # ---------------------------------------------------------------- shared refresh
        def refresh(selected: str | None = None):
            choices = doc_choices()
            ids = [v for _, v in choices]
            keep = selected if selected in ids else (ids[0] if ids else None)
            return (documents_rows(home), gr.update(choices=choices, value=None),
                    gr.update(choices=choices, value=keep), validation_overview_html(list(rec.load(home).values())))

        refresh_outs = [docs_table, remove_pick, ext_doc, validation_all]

        def on_ingest(files, current, progress=gr.Progress()):
            files = files or []
            if not files:
                return ("Choose one or more files first.", *refresh(current))
            limit_mb = gsettings.load().max_upload_mb
            lines = []
            for i, f in enumerate(files):
                path = getattr(f, "name", None) or str(f)
                shown = Path(path).name
                progress((i, len(files)), desc=f"{shown}: checking")
                try:
                    safe = uploads.check(path, shown, limit_mb)
                    staged = uploads.stage(path, safe, home)
                    info = backend.ingest_file(staged, home,
                                               lambda frac, msg, i=i: progress(((i + frac), len(files)), desc=f"{shown}: {msg}"))
                    tables = info.get("tables")
                    n_tables = len(tables) if isinstance(tables, list) else tables
                    bits = [f"`{info.get('doc')}`", info.get("department"), info.get("fiscal_year"),
                            f"{n_tables} tables" if n_tables is not None else None,
                            f"{info['chunks']} chunks" if info.get("chunks") is not None else None,
                            f"validation: {info['validation']}" if info.get("validation") else None,
                            info.get("note"),
                            f"extraction {info['extraction']}" if info.get("extraction") not in (None, "ok") else None,
                            "answerable now; vectors in the background" if info.get("state") == "indexed" else None,
                            info.get("message") if info.get("status") == "repaired" else None]
                    lines.append(f"- **成功 OK** {html.escape(shown)} → " + " · ".join(html.escape(str(b)) for b in bits if b))
                except (GongkaiError, backend.Missing) as exc:
                    reason = getattr(exc, "reason", "error")
                    msg = str(exc)
                    msg = msg[len(shown):].lstrip(": ") if msg.startswith(shown) else msg
                    lines.append(f"- **失败 FAILED** {html.escape(shown)} — {html.escape(msg)} (`{reason}`)")
                except Exception as exc:  # noqa: BLE001 - one bad file must not break the batch or the app
                    lines.append(f"- **失败 FAILED** {html.escape(shown)} — unexpected error: {html.escape(type(exc).__name__)}: "
                                 f"{html.escape(str(exc))}")
            progress((len(files), len(files)), desc="done")
            return ("\n".join(lines), *refresh(current))

        def on_doc_row(evt):
            """Clicking a document in the Library opens it in the Extraction view."""
            row = evt.row_value or []
            if not row or not row[0]:
                return gr.update(), gr.update()
            return gr.Tabs(selected="extraction"), gr.update(value=str(row[0]))

        on_doc_row.__annotations__["evt"] = gr.SelectData  # see on_cmp_select
        docs_table.select(on_doc_row, None, [tabs, ext_doc])

        ingest_btn.click(on_ingest, [upload, ext_doc], [ingest_status, *refresh_outs], concurrency_limit=1)
        refresh_btn.click(lambda cur: refresh(cur), [ext_doc], refresh_outs)

        def on_remove(doc: str | None, current):
            if not doc:
                return ("Pick a document to remove.", *refresh(current))
            try:
                backend.remove_document(doc, home)
                msg = f"Removed `{doc}`."
            except (GongkaiError, backend.Missing, KeyError, FileNotFoundError) as exc:
                msg = f"**失败 FAILED** could not remove `{doc}`: {html.escape(str(exc))}"
            return (msg, *refresh(current))

        remove_btn.click(on_remove, [remove_pick, ext_doc], [remove_status, *refresh_outs], concurrency_limit=1)

        states_seen = gr.State(None)

        def on_load():
            docs, rm, ext, overview = refresh(None)
            st = backend.embed_status(home)
            return (docs, rm, ext, overview, *on_metric(rec.COMPARE_METRICS[0]), embed_markdown(st), chat_note(st),
                    sorted(backend.document_states(home).items()))

        demo.load(on_load, None, [docs_table, remove_pick, ext_doc, validation_all, cmp_table, cmp_plot, cmp_cites,
                                  cmp_passage, embed_status, chat_embed_note, states_seen])

        # ---------------------------------------------------------------- background embedding
        # Every 2 s: the embedder's progress, the chat note, and the library table when a document's
        # state changed (answerable → ready). A document waiting without a running embedder (e.g.
        # it was killed) gets one started again, at most every 30 s.
        ticker = gr.Timer(2.0)
        last_kick = [0.0]

        def on_tick(seen):
            st = backend.embed_status(home)
            if st.get("waiting") and not st.get("running") and time.monotonic() - last_kick[0] > 30:
                last_kick[0] = time.monotonic()
                backend.kick_embedder(home)
            sig = sorted(backend.document_states(home).items())
            table = documents_rows(home) if sig != seen else gr.update()
            return embed_markdown(st), chat_note(st), table, sig

        ticker.tick(on_tick, [states_seen], [embed_status, chat_embed_note, docs_table, states_seen],
                    show_progress="hidden", queue=False)
    return demo


CSS = passage.CSS + """
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
