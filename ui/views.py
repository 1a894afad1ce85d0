"""The app's HTML pieces (plain Python, no gradio): the typed record, the validation panel, the
summary across documents, the settings table, the connection test, the upload progress and the
background embedder's line. Every figure is labelled and shown through ui.figures."""

from __future__ import annotations

import html
from typing import Any

from gongkai import settings as gsettings
from ui import figures
from ui import records as rec


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


KEY_FIGURES = ("sangong.total", "sangong.overseas_travel", "sangong.reception", "sangong.vehicle_total",
               "operating_expenses", "income.total", "expenditure.total", "expenditure.basic", "expenditure.project",
               "procurement.total", "staffing.authorized", "staffing.actual", "assets.vehicles")


def key_figures_html(disclosure: dict | None) -> str:
    """The headline figures of a disclosure as Chat and Compare show them (the same reading,
    ui.figures.read; a two-file disclosure: both files)."""
    if not disclosure:
        return ""
    units = figures.units_by_line(disclosure)
    rows = []
    for key in KEY_FIGURES:
        r = figures.read(disclosure, key, units)
        if r is None:
            continue
        budget = f"<br><span class='gk-note'>预算数 budget: {html.escape(r.budget_text)}</span>" if r.budget_text else ""
        ev = html.escape(rec.cite(r.evidence[0])) if r.evidence else "—"
        rows.append(f"<tr data-key='{key}'><td>{html.escape(figures.figure_label(key))}<br><span class='gk-note'>"
                    f"{html.escape(figures.figure_label(key, 'en'))}</span></td><td class='gk-fig'>{html.escape(r.text)}"
                    f"{budget}</td><td class='gk-ev'>{ev}</td></tr>")
    if not rows:
        return ""
    both = " (both files of this disclosure)" if disclosure.get("parts") else ""
    return ("<h4>主要数字 Key figures" + html.escape(both) + "</h4><p class='gk-note'>as printed (digits, separators, "
            "the table's unit; the 万元 value beside a figure printed in another unit) — the same reading the chat "
            "and Compare show</p><table class='gk-table gk-keyfigs'><thead><tr><th>项目 figure</th><th>数值 value</th>"
            "<th>出处 evidence</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def record_html(record: dict | None, disclosure: dict | None = None) -> str:
    """The typed record: the key figures (as every view shows them), 三公, function classes, basic
    expenditure by economic class, then every other section; each value as printed with its
    evidence. The parsed disclosure tables follow, folded."""
    if not record:
        return "<p>No extracted record for this document yet (run <code>gongkai ingest</code> or re-upload it).</p>"
    parts = [f"<h3>{html.escape(rec.doc_title(record, record.get('doc', '')))}</h3>",
             key_figures_html(disclosure or record),
             "<p class='gk-note'>每个数字如原文所列（表格单位见表题）；每个数字附出处（页/行与原文）。Every value as printed, "
             "with where it is printed.</p>"]
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
    first = [figures.label("sangong"), figures.label("sangong_narrative")]
    for g in first:
        group(g)
    for path, rows in rec.list_tables(record).items():
        if rows and path.endswith("by_function"):
            header = list(rows[0].keys())
            parts.append(f"<h4>{html.escape(rec.label(path))}</h4>")
            parts.append(_html_table([_column(path, h) for h in header], [[r.get(h, "") for h in header] for r in rows]))
    for caption, header, rows, kind in tables:
        if kind in FEATURED_TABLES and kind != "sangong":
            source_table(caption, header, rows, True)
    order = [figures.label(k) for k in ("sangong_change",)] + ["概况"] + [figures.label(k) for k in (
        "staffing", "income", "expenditure", "fiscal", "operating_expenses_change", "procurement", "assets")]
    for g in order + [g for g in groups if g not in order and g not in first]:
        group(g)
    for path, rows in rec.list_tables(record).items():
        if rows and not path.endswith("by_function"):
            header = list(rows[0].keys())
            parts.append(f"<h4>{html.escape(rec.label(path))}</h4>")
            parts.append(_html_table([_column(path, h) for h in header], [[r.get(h, "") for h in header] for r in rows]))
    parts.append("<h4>预算公开表 Disclosure tables (as parsed)</h4>")
    for caption, header, rows, kind in tables:
        if kind not in FEATURED_TABLES or kind == "sangong":
            source_table(caption, header, rows, False)
    if record.get("warnings"):
        parts.append("<h4>Warnings</h4><ul>" + "".join(f"<li>{html.escape(str(w))}</li>" for w in record["warnings"]) + "</ul>")
    return "".join(parts)


def _column(list_path: str, key: str) -> str:
    if key == "evidence":
        return "出处 evidence"
    return figures.label(f"{list_path}.0.{key}")


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
    """Across all disclosures (a two-file disclosure as one; `records`: the library's merged records,
    which keep the checks that did not pass and a count of every status): which checks fire most,
    which bodies."""
    from collections import Counter

    from extract.report import build

    rep = build(records)
    s = rep["summary"]
    counts: Counter = Counter()
    for r in records:
        counts.update(r.get("validation_counts") or {})
    statuses = dict(counts) or s["statuses"]
    out = [f"<p><b>{s['documents']} disclosures, {s['documents_with_findings']} with findings</b> — "
           + html.escape(", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))) + "</p>"]
    out.append("<table class='gk-table'><thead><tr><th>check (rule)</th><th>findings</th><th>what it says</th></tr></thead><tbody>"
               + "".join(f"<tr><td><code>{html.escape(r['rule'])}</code></td><td>{r['count']}</td><td>{html.escape(r['zh'])}</td></tr>"
                         for r in s["rules"]) + "</tbody></table>")
    out.append("<table class='gk-table'><thead><tr><th>body</th><th>findings</th></tr></thead><tbody>"
               + "".join(f"<tr><td>{html.escape(str(b['body']))}</td><td>{b['findings']}</td></tr>" for b in s["bodies"])
               + "</tbody></table>")
    return "".join(out)


STAGES = [("parse", "解析 parse"), ("structure", "结构 structure"), ("extract", "抽取 extract"),
          ("index", "索引 index"), ("embed", "向量 vectors")]


def progress_html(files: list[dict]) -> str:
    """The upload's progress, drawn in one place: a bar over the batch (each file counts its stages)
    and one line per file with the stage it is in. `files`: [{"name", "stage", "done", "failed"}]
    — "stage" is a key of STAGES; vectors are computed in the background (see the line below)."""
    if not files:
        return ""
    order = [k for k, _ in STAGES[:-1]]
    total = len(files) * len(order)
    done = 0
    lines = []
    for f in files:
        if f.get("done") or f.get("failed"):
            n = len(order)
        elif f.get("stage") in order:
            n = order.index(f["stage"])
        else:
            n = 0
        done += n
        chips = []
        for k, name in STAGES:
            if f.get("failed"):
                cls = "gk-st-failed" if k == f.get("stage") else "gk-st-skip"
            elif k == "embed":
                cls = "gk-st-bg" if f.get("done") else "gk-st-todo"
            elif f.get("done") or (k in order and order.index(k) < n):
                cls = "gk-st-done"
            elif k == f.get("stage"):
                cls = "gk-st-now"
            else:
                cls = "gk-st-todo"
            chips.append(f"<span class='gk-st {cls}' data-stage='{k}'>{html.escape(name)}</span>")
        state = "失败 failed" if f.get("failed") else "完成 done" if f.get("done") else "…"
        lines.append(f"<li data-file='{html.escape(f['name'])}'><b>{html.escape(f['name'])}</b> {''.join(chips)} "
                     f"<span class='gk-note'>{state}</span></li>")
    pct = 100.0 * done / total
    current = next((i for i, f in enumerate(files) if not (f.get("done") or f.get("failed"))), None)
    head = (f"文件 file {current + 1} of {len(files)}" if current is not None else f"{len(files)} of {len(files)} files")
    return (f"<div class='gk-progress' data-pct='{pct:.0f}'><div class='gk-progress-head'>{head} · {pct:.0f}%</div>"
            f"<div class='gk-bar-out'><div class='gk-bar-in' style='width:{pct:.1f}%'></div></div>"
            f"<ul class='gk-files'>{''.join(lines)}</ul><span class='gk-note'>向量 vectors are computed in the "
            "background after a file is answerable: their progress is the line below.</span></div>")


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




CSS = """
.gk-progress{border:1px solid #ddd;border-radius:6px;padding:6px 10px;margin:6px 0;background:#fafafa}
.gk-bar-out{height:8px;background:#e6e6e6;border-radius:4px;overflow:hidden;margin:4px 0}
.gk-bar-in{height:8px;background:#3a6fb0;transition:width .3s}
.gk-files{list-style:none;padding-left:0;margin:4px 0}
.gk-st{display:inline-block;font-size:11px;border-radius:3px;padding:0 5px;margin-left:3px}
.gk-st-done{background:#d8ecd8;color:#225522}
.gk-st-now{background:#3a6fb0;color:#fff}
.gk-st-todo{background:#eee;color:#999}
.gk-st-bg{background:#fff3cd;color:#7a5b00}
.gk-st-failed{background:#f8d7da;color:#842029}
.gk-st-skip{background:#f4f4f4;color:#bbb;text-decoration:line-through}
.gk-fig{white-space:nowrap;font-variant-numeric:tabular-nums}
"""
