"""The Compare tab: pick a figure, bodies and years → a chart and a table of the same readings the
chat answers from (budget beside actual for a 决算, year on year for one body), a CSV of them; a
row opens where its figure is printed."""

from __future__ import annotations

from pathlib import Path

from ui import compare
from ui.viewer import PageViewer


def _records(home: Path) -> list[dict]:
    from qa.records import load_library

    return load_library(home).records


def build(home: Path) -> dict:
    import gradio as gr

    figs = compare.choices()
    with gr.Tab("对比 Compare", id="compare"):
        with gr.Row():
            metric = gr.Dropdown(choices=figs, value=figs[0][1], label="数字 Figure", elem_id="gk-metric", scale=2)
            bodies = gr.Dropdown(choices=[], value=[], multiselect=True, label="单位 Bodies (none = all)",
                                 elem_id="gk-cmp-bodies", scale=3)
            years = gr.Dropdown(choices=[], value=[], multiselect=True, label="年度 Years (none = all)",
                                elem_id="gk-cmp-years", scale=1)
        chart = gr.HTML("", elem_id="gk-cmp-chart")
        gr.Markdown("<span class='gk-note'>点击表格中的一行查看原文出处 · Click a row to open the page its figure is "
                    "printed on.</span>")
        table = gr.DataFrame(headers=compare.TABLE_COLUMNS, interactive=False, wrap=True, elem_id="gk-cmp-table",
                             column_widths=["16%", "7%", "8%", "13%", "12%", "34%", "10%"])
        with gr.Row():
            csv_btn = gr.Button("导出 CSV Export CSV", size="sm", elem_id="gk-cmp-csv", scale=1)
            csv_file = gr.File(label="CSV", elem_id="gk-cmp-file", interactive=False, visible=False, scale=3)
        cites = gr.State([])  # per table row: (citation, value)
        viewer = PageViewer(home, "gk-cmp-passage", "")

    def on_pick(key: str, picked_bodies: list | None, picked_years: list | None):
        rs = compare.rows(_records(home), key, picked_bodies or None, picked_years or None)
        return (compare.chart_svg(rs, key), compare.table(rs), [(r["citation"], r["value"]) for r in rs],
                gr.update(visible=False), *viewer.clear(""))

    pick_outs = [chart, table, cites, csv_file, *viewer.outputs]
    for c in (metric, bodies, years):
        c.change(on_pick, [metric, bodies, years], pick_outs, show_progress="hidden")

    def on_row(state: list, evt):
        i = evt.index[0] if evt.index else None
        if i is None or i >= len(state):
            return viewer.clear("")
        citation, value = state[i]
        if not citation:
            return viewer.clear("<p class='gk-note'>No source: the document does not state this figure.</p>")
        return viewer.show(citation, value)

    # gradio passes the clicked cell when the parameter is annotated with the class itself
    on_row.__annotations__["evt"] = gr.SelectData
    table.select(on_row, [cites], viewer.outputs)

    def on_csv(key: str, picked_bodies: list | None, picked_years: list | None):
        rs = compare.rows(_records(home), key, picked_bodies or None, picked_years or None)
        return gr.update(value=str(compare.write_csv(rs, key, home)), visible=True)

    csv_btn.click(on_csv, [metric, bodies, years], csv_file)

    def refresh():
        """Pickers that follow the library (after an upload or a removal) and the table."""
        b, y = compare.options(_records(home))
        return gr.update(choices=b), gr.update(choices=y)

    return {"metric": metric, "bodies": bodies, "years": years, "on_pick": on_pick, "pick_outs": pick_outs,
            "refresh": refresh}
