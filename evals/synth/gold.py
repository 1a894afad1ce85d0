"""The gold record of a synthetic disclosure, in the export-JSON shape (values in 万元 as the
document prints them, evidence = line citations from the text rendering).

Every gold carries `doc_kind` (部门预算 | 单位预算 | 部门决算 | 单位决算), `level` (省 | 市 | 区 | 县 | 街道),
`half` (whole | text | tables) and `disclosure` ("<body>|<year>|<kind>", the same for the two files
of a split disclosure). A half's gold keeps only what that file states: a figure the tables print
and the narrative repeats is, in the narrative half, evidenced by the narrative sentence (ALIASES);
in the tables half a zero (often a blank cell there) also accepts "not stated" (None).
"""

from __future__ import annotations

from typing import Any

from evals.synth.model import Synth

# a standard path → narrative marks that state the same figure (used where no table row is printed)
ALIASES = {
    "income.total": ["narrative.total"], "expenditure.total": ["narrative.total"],
    "income.general_budget": ["narrative.general_budget"], "income.upper_transfer": ["narrative.upper_transfer"],
    "expenditure.basic": ["narrative.basic"], "expenditure.project": ["narrative.project"],
    "expenditure.personnel": ["narrative.personnel"], "expenditure.public": ["narrative.public"],
    "sangong.total": ["sangong_narrative.total"], "sangong.overseas_travel": ["sangong_narrative.overseas_travel"],
    "sangong.reception": ["sangong_narrative.reception"], "sangong.vehicle_purchase": ["sangong_narrative.vehicle_purchase"],
    "sangong.vehicle_operation": ["sangong_narrative.vehicle_operation"],
    "sangong.vehicle_total": ["sangong_narrative.vehicle_total"],
}
IDENTITY = ("department", "region", "fiscal_year", "doc_kind", "level")


def _num(cents: int) -> float:
    return round(cents / 100, 2)


class Ev:
    """Evidence lookup over the marks of one rendering."""

    def __init__(self, doc: str, marks: dict[str, tuple[int, str]], page: int | None = None,
                 aliases: dict[str, list[str]] | None = None):
        self.doc, self.marks, self.page = doc, marks, page
        self.aliases = ALIASES if aliases is None else aliases

    def __call__(self, p: str) -> list[dict[str, Any]]:
        for key in [p] + self.aliases.get(p, []):
            if key in self.marks:
                line, quote = self.marks[key]
                return [{"doc": self.doc, "page": self.page, "line": line, "quote": quote}]
        return []

    def leaf(self, p: str, value: Any, blank_zero: bool = False) -> dict[str, Any]:
        if blank_zero and value in (0, 0.0):
            return {"value": None, "evidence": [], "accept": [0.0]}
        return {"value": value, "evidence": self(p)}

    def money(self, p: str, cents: int, blank_zero: bool = False) -> dict[str, Any]:
        return self.leaf(p, _num(cents), blank_zero)


def identity(s: Synth, ev: Ev, kind: str) -> dict[str, Any]:
    region_accept = sorted(x for x in {s.prefecture + (s.county or ""), s.province + s.prefecture + (s.county or "")}
                           if x != s.region)
    if s.street:
        region_accept.append(s.county + s.street)
    return {
        "department": ev.leaf("department", s.unit),
        "region": {"value": s.region, "evidence": [], "accept": region_accept},
        "fiscal_year": ev.leaf("fiscal_year", s.year),
        "doc_kind": ev.leaf("doc_kind", kind),
        "level": {"value": s.level, "evidence": []},
    }


def prune(g: dict[str, Any], half: str) -> dict[str, Any]:
    """Keep, in a half's gold, the identity leaves and the leaves this file evidences (the tables half
    also keeps figures its tables leave blank: 0 accepted)."""

    def keep(node: Any, top: str) -> Any:
        if isinstance(node, dict) and "value" in node and "evidence" in node:
            if half == "tables" and node["value"] == 0 and node["evidence"] and not isinstance(node["value"], bool):
                return dict(node, accept=[None])  # a zero a table row leaves blank: 0 or "not stated"
            if top in IDENTITY or node["evidence"]:
                return node
            if half == "tables" and node.get("accept") == [0.0] and top not in ("narrative", "contact", "staffing"):
                return node
            return None
        if isinstance(node, dict):
            out = {k: v for k, v in ((k, keep(v, top)) for k, v in node.items()) if v not in (None, {}, [])}
            return out
        if isinstance(node, list):
            return [x for x in (keep(v, top) for v in node) if x]
        return node

    out: dict[str, Any] = {}
    for k, v in g.items():
        if k in ("doc", "path", "half", "disclosure", "synthetic"):
            out[k] = v
            continue
        kept = keep(v, k)
        if kept not in (None, {}, []):
            out[k] = kept
    if "expenditure" in out:
        out["expenditure"].setdefault("by_function", [])
    else:
        out["expenditure"] = {"by_function": []}
    return out


def build_gold(s: Synth, marks: dict[str, tuple[int, str]], *, path: str = "", page: int | None = None,
               half: str = "whole", doc: str | None = None) -> dict[str, Any]:
    doc = doc or s.doc
    ev = Ev(doc, marks, page)
    leaf, money = ev.leaf, ev.money

    st, sg, pr, a = s.staff, s.sangong, s.procurement, s.assets
    shown = s.shown
    sg_true = sum(sg.values())
    jiangsu = s.layout.titles == "jiangsu"
    g: dict[str, Any] = {
        "doc": doc,
        "path": path,
        "half": half,
        "disclosure": f"{s.unit}|{s.year}|{s.doc_kind}",
        **identity(s, ev, s.doc_kind),
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
        **({"meeting_fee": money("meeting_fee", s.public.get(("302", "15"), 0)),
            "training_fee": money("training_fee", s.public.get(("302", "16"), 0))} if jiangsu else {}),
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
        "synthetic": synthetic(s, "budget"),
    }
    if half != "whole":
        g = prune(g, half)
    return g


def synthetic(s: Synth, kind: str) -> dict[str, Any]:
    jiangsu = s.layout.titles == "jiangsu" and kind == "budget"
    if kind == "final":
        empty = ["government_fund", "state_capital"]
    elif jiangsu:
        empty = ["government_fund"] + ([] if s.shown("procurement.total", s.procurement["total"]) else ["procurement"])
    else:
        empty = (["government_fund", "state_capital"]
                 + ([] if any(p.source != "carryover" for p in s.projects) else ["general_budget_project"])
                 + ([] if s.carryover else ["carryover"]))
    out = {
        "seed": s.seed,
        "department_kind": s.dept["name"],
        "unit_traps": list(s.yuan_tables),
        "injected": [dict(i, printed=_num(i["printed"]), expected=_num(i["expected"])) for i in s.injected],
        "tables_empty": empty,
    }
    if kind != "budget" or not s.layout.is_default:
        out["kind"] = kind
        out["layout"] = s.layout.as_dict()
        out["variants"] = s.layout.names()
    return out
