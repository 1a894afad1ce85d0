"""The gold record of a synthetic disclosure, in the export-JSON shape (values in 万元 as the
document prints them, evidence = line citations from the text rendering)."""

from __future__ import annotations

from typing import Any

from evals.synth.model import Synth


def _num(cents: int) -> float:
    return round(cents / 100, 2)


def build_gold(s: Synth, marks: dict[str, tuple[int, str]], *, path: str = "", page: int | None = None) -> dict[str, Any]:
    def ev(p: str) -> list[dict[str, Any]]:
        if p not in marks:
            return []
        line, quote = marks[p]
        return [{"doc": s.doc, "page": page, "line": line, "quote": quote}]

    def leaf(p: str, value: Any, blank_zero: bool = False) -> dict[str, Any]:
        if blank_zero and value in (0, 0.0):
            return {"value": None, "evidence": [], "accept": [0.0]}
        return {"value": value, "evidence": ev(p)}

    def money(p: str, cents: int, blank_zero: bool = False) -> dict[str, Any]:
        return leaf(p, _num(cents), blank_zero)

    st, sg, pr, a = s.staff, s.sangong, s.procurement, s.assets
    shown = s.shown
    region_accept = [x for x in {s.prefecture + (s.county or ""), s.province + s.prefecture + (s.county or "")} if x != s.region]
    sg_true = sum(sg.values())
    g: dict[str, Any] = {
        "doc": s.doc,
        "path": path,
        "department": leaf("department", s.unit),
        "region": {"value": s.region, "evidence": [], "accept": region_accept},
        "fiscal_year": leaf("fiscal_year", s.year),
        "staffing": {k: leaf(f"staffing.{k}", st[k]) for k in ("authorized", "actual", "active", "retired")},
        "income": {
            "total": money("income.total", s.total),
            "current_year": money("income.current_year", s.general_budget),
            "general_budget": money("income.general_budget", s.general_budget),
            "general_own": money("income.general_own", s.general_own),
            "upper_transfer": money("income.upper_transfer", s.upper, blank_zero=True),
            "carryover": money("income.carryover", s.carryover, blank_zero=True),
        },
        "expenditure": {
            "total": money("expenditure.total", s.total),
            "basic": money("expenditure.basic", s.basic),
            "project": money("expenditure.project", s.project_total, blank_zero=True),
            "personnel": money("expenditure.personnel", shown("expenditure.personnel", s.personnel_total)),
            "public": money("expenditure.public", s.public_total),
            "by_function": [
                {"code": leaf(f"expenditure.by_function.{code}", code),
                 "name": leaf(f"expenditure.by_function.{code}", name),
                 "amount": money(f"expenditure.by_function.{code}", shown(f"class.{code}", amount))}
                for code, name, amount in s.by_class()
            ],
        },
        "sangong": {
            "total": money("sangong.total", shown("sangong.total", sg_true)),
            "overseas_travel": money("sangong.overseas_travel", sg["overseas_travel"]),
            "reception": money("sangong.reception", sg["reception"]),
            "vehicle_total": money("sangong.vehicle_total", sg["vehicle_purchase"] + sg["vehicle_operation"]),
            "vehicle_purchase": money("sangong.vehicle_purchase", sg["vehicle_purchase"]),
            "vehicle_operation": money("sangong.vehicle_operation", sg["vehicle_operation"]),
        },
        "operating_expenses": money("operating_expenses", s.operating),
        "procurement": {
            "total": money("procurement.total", shown("procurement.total", pr["total"])),
            "goods": money("procurement.goods", pr["goods"]),
            "works": money("procurement.works", pr["works"]),
            "services": money("procurement.services", pr["services"]),
        },
        "assets": {"vehicles": leaf("assets.vehicles", a["vehicles"])},
        "contact": {"name": leaf("contact.name", s.contact[0]), "phone": leaf("contact.phone", s.contact[1])},
        "narrative": {
            "total": money("narrative.total", shown("narrative.total", s.total)),
            "income_total": money("narrative.income_total", s.total),
            "expenditure_total": money("narrative.expenditure_total", s.total),
            "basic": money("narrative.basic", s.basic),
            "personnel": money("narrative.personnel", s.personnel_total),
            "public": money("narrative.public", s.public_total),
        },
        "synthetic": {
            "seed": s.seed,
            "department_kind": s.dept["name"],
            "unit_traps": list(s.yuan_tables),
            "injected": [dict(i, printed=_num(i["printed"]), expected=_num(i["expected"])) for i in s.injected],
            "tables_empty": ["government_fund", "state_capital"] + ([] if any(p.source != "carryover" for p in s.projects) else ["general_budget_project"])
                            + ([] if s.carryover else ["carryover"]),
        },
    }
    return g
