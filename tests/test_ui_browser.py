"""End-to-end UI tests in real headless Chromium (Debian /usr/bin/chromium driven by Playwright).

The app runs in a child process on a free 127.0.0.1 port over a copy of the `ingested_home`
session fixture (the sample corpus, ingested and extracted). Every request the page makes is
recorded, and every outbound connection or name lookup the app process makes is logged by a Python
audit hook (a `sitecustomize` on the child's PYTHONPATH): none may leave 127.0.0.1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser_kit import CHROMIUM, T, ask, browser, net_audit, open_tab, page, pick  # noqa: F401  (fixtures)
from ui import server

pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium"),
              pytest.mark.timeout(300)]
pytest.importorskip("playwright.sync_api")

LUNTAI = "002_77eafa45268ff922"
UPLOAD_MB = 2

@pytest.fixture(scope="module")
def ui_home(request, tmp_path_factory) -> Path:
    try:
        ingested_home = request.getfixturevalue("ingested_home")  # tests/conftest.py (ingest)
    except pytest.FixtureLookupError:
        pytest.skip("needs the ingested_home fixture")
    home = tmp_path_factory.mktemp("ui_e2e") / "home"
    shutil.copytree(ingested_home, home)  # the tests upload and write settings: never touch the shared one
    return home


@pytest.fixture(scope="module")
def app(ui_home, net_audit):
    # a small upload limit so the oversize test needs only a few MB
    running = server.start(ui_home, extra_env={**net_audit[1], "GONGKAI_MAX_UPLOAD_MB": str(UPLOAD_MB)})
    running.net_log = net_audit[0]
    yield running
    running.stop()


def test_luntai_sangong_answer_with_source_that_opens_the_passage_and_a_follow_up(page):
    text = ask(page, "轮台县医保局2024年三公经费是多少？", 1)
    assert "1.03 万元" in text
    sources = page.locator("#gk-sources label")
    assert sources.count() >= 1 and "轮台县医疗保障局" in sources.first.inner_text()
    sources.first.click()
    mark = page.locator("#gk-passage mark").first
    mark.wait_for(timeout=T)
    assert "1.03" in mark.inner_text()
    context = page.inner_text("#gk-passage")
    assert "轮台县医疗保障局" in context and "三公" in context  # the 表10 passage, with its title
    assert "公务接待费 0.10 0.10" in context  # neighbouring rows of the table are shown too
    # follow-up: only the unit changes, the metric is kept from the conversation
    follow = ask(page, "那伽师县呢？", 2)
    assert "伽师县医疗保障局" in follow and "2.22 万元" in follow


def test_unknown_figure_is_declined_visibly(page):
    text = ask(page, "轮台县医保局2030年三公经费是多少？", 1)
    assert "未能回答 declined" in text and "2030" in text
    assert page.locator("#gk-sources label").count() == 0


def test_a_figure_the_validator_flagged_is_marked_in_the_answer(page):
    # 轮台: 表1 收入总计 2,081.55; its 预算绩效 paragraph states 涉及金额 2018.55 (the 上级安排 96.86 of its
    # 绩效目标表 is no longer flagged: it is 91.00 + 结转 5.86, within the identity's bounds)
    text = ask(page, "轮台县医保局2024年收入总计是多少？", 1)
    assert "2081.55 万元" in text or "2,081.55 万元" in text
    assert "校验不符 validator mismatch" in text and "2018.55" in text


def test_validation_panel_shows_a_known_mismatch(page):
    # 特克斯 表2: 卫生健康支出 1202.75 printed, its 款 rows add up to 1126.25
    open_tab(page, "提取与校验 Extraction")
    pick(page, "gk-ext-doc", "特克斯")
    page.click("#gk-validation-acc .label-wrap")
    row = page.locator("#gk-validation tr.gk-v-mismatch", has_text="1202.75").first
    row.wait_for(timeout=T)
    text = row.inner_text()
    assert "mismatch" in text and "1126.25" in text and "76.50" in text
    assert "L.276" in text  # the evidence line of the 210 row, as printed
    assert "特克斯" in page.inner_text("#gk-record")
    # open the printed 210 row behind the mismatch
    pick(page, "gk-v-sources", "L.276")
    mark = page.locator("#gk-v-passage mark").first
    mark.wait_for(timeout=T)
    assert "1202.75" in mark.inner_text() and "210" in mark.inner_text()
    assert "基层医疗卫生机构" in page.inner_text("#gk-v-passage")  # the 款 rows printed below it


def test_download_csv_reads_back_with_pandas(page, tmp_path):
    import pandas as pd

    open_tab(page, "提取与校验 Extraction")
    pick(page, "gk-ext-doc", "轮台")
    page.click("#gk-dl-one")
    link = page.locator("#gk-download a[download]").first
    link.wait_for(timeout=T)
    with page.expect_download(timeout=T) as dl:
        link.click()
    target = tmp_path / dl.value.suggested_filename
    dl.value.save_as(target)
    frame = pd.read_csv(target)
    assert target.name == f"{LUNTAI}.csv"
    assert list(frame["doc"]) == [LUNTAI]
    assert float(frame.loc[0, "sangong.total"]) == 1.03
    assert frame.loc[0, "department"] == "轮台县医疗保障局"


def test_any_value_of_the_record_opens_where_it_is_printed(page):
    open_tab(page, "提取与校验 Extraction")
    pick(page, "gk-ext-doc", "轮台")
    page.locator("#gk-record", has_text="轮台县医疗保障局").wait_for(timeout=T)
    page.click("#gk-val-sources input")
    options = page.locator("#gk-val-sources [role=option]")
    before = options.count()
    page.keyboard.insert_text("公务接待费")  # as an IME commits it; the key press triggers the filter
    page.keyboard.press("End")
    page.wait_for_function("n => document.querySelectorAll('#gk-val-sources [role=option]').length < n", arg=before,
                           timeout=T)
    assert all("公务接待费" in o for o in options.all_inner_texts())
    options.filter(has_text="公务接待费 = 0.10").first.click()
    mark = page.locator("#gk-val-passage mark").first
    mark.wait_for(timeout=T)
    assert "公务接待费 0.10" in mark.inner_text()
    assert "轮台县医疗保障局" in page.inner_text("#gk-val-passage")


def test_clicking_a_library_row_opens_that_document_in_the_extraction_view(page):
    open_tab(page, "文件库 Library")
    row = page.locator("#gk-docs [role=row]", has_text="特克斯").first
    row.wait_for(timeout=T)
    assert "mismatch" in row.inner_text()  # the library shows the validation status per document
    page.locator("#gk-docs [role=gridcell]", has_text="特克斯").first.click()
    page.locator("#gk-record", has_text="特克斯县医疗保障局").wait_for(timeout=T)
    assert page.get_by_role("tab", name="提取与校验 Extraction").get_attribute("aria-selected") == "true"
    page.click("#gk-validation-acc .label-wrap")
    page.locator("#gk-validation tr.gk-v-mismatch", has_text="1202.75").first.wait_for(timeout=T)


def _disclosure_pdf(path: Path) -> Path:
    from evals.pdfkit import Heading, PageBreak, Para, Table, render_pdf

    return render_pdf(path, [
        Heading("沙湾市演示局2025年部门预算公开"),
        Heading("第一部分 2025年部门概况", 2),
        Para("沙湾市演示局编制数 8，实有人数 9 人，其中：在职 7 人，增加 0 人；退休 2 人，增加 0 人。"),
        Heading("第二部分 2025年部门预算公开表", 2),
        PageBreak(),
        Para("表10"), Heading("财政拨款“三公”经费支出情况表", 3), Para("编制部门：沙湾市演示局 单位：万元"),
        Table(header=[["“三公”经费支出内容", "合计", "一般公共预算", "政府性基金", "国有资本经营预算"]],
              rows=[["合计", "4.56", "4.56", "", ""], ["因公出国（境）费", "", "", "", ""],
                    ["公务接待费", "1.23", "1.23", "", ""], ["公务用车购置及运行费（小计）", "3.33", "3.33", "", ""],
                    ["其中：公务用车购置费", "", "", "", ""], ["公务用车运行费", "3.33", "3.33", "", ""]],
              col_widths=[170, 80, 80, 70, 80]),
        Heading("第三部分 2025年部门预算情况说明", 2),
        Para("十、关于沙湾市演示局2025年财政拨款“三公”经费预算情况说明"),
        Para("沙湾市演示局2025年财政拨款“三公”经费数为4.56万元，其中：因公出国（境）费0.00万元，"
             "公务用车购置费0.00万元，公务用车运行费3.33万元，公务接待费1.23万元。"),
    ])


def test_upload_pdf_then_ask_about_it_then_remove_it(page, tmp_path):
    pdf = _disclosure_pdf(tmp_path / "沙湾 演示局.pdf")
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"\x00garbage, not a pdf" * 50)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    open_tab(page, "文件库 Library")
    page.set_input_files("#gk-upload input[type=file]", [str(pdf), str(bad), str(empty)])
    page.locator("#gk-upload", has_text="scan").wait_for(timeout=T)
    page.click("#gk-ingest")
    status = page.locator("#gk-ingest-status li", has_text="沙湾")
    status.wait_for(timeout=180_000)
    assert "成功 OK" in status.inner_text() and "沙湾市演示局" in status.inner_text()
    failed = page.locator("#gk-ingest-status li", has_text="scan.pdf").inner_text()
    assert "失败 FAILED" in failed and "not a PDF" in failed  # a clear reason; the batch went on
    failed = page.locator("#gk-ingest-status li", has_text="empty.txt").inner_text()
    assert "失败 FAILED" in failed and "empty" in failed
    assert "answerable now; vectors in the background" in status.inner_text()
    docs = page.locator("#gk-docs")
    docs.filter(has_text="沙湾市演示局").wait_for(timeout=T)
    assert LUNTAI in docs.inner_text()  # nothing else lost
    # the background embedder's real progress, then every document ready (the table follows)
    page.locator("#gk-embed-status", has_text="all 5 documents embedded").wait_for(timeout=180_000)
    page.locator("#gk-docs [role=row]", has_text="沙湾市演示局").filter(has_text="ready").wait_for(timeout=T)

    open_tab(page, "问答 Chat")
    text = ask(page, "沙湾市演示局2025年三公经费是多少？", 1)
    assert "4.56 万元" in text
    page.locator("#gk-sources label").first.click()
    page.locator("#gk-passage .gk-pdfimg").wait_for(timeout=T)  # a PDF source opens its page, rendered
    assert "page 2 of" in page.inner_text("#gk-passage .gk-passage-head")
    assert page.locator("#gk-passage .gk-box-figure").count() >= 1  # the figure boxed where it is printed

    open_tab(page, "文件库 Library")
    pick(page, "gk-remove-doc", "沙湾市演示局")
    page.click("#gk-remove")
    page.locator("#gk-remove-status", has_text="Removed").wait_for(timeout=T)
    page.wait_for_function("() => !document.querySelector('#gk-docs').innerText.includes('沙湾市演示局')", timeout=T)
    assert LUNTAI in page.inner_text("#gk-docs")


def test_settings_save_never_echoes_the_api_key(page, ui_home):
    import json

    secret = "sk-browser-SECRET-7788"
    open_tab(page, "设置 Settings")
    page.fill("#gk-llm-key input", secret)
    page.click("#gk-save")
    page.locator("#gk-save-status", has_text="Saved").wait_for(timeout=T)
    assert json.loads((ui_home / "settings.json").read_text())["llm_api_key"] == secret
    assert "set (hidden)" in page.inner_text("#gk-settings-now")
    assert page.input_value("#gk-llm-key input") == ""
    assert secret not in page.content()
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("#gk-question textarea", timeout=T)
    assert secret not in page.content()


def test_compare_row_opens_the_passage_its_figure_is_read_from(page):
    open_tab(page, "对比 Compare")  # default metric: 三公 total, one row per document
    page.locator("#gk-cmp-table [role=gridcell]", has_text="轮台县医疗保障局").first.click()
    mark = page.locator("#gk-cmp-passage mark").first
    mark.wait_for(timeout=T)
    assert "1.03" in mark.inner_text()
    text = page.inner_text("#gk-cmp-passage")
    assert "轮台县医疗保障局" in text and "三公" in text and "公务接待费 0.10 0.10" in text


def test_oversize_or_wrong_type_upload_is_refused_with_a_clear_message(page, tmp_path):
    big = tmp_path / "big budget.txt"
    big.write_bytes("预算".encode() * (UPLOAD_MB * 1024 * 1024 // 6 + 1000))
    open_tab(page, "文件库 Library")
    page.set_input_files("#gk-upload input[type=file]", [str(big)])
    toast = page.get_by_text("exceed the maximum allowed size")
    toast.wait_for(timeout=T)
    assert "big budget.txt" in toast.inner_text() and f"{UPLOAD_MB}" in toast.inner_text()
    docx = tmp_path / "report.docx"
    docx.write_bytes(b"PK\x03\x04 a word file")
    page.set_input_files("#gk-upload input[type=file]", [str(docx)])
    page.get_by_text("Invalid file type: report.docx").wait_for(timeout=T)
    page.click("#gk-ingest")  # nothing was uploaded, so nothing is ingested
    page.locator("#gk-ingest-status", has_text="Choose one or more files first").wait_for(timeout=T)

