"""The synthetic QA tier: items in the set format, evidence printed where it says, answers from the gold."""

from __future__ import annotations

import json

from evals.synth_qa import make_set
from evals.verify import Corpus, verify_qa_item


def test_synthetic_set_is_well_formed_and_verifies(tmp_path):
    text_dir, set_path = make_set(3, tmp_path, seed=5)
    items = [json.loads(l) for l in set_path.read_text(encoding="utf-8").splitlines()]
    assert {i["type"] for i in items} == {"lookup", "derived", "cross_document", "unanswerable"}
    assert any(i["lang"] == "en" for i in items) and any(i["lang"] == "zh" for i in items)
    assert len({i["id"] for i in items}) == len(items)
    corpus = Corpus(text_dir)
    problems = [p for i in items for p in verify_qa_item(corpus, i)]
    assert problems == []
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "gold").glob("*.json")}
    for i in items:
        if i["type"] == "lookup" and "三公" in i["question"]:
            assert i["answer_value"] == golds[i["doc"]]["sangong"]["total"]["value"]
        if i["type"] == "unanswerable":
            assert i["answer_value"] is None and i["evidence"] == []
    # the sum over all documents is printed nowhere: check it against the gold by hand
    total = next(i for i in items if i["type"] == "cross_document" and "合计" in i["question"])
    assert abs(total["answer_value"] - sum(g["sangong"]["total"]["value"] for g in golds.values())) < 0.001
