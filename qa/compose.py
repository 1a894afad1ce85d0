"""What every answer is made of: the `Answer` (the `gongkai ask --json` object), declines, how figures
are shown (units, 2 decimals), their citations and the confidence a flagged figure lowers.

Every figure used contributes its evidence to the citations; a figure the validator flagged (or a
table/narrative disagreement) is said in the answer and lowers the confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qa.intent import Intent
from qa.lexicon import Metric
from qa.records import Figure
from qa.text import fmt_number
from qa.unit_names import Unit

# computed amounts and percentages are shown to 2 decimals, as the disclosures print 万元 figures
CENTS = Decimal("0.01")


@dataclass
class Answer:
    question: str
    answer: str
    value: Any = None
    unit: str | None = None
    declined: bool = False
    citations: list[dict] = field(default_factory=list)
    confidence: float = 0.0
    route: str = "structured"
    reason: str | None = None  # why it was declined (machine-readable)
    notes: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)  # numbers computed by code (for grounding)
    intent: dict | None = None

    def to_dict(self) -> dict:
        out = {"question": self.question, "answer": self.answer, "value": self.value, "unit": self.unit,
               "declined": self.declined, "citations": self.citations, "confidence": round(self.confidence, 2),
               "route": self.route}
        if self.reason:
            out["reason"] = self.reason
        if self.notes:
            out["notes"] = self.notes
        if self.intent is not None:
            out["intent"] = self.intent
        return out


def decline(intent: Intent, reason: str, zh: str, en: str, confidence: float = 0.9,
            route: str = "structured") -> Answer:
    return Answer(question=intent.question, answer=en if intent.english else zh, declined=True, reason=reason,
                  confidence=confidence, route=route, intent=intent.describe())


def _q(d: Decimal) -> Decimal:
    return d.quantize(CENTS, rounding=ROUND_HALF_UP)


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    return v


def _cites(figs: list[Figure]) -> list[dict]:
    out, seen = [], set()
    for f in figs:
        for ev in f.evidence:
            c = {"doc": ev.get("doc") or f.doc, "page": ev.get("page"), "line": ev.get("line"),
                 "quote": ev.get("quote") or ""}
            key = (c["doc"], c["page"], c["line"], c["quote"])
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out


def _label(m: Metric, en: bool) -> str:
    return (m.label_en or m.label_zh) if en else m.label_zh


def _name(f: Figure | Unit, en: bool) -> str:
    dep = f.department
    return dep


def _show(value: Any, metric: Metric, unit: str | None = None) -> str:
    unit = metric.unit if unit is None else unit
    if isinstance(value, Decimal):
        return fmt_number(value, unit)
    return str(value)


def _with_unit(text: str, unit: str, en: bool) -> str:
    if not unit:
        return text
    if unit == "%":
        return f"{text}%"
    if en and unit == "人":
        return f"{text} people"
    if en and unit == "辆":
        return f"{text} vehicles"
    if en and unit == "个":
        return text
    return f"{text} {unit}"


def _flag_text(figs: list[Figure], en: bool) -> str:
    """The validator's/document's disagreement about a figure used (numbers come from the validator)."""
    notes = [n for f in figs for n in f.notes]
    if not notes:
        return ""
    if en:
        return " Note: the document's own figures disagree here (" + "; ".join(notes[:3]) + ")."
    return "注意：文件自身数据存在不一致（" + "；".join(notes[:3]) + "）。"


def _confidence(figs: list[Figure], base: float) -> float:
    return base - (0.3 if any(f.flagged for f in figs) else 0.0)


def _year(rec: dict | None) -> int | None:
    if not rec:
        return None
    v = (rec.get("fiscal_year") or {}).get("value") if isinstance(rec.get("fiscal_year"), dict) else None
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def not_disclosed(intent: Intent, rec: dict, metric: Metric) -> Answer:
    dep = (rec.get("department") or {}).get("value") or rec.get("doc")
    en = intent.english
    return decline(intent, "not_disclosed",
                   f"{dep}的预算公开文件没有披露{metric.label_zh}，无法回答。",
                   f"The {dep} disclosure does not state {_label(metric, True)}; I cannot answer that.",
                   confidence=0.8)
