"""The validator reports the documents' arithmetic (pass / rounding / mismatch / insufficient_data)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from extract.build import build_record
from extract.schema import Leaf
from extract.testing import document
from extract.validate import Checker

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def test_status_envelope_of_rounded_terms():
    ck = Checker()
    three = [("a", Leaf(value=D("0.33"))), ("b", Leaf(value=D("0.33"))), ("c", Leaf(value=D("0.33")))]
    assert ck.sum("r", "", ("t", Leaf(value=D("1.00"))), three).status == "rounding"  # 0.01 ≤ 4 half-cents
    assert ck.sum("m", "", ("t", Leaf(value=D("1.10"))), three).status == "mismatch"
    assert ck.sum("p", "", ("t", Leaf(value=D("0.99"))), three).status == "pass"
    c = ck.sum("i", "", ("t", Leaf(value=D("0.99"))), three[:2] + [("c", Leaf())])
    assert c.status == "insufficient_data"
    assert ck.checks[1].difference == 0.11 and ck.checks[1].lhs == 1.10
    # a zero printed without decimals ("工程 0 万元") is exact: it does not widen the envelope to ±units
    parts = [("g", Leaf(value=D("6.23"))), ("w", Leaf(value=D("0"))), ("s", Leaf(value=D("0.73")))]
    assert ck.sum("z", "", ("t", Leaf(value=D("6.23"))), parts).status == "mismatch"
    # a figure printed as a whole number still sets the precision of its statement
    assert ck.sum("u", "", ("t", Leaf(value=D("7"))), parts).status == "rounding"


def test_rounding_reported_in_a_table_tree():
    text = "\n".join([
        "科 目 支出预算", "208 社会保障和就业支出 1.00 1.00", "208 05 行政事业单位养老支出 0.33 0.33",
        "208 06 其他 0.33 0.33", "208 07 其他二 0.33 0.33", "合计 1.00 1.00"])
    rec = build_record(document(text, tables={"expenditure_overview": (1, 6)}))
    check = next(c for c in rec.validation if c.id == "expenditure_overview.208.total=sum(款)")
    assert check.status == "rounding" and check.difference == 0.01
    assert [e.line for e in check.evidence][:2] == [2, 3]


def test_real_inconsistency_in_income_table_is_reported_not_repaired():
    # 表2 of this document: 卫生健康支出 1202.75, but its 款 rows add up to 1126.25 (the 76.50 carried over
    # is missing from 基层医疗卫生机构)
    path = CORPUS / "004_479787b2eb065ad4.txt"
    doc = document(path.read_text(encoding="utf-8").rstrip("\n"), tables={"income_overview": (155, 337)}, doc=path.stem)
    rec = build_record(doc)
    check = next(c for c in rec.validation if c.id == "income_overview.210.total=sum(款)")
    assert check.status == "mismatch"
    assert (check.lhs, check.rhs, check.difference) == (1202.75, 1126.25, 76.5)
    row = next(r for r in rec.tables["income_overview"].rows if r.code == "21003")
    assert row.values["total"].value == D("151.58")  # the printed figure, untouched


def test_narrative_figure_disagreeing_with_tables():
    path = CORPUS / "002_77eafa45268ff922.txt"
    doc = document(path.read_text(encoding="utf-8").rstrip("\n"), tables={"income_expenditure_overview": (41, 112)}, doc=path.stem)
    rec = build_record(doc)
    check = next(c for c in rec.validation if c.id == "performance.overall_amount=income.total")
    assert check.status == "mismatch" and check.lhs == 2018.55 and check.rhs == 2081.55
    lines = {e.line for e in check.evidence}
    assert 1297 in lines and 105 in lines  # the narrative sentence and the 收入总计 row


def test_sangong_identities_and_narrative_agreement():
    path = CORPUS / "001_4e595076af774e23.txt"
    doc = document(path.read_text(encoding="utf-8").rstrip("\n"), tables={"sangong": (336, 343)}, doc=path.stem)
    rec = build_record(doc)
    by_id = {c.id: c for c in rec.validation}
    assert by_id["sangong.total=sum(items)"].status == "pass"
    assert by_id["sangong.vehicle_total=purchase+operation"].status == "pass"
    assert by_id["sangong_narrative.total=sangong.total"].status == "pass"
    assert by_id["sangong_change.total=sum(items)"].status == "pass"  # -0.01 = 0 + 0 + 0 - 0.01
    # a missing table: identities that need it are insufficient, not passing
    assert by_id["income.total=expenditure.total"].status == "insufficient_data"
