"""A synthetic QA tier: questions written from templates over the gold records of generated
disclosures (evals/synth), answered by the same systems and scored by the same rules as the
hand-labelled set, but reported separately. The documents are new to the product (names, amounts,
departments composed at random), so this is the out-of-sample check of the QA stage.

Answers come from the generator's gold (lookups) or from Decimal arithmetic over gold values
(derived, cross-document); evidence is the gold leaves' evidence. Items use the set format of
`gongkai eval run` (type = lookup | derived | cross_document | unanswerable, lang = zh | en).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from extract.store import leaf

# (path, Chinese templates, English template); {d} = department, {y} = fiscal year
LOOKUPS: list[tuple[str, list[str], str]] = [
    ("sangong.total", ["{d}{y}年三公经费预算是多少？", "{d}“三公”经费多少"], "What is the {y} 'three public' (三公) budget of {d}?"),
    ("sangong.reception", ["{d}公务接待费多少", "{d}{y}年公务接待费预算"], "How much does {d} budget for official receptions (公务接待费)?"),
    ("sangong.vehicle_operation", ["{d}公务用车运行费是多少？"], "Official vehicle operation cost (公务用车运行费) of {d}?"),
    ("operating_expenses", ["{d}机关运行经费是多少？", "{d}机关运行经费预算"], "What are the operating expenses (机关运行经费) of {d}?"),
    ("procurement.total", ["{d}政府采购预算总额", "{d}政府采购预算是多少"], "How large is {d}'s government procurement budget?"),
    ("expenditure.basic", ["{d}基本支出多少万元"], "How much basic expenditure does {d} plan?"),
    ("expenditure.project", ["{d}项目支出预算是多少？"], "What is {d}'s project expenditure?"),
    ("income.total", ["{d}{y}年收支总预算是多少？", "{d}收入总计"], "What is the total {y} budget of {d}?"),
    ("staffing.actual", ["{d}实有人数多少人"], "How many staff does {d} actually have?"),
]
UNANSWERABLE = [
    ("zh", "{d}2035年三公经费预算是多少？"),
    ("zh", "{d}有几架无人机？"),
    ("en", "How many drones does {d} own?"),
    ("en", "What is the 2035 operating budget (机关运行经费) of {d}?"),
]


def _val(gold: dict, path: str) -> tuple[Any, list[dict]]:
    value, evidence = leaf(gold, path)
    return value, [{"doc": e["doc"], "line": e["line"], "quote": e["quote"]} for e in evidence if e.get("quote")]


def _d(x: Any) -> Decimal:
    return Decimal(str(x))


def _round2(x: Decimal) -> float:
    return float(x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def items_for(golds: list[dict], *, start: int = 0) -> list[dict]:
    """Synthetic QA items over these gold records (one document each)."""
    items: list[dict] = []

    def add(type_: str, lang: str, question: str, answer: Any, unit: str | None, evidence: list[dict], doc: Any, note: str = "", accept=None):
        item = {"id": f"syn-{start + len(items) + 1:03d}", "question": question, "answer_value": answer, "unit": unit,
                "doc": doc, "type": type_, "lang": lang, "evidence": evidence, "note": note, "synthetic": True}
        if accept:
            item["accept"] = accept
        items.append(item)

    for n, g in enumerate(golds):
        dept, year, doc = g["department"]["value"], g["fiscal_year"]["value"], g["doc"]
        fields = {"d": dept, "y": year}
        for k, (path, zh, en) in enumerate(LOOKUPS):
            value, ev = _val(g, path)
            if value is None or not ev or (isinstance(value, (int, float)) and value == 0):
                continue
            unit = "人" if path.startswith("staffing") else "万元"
            # alternate phrasings and languages across documents so each template gets used
            if (n + k) % 5 == 0:
                add("lookup", "en", en.format(**fields), value, unit, ev, doc)
            else:
                add("lookup", "zh", zh[(n + k) % len(zh)].format(**fields), value, unit, ev, doc)
        basic, ev_b = _val(g, "expenditure.basic")
        project, ev_p = _val(g, "expenditure.project")
        total, ev_t = _val(g, "expenditure.total")
        if basic is not None and total:
            share = _d(basic) / _d(total) * 100
            add("derived", "zh", f"{dept}基本支出占支出总预算的比例是多少？", _round2(share), "%", ev_b + ev_t, doc,
                f"{basic} / {total} = {share:.4f}%")
        if basic is not None and project is not None and basic != project:
            more, less = ("基本支出", "项目支出") if _d(basic) > _d(project) else ("项目支出", "基本支出")
            en_more, en_less = ("basic", "project") if more == "基本支出" else ("project", "basic")
            diff = abs(_d(basic) - _d(project))
            q = (f"{dept}{more}比{less}多多少？" if n % 2 == 0
                 else f"How much more does {dept} spend on {en_more} than on {en_less} expenditure?")
            add("derived", "zh" if n % 2 == 0 else "en", q, float(diff), "万元", ev_b + ev_p, doc, f"|{basic} − {project}|")
        rec, ev_r = _val(g, "sangong.reception")
        veh, ev_v = _val(g, "sangong.vehicle_operation")
        if rec is not None and veh is not None:
            add("derived", "zh", f"{dept}公务接待费和公务用车运行费合计多少", float(_d(rec) + _d(veh)), "万元", ev_r + ev_v, doc,
                f"{rec} + {veh}")
        for lang, tmpl in (UNANSWERABLE[(2 * n) % len(UNANSWERABLE)], UNANSWERABLE[(2 * n + 1) % len(UNANSWERABLE)]):
            add("unanswerable", lang, tmpl.format(**fields), None, None, [], doc)
    if len(golds) >= 2:
        docs = [g["doc"] for g in golds]
        for path, zh, en in (("sangong.total", "哪个单位的三公经费预算最高？", "Which unit has the largest 三公 budget?"),
                             ("procurement.total", "哪个单位政府采购预算最少？", None),
                             ("expenditure.total", "哪家单位的支出总预算最大", "Which unit has the largest total budget?")):
            vals = [(_d(_val(g, path)[0]), g) for g in golds if _val(g, path)[0] is not None]
            if len(vals) < 2:
                continue
            pick = min if "最少" in zh else max
            best = pick(vals, key=lambda t: t[0])
            if sum(1 for v, _ in vals if v == best[0]) > 1:
                continue  # a tie has no single answer
            g = best[1]
            ev = [e for _, gg in vals for e in _val(gg, path)[1]]
            add("cross_document", "zh", zh, g["department"]["value"], None, ev, docs, " vs ".join(str(v) for v, _ in vals))
            if en:
                add("cross_document", "en", en, g["department"]["value"], None, ev, docs, " vs ".join(str(v) for v, _ in vals))
        vals = [_val(g, "sangong.total")[0] for g in golds]
        if all(v is not None for v in vals):
            add("cross_document", "zh", f"这{len(golds)}个单位的三公经费合计是多少？", float(sum(_d(v) for v in vals)), "万元",
                [e for g in golds for e in _val(g, "sangong.total")[1]], docs, " + ".join(map(str, vals)))
    return items


def make_set(n: int, out_dir: str | Path, seed: int = 11) -> tuple[Path, Path]:
    """Generate n synthetic disclosures under out_dir and write the QA set; (text dir, set path)."""
    from evals.synth import generate

    out = Path(out_dir)
    made = generate(n, out, seed=seed)
    golds = [json.loads(m.gold.read_text(encoding="utf-8")) for m in made]
    items = items_for(golds)
    path = out / "qa_synth.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return out / "text", path
