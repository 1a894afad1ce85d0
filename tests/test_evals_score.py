"""Scoring rules of `gongkai eval run` and the harness around them (no index needed)."""

from __future__ import annotations

import json

import pytest

from evals.run import SetError, load_set, run_items
from evals.score import citation_scores, is_correct, numbers_match, summarize

J = "001_4e595076af774e23.txt"


def ans(value=None, unit=None, declined=False, answer="", citations=None):
    return {"value": value, "unit": unit, "declined": declined, "answer": answer, "citations": citations or []}


def test_numbers_within_half_a_unit_of_the_last_printed_digit():
    assert numbers_match(2.22, "万元", 2.224, "万元")
    assert not numbers_match(2.22, "万元", 2.226, "万元")
    assert numbers_match(3, "万元", 3.4, "万元")  # gold printed as "3"
    assert not numbers_match(3, "万元", 3.6, "万元")
    assert numbers_match(247.4, "万元", 247.40, None)  # JSON drops 247.40's zero: still two decimals
    assert not numbers_match(247.4, "万元", 247.43, "万元")


def test_money_units_are_normalised():
    assert numbers_match(2081.55, "万元", 20815500, "元")
    assert numbers_match(2081.55, "万元", 0.208155, "亿元")
    assert not numbers_match(2081.55, "万元", 2081.55, "元")
    assert numbers_match(15, "人", 15, "人")
    assert not numbers_match(15, "万元", 15, "人")  # a head count is not an amount
    assert numbers_match(3.35, "%", "3.35%", "%")


def test_strings_unanswerable_and_declines():
    item = {"answer_value": "克孜勒苏", "accept": ["克州"]}
    assert is_correct(item, ans(answer="克州医保局的政府采购预算最高：205.92 万元"))
    assert not is_correct(item, ans(answer="轮台县医疗保障局"))
    unans = {"answer_value": None}
    assert is_correct(unans, ans(declined=True))
    assert not is_correct(unans, ans(value=1.0))
    assert not is_correct({"answer_value": 1.03, "unit": "万元"}, ans(value=1.03, declined=True))
    assert not is_correct({"answer_value": 1.03, "unit": "万元"}, {"error": "boom"})
    assert is_correct({"answer_value": 0.06, "unit": "万元", "compare_abs": True}, ans(value=-0.06, unit="万元"))
    assert not is_correct({"answer_value": 0.06, "unit": "万元"}, ans(value=-0.06, unit="万元"))


def test_citation_must_contain_the_gold_quote_in_the_same_document():
    item = {"doc": J, "evidence": [{"line": 472, "quote": "“三公”经费数为 2.22 万元",
                                    "alt": [{"line": 338, "quote": "合计	2.22	2.22"}]}]}
    line = "伽师县医疗保障局 2024 年财政拨款“三公”经费数为 2.22 万元，其中：…"
    assert citation_scores(item, ans(citations=[{"doc": "001_4e595076af774e23", "line": 472, "quote": line}])) == (True, True)
    assert citation_scores(item, ans(citations=[{"doc": "002_77eafa45268ff922", "line": 472, "quote": line}])) == (False, False)
    assert citation_scores(item, ans(citations=[{"doc": J, "line": 338, "quote": "合计\t2.22\t2.22"}])) == (True, True)
    assert citation_scores(item, ans(citations=[{"doc": J, "line": 340, "quote": "公务接待费\t0.12"}])) == (False, False)
    assert citation_scores({"answer_value": None, "evidence": []}, ans()) == (None, None)


def test_foreign_sets_run_and_unknown_keys_are_ignored(tmp_path):
    path = tmp_path / "theirs.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "question": "三公经费多少", "answer_value": 1.03, "unit": "万元", "difficulty": "easy"}, ensure_ascii=False),
        "",
        json.dumps({"question": "火星预算？", "answer_value": None, "tags": ["x"]}, ensure_ascii=False),
    ]), encoding="utf-8")
    items = load_set(path)
    assert [i["id"] for i in items] == ["a", "theirs-3"]

    def answer(q):  # a stand-in answerer: this test is about the harness plumbing
        if "火星" in q:
            return ans(declined=True)
        raise RuntimeError("index missing")

    rows = run_items(items, answer)
    assert [r["correct"] for r in rows] == [False, True]
    assert rows[0]["result"]["error"].startswith("RuntimeError")
    assert rows[0]["difficulty"] == "easy" and "latency_s" in rows[0]
    s = summarize(rows)
    assert s["abstention"] == {"answerable_answered": 1, "answerable_declined": 0,
                               "unanswerable_answered": 0, "unanswerable_declined": 1}
    assert s["by_type"]["unknown"]["n"] == 2 and s["errors"] == 1


def test_bad_set_gives_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok", "answer_value": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(SetError, match="bad.jsonl:2"):
        load_set(bad)
    with pytest.raises(SetError, match="no such file"):
        load_set(tmp_path / "missing.jsonl")
