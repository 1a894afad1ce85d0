"""The naive-RAG baseline really retrieves (LangChain splitter + real embedder + Chroma) and answers
extractively with a line citation, in the ask --json shape the scorer reads."""

from __future__ import annotations

from evals.baseline import Baseline
from evals.score import score

DOC = """某县文化局2024年部门预算公开
一、部门职责
负责全县文化事业的管理工作。
二、三公经费情况说明
2024年“三公”经费预算数为 3.75 万元，其中公务接待费 1.20 万元，公务用车运行费 2.55 万元。
三、政府采购情况说明
2024年政府采购预算 12.40 万元，其中货物 12.40 万元。
四、国有资产占用情况
截至上年末，共有车辆 2 辆。
"""


def test_baseline_answers_extractively_with_a_line_citation(tmp_path):
    (tmp_path / "culture.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 ignored: the baseline reads text files only")
    base = Baseline(tmp_path, k=2, chunk_size=60, chunk_overlap=0)
    assert {c.doc for c in base.chunks} == {"culture"} and len(base.chunks) > 2
    res = base.ask("某县文化局政府采购预算是多少？")
    assert res["declined"] is False and res["route"] == "retrieval"
    assert res["value"] == 12.40 and res["unit"] == "万元"
    cite = res["citations"][0]
    assert cite["doc"] == "culture" and cite["line"] == 7 and "12.40" in cite["quote"]
    item = {"question": "q", "answer_value": 12.4, "unit": "万元",
            "evidence": [{"doc": "culture.txt", "line": 7, "quote": "政府采购预算 12.40 万元"}]}
    assert score(item, res) == {"correct": True, "citation_any": True, "citation_all": True}


def test_baseline_never_declines_a_question_it_cannot_answer(tmp_path):
    (tmp_path / "culture.txt").write_text(DOC, encoding="utf-8")
    res = Baseline(tmp_path, k=2, chunk_size=60, chunk_overlap=0).ask("文化局2035年的无人机数量？")
    assert res["declined"] is False and res["citations"]
    assert score({"question": "q", "answer_value": None}, res)["correct"] is False
