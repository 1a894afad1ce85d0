"""`gongkai eval extract` scores the real extractor against the hand-built gold, and notices errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from evals.extract_eval import evaluate, validator_agreement
from gongkai.cli import main as cli

GOLD = Path(__file__).resolve().parent.parent / "evals" / "gold"
DOC = "002_77eafa45268ff922"


def test_cli_reports_precision_recall_per_section_and_document(capsys):
    assert cli(["eval", "extract", str(GOLD / f"{DOC}.json")]) == 0
    out = capsys.readouterr().out
    assert "TOTAL" in out and "tables.general_budget_expenditure" in out and DOC in out and "validator flagged" in out


def test_a_wrong_extraction_lowers_precision_and_recall():
    from extract.api import extract_path

    def broken(path):
        rec = extract_path(path)
        rec = copy.deepcopy(rec)
        rec["sangong"]["total"]["value"] = 9.99  # wrong value
        rec["procurement"]["goods"]["value"] = None  # missed value
        rec["tables"]["general_budget_expenditure"]["rows"] = rec["tables"]["general_budget_expenditure"]["rows"][:-3]  # missed rows
        return rec

    good = evaluate(GOLD / f"{DOC}.json")["documents"][DOC]
    bad = evaluate(GOLD / f"{DOC}.json", extract_fn=broken)["documents"][DOC]
    assert bad["sections"]["sangong"]["fp"] == good["sections"]["sangong"]["fp"] + 1
    assert bad["sections"]["procurement"]["fn"] == good["sections"]["procurement"]["fn"] + 1
    assert bad["sections"]["tables.general_budget_expenditure"]["recall"] < good["sections"]["tables.general_budget_expenditure"]["recall"]
    paths = {m["path"] for m in bad["misses"]}
    assert {"sangong.total", "procurement.goods"} <= paths


def test_validator_agreement_matches_by_evidence_line():
    incs = json.loads((GOLD / f"{DOC}.inconsistencies.json").read_text(encoding="utf-8"))["inconsistencies"]
    flag = {"id": "x", "status": "mismatch", "paths": ["performance.overall_amount"],
            "evidence": [{"doc": DOC, "line": 1299, "quote": "涉及金额 2018.55 万元"}]}
    res = validator_agreement(incs, [flag, {"id": "y", "status": "pass", "paths": [], "evidence": []}])
    assert res["detectable"] == 2 and res["flagged"] == 1  # 002-perf-overall-amount + 002-perf-ecard-activation (002-perf-upper-funds retired, issue 15)
    assert res["other_mismatch_flags"] == []
    stray = {"id": "z", "status": "mismatch", "paths": ["sangong.total"], "evidence": [{"line": 683}]}
    res = validator_agreement(incs, [stray])
    assert res["flagged"] == 0 and [f["id"] for f in res["other_mismatch_flags"]] == ["z"]


def test_place_names_compare_with_or_without_one_suffix():
    from evals.extract_eval import values_equal

    assert values_equal("正州县", "正州") and values_equal("青州市", "青州") and values_equal("青州", "青州市")
    assert not values_equal("正州县", "正县") and not values_equal("青州市", "沧州市")


def test_wrong_row_names_are_scored_apart_from_values():
    """A 表5 row with the right amounts but another name: the values still count, the name does not."""
    from extract.api import extract_path

    def renamed(path):
        rec = copy.deepcopy(extract_path(path))
        rows = rec["tables"]["general_budget_expenditure"]["rows"]
        named = [r for r in rows if r.get("code")]
        named[0]["name"] = "不是这个科目"
        return rec

    good = evaluate(GOLD / f"{DOC}.json")
    bad = evaluate(GOLD / f"{DOC}.json", extract_fn=renamed)
    assert bad["total"] == good["total"]
    assert bad["row_names"]["general_budget_expenditure"]["right"] == good["row_names"]["general_budget_expenditure"]["right"] - 1
    assert bad["row_names"]["general_budget_expenditure"]["rows"] == good["row_names"]["general_budget_expenditure"]["rows"]
    assert any(m["path"].endswith(".name") and m["extracted"] == "不是这个科目"
               for m in bad["documents"][DOC]["misses"])
