"""Real PDFs of another province (data/wild/jiangsu: 22 provincial 部门预算, 2017–2019, five bodies),
scored against gold hand-read from the PDFs (evals/wild/jiangsu, written without reading the code).
The first run of the code before any change for these documents is in evals/wild/first_run_extract.json
(body 2/22, tables 32/180, core fields 26/447): this test keeps what was gained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.wild_eval import load_gold, run_today, score_all, summary

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "wild" / "jiangsu"
PDFS = ROOT / "data" / "wild" / "jiangsu"


def _frac(s: str) -> float:
    a, b = s.split("/")
    return int(a) / int(b)


@pytest.fixture(scope="module")
def scored():
    gold = load_gold(GOLD)
    records, refused = run_today(gold, PDFS)
    return gold, records, score_all(gold, records, refused)


def test_gold_is_printed_where_it_says():
    from evals.wild.check_gold import main

    assert main([str(GOLD), "--pdfs", str(PDFS)]) == 0


def test_every_file_is_read_with_its_identity(scored):
    _, _, scores = scored
    s = summary(scores)
    assert s["refused"] == 0  # the tables halves are disclosures too
    assert all(v == "22/22" for v in s["identity"].values()), s["identity"]


def test_tables_and_core_fields(scored):
    _, _, scores = scored
    s = summary(scores)
    assert _frac(s["tables_found"]) >= 0.98, s
    assert _frac(s["table_totals"]) >= 0.95, s
    assert _frac(s["core_fields"]) >= 0.99, [(x.file, x.fields_wrong) for x in scores if x.fields_wrong]


def test_the_first_run_is_recorded_and_far_below():
    first = json.loads((ROOT / "evals" / "wild" / "first_run_extract.json").read_text(encoding="utf-8"))
    assert first["commit"] == "3896dab" and _frac(first["summary"]["core_fields"]) < 0.1


def test_sangong_total_is_not_the_grand_total_with_meeting_and_training(scored):
    """The Jiangsu 三公 table's 合计 column includes 会议费 and 培训费: the 三公 total is its 小计."""
    _, records, _ = scored
    r = records["江苏省政协办公厅_江苏省政协办公厅2019年预算公开表"]
    assert r["sangong"]["total"]["value"] == 660.10
    assert r["meeting_fee"]["value"] == 1282.56 and r["training_fee"]["value"] == 281.77
    assert r["tables"]["sangong"]["totals"]["grand_total"]["value"] == 2224.43
    assert r["tables"]["sangong"]["label"] is None and r["tables"]["income_expenditure_overview"]["label"] == "公开01表"


def test_a_merged_label_cell_across_column_groups_keeps_its_figure(scored):
    """公开表一's "支出合计" is one cell across 功能分类 and 支出用途, its amount under 支出用途's 金额: the
    amount is that label's (the expenditure total), not a neighbouring row's."""
    _, records, _ = scored
    r = records["江苏省人大办公厅_江苏省人大常委会办公厅2019年部门预算公开表"]
    assert r["expenditure"]["total"]["value"] == 18330.37
    assert "支出合计" in r["expenditure"]["total"]["evidence"][0]["quote"]


def test_two_files_of_one_disclosure_merge(scored):
    from extract.merge import merge_halves

    _, records, _ = scored
    text = records["江苏省政协办公厅_江苏省政协办公厅2019年度部门预算"]
    tables = records["江苏省政协办公厅_江苏省政协办公厅2019年预算公开表"]
    assert (text["document_part"], tables["document_part"]) == ("text", "tables")
    assert text["disclosure"] == tables["disclosure"] == "江苏省政协办|2019|预算"
    merged, replaced = merge_halves([text, tables])
    (m,) = merged
    assert set(replaced) == {text["doc"], tables["doc"]} and m["parts"] == [tables["doc"], text["doc"]]
    # each leaf keeps the document it was read from
    assert m["sangong"]["total"]["value"] == 660.10 and m["sangong"]["total"]["evidence"][0]["doc"] == tables["doc"]
    assert m["expenditure"]["personnel"]["value"] == 5312.01
    assert m["expenditure"]["personnel"]["evidence"][0]["doc"] == text["doc"]
    # the narrative is checked against the tables across the two files
    by_id = {c["id"]: c for c in m["validation"]}
    assert by_id["sangong_narrative.overseas_travel=sangong.overseas_travel"]["status"] == "pass"


def test_body_names_of_one_disclosure_meet_under_one_key():
    from ingest.identity import canonical_body

    assert canonical_body("中共江苏省委办公厅") == canonical_body("江苏省委办公厅") == \
        canonical_body("中国共产党江苏省委员会办公厅")
    assert canonical_body("中国人民政治协商会议江苏省委员会办公厅") == canonical_body("江苏省政协办公厅")
    assert canonical_body("江苏省人民检察院") != canonical_body("江苏省高级人民法院")
