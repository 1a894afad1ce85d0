"""Which records answer a question: one per unit asked about (or every unit), of the year(s) asked,
budget (预算) or final accounts (决算) as asked — or a decline (unit not ingested, other year, next
year's budget, no final accounts)."""

from __future__ import annotations

from qa.compose import Answer, decline
from qa.intent import Intent
from qa.records import Library
from qa.unit_names import Unit

def pick_records(lib: Library, intent: Intent) -> tuple[list[dict], Answer | None]:
    """The records the question is about (one per unit), or a decline (other unit/year)."""
    if not lib.records:
        return [], decline(intent, "no_documents", "还没有导入任何预算公开文件（先运行 gongkai ingest）。",
                           "No budget disclosures are ingested yet (run `gongkai ingest` first).")
    if intent.unknown_units and (not intent.units or intent.op != "text"):
        # a figure of a unit that is not ingested cannot be given, summed or compared: never a partial guess
        have = "、".join(sorted({u.department for u in lib.units.units}))
        names = "、".join(intent.unknown_units)
        return [], decline(intent, "unknown_unit", f"已导入的文件中没有“{names}”的预算公开，无法回答。已收录：{have}。",
                           f"None of the ingested disclosures is from {', '.join(intent.unknown_units)}; "
                           f"I cannot answer that. Ingested: {have}.")
    if intent.next_year:
        return [], decline(intent, "other_year", "预算公开文件只有已公布年度的预算，没有下一年度的数字，无法回答。",
                           "The disclosures give only the published budget year, not next year's; I cannot answer that.")
    units = intent.units or (lib.units.units if intent.all_units else [])
    if not units:
        return [], None
    # one body may have documents of several years (and its name printed differently across them): group
    # by the canonical body, then take the year(s) asked — the exact year when it is ingested
    from ingest.identity import canonical_body

    bodies: dict[str, list[tuple[Unit, dict]]] = {}
    for u in units:
        rec = lib.record(u.doc)
        if rec is not None:
            bodies.setdefault(canonical_body(u.department) or u.department, []).append((u, rec))
    # budget or final accounts: a question about actual spending is answered from a 决算 only; a budget
    # question from a 预算, or from the budget a 决算 prints beside its final figures
    final_of = {b: [(u, r) for u, r in docs if _is_final(r)] for b, docs in bodies.items()}
    if intent.kind == "final":
        if not any(final_of.values()):
            dep = next(iter(bodies.values()))[0][0].department if bodies else ""
            return [], decline(intent, "other_kind",
                               f"已导入的{dep}文件都是预算公开，没有决算（实际支出）数字，无法回答。",
                               f"The ingested {dep} documents are budgets: they give no final-accounts (actual "
                               "spending) figures, so I cannot answer that.")
        bodies = {b: docs for b, docs in final_of.items() if docs}
    else:
        bodies = {b: ([x for x in docs if not _is_final(x[1])] or [(u, _budget_view(r)) for u, r in docs])
                  for b, docs in bodies.items()}
    wanted = intent.years or ([intent.year] if intent.year is not None else [])
    chosen: list[dict] = []
    missing: list[tuple[str, list[int]]] = []
    for body, docs in bodies.items():
        have = _by_year(docs)
        if not wanted:
            chosen.append(have[max(have)])
            continue
        for y in wanted:
            if y in have:
                chosen.append(have[y])
            elif y + 1 in have and len(wanted) == 1 and intent.op == "lookup" and not intent.all_units:
                intent.previous_year = True  # the budget before: derivable from the stated change
                chosen.append(have[y + 1])
            else:
                missing.append((docs[0][0].department, sorted(k for k in have if k)))
    seen_docs: set[str] = set()
    chosen = [r for r in chosen if not (r.get("doc") in seen_docs or seen_docs.add(r.get("doc")))]
    if missing and (not chosen or not intent.all_units):
        dep, years = missing[0]
        ys = "、".join(str(y) for y in years)
        asked = "、".join(str(y) for y in wanted if y not in years) or str(intent.year)
        return [], decline(intent, "other_year",
                           f"{dep}只有 {ys} 年的预算公开文件，没有 {asked} 年的，无法回答。",
                           f"Only the {ys} budget of {dep} is ingested, not {asked}; I cannot answer for {asked}.")
    return chosen, None


def _by_year(docs: list[tuple[Unit, dict]]) -> dict[int, dict]:
    """One record per year. Two documents of one body, year and kind (an original and a corrected
    version, or two copies) are not chosen between silently: the first answers and carries the others
    as `_twins`, so an answer can say where they disagree (`qa.routes`)."""
    groups: dict[int, list[dict]] = {}
    for u, rec in docs:
        recs = groups.setdefault(u.fiscal_year or 0, [])
        if all(r.get("doc") != rec.get("doc") for r in recs):
            recs.append(rec)
    out = {}
    for y, recs in groups.items():
        recs = sorted(recs, key=lambda r: str(r.get("doc") or ""))
        out[y] = dict(recs[0], _twins=recs[1:]) if len(recs) > 1 else recs[0]
    return out


def twins(rec: dict) -> list[dict]:
    """The other documents of the same body, year and kind as this record."""
    return list(rec.get("_twins") or [])


def _is_final(rec: dict) -> bool:
    return "决算" in str((rec.get("doc_kind") or {}).get("value") or "")


def _budget_view(rec: dict) -> dict:
    """A 决算 read for its budget figures: the budget printed beside each final figure (budget.<path>)
    stands at the standard path; a figure with no budget printed beside it is not given."""
    if not _is_final(rec):
        return rec
    side = rec.get("budget") or {}
    view = {k: v for k, v in rec.items() if k not in ("income", "expenditure", "fiscal", "sangong", "procurement",
                                                      "operating_expenses", "meeting_fee", "training_fee")}
    view.update({k: v for k, v in side.items()})
    view["_view"] = "budget"
    return view
