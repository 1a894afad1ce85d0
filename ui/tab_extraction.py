"""The Extraction tab: a document's typed record (key figures as every view shows them, then every
value as printed with its evidence), its validation with the evidence opened where it is printed,
downloads."""

from __future__ import annotations

from pathlib import Path

from ui import exports, views
from ui import records as rec
from ui.viewer import PageViewer


def build(home: Path) -> dict:
    import gradio as gr

    with gr.Tab("提取与校验 Extraction", id="extraction"):
        with gr.Row():
            doc = gr.Dropdown(choices=[], label="Document", elem_id="gk-ext-doc", scale=3)
            fmt = gr.Radio(list(exports.FORMATS), value="csv", label="Download format", elem_id="gk-fmt", scale=2)
        with gr.Row():
            dl_one = gr.Button("下载本文件 Download this document", elem_id="gk-dl-one")
            dl_all = gr.Button("下载全部 Download all documents", elem_id="gk-dl-all")
        download = gr.File(label="Download", elem_id="gk-download", interactive=False, file_count="multiple",
                           visible=False)
        with gr.Accordion("校验汇总 Validation across all documents", open=False,
                          elem_id="gk-validation-all-acc") as overview_acc:
            overview = gr.HTML(elem_id="gk-validation-all")
            with gr.Row():
                report_fmt = gr.Radio(["html", "md", "csv"], value="html", label="Report format",
                                      elem_id="gk-report-fmt", scale=2)
                report_btn = gr.Button("下载校验报告 Download the validation report", elem_id="gk-report-dl", scale=2)
        with gr.Accordion("校验 Validation — the document's own arithmetic", open=False, elem_id="gk-validation-acc"):
            validation = gr.HTML(elem_id="gk-validation")
            v_sources = gr.Dropdown(choices=[], value=None, elem_id="gk-v-sources",
                                    label="出处 Open the evidence of a flagged check")
            v_cites = gr.State([])
            v_view = PageViewer(home, "gk-v-passage", "")
        val_sources = gr.Dropdown(choices=[], value=None, elem_id="gk-val-sources", filterable=True,
                                  label="出处 Open where a value is printed (type to filter, e.g. 三公)")
        val_cites = gr.State([])
        val_view = PageViewer(home, "gk-val-passage", "")
        record_box = gr.HTML(elem_id="gk-record")

    def on_doc(d: str | None):
        if not d:
            return ("<p>Pick a document.</p>", "", gr.update(choices=[], value=None), [], *v_view.clear(""),
                    gr.update(choices=[], value=None), [], *val_view.clear(""))
        from qa.records import load_library

        record = rec.full(d, home)
        disclosure = load_library(home).record(d)
        flagged = [(label, c, rec.check_figure(record, c)) for label, c in rec.flagged_evidence(record)]
        values = rec.value_sources(record, with_values=True)
        return (views.record_html(record, disclosure), views.validation_html(record),
                gr.update(choices=[x[0] for x in flagged], value=None), [x[1:] for x in flagged], *v_view.clear(""),
                gr.update(choices=[x[0] for x in values], value=None), [x[1:] for x in values], *val_view.clear(""))

    doc.change(on_doc, [doc], [record_box, validation, v_sources, v_cites, *v_view.outputs,
                               val_sources, val_cites, *val_view.outputs])

    def picker(viewer: PageViewer):
        def on_pick(label: str | None, cites: list):
            if not label:
                return viewer.clear("")
            try:
                citation, value = cites[int(label.split("]", 1)[0].lstrip("[")) - 1]
            except (ValueError, IndexError, TypeError):
                return viewer.clear("<p>Source not found.</p>")
            return viewer.show(citation, value)
        return on_pick

    v_sources.change(picker(v_view), [v_sources, v_cites], v_view.outputs)
    val_sources.change(picker(val_view), [val_sources, val_cites], val_view.outputs)

    def on_download(d: str | None, fmt_: str, all_docs: bool):
        if all_docs:
            from extract.store import load_records

            chosen, name = load_records(home), "gongkai_all"
        else:
            record = rec.full(d, home) if d else None
            if record is None:
                raise gr.Error("Pick a document with an extracted record first.")
            chosen, name = [record], d
        if not chosen:
            raise gr.Error("No extracted records yet.")
        return gr.update(value=[str(p) for p in exports.export(chosen, fmt_, home, name)], visible=True)

    def on_report(fmt_: str):
        from extract.merge import merge_halves
        from extract.report import RENDER, build
        from extract.store import load_records

        records = load_records(home)
        if not records:
            raise gr.Error("No extracted records yet.")
        merged, _ = merge_halves(records)
        out_dir = home / "exports"
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"gongkai_validation.{fmt_}"
        path.write_text(RENDER[fmt_](build(merged)), encoding="utf-8")
        return gr.update(value=[str(path)], visible=True)

    def on_overview():
        from qa.records import load_library

        return views.validation_overview_html(load_library(home).records)

    overview_acc.expand(on_overview, None, overview)
    report_btn.click(on_report, [report_fmt], download)
    dl_one.click(lambda d, f: on_download(d, f, False), [doc, fmt], download)
    dl_all.click(lambda d, f: on_download(d, f, True), [doc, fmt], download)
    return {"doc": doc}
