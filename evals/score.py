"""Scoring of one answer against one labelled item, and the summary over a run.

- Numbers: both sides normalised to a base unit (元/万元/亿元 → 万元; % as is), correct within half
  a unit of the last printed digit of the gold value (2.22 → ±0.005; 3 → ±0.5). Gold money/percent
  values stored with one decimal (JSON drops `247.40`'s trailing zero) count as two decimals.
- Strings: the gold key phrase (or one of `accept`) contained in the answer, normalised.
- Unanswerable (answer_value null): correct only when the system declined; an answerable item
  answered with a decline is wrong.
- Citations: a citation is correct when its quote contains a gold evidence quote (normalised) and it
  names the same document (when both name one); an evidence entry may list `alt` entries, other
  places where the same figure or sentence is printed, which count as that evidence. `citation_any` = at least one gold evidence quote
  covered, `citation_all` = every one covered.
Unknown item keys are ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from statistics import median
from typing import Any

from evals.textnorm import norm

MONEY = {"元": Decimal("0.0001"), "万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10000), "亿": Decimal(10000),
         "yuan": Decimal("0.0001"), "cny": Decimal("0.0001")}
PERCENT = {"%", "％", "percent", "百分比"}
_NUM = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def to_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    m = _NUM.search(str(value))
    if not m:
        return None
    try:
        return Decimal(m.group(0).replace(",", ""))
    except InvalidOperation:
        return None


def _unit_key(unit: str | None) -> str | None:
    if not unit:
        return None
    u = str(unit).strip().lower()
    for key in sorted(MONEY, key=len, reverse=True):
        if u.startswith(key):
            return key
    if u in PERCENT or u.startswith("%"):
        return "%"
    return u


def to_base(value: Decimal, unit: str | None) -> tuple[Decimal, str | None]:
    """(value, family): money → 万元 ('money'), percent → ('%'), else the unit itself."""
    key = _unit_key(unit)
    if key in MONEY:
        return value * MONEY[key], "money"
    return value, key


def tolerance(gold: Any, unit: str | None) -> Decimal:
    text = format(Decimal(str(gold)), "f") if not isinstance(gold, str) else gold
    decimals = len(text.split(".")[1]) if "." in text else 0
    if decimals == 1 and _unit_key(unit) in {*MONEY, "%"}:
        decimals = 2
    return Decimal(5) / (Decimal(10) ** (decimals + 1))


def numbers_match(gold: Any, gold_unit: str | None, value: Any, unit: str | None, compare_abs: bool = False) -> bool:
    g, p = to_decimal(gold), to_decimal(value)
    if g is None or p is None:
        return False
    g_base, g_fam = to_base(g, gold_unit)
    p_base, p_fam = to_base(p, unit if unit else gold_unit)
    if g_fam == "money" and p_fam not in ("money", None):
        return False
    tol = tolerance(gold, gold_unit) * (MONEY.get(_unit_key(gold_unit) or "", Decimal(1)))
    if compare_abs:
        g_base, p_base = abs(g_base), abs(p_base)
    return abs(g_base - p_base) <= tol


def string_match(gold: str, accept: list[str] | None, result: dict[str, Any]) -> bool:
    hay = norm(" ".join(str(result.get(k) or "") for k in ("value", "answer")))
    return any(norm(k) and norm(k) in hay for k in [gold, *(accept or [])])


def is_correct(item: dict[str, Any], result: dict[str, Any] | None) -> bool:
    if not result or result.get("error"):
        return item.get("answer_value") is None and bool(result and result.get("declined"))
    gold = item.get("answer_value")
    declined = bool(result.get("declined"))
    if gold is None:
        return declined
    if declined:
        return False
    if isinstance(gold, str):
        return string_match(gold, item.get("accept"), result)
    value = result.get("value")
    unit = result.get("unit")
    if to_decimal(value) is None and isinstance(value, str):
        return False
    return numbers_match(gold, item.get("unit"), value, unit, bool(item.get("compare_abs")))


def _same_doc(a: Any, b: Any) -> bool:
    if not a or not b:
        return True
    return Path(str(a)).stem == Path(str(b)).stem


def citation_scores(item: dict[str, Any], result: dict[str, Any] | None) -> tuple[bool | None, bool | None]:
    """(any, all) gold evidence quotes covered by the citations; (None, None) when the item has no evidence."""
    evidence = [e for e in item.get("evidence") or [] if norm(e.get("quote"))]
    if not evidence:
        return None, None
    citations = (result or {}).get("citations") or []
    item_doc = item.get("doc") if isinstance(item.get("doc"), str) else None
    covered = []
    for ev in evidence:
        ok = False
        for cand in [ev, *(ev.get("alt") or [])]:  # `alt`: other places printing the same fact
            gq = norm(cand.get("quote"))
            gdoc = cand.get("doc") or ev.get("doc") or item_doc
            if gq and any(gq in norm(c.get("quote")) and _same_doc(gdoc, c.get("doc")) for c in citations if isinstance(c, dict)):
                ok = True
                break
        covered.append(ok)
    return any(covered), all(covered)


def score(item: dict[str, Any], result: dict[str, Any] | None) -> dict[str, Any]:
    cite_any, cite_all = citation_scores(item, result)
    return {"correct": is_correct(item, result), "citation_any": cite_any, "citation_all": cite_all}


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def _quantile(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))
    return xs[k]


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy overall/per tier/per language, citation accuracy, abstention 2×2, latency."""
    out: dict[str, Any] = {"n": len(rows)}
    out["accuracy"] = _pct(sum(r["correct"] for r in rows), len(rows))
    tiers: dict[str, dict[str, Any]] = {}
    for key in ("type", "lang"):
        groups: dict[str, list] = {}
        for r in rows:
            groups.setdefault(str(r.get(key) or "unknown"), []).append(r)
        tiers[key] = {k: {"n": len(v), "correct": sum(x["correct"] for x in v), "accuracy": _pct(sum(x["correct"] for x in v), len(v))}
                      for k, v in sorted(groups.items())}
    out["by_type"], out["by_lang"] = tiers["type"], tiers["lang"]
    cited = [r for r in rows if r.get("citation_any") is not None]
    out["citation_any"] = _pct(sum(bool(r["citation_any"]) for r in cited), len(cited))
    out["citation_all"] = _pct(sum(bool(r["citation_all"]) for r in cited), len(cited))
    out["citation_n"] = len(cited)
    answerable = [r for r in rows if r.get("answer_value") is not None]
    unanswerable = [r for r in rows if r.get("answer_value") is None]

    def declined(r):
        return bool((r.get("result") or {}).get("declined"))

    out["abstention"] = {
        "answerable_answered": sum(not declined(r) for r in answerable),
        "answerable_declined": sum(declined(r) for r in answerable),
        "unanswerable_answered": sum(not declined(r) for r in unanswerable),
        "unanswerable_declined": sum(declined(r) for r in unanswerable),
    }
    lat = [r["latency_s"] for r in rows if isinstance(r.get("latency_s"), (int, float))]
    out["latency_s"] = {"p50": _quantile(lat, 0.5), "p95": _quantile(lat, 0.95), "mean": (sum(lat) / len(lat)) if lat else None,
                        "median": median(lat) if lat else None}
    out["errors"] = sum(1 for r in rows if (r.get("result") or {}).get("error"))
    return out


def format_summary(s: dict[str, Any], name: str = "gongkai") -> str:
    lines = [f"{name}: {s['n']} items, accuracy {s['accuracy']}%"]
    for k, v in s["by_type"].items():
        lines.append(f"  {k:<15} {v['correct']:>4}/{v['n']:<4} {v['accuracy']}%")
    for k, v in s["by_lang"].items():
        lines.append(f"  lang {k:<10} {v['correct']:>4}/{v['n']:<4} {v['accuracy']}%")
    lines.append(f"  citations (any/all evidence quoted): {s['citation_any']}% / {s['citation_all']}% of {s['citation_n']}")
    a = s["abstention"]
    lines.append(f"  abstention: answerable answered {a['answerable_answered']}, declined {a['answerable_declined']}; "
                 f"unanswerable answered {a['unanswerable_answered']}, declined {a['unanswerable_declined']}")
    lat = s["latency_s"]
    if lat["p50"] is not None:
        lines.append(f"  latency p50 {lat['p50']:.3f}s p95 {lat['p95']:.3f}s")
    if s.get("errors"):
        lines.append(f"  errors: {s['errors']}")
    return "\n".join(lines)
