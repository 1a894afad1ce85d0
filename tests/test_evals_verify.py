"""The labelled eval data checks out against the corpus, and the checker catches bad labels."""

from __future__ import annotations

import json

from evals.verify import Corpus, default_files, number_in_text, verify_file, verify_qa_item

J = "001_4e595076af774e23.txt"
K = "003_ed059d2f5e2a2cf7.txt"


def test_bundled_sets_and_gold_verify_clean():
    corpus = Corpus()
    for path in default_files():
        n, problems = verify_file(path, corpus)
        assert n > 0, path
        assert problems == [], (path.name, problems[:5])


def test_qa_set_size_and_tiers():
    items = [json.loads(l) for l in (default_files()[0]).read_text(encoding="utf-8").splitlines() if l.strip()]
    assert len(items) >= 150
    tiers = {i["type"] for i in items}
    assert tiers == {"lookup", "derived", "cross_document", "narrative", "unanswerable"}
    english = sum(1 for i in items if i.get("lang") == "en")
    assert english / len(items) >= 0.18
    assert len({i["id"] for i in items}) == len(items)


def test_wrong_line_and_wrong_number_are_flagged():
    corpus = Corpus()
    good = {"id": "x", "question": "q", "answer_value": 2.22, "type": "lookup", "doc": J,
            "evidence": [{"line": 472, "quote": "“三公”经费数为 2.22 万元"}]}
    assert verify_qa_item(corpus, good) == []
    moved = dict(good, evidence=[{"line": 471, "quote": "“三公”经费数为 2.22 万元"}])
    assert any("not printed there" in p for p in verify_qa_item(corpus, moved))
    wrong = dict(good, answer_value=2.12)
    assert any("does not appear" in p for p in verify_qa_item(corpus, wrong))


def test_quote_may_run_over_wrapped_lines():
    corpus = Corpus()
    # 003 prints "…编制数 29，实有人" / "数 30 人…" on two lines with a blank line between
    item = {"id": "w", "question": "q", "answer_value": 30, "type": "lookup", "doc": K,
            "evidence": [{"line": 99, "quote": "编制数 29，实有人数 30 人"}]}
    assert verify_qa_item(corpus, item) == []


def test_number_matching_respects_number_boundaries():
    assert number_in_text(261.4, "人员经费 261.4 万元")
    assert number_in_text(261.40, "13.29261.40274.69合  计")
    assert number_in_text(2081.55, "收 入 总 计 2,081.55")
    assert not number_in_text(15, "卫生健康支出 2015.35")
    assert not number_in_text(1.5, "合计 11.50")
