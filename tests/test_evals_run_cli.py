"""`gongkai eval run` end to end: someone else's set (their keys, doc lists, page evidence) answered by
the real `ask` on the ingested sample corpus; one output line per item plus a printed summary."""

from __future__ import annotations

import json

from gongkai.cli import main as cli

L = "002_77eafa45268ff922.txt"
K = "003_ed059d2f5e2a2cf7.txt"


def test_eval_run_on_a_foreign_set(ingested_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_HOME", str(ingested_home))
    theirs = tmp_path / "theirs.jsonl"
    lines = [
        {"id": "t1", "question": "轮台县医保局公务接待费是多少？", "answer_value": 1000, "unit": "元", "doc": L,
         "evidence": [{"page": 3, "quote": "公务接待费"}], "difficulty": "easy", "annotator": "someone"},
        {"id": "t2", "question": "轮台和克州的政府采购预算合计是多少？", "answer_value": 2121500, "unit": "元", "doc": [L, K],
         "type": "cross"},
        {"id": "t3", "question": "轮台县医保局2030年有几架无人机？", "answer_value": None, "tags": ["trick"]},
        {"id": "t4", "question": "轮台县医保局三公经费是多少？", "answer_value": 99.0, "unit": "万元"},  # a wrong label
    ]
    theirs.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    out = tmp_path / "res.jsonl"
    assert cli(["eval", "run", str(theirs), "--out", str(out)]) == 0
    rows = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["t1", "t2", "t3", "t4"]
    assert [r["correct"] for r in rows] == [True, True, True, False]  # 0.10 万元 = 1000 元; 6.23 + 205.92 万元
    assert rows[0]["annotator"] == "someone" and rows[0]["result"]["citations"]
    assert rows[2]["result"]["declined"] is True
    summary = capsys.readouterr().out
    assert "4 items, accuracy 75.0%" in summary and "cross" in summary
