"""The Gradio app (`gongkai ui`): chat with cited sources, library, extraction, compare, settings.

Only `ui.app` imports gradio; the helpers here (records, passage, answer, uploads, exports) are
plain Python so they can be tested and reused without a browser.
"""
