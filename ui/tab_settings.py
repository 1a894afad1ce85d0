"""The Settings tab: read from disk on every page load (never the values from start-up); a value out
of range is refused with the reason, and nothing is saved then."""

from __future__ import annotations

from gongkai import settings as gsettings
from ui import backend, views


def form_values(s: gsettings.Settings | None = None) -> tuple:
    """The form's values from the settings now in effect (file and environment): url, model, key
    (always empty: never echoed), drop key, deadline, structured mode, top_k, the table."""
    s = s or gsettings.load()
    return (s.llm_base_url, s.llm_model, "", False, s.llm_timeout_s, s.llm_structured, s.top_k,
            views.settings_markdown(s))


def build() -> dict:
    import gradio as gr

    with gr.Tab("设置 Settings", id="settings"):
        s0 = gsettings.load()
        table = gr.HTML(views.settings_markdown(s0), elem_id="gk-settings-now")
        gr.Markdown("An LLM is off unless an endpoint is set (OpenAI-compatible, e.g. a local llama.cpp server). "
                    "Numbers always come from the validated records.")
        url = gr.Textbox(label="LLM endpoint (base URL; empty = off)", value=s0.llm_base_url, elem_id="gk-llm-url")
        model = gr.Textbox(label="LLM model", value=s0.llm_model, elem_id="gk-llm-model")
        key = gr.Textbox(label="API key (never shown; leave empty to keep the current one)", type="password",
                         value="", elem_id="gk-llm-key")
        drop_key = gr.Checkbox(label="Remove the stored API key", value=False, elem_id="gk-llm-key-clear")
        with gr.Row():
            timeout = gr.Number(label="LLM deadline per question (s, 1–600)", value=s0.llm_timeout_s,
                                elem_id="gk-llm-timeout")
            structured = gr.Dropdown(choices=list(gsettings.STRUCTURED_MODES), value=s0.llm_structured,
                                     label="Structured output (auto = as detected by Test connection)",
                                     elem_id="gk-llm-structured")
            top_k = gr.Number(label="Retrieval depth top_k (passages per question, 1–100)", value=s0.top_k,
                              precision=None, elem_id="gk-topk")
        with gr.Row():
            save_btn = gr.Button("保存 Save", variant="primary", elem_id="gk-save")
            test_btn = gr.Button("测试连接 Test connection", elem_id="gk-llm-test")
        save_status = gr.Markdown(elem_id="gk-save-status")
        test_out = gr.HTML(elem_id="gk-llm-check")

    form = [url, model, key, drop_key, timeout, structured, top_k, table]

    def on_save(u, m, k, drop, k_top, t, st):
        try:
            s = backend.save_settings(u, m, k, drop, k_top, t, st)
        except ValueError as exc:
            return (gr.update(),) * 8 + (f"**未保存 Not saved.** {str(exc).removeprefix('Not saved: ')}",)
        return (*form_values(s), "已保存 Saved.")

    save_btn.click(on_save, [url, model, key, drop_key, top_k, timeout, structured], [*form, save_status])

    def on_test(u: str, m: str, k: str, t):
        return views.check_html(backend.test_connection(u, m, k, t))

    test_btn.click(on_test, [url, model, key, timeout], test_out)
    return {"form": form, "save_status": save_status}
