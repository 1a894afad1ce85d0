"""The hostile corpus (tests/nasty.py) is what it claims to be — otherwise the input tests prove
nothing. Checked with the libraries directly, not with our pipeline."""

from __future__ import annotations

import re
import zlib

import pytest

import nasty


def test_small_bomb_inflates_exactly_and_checksums():
    data = nasty._zlib_bomb(8)
    assert len(data) < 40_000
    assert zlib.decompress(data) == b" " * (8 << 20)  # valid adler32 too


def test_pdf_fixtures_are_hostile_in_the_stated_way(tmp_path):
    import pdfplumber
    import pypdfium2 as pdfium

    files = nasty.make_all(tmp_path, ["encrypted_pdf", "encrypted_empty_pdf", "encrypted_empty_cid_pdf",
                                      "scanned_pdf", "cid_pdf", "many_pages_pdf", "bomb_pdf", "truncated_pdf",
                                      "hidden_injection_pdf"])
    with pytest.raises(Exception) as info:
        pdfplumber.open(files["encrypted_pdf"]).pages[0].extract_text()
    assert "PDFPasswordIncorrect" in repr(info.value)
    with pdfplumber.open(files["encrypted_empty_pdf"]) as pdf:
        assert "预算公开" in pdf.pages[0].extract_text()
    with pdfplumber.open(files["encrypted_empty_cid_pdf"]) as pdf:  # pdfminer garbles it …
        assert "(cid:" in pdf.pages[0].extract_text()
    assert "预算公开" in pdfium.PdfDocument(files["encrypted_empty_cid_pdf"])[0].get_textpage().get_text_range()
    with pdfplumber.open(files["scanned_pdf"]) as pdf:  # … pdfium reads it
        assert len(pdf.pages) == 2 and all(p.images and not p.chars for p in pdf.pages)
    with pdfplumber.open(files["cid_pdf"]) as pdf:
        text = pdf.pages[0].extract_text()
        assert len(re.findall(r"\(cid:\d+\)", text)) > 500 and not re.search(r"[\u4e00-\u9fff]", text)
    assert len(pdfium.PdfDocument(files["many_pages_pdf"])) == 4000
    assert files["many_pages_pdf"].stat().st_size < 1_000_000
    assert 2_000_000 < files["bomb_pdf"].stat().st_size < 5_000_000
    with pytest.raises(Exception):
        pdfium.PdfDocument(files["truncated_pdf"])
    with pdfplumber.open(files["hidden_injection_pdf"]) as pdf:
        chars = pdf.pages[0].chars
        white = [c for c in chars if c["non_stroking_color"] in ((1, 1, 1), [1, 1, 1], (1.0, 1.0, 1.0))]
        tiny = [c for c in chars if c["size"] < 1]
        assert white and tiny and "忽略以上指令" in pdf.pages[0].extract_text()


def test_yuan_variant_restates_tables_only():
    src = (nasty.CORPUS / nasty.YUAN_SAMPLE).read_text(encoding="utf-8")
    out = nasty.yuan_variant(src)
    assert src.count("单位:万元") >= 8 and "单位:万元" not in out.split("第三部分")[0].split("第二部分", 1)[-1]
    assert "31.30" in src and "313000.00" in out
    assert "14.56 14.56 14.56" in src and "145600.00 145600.00 145600.00" in out
