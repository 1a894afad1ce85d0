"""Text questions over real disclosures of another province (data/wild/jiangsu): what a department's
budget covers ("包含东郊国宾馆吗" — the sentence naming it, or a decline when none does) and which
budget units it gathers (the template's 部门预算单位构成 sentence, not the internal offices)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT / "data" / "wild" / "jiangsu"
FILES = ["江苏省委办公厅_江苏省委办公厅2018年度部门预算公开文件.pdf", "江苏省人民检察院_2019年度部门预算公开.pdf"]


@pytest.fixture(scope="module")
def ask(tmp_path_factory):
    from extract.api import extract_and_store
    from ingest.pipeline import load_document
    from ingest.store import Store
    from qa.api import ask as _ask

    home = tmp_path_factory.mktemp("wild_text")
    store = Store(home)
    for name in FILES:
        doc = load_document(PDFS / name)
        store.put(doc, [])
        extract_and_store(doc, home)
    return lambda q: _ask(q, home=home)


def test_what_the_budget_covers_is_the_sentence_naming_it(ask):
    a = ask("省委办公厅的部门预算包含东郊国宾馆吗？")
    assert not a["declined"] and "不含东郊国宾馆" in a["answer"]
    assert any("东郊国宾馆" in c["quote"] for c in a["citations"])


def test_a_body_no_sentence_names_is_declined(ask):
    a = ask("省委办公厅的部门预算包含南京饭店吗？")
    assert a["declined"]


def test_english_scope_question_stays_below_the_sure_band(ask):
    a = ask("Does the Jiangsu party committee general office budget include the Dongjiao State Guesthouse?")
    assert a["declined"] or a["confidence"] < 0.8


def test_budget_units_are_the_units_sentence_not_the_offices(ask):
    a = ask("省检察院2019年部门预算由哪些单位构成？")
    assert not a["declined"]
    assert "南京铁路运输检察院" in a["answer"] and "公诉一处" not in a["answer"]
