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
