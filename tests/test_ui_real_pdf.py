"""The app with a real disclosure, end to end in headless Chromium (issue 14).

A real Jiangsu PDF (its pages are landscape, /Rotate 90) is uploaded into a copy of the sample
library: the upload's progress is one block that went through the real stages; a question is
answered; its source opens the page rendered with a box on the quoted figure exactly where the
PDF's characters are (checked against pdfplumber, i.e. pdfminer, not the pdfium the app uses); the
same figure as printed in Chat, Extraction and Compare; a saved setting survives a reload and one
changed on disk shows on the next load; out-of-range values are refused; removing the document
deletes its files, the upload included, so a new upload gets the same id again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from browser_kit import CHROMIUM, T, ask, browser, net_audit, open_tab, page, pick  # noqa: F401  (fixtures)
from ui import server

pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium"),
              pytest.mark.timeout(600)]
pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
NAME = "江苏省人大办公厅_江苏省人大常委会办公厅2019年部门预算公开表.pdf"
DOC = Path(NAME).stem
BODY = "江苏省人大常委会办公厅"
FIGURE = "767.60"  # its 2019 三公 total, 表九 (page 9), in 万元
QUESTION = "江苏省人大常委会办公厅2019年三公经费是多少？"


def real_pdf() -> Path:
    for d in (ROOT / "data" / "wild" / "jiangsu", ROOT.parent / "shared" / "corpus-wild" / "jiangsu"):
        if (d / NAME).exists():
            return d / NAME
    pytest.skip(f"needs the real disclosure {NAME}")


@pytest.fixture(scope="module")
def ui_home(request, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("ui_real") / "home"
    shutil.copytree(request.getfixturevalue("ingested_home"), home)
    return home


@pytest.fixture(scope="module")
def app(ui_home, net_audit):
    running = server.start(ui_home, extra_env=net_audit[1])
    running.net_log = net_audit[0]
    yield running
    running.stop()


@pytest.fixture(scope="module")
def uploaded(app, browser, ui_home, tmp_path_factory):
    """The real PDF uploaded through the Library (once for the module); the page's record of what the
    progress block showed while it ran."""
    src = tmp_path_factory.mktemp("upload") / NAME
    shutil.copyfile(real_pdf(), src)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.goto(app.url, wait_until="domcontentloaded")
    pg.wait_for_selector("#gk-question textarea", timeout=T)
    open_tab(pg, "文件库 Library")
    pg.locator("#gk-docs", has_text="轮台").wait_for(timeout=T)  # the page load has filled the library
    pg.set_input_files("#gk-upload input[type=file]", [str(src)])
    pg.locator("#gk-upload .file-preview", has_text="江苏省").wait_for(timeout=T)  # uploaded, not uploading
    # which components show gradio's own progress overlay while the upload runs: none, ours is the only one
    pg.evaluate("""() => { window.gkOverlays = []; window.gkBlocks = 0;
        new MutationObserver(() => {
          for (const el of document.querySelectorAll('.eta-bar, .progress-bar')) {
            if (el.closest('.hide')) continue;  // gradio keeps a hidden tracker in every component
            if (!window.gkClicked) continue;  // the file's own upload bar, before Ingest
            const owner = el.closest("[id]"); const id = owner ? owner.id : "?";
            if (!window.gkOverlays.includes(id)) window.gkOverlays.push(id);
          }
          window.gkBlocks = Math.max(window.gkBlocks, document.querySelectorAll('.gk-progress').length);
        }).observe(document.body, {subtree: true, childList: true, attributes: true}); }""")
    pg.evaluate("window.gkClicked = true")
    pg.click("#gk-ingest")
    status = pg.locator("#gk-ingest-status li", has_text=NAME)
    status.wait_for(timeout=240_000)
    seen = {"status": status.inner_text(), "overlays": pg.evaluate("window.gkOverlays"),
            "blocks": pg.evaluate("window.gkBlocks"),
            "stages": pg.evaluate("() => [...document.querySelectorAll('#gk-progress .gk-st')].map("
                                  "s => [s.dataset.stage, s.className])"),
            "progress": pg.inner_text("#gk-progress")}
    ctx.close()
    return seen


def test_upload_progress_is_one_block_through_the_real_stages(uploaded, ui_home):
    assert "成功 OK" in uploaded["status"] and BODY in uploaded["status"]
    assert DOC in uploaded["status"] and "部门预算" in uploaded["status"]
    assert uploaded["overlays"] == [] and uploaded["blocks"] == 1, uploaded["overlays"]  # drawn once, in one place
    done = {stage for stage, cls in uploaded["stages"] if "gk-st-done" in cls}
    assert done == {"parse", "structure", "extract", "index"}
    assert "1 of 1 files · 100%" in uploaded["progress"]
    assert (ui_home / "uploads" / NAME).exists()  # the staged upload; gradio's temporary copy is gone
    assert not [p for p in (ui_home / "tmp" / "gradio").rglob("*.pdf")]


def _char_box(pdf: Path, page: int, text: str) -> list[float]:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        words = [w for w in doc.pages[page - 1].extract_words() if w["text"] == text]
    assert len(words) == 1, words
    w = words[0]
    return [w["x0"], w["top"], w["x1"], w["bottom"]]


def test_the_source_opens_the_page_with_the_quoted_figure_boxed(uploaded, page, ui_home):
    text = ask(page, QUESTION, 1)
    assert f"{FIGURE} 万元" in text
    page.locator("#gk-sources label", has_text=BODY).first.click()
    view = page.locator("#gk-passage .gk-pdfview")
    view.wait_for(timeout=T)
    page.locator("#gk-passage .gk-pdfimg").wait_for(timeout=T)
    assert view.get_attribute("data-page") == "9" and "page 9 of 13" in page.inner_text("#gk-passage")
    want = _char_box(ui_home / "sources" / f"{DOC}.pdf", 9, FIGURE)
    w, h = float(view.get_attribute("data-width")), float(view.get_attribute("data-height"))
    assert w > h  # a landscape page (/Rotate 90): boxes are in the page as displayed
    figure = page.locator("#gk-passage .gk-box-figure")
    assert figure.count() == 1
    drawn = [float(figure.get_attribute(a)) for a in ("data-x0", "data-top", "data-x1", "data-bottom")]
    assert all(abs(a - b) < 1.0 for a, b in zip(drawn, want)), (drawn, want)
    # where the browser actually draws it over the image, in points of the page
    img, box = page.locator("#gk-passage .gk-pdfimg").bounding_box(), figure.bounding_box()
    on_page = [(box["x"] - img["x"]) / img["width"] * w, (box["y"] - img["y"]) / img["height"] * h,
               (box["x"] + box["width"] - img["x"]) / img["width"] * w,
               (box["y"] + box["height"] - img["y"]) / img["height"] * h]
    pad = 1.0  # the box is drawn 1 pt outside the characters
    assert all(abs(a - b) < pad + 1.0 for a, b in zip(on_page, [want[0] - pad, want[1] - pad, want[2] + pad,
                                                                 want[3] + pad])), (on_page, want)
    assert page.locator("#gk-passage .gk-box-quote").count() >= 1  # the quoted row, boxed lighter
    # zoom in the browser; the box stays on the figure
    page.click("#gk-passage [data-zoom='+']")
    assert page.inner_text("#gk-passage .gk-zoom-level") == "225%"
    img2, box2 = page.locator("#gk-passage .gk-pdfimg").bounding_box(), figure.bounding_box()
    assert img2["width"] > img["width"] * 1.1
    assert abs((box2["x"] - img2["x"]) / img2["width"] - (box["x"] - img["x"]) / img["width"]) < 0.002
    # previous / next page
    page.click("#gk-passage-next")
    page.wait_for_function("() => document.querySelector('#gk-passage .gk-pdfview').dataset.page === '10'", timeout=T)
    assert page.locator("#gk-passage .gk-box").count() == 0  # the evidence is on page 9
    page.click("#gk-passage-prev")
    page.wait_for_function("() => document.querySelector('#gk-passage .gk-pdfview').dataset.page === '9'", timeout=T)
    assert page.locator("#gk-passage .gk-box-figure").count() == 1


def test_the_same_figure_as_printed_in_chat_extraction_and_compare(uploaded, page):
    ask(page, QUESTION, 1)
    assert page.locator("#gk-chat [data-testid='bot'] strong", has_text=f"{FIGURE} 万元").count() == 1
    open_tab(page, "提取与校验 Extraction")
    pick(page, "gk-ext-doc", DOC)
    page.locator("#gk-record h3", has_text=BODY).wait_for(timeout=T)  # the picked document, not the first
    row = page.locator("#gk-record tr[data-key='sangong.total']")
    row.wait_for(timeout=T)
    assert f"{FIGURE} 万元" in row.inner_text() and "p.9" in row.inner_text()
    record = page.inner_text("#gk-record")
    assert "18,330.37" in record  # amounts keep their thousands separators, as printed
    for raw in ("income_total", "expenditure_total", "general_vehicles", "enforcement_vehicles"):
        assert raw not in record
    open_tab(page, "对比 Compare")  # default figure: the 三公 total
    pick(page, "gk-cmp-bodies", BODY)
    # every body is shown until the pick arrives: wait for the table of the one body picked
    page.wait_for_function("() => !document.querySelector('#gk-cmp-table').innerText.includes('轮台')", timeout=T)
    cell = page.locator("#gk-cmp-table [role=gridcell]", has_text=f"{FIGURE} 万元")
    cell.first.wait_for(timeout=T)
    assert page.locator("#gk-cmp-table [role=row]", has_text=BODY).count() == 1
    bar = page.locator(f"#gk-cmp-chart rect.gk-bar[data-doc='{DOC}']")
    assert bar.count() == 1 and abs(float(bar.get_attribute("data-value")) - 767.6) < 1e-9
    cell.first.click()  # the row opens its page, figure boxed
    page.locator("#gk-cmp-passage .gk-box-figure").wait_for(timeout=T)
    page.click("#gk-cmp-csv")
    link = page.locator("#gk-cmp-file a[download]").first
    link.wait_for(timeout=T)
    with page.expect_download(timeout=T) as dl:
        link.click()
    import pandas as pd

    frame = pd.read_csv(dl.value.path(), encoding="utf-8-sig")
    assert list(frame["as_printed"]) == [f"{FIGURE} 万元"] and list(frame["page"]) == [9]


def test_settings_are_read_from_disk_on_every_load_and_bad_values_refused(uploaded, page, ui_home):
    path = ui_home / "settings.json"
    open_tab(page, "设置 Settings")
    page.fill("#gk-topk input", "0")
    page.click("#gk-save")
    page.locator("#gk-save-status", has_text="未保存").wait_for(timeout=T)
    assert "top_k" in page.inner_text("#gk-save-status")
    before = json.loads(path.read_text()) if path.exists() else {}
    assert before.get("top_k") != 0
    page.fill("#gk-topk input", "12")
    page.fill("#gk-llm-model textarea", "model-from-the-form")
    page.click("#gk-save")
    page.locator("#gk-save-status", has_text="已保存").wait_for(timeout=T)
    assert json.loads(path.read_text())["top_k"] == 12
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("#gk-question textarea", timeout=T)
    open_tab(page, "设置 Settings")
    page.wait_for_function("() => document.querySelector('#gk-topk input').value === '12'", timeout=T)
    assert page.input_value("#gk-llm-model textarea") == "model-from-the-form"
    # a change made elsewhere (the CLI, another session) shows on the next load, not the start-up values
    data = json.loads(path.read_text())
    data.update(top_k=30, llm_model="model-from-disk")
    path.write_text(json.dumps(data))
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("#gk-question textarea", timeout=T)
    open_tab(page, "设置 Settings")
    page.wait_for_function("() => document.querySelector('#gk-topk input').value === '30'", timeout=T)
    assert page.input_value("#gk-llm-model textarea") == "model-from-disk"
    assert "30" in page.inner_text("#gk-settings-now")


def test_remove_deletes_every_trace_and_a_new_upload_gets_the_same_id(uploaded, page, ui_home, tmp_path):
    open_tab(page, "文件库 Library")
    page.locator("#gk-docs [role=row]", has_text=BODY).first.wait_for(timeout=T)
    pick(page, "gk-remove-doc", DOC)
    page.click("#gk-remove")
    page.locator("#gk-remove-status", has_text="Removed").wait_for(timeout=T)
    page.wait_for_function(f"() => !document.querySelector('#gk-docs').innerText.includes('{BODY}')", timeout=T)
    left = [p for p in ui_home.rglob("*") if DOC in p.name]
    assert left == [], left  # upload, source copy, document, chunks, record, tokens: all gone
    assert "轮台县医疗保障局" in page.inner_text("#gk-docs")  # nothing else lost
    src = tmp_path / NAME
    shutil.copyfile(real_pdf(), src)
    page.set_input_files("#gk-upload input[type=file]", [str(src)])
    page.locator("#gk-upload .file-preview", has_text="江苏省").wait_for(timeout=T)
    page.click("#gk-ingest")
    status = page.locator("#gk-ingest-status li", has_text=NAME)
    status.wait_for(timeout=240_000)
    assert f"{DOC}-2" not in status.inner_text() and DOC in status.inner_text()
    assert (ui_home / "uploads" / NAME).exists() and not (ui_home / "uploads" / f"{DOC}-2.pdf").exists()
