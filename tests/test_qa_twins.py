"""Two documents of one body, year and kind (an original and a corrected copy): where they agree the
answer stands; where they disagree no figure is chosen — both are said, each cited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.api import ask

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
SRC = CORPUS / "001_4e595076af774e23.txt"
OLD = "机关运行经费财政拨款预算 7.41 万元"
NEW = "机关运行经费财政拨款预算 8.41 万元"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    from ingest.service import ingest_paths

    root = tmp_path_factory.mktemp("twins")
    src = root / "src"
    src.mkdir()
    shutil.copy(SRC, src / "original.txt")
    text = SRC.read_text(encoding="utf-8")
    assert OLD in text
    (src / "corrected.txt").write_text(text.replace(OLD, NEW), encoding="utf-8")
    h = root / "home"
    ingest_paths([src], home=h)
    return h


def test_figures_the_copies_disagree_on_are_not_chosen_between(home):
    a = ask("伽师县医保局2024年机关运行经费是多少？", home=home)
    assert a["declined"] and a.get("reason") == "documents_disagree"
    assert "7.41" in a["answer"] and "8.41" in a["answer"]
    quotes = " ".join(c["quote"] for c in a["citations"])
    assert "7.41" in quotes and "8.41" in quotes
    assert {c["doc"] for c in a["citations"]} == {"original", "corrected"}


def test_figures_the_copies_agree_on_are_answered(home):
    a = ask("伽师县医保局2024年三公经费是多少？", home=home)
    assert not a["declined"]
    assert float(a["value"]) == 2.22


def test_english_says_the_disagreement(home):
    a = ask("What were the operating expenses of the Jiashi medical insurance bureau in 2024?", home=home)
    assert a["declined"] and a.get("reason") == "documents_disagree"
    assert "disagree" in a["answer"] and "7.41" in a["answer"] and "8.41" in a["answer"]


WILD = Path(__file__).resolve().parents[1] / "data" / "wild" / "jiangsu"  # the real Jiangsu PDFs, bundled
TEXT_HALF = WILD / "江苏省政协办公厅_江苏省政协办公厅2019年度部门预算.pdf"
TABLES_HALF = WILD / "江苏省政协办公厅_江苏省政协办公厅2019年预算公开表.pdf"


def test_a_two_file_disclosure_ingested_twice_is_still_one_disclosure(tmp_path):
    """The text and tables halves of a real two-file disclosure, each uploaded twice (the second copy
    differs by trailing bytes, as a re-download does): every pairing is a version of the disclosure;
    they agree, so the 三公 total is answered (it was declined when more than one half per side)."""
    from ingest.service import ingest_paths

    src = tmp_path / "src"
    src.mkdir()
    for pdf in (TEXT_HALF, TABLES_HALF):
        shutil.copy(pdf, src / pdf.name)
        (src / f"copy-{pdf.name}").write_bytes(pdf.read_bytes() + b"\n%copy\n")
    h = tmp_path / "home"
    ingest_paths([src], home=h, embed="none")
    a = ask("江苏省政协办公厅2019年三公经费预算是多少？", home=h)
    assert not a["declined"], a["answer"]
    assert float(a["value"]) == pytest.approx(660.10)
    assert any("660.10" in c["quote"] for c in a["citations"])
