"""The terms that name a figure in a question: the static lexicon (Chinese and English), the function
classes and the table rows the records print, matched longest first; adjacent terms that qualify each
other become one figure (一般公共预算 + 卫生健康支出 → the class in the general budget)."""

from __future__ import annotations

import re
import unicodedata

from qa.lexicon import METRICS, STANDARD_ROWS, Metric, function_metric, function_metrics, row_metric

# bare words that name a procurement part only in a procurement context
_CONTEXT = {
    "procurement.goods": ("采购", "procurement", "purchas"),
    "procurement.works": ("采购", "procurement", "purchas"),
    "procurement.services": ("采购", "procurement", "purchas"),
}

# one-word English terms that are adjectives: a figure only when no other noun follows them
_MODIFIER_EN = {"basic", "authorized", "authorised", "retired", "active"}
_AFTER_MODIFIER_EN = {"expenditure", "expenditures", "spending", "expense", "expenses", "cost", "costs", "budget",
                      "budgets", "part", "portion", "share", "and", "or", "vs", "versus", "than", "to", "in", "of", "for",
                      "the", "is", "was", "are", "were", "at", "on", "compared", "combined", "plus", "minus", "with",
                      "staff", "positions", "posts", "headcount", "employees", "people", "persons", "members", "total",
                      "amount", "figure", "does", "do", "did", "has", "have", "had", "by", "from", "this", "that"}


def _norm(q: str) -> str:
    q = unicodedata.normalize("NFKC", q or "")
    return q.replace("“", "\"").replace("”", "\"")


class Vocabulary:
    """Every term that names a metric: static lexicon, function classes, row names of the records."""

    def __init__(self, function_names: dict[str, str] | None = None, row_names: set[str] | None = None):
        terms: list[tuple[str, Metric, bool]] = []  # (term, metric, latin)
        for m in METRICS:
            for t in m.zh:
                terms.append((_norm(t), m, False))
            # the English label the answers print is understood too ("public (office) expenses")
            for t in dict.fromkeys([*m.en, m.label_en] if m.label_en.isascii() else m.en):
                terms.append((t.lower(), m, True))
        fmetrics = {m.function_code: m for m in function_metrics()}
        for code, name in (function_names or {}).items():
            fmetrics[code] = function_metric(code, name)
        for m in fmetrics.values():
            for t in m.zh:
                terms.append((_norm(t), m, False))
            for t in m.en:
                terms.append((t.lower(), m, True))
        static = {t for t, _, _ in terms}
        for name in sorted(set(STANDARD_ROWS) | set(row_names or ())):
            n = _norm(name)
            if n not in static and len(n) >= 2:
                terms.append((n, row_metric(name), False))
        # longest first; ties keep the static lexicon first (stable sort)
        self.terms = sorted(terms, key=lambda t: len(t[0]), reverse=True)

    def match(self, q: str, mask: list[bool]) -> list[tuple[int, int, Metric, str]]:
        """Non-overlapping term matches: longest first, then leftmost, then the static lexicon."""
        low = q.lower()
        cands = []
        for order, (term, metric, latin) in enumerate(self.terms):
            hay = low if latin else q
            start = 0
            while True:
                i = hay.find(term, start)
                if i < 0:
                    break
                j = i + len(term)
                start = i + 1
                if latin and ((i > 0 and hay[i - 1].isalnum()) or (j < len(hay) and hay[j].isalpha()
                                                                    and hay[j] not in "s")):
                    continue
                if latin and term in _MODIFIER_EN:
                    nxt = re.match(r"\s+([a-z][a-z'-]*)", hay[j:])
                    if nxt and nxt.group(1) not in _AFTER_MODIFIER_EN:
                        continue  # "basic medical insurance fund" is not basic expenditure
                need = _CONTEXT.get(metric.key)
                if need and term in ("货物", "货物类", "工程类", "服务类", "goods", "works", "services") and not any(
                        w in low for w in need):
                    continue
                cands.append((-(j - i), i, order, j, metric, term))
        cands.sort(key=lambda c: (c[0], c[1], c[2]))
        found = []
        for _, i, _, j, metric, term in cands:
            if any(mask[i:j]):
                continue
            for k in range(i, j):
                mask[k] = True
            found.append((i, j, metric, term))
        found.sort(key=lambda f: f[0])
        return found


GENERIC_TOTALS = {"expenditure.total", "income.total"}
GENERAL_BUDGET = {"income.general_budget", "fiscal.general_budget", "fiscal.income_total"}
_GAP = re.compile(r"^(?:\s|的|中|之|里|其中|里面|预算|安排的|安排|用于|\bof\b|\bin\b|\bfor\b|\bthe\b|\bon\b|\bis\b|\bbudget\b|:|：|、|"
                  r"[()（）])*$", re.I)


def _merge_qualifiers(q: str, matches: list) -> list[Metric]:
    """Adjacent terms that qualify each other become one metric (一般公共预算 + 卫生健康支出 → the class
    in the general budget; 政府采购 + 服务类 → procurement of services; X + 支出预算 → X)."""
    items = [[i, j, m] for i, j, m, _ in matches]
    changed = True
    while changed and len(items) > 1:
        changed = False
        for a in range(len(items) - 1):
            (i1, j1, m1), (i2, j2, m2) = items[a], items[a + 1]
            if not _GAP.match(q[j1:i2]):
                continue
            merged = None
            if m1.key in GENERAL_BUDGET and m2.function_code:
                merged = function_metric(m2.function_code, m2.label_zh, fiscal=True)
            elif m2.key in GENERAL_BUDGET and m1.function_code:
                merged = function_metric(m1.function_code, m1.label_zh, fiscal=True)
            elif m2.key in GENERIC_TOTALS and m1.unit == "万元" and m1.key not in GENERIC_TOTALS:
                merged = m1
            elif m1.key in GENERIC_TOTALS and m2.unit == "万元" and m2.key not in GENERIC_TOTALS and \
                    not m2.function_code:
                merged = m2
            elif m2.parent == m1.key or (m1.key == "sangong.total" and m2.key.startswith("sangong.")):
                merged = m2
            elif m1.parent == m2.key and q[j1:i2].strip() == "":
                merged = m1
            elif m1.key == "contact.name" and m2.key.startswith("contact.") and q[j1:i2].strip() == "":
                merged = m2  # "contact phone number", "联系人电话": the phone, not the person
            if merged is not None:
                items[a: a + 2] = [[i1, j2, merged]]
                changed = True
                break
    out: list[Metric] = []
    for _, _, m in items:
        if m.key not in {x.key for x in out}:
            out.append(m)
    # the same class named twice (in English and in Chinese): the general-budget reading wins
    fiscal = {m.function_code for m in out if m.function_code and m.fiscal}
    return [m for m in out if not (m.function_code in fiscal and not m.fiscal)]
