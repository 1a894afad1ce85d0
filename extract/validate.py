"""Checks a record against the document's own arithmetic and words. Reports; never repairs.

The identities are a catalogue (extract/identities.json): each entry has an id, what it says in
Chinese and English, its tolerance and where the template prints both sides; each is implemented
once, below, by one function registered with ``@rule("<id>")``, and runs on whatever template the
reader handled (Xinjiang-style 表1–表11, Jiangsu-style 公开01–12表, a 决算 with budget and final columns).
Every check carries its rule, both sides, the difference and the evidence of every figure.

Statuses of an identity between printed (rounded) figures:
``pass`` (equal), ``rounding`` (the difference is within the rounding envelope: some rounding of the
printed inputs reproduces it — half a unit of the last printed digit of each figure; a printed zero is
exact; one figure printed twice at one precision has no envelope), ``irreproducible_rounding`` (beyond
the envelope by at most two units of the last digit: small, but no rounding of the printed inputs
explains it), ``mismatch`` (more), ``insufficient_data`` (a figure is not printed or could not be
read), ``not_applicable`` (the identity does not apply to this document). Findings are ``mismatch``
and ``irreproducible_rounding`` (`FINDINGS`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from extract.schema import BudgetRecord, Check, CheckTerm, Citation, Leaf, TableData, TableRow
from ingest.catalog import zh_name

HALF_CENT = Decimal("0.005")  # half of the last printed digit of an amount in 万元 with two decimals
FINDINGS = ("mismatch", "irreproducible_rounding")
STATUSES = ["mismatch", "irreproducible_rounding", "rounding", "insufficient_data", "not_applicable", "pass"]
SEVERITY = {"mismatch": "error", "irreproducible_rounding": "warning", "rounding": "info",
            "insufficient_data": "info", "not_applicable": "none", "pass": "none"}

Side = tuple[str, "Leaf | None"]


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, Any]]:
    """{rule id: catalogue entry} of extract/identities.json, in catalogue order."""
    data = json.loads(Path(__file__).with_name("identities.json").read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["identities"]}


RULES: dict[str, Callable[["Context"], None]] = {}


def rule(rule_id: str):
    """Register the one implementation of catalogue identity `rule_id`."""
    def deco(fn):
        if rule_id in RULES:
            raise ValueError(f"identity {rule_id} implemented twice")
        RULES[rule_id] = fn
        return fn
    return deco


# -- precision and grading ----------------------------------------------------------------------

def _num(leaf: Leaf | None) -> Decimal | None:
    if leaf is None or leaf.value is None:
        return None
    v = leaf.value
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(str(v))
    return None


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _printed_exponent(v: Decimal, leaf: Leaf) -> int:
    """The exponent of the last digit the document prints for `v`: read from the quote that prints it
    ("247.40" → -2), so that a record read back from JSON (247.4) keeps its printed precision; else the
    value's own."""
    for c in leaf.evidence[:2]:
        quote = c.quote.replace("，", ",") if c.quote else ""
        for m in _NUMBER.finditer(quote):
            try:
                d = Decimal(m.group().replace(",", ""))
            except Exception:
                continue
            exp = d.as_tuple().exponent
            if d == v:
                # an amount in 万元 is kept to the 分 of the template's tables (0.01 万元) even where the text
                # drops its trailing zeros ("增加 28.1 万元" is 28.10, "5,573 万元" is 5,573.00)
                return min(exp, -2) if re.match(r"\s*万\s*元", quote[m.end():]) else exp
            if d != 0 and d / 10000 == v:  # printed in 元, held in 万元
                return exp - 4
    return v.as_tuple().exponent


def _half_of(leaf: Leaf | None) -> Decimal:
    """Half a unit of the last printed digit of one figure; 0 for a printed zero or a count."""
    v = leaf.value if leaf is not None else None
    if isinstance(v, float):
        v = Decimal(str(v))
    if not isinstance(v, Decimal) or v == 0:
        return Decimal(0)
    exp = _printed_exponent(v, leaf)
    return Decimal(5) * Decimal(10) ** (exp - 1) if exp < 0 else Decimal("0.5")


def _half(leaves: Iterable[Leaf]) -> Decimal:
    """Half a unit of the least precise printed figure among `leaves` (HALF_CENT when none is non-zero)."""
    halves = [_half_of(lf) for lf in leaves]
    return max([h for h in halves if h] or [HALF_CENT])


def _grade(diff: Decimal, envelope: Decimal, unit: Decimal, exact: bool = False) -> str:
    if diff == 0:
        return "pass"
    if exact:
        return "mismatch"
    if abs(diff) <= envelope:
        return "rounding"
    if abs(diff) <= envelope + 2 * unit:
        return "irreproducible_rounding"
    return "mismatch"


def _outside(c: Decimal, hc: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    """How far a printed percentage `c` (half-unit `hc`) is from being the rounding of some value in
    [lo, hi] (0 when it is one). A percentage cut at its last digit (2.31 for 2.3153 %) is no rounding."""
    return max(Decimal(0), lo - (c + hc), (c - hc) - hi)


def _evidence(leaves: Iterable[Leaf | None]) -> list[Citation]:
    out, seen = [], set()
    for leaf in leaves:
        for c in (leaf.evidence if leaf is not None else []):
            key = (c.doc, c.page, c.line, c.quote)
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out


def _f(x: Decimal | int | str | None) -> float | str | None:
    if x is None or isinstance(x, str):
        return x
    return float(x)


def _term(role: str, path: str, leaf: Leaf | None) -> CheckTerm:
    v = leaf.value if leaf is not None else None
    return CheckTerm(role=role, path=path, value=_f(v) if not isinstance(v, str) else v,
                     evidence=list(leaf.evidence[:2]) if leaf is not None else [])


class Checker:
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.rule = ""

    def _add(self, check: Check) -> Check:
        check.rule = check.rule or self.rule
        check.severity = SEVERITY[check.status]
        self.checks.append(check)
        return check

    def sum(self, cid: str, description: str, lhs: Side, terms: list[Side], blank_is_zero: bool = False,
            tolerance: Decimal | None = None, exact: bool = False, same_figure: bool = False,
            note: str = "") -> Check:
        """lhs == Σ terms. `same_figure`: one figure printed twice (no envelope at one precision)."""
        leaves = [lhs[1]] + [t[1] for t in terms]
        paths = [p for p in [lhs[0]] + [t[0] for t in terms] if p]
        present = [lf for lf in leaves if lf is not None and lf.value is not None]
        sides = [_term("lhs", lhs[0], lhs[1])] + [_term("rhs", p, lf) for p, lf in terms]
        lv = _num(lhs[1])
        tv = [_num(t[1]) for t in terms]
        if blank_is_zero:
            tv = [Decimal(0) if v is None else v for v in tv]
        # both sides read from one printed figure ("收、支预算总计 X 万元" fills both totals): nothing to check
        same_print = len(terms) == 1 and lhs[1] is not None and (lhs[1] is terms[0][1] or (
            lhs[1].evidence and terms[0][1] is not None and lhs[1].evidence == terms[0][1].evidence
            and lhs[1].value == terms[0][1].value))
        if lv is None or any(v is None for v in tv) or not terms or same_print:
            missing = [p for p, v in zip([lhs[0]] + [t[0] for t in terms], [lv] + tv) if v is None and p]
            why = ("both sides are one printed figure" if same_print else
                   "not printed or not read: " + ", ".join(missing) if missing else "")
            return self._add(Check(id=cid, description=description, status="insufficient_data", paths=paths,
                                   lhs=_f(lv), evidence=_evidence(present), terms=sides, note=note or why))
        rv = sum(tv, Decimal(0))
        diff = lv - rv
        halves = [_half_of(lf) for lf in leaves]
        unit = 2 * max([h for h in halves if h] or [HALF_CENT])
        if tolerance is not None:
            env = tolerance
        elif same_figure:
            ha, hb = halves[0], halves[1]
            env = Decimal(0) if ha == hb or not ha or not hb else ha + hb
        else:
            env = sum(halves, Decimal(0))
        status = _grade(diff, env, unit, exact=exact)
        if status == "rounding" and not note:
            note = f"within the rounding of the printed figures (±{float(env):g})"
        elif status == "irreproducible_rounding" and not note:
            note = (f"small, but beyond what rounding the printed figures explains (±{float(env):g})"
                    if env else "one figure printed twice at one precision: no rounding makes them differ")
        return self._add(Check(id=cid, description=description, status=status, lhs=_f(lv), rhs=_f(rv),
                               difference=_f(diff), tolerance=_f(env), paths=paths, evidence=_evidence(present),
                               terms=sides, note=note))

    def equal(self, cid: str, description: str, a: Side, b: Side) -> Check:
        """One figure printed in two places."""
        return self.sum(cid, description, a, [b], same_figure=True)

    def share(self, cid: str, description: str, share: Side, part: Side, whole: Side,
              adjusted: bool = False) -> Check | None:
        """A printed percentage against part/whole computed from the printed amounts. `adjusted`: the printed
        shares of its group add up to exactly 100 % (a share may then be one unit off its rounding)."""
        s, p, w = _num(share[1]), _num(part[1]), _num(whole[1])
        if s is None:
            return None
        paths = [share[0], part[0], whole[0]]
        leaves = [share[1], part[1], whole[1]]
        present = [x for x in leaves if x is not None and x.value is not None]
        sides = [_term("lhs", share[0], share[1]), _term("rhs", part[0], part[1]), _term("rhs", whole[0], whole[1])]
        if p is None or w is None or w == 0:
            return self._add(Check(id=cid, description=description, status="insufficient_data", paths=paths,
                                   lhs=_f(s), evidence=_evidence(present), terms=sides))
        computed = p / w * 100
        hs = _half_of(share[1]) or HALF_CENT
        hp, hw = _half_of(part[1]), _half_of(whole[1])
        lo = (p - hp) / (w + hw) * 100
        hi = (p + hp) / (w - hw) * 100 if w - hw > 0 else computed
        diff = s - computed
        outside = _outside(s, hs, lo, hi)
        note = ""
        if abs(diff) <= hs:
            status = "pass"
        elif outside == 0:
            status, note = "rounding", f"reproduced by the rounding of the amounts ({float(round(lo, 4)):g}–{float(round(hi, 4)):g} %)"
        else:
            status = "irreproducible_rounding" if outside <= 4 * hs else "mismatch"
            note = (f"{float(p):g} / {float(w):g} = {float(round(computed, 4)):g} %; the rounding of the amounts gives "
                    f"{float(round(lo, 4)):g}–{float(round(hi, 4)):g} %" + (" (the shares were forced to add up to 100 %)"
                                                                          if adjusted else ""))
        return self._add(Check(id=cid, description=description, status=status, lhs=_f(s), rhs=float(round(computed, 4)),
                               difference=float(round(diff, 4)), tolerance=_f(hs), paths=paths,
                               evidence=_evidence(present), terms=sides, note=note))

    def percent_change(self, cid: str, description: str, pct: Side, change: Side, current: Side) -> Check | None:
        """A printed percentage change against change / (current − change)."""
        c, d, a = _num(pct[1]), _num(change[1]), _num(current[1])
        if c is None:
            return None
        paths = [pct[0], change[0], current[0]]
        leaves = [pct[1], change[1], current[1]]
        present = [x for x in leaves if x is not None and x.value is not None]
        sides = [_term("lhs", p, lf) for p, lf in zip(paths[:1], leaves[:1])] + \
            [_term("rhs", p, lf) for p, lf in zip(paths[1:], leaves[1:])]
        if d is None or a is None:
            return self._add(Check(id=cid, description=description, status="insufficient_data", paths=paths, lhs=_f(c),
                                   evidence=_evidence(present), terms=sides))
        last = a - d
        hc = _half_of(pct[1]) or Decimal("0.5")
        if last <= 0:
            ok = last == 0 and (abs(c) == 100 or (d == 0 and c == 0))
            return self._add(Check(id=cid, description=description, status="pass" if ok else "not_applicable",
                                   lhs=_f(c), rhs=None, paths=paths, evidence=_evidence(present), terms=sides,
                                   note="growth from zero: 100 % by the template's convention" if ok
                                   else "the previous figure (current − change) is not positive"))
        computed = d / last * 100
        hd, ha = _half_of(change[1]), _half_of(current[1])
        corners = [(d + x) / (a + y - d - x) * 100 for x in (-hd, hd) for y in (-ha, ha) if a + y - d - x > 0]
        lo, hi = min(corners + [computed]), max(corners + [computed])
        diff = c - computed
        outside = _outside(c, hc, lo, hi)
        if abs(diff) <= hc:
            status, note = "pass", ""
        elif outside == 0:
            status, note = "rounding", f"reproduced by the rounding of the figures ({float(round(lo, 4)):g}–{float(round(hi, 4)):g} %)"
        else:
            status = "irreproducible_rounding" if outside <= 2 * hc else "mismatch"
            note = (f"{float(d):g} / {float(last):g} = {float(round(computed, 4)):g} %; the rounding of the figures "
                    f"gives {float(round(lo, 4)):g}–{float(round(hi, 4)):g} %")
        return self._add(Check(id=cid, description=description, status=status, lhs=_f(c), rhs=float(round(computed, 4)),
                               difference=float(round(diff, 4)), tolerance=_f(hc), paths=paths,
                               evidence=_evidence(present), terms=sides, note=note))

    def between(self, cid: str, description: str, value: Side, lo: Side, hi: Side, exact: bool = False) -> Check:
        """lo ≤ value ≤ hi (within rounding)."""
        v, a, b = _num(value[1]), _num(lo[1]), _num(hi[1])
        paths = [value[0], lo[0], hi[0]]
        leaves = [value[1], lo[1], hi[1]]
        present = [x for x in leaves if x is not None and x.value is not None]
        sides = [_term("lhs", value[0], value[1]), _term("rhs", lo[0], lo[1]), _term("rhs", hi[0], hi[1])]
        if v is None or a is None or b is None:
            return self._add(Check(id=cid, description=description, status="insufficient_data", paths=paths,
                                   lhs=_f(v), evidence=_evidence(present), terms=sides))
        a, b = min(a, b), max(a, b)
        diff = Decimal(0) if a <= v <= b else (v - a if v < a else v - b)
        env = Decimal(0) if exact else _half_of(value[1]) + max(_half_of(lo[1]), _half_of(hi[1]))
        unit = 2 * (_half(present) if not exact else Decimal(0))
        status = _grade(diff, env, unit, exact=exact)
        return self._add(Check(id=cid, description=description, status=status, lhs=_f(v),
                               rhs=f"{_f(a)} … {_f(b)}" if a != b else _f(a), difference=_f(diff), tolerance=_f(env),
                               paths=paths, evidence=_evidence(present), terms=sides,
                               note="" if status == "pass" else f"outside [{_f(a)}, {_f(b)}]"))

    def fact(self, cid: str, description: str, status: str, lhs: Any = None, rhs: Any = None,
             terms: list[tuple[str, str, Leaf | None]] | None = None, note: str = "") -> Check:
        """A check that is no arithmetic (a placeholder title, a year, a word): both sides as printed."""
        sides = [_term(role, p, lf) for role, p, lf in (terms or [])]
        return self._add(Check(id=cid, description=description, status=status, lhs=_f(lhs), rhs=_f(rhs),
                               paths=[p for _, p, _ in (terms or []) if p],
                               evidence=_evidence(lf for _, _, lf in (terms or [])), terms=sides, note=note))


class Context:
    """What a rule sees: the record, the checker, and helpers over the record."""

    def __init__(self, record: BudgetRecord, ck: Checker):
        self.r = record
        self.ck = ck
        self.final = "决算" in str(record.doc_kind.value or "")
        self.change_ledger: dict[str, list[tuple[str, Leaf, list[Side]]]] = {}

    def get(self, path: str) -> Leaf | None:
        """The leaf at a dot path of the record (None when absent)."""
        node: Any = self.r
        for part in path.split("."):
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list):
                try:
                    node = node[int(part)]
                except (ValueError, IndexError):
                    return None
            else:
                node = getattr(node, part, None)
            if node is None:
                return None
        return node if isinstance(node, Leaf) else None

    def table(self, tid: str) -> TableData | None:
        t = self.r.tables.get(tid)
        return t if t is not None and t.status == "parsed" else None

    def total(self, tid: str, col: str = "total") -> Leaf | None:
        t = self.table(tid)
        return (t.totals.get(col) if t else None) or None


def validate(record: BudgetRecord) -> list[Check]:
    ck = Checker()
    ctx = Context(record, ck)
    for rid, entry in catalogue().items():
        fn = RULES.get(rid)
        if fn is None:
            raise RuntimeError(f"identity {rid} of extract/identities.json has no implementation")
        ck.rule = rid
        kinds = entry.get("applies") or ["预算", "决算"]
        if ("决算" if ctx.final else "预算") not in kinds:
            continue
        fn(ctx)
    return ck.checks


def summary(checks: list[Check] | list[dict]) -> dict[str, int]:
    out = {s: 0 for s in ("pass", "rounding", "irreproducible_rounding", "mismatch", "insufficient_data", "not_applicable")}
    for c in checks:
        status = c["status"] if isinstance(c, dict) else c.status
        out[status] = out.get(status, 0) + 1
    return out


def is_finding(check: Check | dict) -> bool:
    status = check["status"] if isinstance(check, dict) else check.status
    return status in FINDINGS


# == within a table ==============================================================================

@rule("overview.balance")
def _overview_balance(c: Context) -> None:
    inc, exp = c.r.income, c.r.expenditure
    c.ck.equal("income.total=expenditure.total", "收支总表 收入总计 = 支出总计",
               ("income.total", inc.total), ("expenditure.total", exp.total))
    b = c.r.budget
    if c.final and (b.income.total.known or b.expenditure.total.known):
        c.ck.equal("budget.income.total=budget.expenditure.total", "收支总表 (预算数) 收入总计 = 支出总计",
                   ("budget.income.total", b.income.total), ("budget.expenditure.total", b.expenditure.total))


def _printed(c: Context) -> bool:
    """Is the 收支总表 printed? Then a source it leaves blank is zero; figures read from the text alone say
    nothing of the sources the text does not name."""
    return c.table("income_expenditure_overview") is not None


@rule("overview.income_total")
def _overview_income_total(c: Context) -> None:
    inc = c.r.income
    if inc.current_year.known or inc.carryover.known:
        used = _overview_item(c, "nonfiscal_balance_used")  # 决算: 使用非财政拨款结余
        c.ck.sum("income.total=current_year+carryover", "收支总表 收入总计 = 本年收入 + 上年结转结余 (+ 使用非财政拨款结余)",
                 ("income.total", inc.total),
                 [("income.current_year", inc.current_year), ("income.carryover", inc.carryover)]
                 + ([("tables.income_expenditure_overview.nonfiscal_balance_used", used)] if used is not None else []),
                 blank_is_zero=_printed(c))


_SOURCES = ("general_budget", "gov_fund", "state_capital", "special_account", "unit_funds", "other_funds")
_OTHER_SOURCES = ("business_income", "operating_income", "other_income", "upper_subsidy", "affiliated_income")


@rule("overview.income_sources")
def _overview_income_sources(c: Context) -> None:
    inc = c.r.income
    if not inc.current_year.known:
        return
    terms = [(f"income.{k}", getattr(inc, k)) for k in _SOURCES]
    if inc.fiscal.known and not any(getattr(inc, k).known for k in ("general_budget", "gov_fund", "state_capital")):
        terms = [("income.fiscal", inc.fiscal)] + terms[3:]
    for key in _OTHER_SOURCES:  # the 决算 template's further sources (事业收入, 经营收入, 上级补助收入…)
        leaf = _overview_item(c, key)
        if leaf is not None:
            terms.append((f"tables.income_expenditure_overview.{key}", leaf))
    c.ck.sum("income.current_year=sum(sources)", "收支总表 本年收入 = 一般公共预算 + 政府性基金 + 国有资本经营 + 财政专户 + 单位资金 + 其他资金",
             ("income.current_year", inc.current_year), terms, blank_is_zero=_printed(c))


@rule("overview.fiscal_sources")
def _overview_fiscal_sources(c: Context) -> None:
    inc = c.r.income
    if inc.fiscal.known and any(getattr(inc, k).known for k in ("general_budget", "gov_fund", "state_capital")):
        c.ck.sum("income.fiscal=sum(fiscal sources)", "收支总表 财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营",
                 ("income.fiscal", inc.fiscal),
                 [(f"income.{k}", getattr(inc, k)) for k in ("general_budget", "gov_fund", "state_capital")], blank_is_zero=_printed(c))


@rule("overview.general_budget_split")
def _overview_general_budget_split(c: Context) -> None:
    inc = c.r.income
    if (inc.current_year.known or inc.carryover.known) and (inc.general_own.known or inc.upper_transfer.known):
        c.ck.sum("income.general_budget=own+transfer", "收支总表 一般公共预算拨款 = 一般财力 + 上级转移支付",
                 ("income.general_budget", inc.general_budget),
                 [("income.general_own", inc.general_own), ("income.upper_transfer", inc.upper_transfer)], blank_is_zero=_printed(c))


def _class_map(table: TableData | None, col: str) -> dict[str, tuple[str, Leaf]]:
    if not table or table.status != "parsed":
        return {}
    return {r.code: (r.name, r.values[col]) for r in table.rows if r.level == "类" and r.code and col in r.values}


def _overview_item(c: Context, key: str, col: str = "amount") -> Leaf | None:
    t = c.table("income_expenditure_overview")
    row = next((r for r in (t.rows if t else []) if r.level == "item" and r.name == key), None)
    return row.values.get(col) if row else None


@rule("overview.expenditure_classes")
def _overview_expenditure_classes(c: Context) -> None:
    t1 = c.table("income_expenditure_overview")
    if not t1:
        return
    classes = [(f"tables.income_expenditure_overview.{k}", leaf) for k, (_, leaf) in _class_map(t1, "amount").items()]
    if classes:
        terms = classes + _beyond_current_year(c)
        c.ck.sum("income_expenditure_overview.expenditure.total=sum(类)", "收支总表 支出总计 = 各功能分类之和 (+ 结转下年)",
                 ("expenditure.total", c.r.expenditure.total), terms, blank_is_zero=True)


def _beyond_current_year(c: Context) -> list[Side]:
    """What 支出总计 holds besides the current year's expenditure: 结转下年 / 年末结转和结余, 结余分配 (决算)."""
    out = []
    for key in ("carry_forward", "balance_distribution"):
        leaf = _overview_item(c, key)
        if leaf is not None:
            out.append((f"tables.income_expenditure_overview.{key}", leaf))
    return out


@rule("overview.expenditure_uses")
def _overview_expenditure_uses(c: Context) -> None:
    uses = {k: _overview_item(c, k) for k in ("basic", "project", "reserve", "carry_forward", "balance_distribution")}
    if uses["basic"] is None and uses["project"] is None:
        return
    c.ck.sum("income_expenditure_overview.expenditure.total=sum(uses)",
             "收支总表 支出总计 = 基本支出 + 项目支出 + 单位预留机动经费 + 结转下年 (支出用途)",
             ("expenditure.total", c.r.expenditure.total),
             [(f"tables.income_expenditure_overview.{k}", v) for k, v in uses.items() if v is not None], blank_is_zero=True)


_TREE_TABLES = {"income_overview": ["total"], "expenditure_overview": ["total", "basic", "project"],
                "general_budget_expenditure": ["total", "basic", "project"], "general_budget_basic": ["total", "personnel", "public"],
                "general_budget_project": ["total"], "government_fund": ["total"], "state_capital": ["total"],
                "fiscal_expenditure": ["total", "basic", "project"], "fiscal_basic": ["total", "personnel", "public"]}


def _merge(a: TableRow, b: TableRow) -> TableRow:
    out = a.model_copy(deep=True)
    for col, leaf in b.values.items():
        x, y = _num(out.values.get(col)), _num(leaf)
        if y is None:
            continue
        out.values[col] = Leaf(value=(x or Decimal(0)) + y, evidence=_evidence([out.values.get(col) or Leaf(), leaf]))
    return out


def _tree_checks(ck: Checker, table: TableData, columns: list[str]) -> None:
    """Totals = sum of their rows at every level (合计 = Σ 类, 类 = Σ 款, 款 = Σ 项), per column."""
    if table.status != "parsed":
        return
    rows = [r for r in table.rows if r.level in ("类", "款", "项", "total")]
    coded = [r for r in rows if r.code]
    if not coded:
        return
    by_code: dict[str, TableRow] = {}
    for r in coded:
        if r.code in by_code and r.level == "项":
            by_code[r.code] = _merge(by_code[r.code], r)  # one line per project under the same 项 (一般公共预算项目支出表)
        else:
            by_code.setdefault(r.code, r)
    total = next((r for r in rows if r.level == "total"), None)
    tid = table.id
    index: dict[tuple[int, str], list[TableRow]] = {}
    for code, r in by_code.items():
        index.setdefault((len(code), code[: len(code) - 2] if len(code) > 3 else ""), []).append(r)

    def kids(prefix_len: int, parent_code: str) -> list[TableRow]:
        return index.get((prefix_len, parent_code), [])

    # a 决算's budget columns too (budget, budget_basic…)
    extra = sorted({k for r in coded for k in r.values if k.startswith("budget") and k not in columns})
    classes = sorted({c[:3] for c in by_code})
    for col in list(columns) + extra:
        if total is not None and col in total.values:
            terms = []
            for cls in classes:
                if cls in by_code:
                    terms.append((f"tables.{tid}.{cls}.{col}", by_code[cls].values.get(col) or Leaf(value=Decimal(0))))
                else:
                    for k in kids(5, cls):
                        terms.append((f"tables.{tid}.{k.code}.{col}", k.values.get(col) or Leaf(value=Decimal(0))))
            ck.sum(f"{tid}.{col}.total=sum(类)", f"{zh_name(tid)} 合计 ({col}) = sum of its 类 rows",
                   (f"tables.{tid}.total.{col}", total.values[col]), terms, blank_is_zero=True)
        for code, r in by_code.items():
            if len(code) not in (3, 5):
                continue
            children = kids(len(code) + 2, code)
            if not children or col not in r.values and not any(col in ch.values for ch in children):
                continue
            level = "类" if len(code) == 3 else "款"
            sub = "款" if len(code) == 3 else "项"
            ck.sum(f"{tid}.{code}.{col}=sum({sub})", f"{zh_name(tid)} {level} {code} {r.name} ({col}) = sum of its {sub} rows",
                   (f"tables.{tid}.{code}.{col}", r.values.get(col) or Leaf(value=Decimal(0))),
                   [(f"tables.{tid}.{ch.code}.{col}", ch.values.get(col)) for ch in children], blank_is_zero=True)


@rule("table.tree")
def _table_tree(c: Context) -> None:
    for tid, cols in _TREE_TABLES.items():
        if tid in c.r.tables:
            _tree_checks(c.ck, c.r.tables[tid], cols)


_SPLITS = {"expenditure_overview": ("basic", "project", "reserve", "carry_forward"),
           "general_budget_expenditure": ("basic", "project"), "general_budget_basic": ("personnel", "public"),
           "fiscal_expenditure": ("basic", "project"), "fiscal_basic": ("personnel", "public")}


@rule("table.row_split")
def _table_row_split(c: Context) -> None:
    """total = its parts on every row where the parts were printed in place (not inferred)."""
    for tid, parts in _SPLITS.items():
        table = c.table(tid)
        if table is None:
            continue
        for r in table.rows:
            if "total" not in r.values or r.resolution not in ("ordered", "positional"):
                continue
            present = [p for p in parts if p in r.values]
            if not present:
                continue
            used = [p for p in parts[:2]] + [p for p in parts[2:] if p in r.values]
            name = r.code or r.level
            c.ck.sum(f"{tid}.{name}.total={'+'.join(used)}", f"{zh_name(tid)} {r.name}: 合计 = {' + '.join(used)}",
                     (f"tables.{tid}.{name}.total", r.values["total"]),
                     [(f"tables.{tid}.{name}.{p}", r.values.get(p)) for p in used], blank_is_zero=True)


@rule("expenditure_table.uses")
def _expenditure_table_uses(c: Context) -> None:
    exp = c.r.expenditure
    t3 = c.r.tables.get("expenditure_overview")
    lhs = (t3.totals.get("total") if t3 is not None else None) or Leaf()
    forward = (t3.totals.get("carry_forward") if t3 is not None else None)
    terms = [("expenditure.basic", exp.basic), ("expenditure.project", exp.project), ("expenditure.reserve", exp.reserve)]
    if forward is not None:
        terms.append(("tables.expenditure_overview.total.carry_forward", forward))
    c.ck.sum("expenditure.total=basic+project", "支出总表 合计 = 基本支出 + 项目支出 + 单位预留机动经费 + 结转下年资金",
             ("tables.expenditure_overview.total.total", lhs), terms, blank_is_zero=exp.basic.known or exp.project.known)


@rule("basic_table.split")
def _basic_table_split(c: Context) -> None:
    exp = c.r.expenditure
    t6 = c.r.tables.get("general_budget_basic")
    c.ck.sum("basic=personnel+public", "一般公共预算基本支出表 基本支出合计 = 人员经费 + 公用经费",
             ("tables.general_budget_basic.total.total", (t6.totals.get("total") if t6 is not None else None) or Leaf()),
             [("expenditure.personnel", exp.personnel), ("expenditure.public", exp.public)],
             blank_is_zero=exp.personnel.known or exp.public.known)


@rule("project_table.columns")
def _project_table_columns(c: Context) -> None:
    t7 = c.table("general_budget_project")
    if not t7:
        return
    for row in t7.rows:
        parts = [(k, v) for k, v in row.values.items() if k != "total" and v.known]
        if "total" in row.values and parts:
            name = row.code or row.level
            c.ck.sum(f"general_budget_project.{name}.total=sum(columns)",
                     f"一般公共预算项目支出表 {row.name[:20]}{' ' + row.extra[:30] if row.extra else ''}: 项目支出合计 = sum of its columns",
                     (f"tables.general_budget_project.{name}.total", row.values["total"]),
                     [(f"tables.general_budget_project.{name}.{k}", v) for k, v in parts])


_SANGONG_ITEMS = ("overseas_travel", "reception", "vehicle_total")


@rule("sangong.items")
def _sangong_items(c: Context) -> None:
    for prefix, sg in (("", c.r.sangong), ("budget.", c.r.budget.sangong)):
        if prefix and not c.final:
            continue
        if any(leaf.known for leaf in sg.leaves().values()):
            c.ck.sum(f"{prefix}sangong.total=sum(items)",
                     f"三公{' (预算数)' if prefix else ''} 合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费",
                     (f"{prefix}sangong.total", sg.total), [(f"{prefix}sangong.{k}", getattr(sg, k)) for k in _SANGONG_ITEMS],
                     blank_is_zero=True)


@rule("sangong.vehicles")
def _sangong_vehicles(c: Context) -> None:
    for prefix, sg in (("", c.r.sangong), ("budget.", c.r.budget.sangong)):
        if prefix and not c.final:
            continue
        if any(leaf.known for leaf in sg.leaves().values()):
            c.ck.sum(f"{prefix}sangong.vehicle_total=purchase+operation",
                     f"三公{' (预算数)' if prefix else ''} 公务用车购置及运行费 = 购置费 + 运行费",
                     (f"{prefix}sangong.vehicle_total", sg.vehicle_total),
                     [(f"{prefix}sangong.vehicle_purchase", sg.vehicle_purchase),
                      (f"{prefix}sangong.vehicle_operation", sg.vehicle_operation)], blank_is_zero=True)


@rule("procurement.parts")
def _procurement_parts(c: Context) -> None:
    p = c.r.procurement
    if p.total.known:
        c.ck.sum("procurement.total=goods+works+services", "政府采购 = 货物 + 工程 + 服务", ("procurement.total", p.total),
                 [("procurement.goods", p.goods), ("procurement.works", p.works), ("procurement.services", p.services)])


@rule("assets.vehicles")
def _assets_vehicles(c: Context) -> None:
    a = c.r.assets
    if a.vehicles.known and a.general_vehicles.known:
        c.ck.sum("assets.vehicles=sum(kinds)", "车辆 = 一般公务用车 + 执法执勤用车 + 其他车辆", ("assets.vehicles", a.vehicles),
                 [("assets.general_vehicles", a.general_vehicles), ("assets.enforcement_vehicles", a.enforcement_vehicles),
                  ("assets.other_vehicles", a.other_vehicles)], exact=True)


@rule("staffing.people")
def _staffing_people(c: Context) -> None:
    s = c.r.staffing
    if s.actual.known and s.active.known:
        c.ck.sum("staffing.actual=active+retired+separated", "实有人数 = 在职 + 退休 + 离休", ("staffing.actual", s.actual),
                 [("staffing.active", s.active), ("staffing.retired", s.retired), ("staffing.separated", s.separated)],
                 blank_is_zero=True, exact=True)


# == across tables ===============================================================================

@rule("cross.overview_expenditure_table")
def _cross_overview_expenditure_table(c: Context) -> None:
    t3_total = c.total("expenditure_overview")
    if t3_total is None:
        return
    beyond = [x for x in _beyond_current_year(c) if _num(x[1])]
    t3 = c.table("expenditure_overview")
    if t3 is not None and _num(t3.totals.get("carry_forward")):
        beyond = []  # the 支出总表 prints 结转下年 itself: its 合计 holds it
    if beyond:  # a 决算's 支出总计 holds 年末结转和结余; its 支出决算表 only this year's expenditure
        c.ck.sum("income_expenditure_overview.expenditure.total=expenditure_overview.total",
                 "收支总表 支出总计 = 支出总表 合计 + 年末结转和结余 (+ 结余分配)", ("expenditure.total", c.r.expenditure.total),
                 [("tables.expenditure_overview.total.total", t3_total)] + beyond)
    else:
        c.ck.equal("income_expenditure_overview.expenditure.total=expenditure_overview.total", "收支总表 支出总计 = 支出总表 合计",
                   ("expenditure.total", c.r.expenditure.total), ("tables.expenditure_overview.total.total", t3_total))


@rule("cross.overview_income_table")
def _cross_overview_income_table(c: Context) -> None:
    t2 = c.table("income_overview")
    if not t2 or not any(r.code for r in t2.rows):
        return  # a 收入总表 printed by label gives income.total itself
    total = next((r.values.get("total") for r in t2.rows if r.level == "total"), None)
    if total is None:
        return
    if c.final and c.r.income.current_year.known:  # a 决算's 收入决算表 adds up this year's income only
        c.ck.equal("income.total=income_overview.total", "收支总表 本年收入合计 = 收入决算表 合计",
                   ("income.current_year", c.r.income.current_year), ("tables.income_overview.total.total", total))
    elif c.r.income.total.known:
        c.ck.equal("income.total=income_overview.total", "收支总表 收入总计 = 收入总表 合计",
                   ("income.total", c.r.income.total), ("tables.income_overview.total.total", total))


@rule("cross.classes_overview_expenditure")
def _cross_classes(c: Context) -> None:
    m1, m3 = _class_map(c.r.tables.get("income_expenditure_overview"), "amount"), _class_map(c.r.tables.get("expenditure_overview"), "total")
    if not m1 or not m3:
        return
    for code in sorted(set(m1) | set(m3)):
        c.ck.equal(f"income_expenditure_overview.{code}=expenditure_overview.{code}", f"功能分类 {code}: 收支总表 = 支出总表",
                   (f"tables.income_expenditure_overview.{code}", m1.get(code, ("", None))[1]),
                   (f"tables.expenditure_overview.{code}.total", m3.get(code, ("", None))[1]))


@rule("cross.income_expenditure_rows")
def _cross_income_expenditure_rows(c: Context) -> None:
    t2, t3 = c.table("income_overview"), c.table("expenditure_overview")
    if not t2 or not t3:
        return
    rows2 = {r.code: r for r in t2.rows if r.code and "total" in r.values}
    rows3 = {r.code: r for r in t3.rows if r.code and "total" in r.values}
    for code in sorted(set(rows2) & set(rows3), key=lambda x: (len(x), x)):
        c.ck.equal(f"income_overview.{code}=expenditure_overview.{code}", f"{rows3[code].name} ({code}): 收入总表 总计 = 支出总表 合计",
                   (f"tables.income_overview.{code}.total", rows2[code].values["total"]),
                   (f"tables.expenditure_overview.{code}.total", rows3[code].values["total"]))


@rule("fiscal.balance")
def _fiscal_balance(c: Context) -> None:
    f = c.r.fiscal
    if f.income_total.known or f.expenditure_total.known:
        c.ck.equal("fiscal_overview.income_total=fiscal_overview.expenditure_total", "财政拨款收支总表 收入总计 = 支出总计",
                   ("fiscal.income_total", f.income_total), ("fiscal.expenditure_total", f.expenditure_total))


@rule("cross.general_budget_income")
def _cross_general_budget_income(c: Context) -> None:
    f = c.r.fiscal
    if not (f.income_total.known or f.expenditure_total.known):
        return
    t4 = c.r.tables.get("fiscal_overview")
    app = next((row.values.get("total") for row in (t4.rows if t4 else []) if row.name == "general_budget"), None)
    c.ck.equal("income_expenditure_overview.general_budget=fiscal_overview.general_budget", "一般公共预算拨款: 收支总表 = 财政拨款收支总表",
               ("income.general_budget", c.r.income.general_budget), ("tables.fiscal_overview.general_budget", app))


@rule("cross.fiscal_general_budget_table")
def _cross_fiscal_general_budget_table(c: Context) -> None:
    f = c.r.fiscal
    if not (f.income_total.known or f.expenditure_total.known):
        return
    terms = [("fiscal.general_budget", f.general_budget)]
    for tid in ("government_fund", "state_capital"):
        total = c.total(tid)
        if total is not None:
            terms.append((f"tables.{tid}.total.total", total))
    t4 = c.table("fiscal_overview")
    for key in ("carry_forward", "balance_distribution"):  # 年末结转和结余 in a 决算's 财政拨款收入支出决算总表
        row = next((r for r in (t4.rows if t4 else []) if r.level == "item" and r.name == key), None)
        leaf = (row.values.get("total") or row.values.get("amount")) if row else None
        if leaf is not None and _num(leaf):
            terms.append((f"tables.fiscal_overview.{key}", leaf))
    c.ck.sum("fiscal_overview.expenditure_total=general_budget_expenditure.total",
             "财政拨款收支总表 支出总计 = 一般公共预算支出表 合计 (+ 政府性基金 + 国有资本经营)",
             ("fiscal.expenditure_total", f.expenditure_total), terms, blank_is_zero=len(terms) > 1 and f.general_budget.known)


@rule("cross.fiscal_classes")
def _cross_fiscal_classes(c: Context) -> None:
    f = c.r.fiscal
    if not (f.income_total.known or f.expenditure_total.known):
        return
    m4, m5 = _class_map(c.r.tables.get("fiscal_overview"), "general_budget"), _class_map(c.r.tables.get("general_budget_expenditure"), "total")
    for code in sorted(set(m4) | set(m5)):
        c.ck.equal(f"fiscal_overview.{code}=general_budget_expenditure.{code}", f"功能分类 {code} 一般公共预算: 财政拨款收支总表 = 一般公共预算支出表",
                   (f"tables.fiscal_overview.{code}.general_budget", m4.get(code, ("", None))[1]),
                   (f"tables.general_budget_expenditure.{code}.total", m5.get(code, ("", None))[1]))


@rule("cross.basic_table")
def _cross_basic_table(c: Context) -> None:
    f = c.r.fiscal
    t6_total = c.total("general_budget_basic")
    t5 = c.table("general_budget_expenditure")
    if f.general_budget_basic.known and t6_total is not None:
        column = t5.totals.get("basic") if t5 else None
        c.ck.equal("general_budget_expenditure.basic=general_budget_basic.total", "一般公共预算基本支出: 一般公共预算支出表 = 一般公共预算基本支出表",
                   ("fiscal.general_budget_basic", column or f.general_budget_basic), ("tables.general_budget_basic.total.total", t6_total))


@rule("cross.project_table")
def _cross_project_table(c: Context) -> None:
    f = c.r.fiscal
    t7_total = c.total("general_budget_project")
    if f.general_budget_project.known and t7_total is not None:
        c.ck.equal("general_budget_expenditure.project=general_budget_project.total", "一般公共预算项目支出: 一般公共预算支出表 = 一般公共预算项目支出表",
                   ("fiscal.general_budget_project", f.general_budget_project), ("tables.general_budget_project.total.total", t7_total))


@rule("cross.carryover_table")
def _cross_carryover_table(c: Context) -> None:
    inc = c.r.income
    t11 = c.r.tables.get("carryover")
    if t11 is not None and t11.status == "missing" and _num(inc.carryover):
        c.ck.equal("income.carryover=carryover.total", "上年结转结余: 收支总表 = 上年结转结余表 (上年结转结余表 not printed)",
                   ("income.carryover", inc.carryover), ("tables.carryover.total.total", None))
    elif t11 is not None and t11.totals.get("total"):
        c.ck.equal("income.carryover=carryover.total", "上年结转结余: 收支总表 = 上年结转结余表",
                   ("income.carryover", inc.carryover), ("tables.carryover.total.total", t11.totals["total"]))


def _rows_by_code(table: TableData | None) -> dict[str, TableRow]:
    out: dict[str, TableRow] = {}
    for r in (table.rows if table is not None and table.status == "parsed" else []):
        if r.code:
            out[r.code] = _merge(out[r.code], r) if r.code in out and r.level == "项" else out.get(r.code, r)
    return out


@rule("cross.economic_functional")
def _cross_economic_functional(c: Context) -> None:
    econ = _rows_by_code(c.r.tables.get("general_budget_basic"))
    func = _rows_by_code(c.r.tables.get("general_budget_expenditure"))
    if not econ or not func:
        return
    for code, targets in catalogue()["cross.economic_functional"]["pairs"]:
        row = econ.get(code)
        found = [func[t] for t in targets if t in func]
        if row is None or "total" not in row.values or not found:
            continue
        # the functional 项 is all basic expenditure where it prints no project part
        col = [(f"tables.general_budget_expenditure.{r.code}.{'basic' if 'basic' in r.values else 'total'}",
                r.values.get("basic") or r.values.get("total")) for r in found]
        if any(_num(r.values.get("project")) for r in found):
            continue
        names = " + ".join(f"{r.code} {r.name}" for r in found)
        c.ck.sum(f"general_budget_basic.{code}=general_budget_expenditure.{'+'.join(targets)}",
                 f"经济分类 {code} {row.name} (基本支出表) = 功能分类 {names} (一般公共预算支出表)",
                 (f"tables.general_budget_basic.{code}.total", row.values["total"]), col, blank_is_zero=True)


# == narrative vs tables =========================================================================

_NARRATIVE_PAIRS = [
    ("total", "收支总预算", "income.total"),
    ("income_total", "收入预算", "income.total"),
    ("expenditure_total", "支出预算", "expenditure.total"),
    ("general_own", "一般公共预算 (一般财力)", "income.general_own|income.general_budget"),
    ("upper_transfer", "上级一般公共预算安排的转移支付", "income.upper_transfer"),
    ("carryover", "财政拨款结转", "income.carryover_fiscal"),
    ("unit_funds", "单位资金", "income.unit_funds"),
    ("other_funds", "其他资金", "income.other_funds"),
    ("basic", "基本支出", "expenditure.basic"),
    ("reserve", "单位预留机动经费", "expenditure.reserve"),
    ("project", "项目支出", "expenditure.project"),
    ("fiscal_total", "财政拨款收支总预算", "fiscal.income_total"),
    ("general_budget", "一般公共预算拨款合计", "fiscal.general_budget"),
    ("general_budget_basic", "一般公共预算 基本支出", "fiscal.general_budget_basic"),
    ("general_budget_project", "一般公共预算 项目支出", "fiscal.general_budget_project"),
    ("personnel", "人员经费", "expenditure.personnel"),
    ("public", "公用经费", "expenditure.public"),
    ("carryover_total", "上年结转结余", "income.carryover"),
]
_SANGONG_KEYS = ("total", "overseas_travel", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation")


def _same_print(a: Leaf | None, b: Leaf | None) -> bool:
    if a is None or b is None or not a.evidence or not b.evidence:
        return a is b
    ea, eb = a.evidence[0], b.evidence[0]
    return (ea.doc, ea.line) == (eb.doc, eb.line) and a.value == b.value


@rule("narrative.figure")
def _narrative_figure(c: Context) -> None:
    n = c.r.narrative
    compared: set[tuple[str, int | None, str]] = set()

    def mark(leaf: Leaf, path: str) -> None:
        for e in leaf.evidence[:1]:
            compared.add((e.doc, e.line, path))

    for key, label, paths in _NARRATIVE_PAIRS:
        nl = getattr(n, key)
        # 一般公共预算 stated as one source: 一般财力 where the template splits it, else the whole 一般公共预算
        path = next((p for p in paths.split("|") if (c.get(p) or Leaf()).known), paths.split("|")[0])
        if key == "general_own" and n.upper_transfer.known:
            path = paths.split("|")[0]
        if nl.known:
            c.ck.equal(f"narrative.{key}={path}", f"情况说明 {label} = 表", (f"narrative.{key}", nl), (path, c.get(path)))
            mark(nl, path)
    sg, sn = c.r.sangong, c.r.sangong_narrative
    for key in _SANGONG_KEYS:
        if getattr(sn, key).known and (key != "vehicle_total" or not getattr(sn, "vehicle_purchase").known):
            c.ck.equal(f"sangong_narrative.{key}=sangong.{key}", f"三公 {key}: 情况说明 = “三公”经费支出表",
                       (f"sangong_narrative.{key}", getattr(sn, key)), (f"sangong.{key}", getattr(sg, key)))
            mark(getattr(sn, key), f"sangong.{key}")
    # every other figure the text states by name, against the table that prints it
    for path, leaf in sorted(c.r.stated.items()):
        target = c.get(path)
        if target is None or not target.known or _same_print(leaf, target):
            continue
        if any((e.doc, e.line, path) in compared for e in leaf.evidence[:1]):
            continue
        if path.startswith("sangong.") and any((e.doc, e.line, path) in compared for e in leaf.evidence[:1]):
            continue
        c.ck.equal(f"stated.{path}={path}", f"情况说明 {path} = 表", (f"stated.{path}", leaf), (path, target))


def _shares_sum(values: list[Decimal | None]) -> bool:
    return bool(values) and all(v is not None for v in values) and sum(values, Decimal(0)) == 100


@rule("narrative.share")
def _narrative_share(c: Context) -> None:
    n, inc, exp, f = c.r.narrative, c.r.income, c.r.expenditure, c.r.fiscal
    income_keys = ("general_own", "upper_transfer", "carryover", "unit_funds", "other_funds")
    adjusted_in = _shares_sum([_num(getattr(n, f"{k}_share")) for k in income_keys if getattr(n, f"{k}_share").known])
    base_income = ("narrative.income_total", n.income_total) if n.income_total.known else ("income.total", inc.total)
    for key in income_keys:
        c.ck.share(f"narrative.{key}_share", f"情况说明 {key} 占收入预算的比例", (f"narrative.{key}_share", getattr(n, f"{key}_share")),
                   (f"narrative.{key}", getattr(n, key)), base_income, adjusted=adjusted_in)
    base_exp = ("narrative.expenditure_total", n.expenditure_total) if n.expenditure_total.known else ("expenditure.total", exp.total)
    out_keys = ("basic", "project", "reserve")
    adjusted_out = _shares_sum([_num(getattr(n, f"{k}_share")) for k in out_keys if getattr(n, f"{k}_share").known])
    for key in out_keys:
        c.ck.share(f"narrative.{key}_share", f"情况说明 {key} 占支出预算的比例", (f"narrative.{key}_share", getattr(n, f"{key}_share")),
                   (f"narrative.{key}", getattr(n, key)), base_exp, adjusted=adjusted_out)
    by_whole: dict[str, list] = {}
    for sh in c.r.shares:
        by_whole.setdefault(sh.whole_path or "", []).append(sh)
    for i, sh in enumerate(c.r.shares):
        whole = c.get(sh.whole_path) if sh.whole_path else None
        if whole is None or not whole.known:
            continue
        group = by_whole.get(sh.whole_path or "", [])
        c.ck.share(f"shares.{i}", f"{str(sh.subject.value or '')[-24:]} 占{sh.whole.value}的比例",
                   (f"shares.{i}.share", sh.share), (f"shares.{i}.amount", sh.amount), (sh.whole_path, whole),
                   adjusted=_shares_sum([_num(x.share) for x in group]))
    adjusted_st = _shares_sum([_num(item["share"]) for item in n.structure])
    for i, item in enumerate(n.structure):
        name = item["name"].value
        c.ck.share(f"narrative.structure.{name}_share", f"情况说明 {name}（类）占一般公共预算的比例",
                   (f"narrative.structure.{i}.share", item["share"]), (f"narrative.structure.{i}.amount", item["amount"]),
                   ("fiscal.general_budget", f.general_budget), adjusted=adjusted_st)


def _share_total(c: Context, cid: str, description: str, shares: list[tuple[str, Leaf]], parts: list[Leaf], whole: Leaf | None) -> None:
    """Shares of one whole add up to 100 % — when the parts they describe add up to the whole."""
    if len(shares) < 2 or any(not s.known for _, s in shares):
        return
    part_sum = sum((_num(p) or Decimal(0) for p in parts), Decimal(0))
    w = _num(whole)
    if w is None or abs(part_sum - w) > _half([*parts, whole]) * (len(parts) + 1):
        return  # the text names only some of the parts: their shares need not add up to 100 %
    hundred = Leaf(value=Decimal("100.00"))
    env = sum((_half_of(s) for _, s in shares), Decimal(0))
    c.ck.sum(cid, description, ("", hundred), list(shares), tolerance=env)


@rule("narrative.shares_total")
def _narrative_shares_total(c: Context) -> None:
    n = c.r.narrative
    inc_keys = [k for k in ("general_own", "upper_transfer", "carryover", "unit_funds", "other_funds") if getattr(n, f"{k}_share").known]
    _share_total(c, "narrative.shares.income=100", "情况说明 收入预算各来源占比之和 = 100%",
                 [(f"narrative.{k}_share", getattr(n, f"{k}_share")) for k in inc_keys], [getattr(n, k) for k in inc_keys],
                 n.income_total if n.income_total.known else c.r.income.total)
    exp_keys = [k for k in ("basic", "project", "reserve") if getattr(n, f"{k}_share").known]
    _share_total(c, "narrative.shares.expenditure=100", "情况说明 支出预算 基本支出、项目支出（、单位预留机动经费）占比之和 = 100%",
                 [(f"narrative.{k}_share", getattr(n, f"{k}_share")) for k in exp_keys], [getattr(n, k) for k in exp_keys],
                 n.expenditure_total if n.expenditure_total.known else c.r.expenditure.total)
    by_whole: dict[str, list[int]] = {}
    for i, sh in enumerate(c.r.shares):
        if sh.whole_path:
            by_whole.setdefault(sh.whole_path, []).append(i)
    for path, idx in by_whole.items():
        _share_total(c, f"shares.{path}=100", f"情况说明 占{c.r.shares[idx[0]].whole.value}的各项比例之和 = 100%",
                     [(f"shares.{i}.share", c.r.shares[i].share) for i in idx], [c.r.shares[i].amount for i in idx],
                     c.get(path))
    _share_total(c, "narrative.shares.structure=100", "情况说明 一般公共预算各类占比之和 = 100%",
                 [(f"narrative.structure.{i}.share", it["share"]) for i, it in enumerate(n.structure)],
                 [it["amount"] for it in n.structure], c.r.fiscal.general_budget)


@rule("narrative.structure")
def _narrative_structure(c: Context) -> None:
    n = c.r.narrative
    m5 = _class_map(c.r.tables.get("general_budget_expenditure"), "total")
    by_name = {_name_key(name): (code, leaf) for code, (name, leaf) in m5.items()}
    for i, item in enumerate(n.structure):
        name = item["name"].value
        code, leaf = by_name.get(_name_key(str(name)), (None, None))
        c.ck.equal(f"narrative.structure.{name}=general_budget_expenditure", f"情况说明 {name}（类）= 一般公共预算支出表",
                   (f"narrative.structure.{i}.amount", item["amount"]), (f"tables.general_budget_expenditure.{code}.total", leaf))


_ITEM_NAMES = re.compile(r"([^()（）]+?)[(（](类|款|项)[)）]")


def _item_row(c: Context, subject: str) -> TableRow | None:
    """The 项 row of the 一般公共预算支出表 (else 支出总表) a "<类>(类)<款>(款)<项>(项)" subject names."""
    names = {lvl: _name_key(nm) for nm, lvl in _ITEM_NAMES.findall(subject)}
    if "项" not in names:
        return None
    for tid in ("general_budget_expenditure",):  # 当年拨款 items are general-budget appropriations (not 表3's all funds)
        t = c.table(tid)
        if not t:
            continue
        rows = {r.code: r for r in t.rows if r.code}
        items = [r for r in t.rows if r.level == "项" and r.code]
        cands = [r for r in items if _name_key(r.name) == names["项"]]
        if not cands and "款" in names:
            # the same words in another order ("一般行政事务管理" for 一般行政管理事务), under the named 款
            cands = [r for r in items if sorted(_name_key(r.name)) == sorted(names["项"])]
        if "款" in names:
            cands = [r for r in cands if _name_key((rows.get(r.code[:5]) or TableRow()).name) in (names["款"], "")]
        elif not cands:
            # the 款 named without its marker: "人大事务行政运行（项）" is 款 人大事务 + 项 行政运行
            cands = [r for r in items if names["项"] == _name_key((rows.get(r.code[:5]) or TableRow()).name) + _name_key(r.name)]
        if len(cands) == 1:
            return cands[0]
    return None


@rule("narrative.items")
def _narrative_items(c: Context) -> None:
    for i, ch in enumerate(c.r.changes):
        if not (ch.group or "").startswith("items") or not ch.current.known:
            continue
        row = _item_row(c, str(ch.subject.value or ""))
        if row is None:
            continue
        c.ck.equal(f"changes.{i}=general_budget_expenditure.{row.code}", f"情况说明 {row.code} {row.name}（项）= 一般公共预算支出表",
                   (f"changes.{i}.current", ch.current), (f"tables.general_budget_expenditure.{row.code}.total", row.values.get("total")))


def _name_key(name: str) -> str:
    """A project name compared without spaces, punctuation or bracket styles (【】〔〕（）[] all alike)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name))


def pair_projects(table: list[str], stated: list[str]) -> list[tuple[int, int]]:
    """(i, j) pairs of 一般公共预算项目支出表 project i and 情况说明 project j that name the same project."""
    tk, sk = [_name_key(n) for n in table], [_name_key(n) for n in stated]
    free = list(range(len(stated)))
    pairs: list[tuple[int, int]] = []
    for i, k in enumerate(tk):
        j = next((j for j in free if k and sk[j] == k), None)
        if j is not None:
            pairs.append((i, j))
            free.remove(j)
    done = {i for i, _ in pairs}
    for i, k in enumerate(tk):
        if i in done or len(k) < 6:
            continue
        cands = [j for j in free if len(sk[j]) >= 6 and (k in sk[j] or sk[j] in k)]
        if len(cands) == 1 and sum(1 for i2, k2 in enumerate(tk) if i2 not in done and len(k2) >= 6
                                   and (k2 in sk[cands[0]] or sk[cands[0]] in k2)) == 1:
            pairs.append((i, cands[0]))
            free.remove(cands[0])
    return sorted(pairs)


@rule("narrative.projects")
def _narrative_projects(c: Context) -> None:
    r, f = c.r, c.r.fiscal
    if r.narrative_projects and f.general_budget_project.known:
        c.ck.sum("narrative_projects=general_budget_expenditure.project", "情况说明 项目预算安排规模之和 = 一般公共预算项目支出 (一般公共预算支出表)",
                 ("fiscal.general_budget_project", f.general_budget_project),
                 [(f"narrative_projects.{i}.amount", p.amount) for i, p in enumerate(r.narrative_projects)])
    for i, j in pair_projects([str(p.name.value or "") for p in r.projects], [str(p.name.value or "") for p in r.narrative_projects]):
        p = r.projects[i]
        c.ck.equal(f"projects.{i}=narrative_projects.{j}", f"项目 {str(p.name.value)[:30]}: 一般公共预算项目支出表 = 情况说明",
                   (f"projects.{i}.amount", p.amount), (f"narrative_projects.{j}.amount", r.narrative_projects[j].amount))


def _figure(c: Context, path: str) -> Leaf | None:
    """A figure a catalogue entry names: "@<table>.<total>" (a table's printed total) or a record path."""
    if path.startswith("@"):
        tid, _, col = path[1:].partition(".")
        return c.total(tid, col)
    return c.get(path)


def _named_row(c: Context, tid: str | None, name: str) -> TableRow | None:
    """The row of table `tid` whose name is `name` (compared without spaces and punctuation)."""
    t = c.table(tid) if tid else None
    key = _name_key(name)
    return next((r for r in (t.rows if t else []) if r.name and _name_key(r.name) == key and "total" in r.values), None)


@rule("narrative.stated_agreement")
def _narrative_stated_agreement(c: Context) -> None:
    claims = catalogue()["narrative.stated_agreement"]["claims"]
    for i, a in enumerate(c.r.agreements):
        cid = f"agreements.{i}"
        quote = str(a.sentence.value or "")
        desc = f"情况说明：{quote}"
        if a.figure:
            # the figure is a row the named table prints ("与《基本支出预算表》的“商品和服务支出”支出数一致"): the
            # described table's row of that name, or its total where it prints no such row
            theirs = _named_row(c, a.other, a.figure)
            ours = _named_row(c, a.table, a.figure)
            lhs = ((f"tables.{a.table}.{ours.code or ours.name}.total", ours.values["total"]) if ours is not None
                   else (f"tables.{a.table}.total", c.total(a.table) if a.table else None))
            rhs = [(f"tables.{a.other}.{theirs.code or theirs.name}.total", theirs.values["total"] if theirs else None)]
            chk = c.ck.sum(cid, desc, lhs, rhs, same_figure=True)
        else:
            entry = next((e for e in claims if e["table"] == a.table and e["other"] == a.other
                          and a.word in e["word"] and any(w in a.subject for w in e["subject"])), None)
            if entry is None:
                c.ck.fact(cid, desc, "insufficient_data", terms=[("claim", "", a.sentence)],
                          note=f"the figures this sentence names ({a.table} vs {a.other} {a.word or '数'}) are not in the catalogue")
                continue
            one = (entry["one"], _figure(c, entry["one"]))
            parts = [(p.rstrip("?"), _figure(c, p.rstrip("?"))) for p in entry["sum"]]
            parts = [(p, lf) for (p, lf), raw in zip(parts, entry["sum"]) if not (raw.endswith("?") and lf is None)]
            chk = c.ck.sum(cid, desc, one, parts, same_figure=len(parts) == 1)
        chk.evidence = _evidence([a.sentence]) + [e for e in chk.evidence if e not in a.sentence.evidence]


@rule("performance.amounts")
def _performance_amounts(c: Context) -> None:
    perf, inc = c.r.performance, c.r.income
    if perf.overall_amount.known:
        c.ck.equal("performance.overall_amount=income.total", "整体绩效目标涉及金额 = 收支总预算 (收支总表 收入总计)",
                   ("performance.overall_amount", perf.overall_amount), ("income.total", inc.total))
    if perf.funding_upper.known or perf.funding_own.known:
        c.ck.sum("performance.funding=income.total", "整体绩效目标表 资金来源 (上级安排 + 本级安排 + 其他) = 收入总计",
                 ("income.total", inc.total), [("performance.funding_upper", perf.funding_upper),
                                               ("performance.funding_own", perf.funding_own),
                                               ("performance.funding_other", perf.funding_other)], blank_is_zero=True)
    if perf.funding_own.known and inc.general_own.known:
        c.ck.equal("performance.funding_own=income.general_own", "整体绩效目标表 本级安排 = 收支总表 一般财力",
                   ("performance.funding_own", perf.funding_own), ("income.general_own", inc.general_own))


@rule("performance.upper_bounds")
def _performance_upper_bounds(c: Context) -> None:
    perf, inc = c.r.performance, c.r.income
    if not (perf.funding_upper.known and inc.upper_transfer.known):
        return
    carried = inc.carryover_fiscal if inc.carryover_fiscal.known else inc.carryover
    hi = Leaf(value=(_num(inc.upper_transfer) or Decimal(0)) + (_num(carried) or Decimal(0)),
              evidence=_evidence([inc.upper_transfer, carried]))
    c.ck.between("performance.funding_upper=income.upper_transfer",
                 "整体绩效目标表 上级安排 介于 上级一般公共预算安排转移支付 与 转移支付 + 财政拨款结转 之间",
                 ("performance.funding_upper", perf.funding_upper), ("income.upper_transfer", inc.upper_transfer),
                 ("", hi))


@rule("performance.targets")
def _performance_targets(c: Context) -> None:
    for i, tg in enumerate(c.r.performance_targets):
        c.ck.sum(f"performance_targets.{i}", f"{tg.table}：{tg.name.value} 年度绩效目标文字 = 绩效指标 指标值 ({tg.unit})",
                 (f"performance_targets.{i}.stated", tg.stated), [(f"performance_targets.{i}.indicator", tg.indicator)],
                 exact=True)


def _distinct(names: Iterable[str]) -> int:
    return len({_name_key(n) for n in names if n})


@rule("count.projects")
def _count_projects(c: Context) -> None:
    perf, f, exp = c.r.performance, c.r.fiscal, c.r.expenditure
    if perf.fiscal_projects.known:
        listed_table = _distinct(str(p.name.value or "") for p in c.r.projects if _num(p.amount))
        listed_text = _distinct(str(p.name.value or "") for p in c.r.narrative_projects if _num(p.amount))
        listed = max(listed_table, listed_text)
        if listed or _num(f.general_budget_project):
            n = _num(perf.fiscal_projects) or Decimal(0)
            where = "一般公共预算项目支出表" if listed_table >= listed_text else "情况说明 项目支出情况"
            leaf = Leaf(value=listed, evidence=_evidence(
                [p.amount for p in (c.r.projects if listed_table >= listed_text else c.r.narrative_projects)][:3]))
            if listed:
                c.ck.fact("performance.fiscal_projects>=listed", f"预算绩效 当年财政拨款项目个数 ≥ {where} 所列项目数",
                          "pass" if n >= listed else "mismatch", lhs=n, rhs=listed,
                          terms=[("lhs", "performance.fiscal_projects", perf.fiscal_projects),
                                 ("rhs", "projects" if listed_table >= listed_text else "narrative_projects", leaf)],
                          note="" if n >= listed else f"{int(n)} stated, {listed} listed")
    if perf.fiscal_project_amount.known and f.general_budget_project.known:
        hi = exp.project if exp.project.known else f.general_budget_project
        c.ck.between("performance.fiscal_project_amount", "预算绩效 当年财政拨款项目涉及金额 介于 一般公共预算项目支出 与 项目支出 之间",
                     ("performance.fiscal_project_amount", perf.fiscal_project_amount),
                     ("fiscal.general_budget_project", f.general_budget_project), ("expenditure.project", hi))


@rule("count.per_head")
def _count_per_head(c: Context) -> None:
    for i, p in enumerate(c.r.narrative_projects):
        n, per, amount = _num(p.heads), _num(p.per_head), _num(p.amount)
        if n is None or per is None or amount is None:
            continue
        heads = n * (10000 if p.heads_unit == "万人" else 1)
        each = per / 10000 if p.per_head_unit == "元" else per  # 万元
        hn = _half_of(p.heads) * (10000 if p.heads_unit == "万人" else 1) if p.heads_unit == "万人" else Decimal(0)
        hp = _half_of(p.per_head) / (10000 if p.per_head_unit == "元" else 1)
        product = Leaf(value=(heads * each).quantize(Decimal("0.0001")), evidence=p.heads.evidence + p.per_head.evidence)
        env = heads * hp + each * hn + _half_of(p.amount)
        c.ck.sum(f"narrative_projects.{i}.per_head", f"项目 {str(p.name.value or '')[:24]}：人数 × 人均 = 预算安排",
                 (f"narrative_projects.{i}.amount", p.amount), [("", product)], tolerance=env,
                 note=f"{float(n):g} {p.heads_unit} × {float(per):g} {p.per_head_unit} = {float(heads * each):g} 万元")


# == stated changes ==============================================================================

_UP_WORDS = ("增加", "增长", "上升", "提高", "增幅")
_DOWN_WORDS = ("减少", "下降", "降低", "降幅", "减幅", "压缩")


def _direction(word: str) -> int:
    if word.startswith(_UP_WORDS):
        return 1
    if word.startswith(_DOWN_WORDS):
        return -1
    return 0


def _words(ch) -> tuple[int, int]:
    """(direction of the amount's verb, direction of the percentage's verb) as printed."""
    found = re.findall("|".join(_UP_WORDS + _DOWN_WORDS), ch.words or "")
    if not found:
        return 0, 0
    first = _direction(found[0])
    second = _direction(found[1]) if len(found) > 1 else first
    if not ch.amount.known:  # only a percentage: its verb is the only one
        return 0, first
    return first, second


def _abs_leaf(leaf: Leaf) -> Leaf:
    v = _num(leaf)
    return leaf if v is None or v >= 0 else Leaf(value=-v, evidence=leaf.evidence)


_LABEL_TAIL = re.compile(r"(?:(?:19|20)\d{2}年度?)?(?:预算数|决算数|预算|决算|支出|安排)*(?:为|是)?[:：]?$")
_LABEL_HEAD = re.compile(r"^.*(?:情况说明|情况|说明)")


def _label(ch, i: int) -> str:
    """A statement's subject, short: its figure's name ("行政单位医疗(项)"), not the sentence around it."""
    s = _LABEL_TAIL.sub("", str(ch.subject.value or ""))
    s = _LABEL_HEAD.sub("", s) or s
    return s[-28:] if s else f"statement {i}"


@rule("change.percent")
def _change_percent(c: Context) -> None:
    lines_done = set()
    for i, ch in enumerate(c.r.changes):
        if not ch.percent.known:
            continue
        amount = ch.amount
        if not amount.known and ch.last.known and ch.current.known:
            amount = Leaf(value=_num(ch.current) - _num(ch.last), evidence=ch.last.evidence + ch.current.evidence)
        if not amount.known or not ch.current.known:
            continue
        pct = ch.percent
        a_dir, p_dir = _words(ch)
        if a_dir and p_dir and a_dir != p_dir:  # the words disagree (change.direction says so): compare sizes
            pct, amount = _abs_leaf(pct), _abs_leaf(amount)
        against = "预算" if ch.against == "budget" else "上年"
        c.ck.percent_change(f"changes.{i}.percent", f"{_label(ch, i)}：比{against}增减 {amount.value} 万元，{pct.value}% 重算",
                            (f"changes.{i}.percent", pct), (f"changes.{i}.amount", amount), (f"changes.{i}.current", ch.current))
        for e in ch.amount.evidence[:1]:
            lines_done.add((e.doc, e.line))
    sg, sgn, chg = c.r.sangong, c.r.sangong_narrative, c.r.sangong_change
    for key in ("total", "overseas_travel", "reception", "vehicle_purchase", "vehicle_operation"):
        ch = getattr(chg, key)
        if not ch.percent.known:
            continue
        cur = getattr(sg, key) if getattr(sg, key).known else getattr(sgn, key)
        c.ck.percent_change(f"sangong_change.{key}.percent", f"“三公” {key}：比上年增减百分比重算",
                            (f"sangong_change.{key}.percent", ch.percent), (f"sangong_change.{key}.amount", ch.amount),
                            (f"sangong.{key}", cur))
    oc = c.r.operating_expenses_change
    if oc.percent.known and not any((e.doc, e.line) in lines_done for e in oc.amount.evidence[:1]):
        c.ck.percent_change("operating_expenses_change.percent", "机关运行经费：比上年增减百分比重算",
                            ("operating_expenses_change.percent", oc.percent), ("operating_expenses_change.amount", oc.amount),
                            ("operating_expenses", c.r.operating_expenses))


@rule("change.previous")
def _change_previous(c: Context) -> None:
    for i, ch in enumerate(c.r.changes):
        if ch.last.known and ch.current.known and ch.amount.known:
            c.ck.sum(f"changes.{i}.previous", f"{_label(ch, i)}：上年数 + 增减额 = 本年数",
                     (f"changes.{i}.current", ch.current), [(f"changes.{i}.last", ch.last), (f"changes.{i}.amount", ch.amount)])


@rule("change.direction")
def _change_direction(c: Context) -> None:
    for i, ch in enumerate(c.r.changes):
        a_dir, p_dir = _words(ch)
        if a_dir and p_dir and ch.amount.known and ch.percent.known and (_num(ch.amount) or _num(ch.percent)):
            ok = a_dir == p_dir
            c.ck.fact(f"changes.{i}.direction", f"{_label(ch, i)}：增减额与增减幅度用词同向", "pass" if ok else "mismatch",
                      lhs=ch.words, rhs="同向 same direction",
                      terms=[("lhs", f"changes.{i}.amount", ch.amount), ("rhs", f"changes.{i}.percent", ch.percent)],
                      note="" if ok else f"“{ch.words}”: the amount and the percentage go opposite ways")


def _trusted_path(c: Context, ch) -> str | None:
    """A statement's path, when the record's figure at that path is the figure it states."""
    if not ch.path or not ch.current.known:
        return None
    target = c.get(ch.path)
    v, t = _num(ch.current), _num(target)
    if t is None:
        return ch.path
    return ch.path if abs(v - t) <= _half_of(ch.current) + _half_of(target) else None


def _covering(parts: list[Leaf], whole: Leaf | None) -> tuple[bool, bool]:
    """(do the parts add up to the whole, within rounding; do they add up exactly)."""
    w = _num(whole)
    if w is None or not parts or any(not p.known for p in parts):
        return False, False
    diff = abs(sum((_num(p) for p in parts), Decimal(0)) - w)
    return diff <= sum((_half_of(p) for p in parts), _half_of(whole)), diff == 0


def _change_tolerance(exact: bool) -> Decimal | None:
    """A stated change is this year's printed figure minus last year's: where the parts' current figures
    add up exactly, their changes must add up exactly too (no rounding enters a difference of printed
    figures); else the usual envelope."""
    return Decimal(0) if exact else None


class _Entry:
    """One statement of a figure's change: stated, or implied by its parts' stated changes."""

    def __init__(self, where: str, leaf: Leaf, sides: list[Side], tolerance: Decimal | None = None):
        self.where, self.leaf, self.sides, self.tolerance = where, leaf, sides, tolerance


def _sum_leaf(leaves: list[Leaf]) -> Leaf:
    total = sum((_num(x) for x in leaves), Decimal(0))
    return Leaf(value=total, evidence=_evidence(leaves))


def _ledger(c: Context) -> dict[str, list[_Entry]]:
    """{record path: every stated or implied change of that figure}. Implied: by the parts listed under it
    ("…合计 X，其中/包括：…"), and by the template's decompositions (identities.json `decompositions`:
    支出 = 基本 + 项目 + 单位预留机动经费…) where every part states its change."""
    if c.change_ledger:
        return c.change_ledger
    led: dict[str, list[_Entry]] = {}
    changes = c.r.changes
    trusted = {i: _trusted_path(c, ch) for i, ch in enumerate(changes)}
    for i, ch in enumerate(changes):
        if trusted[i] and ch.amount.known:
            led.setdefault(trusted[i], []).append(_Entry(f"changes.{i}.amount", ch.amount, [(f"changes.{i}.amount", ch.amount)]))
    implied: dict[int, tuple[Leaf, list[Side], bool] | None] = {}

    def amount_of(i: int, depth: int = 0) -> tuple[Leaf, list[Side], bool] | None:
        """A statement's change: stated, or implied by the parts listed under it (recursively)."""
        ch = changes[i]
        if ch.amount.known:
            return ch.amount, [(f"changes.{i}.amount", ch.amount)], True
        if i in implied or depth > 4:
            return implied.get(i)
        implied[i] = None
        kids = [j for j, k in enumerate(changes) if k.parent == i]
        parts = [amount_of(j, depth + 1) for j in kids]
        if kids and all(parts):
            ok, exact = _covering([changes[j].current for j in kids], ch.current)
            if ok:
                implied[i] = (_sum_leaf([x[0] for x in parts]), [s for x in parts for s in x[1]],
                              exact and all(x[2] for x in parts))
        return implied[i]

    for p, parent in enumerate(changes):
        path = trusted[p]
        if parent.amount.known or not path:
            continue
        got = amount_of(p)
        if got is not None:
            leaf, sides, exact = got
            led.setdefault(path, []).append(_Entry(f"changes.{p}", leaf, sides, _change_tolerance(exact)))
    for whole, parts in catalogue()["change.same_figure"].get("decompositions", {}).items():
        stated = {}
        for part in parts:
            hit = next((i for i, ch in enumerate(changes) if trusted[i] == part and ch.amount.known), None)
            if hit is not None:
                stated[part] = hit
        present = [p for p in parts if _num(c.get(p))]
        if not present or any(p not in stated for p in present) or any(trusted[i] == whole and changes[i].parent is not None
                                                                       for i in stated.values()):
            continue
        ok, exact = _covering([c.get(p) for p in present], c.get(whole))
        if ok:
            idx = [stated[p] for p in present]
            led.setdefault(whole, []).append(_Entry("+".join(present), _sum_leaf([changes[i].amount for i in idx]),
                                                    [(f"changes.{i}.amount", changes[i].amount) for i in idx],
                                                    _change_tolerance(exact)))
    for path, entries in led.items():
        seen, keep = set(), []
        for e in entries:
            key = (tuple(sorted(p for p, _ in e.sides)), e.leaf.value)
            if key not in seen:
                seen.add(key)
                keep.append(e)
        led[path] = keep
    for a, b in catalogue()["change.same_figure"].get("aliases", []):
        if a in led or b in led:
            both = led.get(a, []) + [e for e in led.get(b, []) if e not in led.get(a, [])]
            led[a] = led[b] = both
    c.change_ledger.update(led)
    return c.change_ledger


@rule("change.parts")
def _change_parts(c: Context) -> None:
    ch = c.r.sangong_change
    if ch.total.amount.known:
        c.ck.sum("sangong_change.total=sum(items)", "三公 比上年增减 = 各项增减之和",
                 ("sangong_change.total.amount", ch.total.amount),
                 [(f"sangong_change.{k}.amount", getattr(ch, k).amount)
                  for k in ("overseas_travel", "reception", "vehicle_purchase", "vehicle_operation")])
    changes = c.r.changes
    for p, parent in enumerate(changes):
        kids = [(i, k) for i, k in enumerate(changes) if k.parent == p and k.amount.known]
        if len(kids) < 2 or not parent.amount.known:
            continue
        ok, exact = _covering([k.current for _, k in kids], parent.current)
        if not ok:
            continue  # the parts listed are not all of the whole
        c.ck.sum(f"changes.{p}=sum(parts)", f"{_label(parent, p)}：增减额 = 其中各部分增减额之和",
                 (f"changes.{p}.amount", parent.amount), [(f"changes.{i}.amount", k.amount) for i, k in kids],
                 tolerance=_change_tolerance(exact))
    # a function class's stated change against its 项's (具体使用情况), where the 项 are all of the class
    classes: dict[str, list[int]] = {}
    for i, ch in enumerate(changes):
        if (ch.group or "").startswith("items.") and ch.amount.known:
            row = _item_row(c, str(ch.subject.value or ""))
            if row is not None and row.code:
                classes.setdefault(f"{ch.group}:{row.code[:3]}", []).append(i)
    from extract.catalog import class_code

    def class_of(subject: str) -> str | None:
        m = re.search(r"([^()（）\d.、，,:：]+?)[(（]类[)）]", subject)
        if not m:
            return None
        name = m.group(1)
        return class_code(name) or class_code(name + "支出")

    for key, idx in classes.items():
        code = key.split(":")[1]
        stated = [i for i, ch in enumerate(changes) if ch.amount.known and not (ch.group or "").startswith("items")
                  and class_of(str(ch.subject.value or "")) == code]
        for j in stated[:1]:
            ok, exact = _covering([changes[i].current for i in idx], changes[j].current)
            if not ok:
                continue  # the class is measured on another basis (all funds vs 财政拨款) or not all 项 are listed
            c.ck.sum(f"changes.{j}=sum(items.{code})", f"{_label(changes[j], j)}：类的增减额 = 其各项（项）增减额之和",
                     (f"changes.{j}.amount", changes[j].amount), [(f"changes.{i}.amount", changes[i].amount) for i in idx],
                     tolerance=_change_tolerance(exact))


@rule("change.items")
def _change_items(c: Context) -> None:
    groups: dict[str, list[int]] = {}
    for i, ch in enumerate(c.r.changes):
        if (ch.group or "").startswith("items."):
            groups.setdefault(ch.group, []).append(i)
    whole = c.r.fiscal.general_budget if c.r.fiscal.general_budget.known else c.r.narrative.general_budget
    for g, idx in groups.items():
        items = [c.r.changes[i] for i in idx]
        if len(items) < 2:
            continue
        ok, exact = _covering([ch.current for ch in items], whole)
        if not ok:
            c.ck.fact(f"changes.{g}=fiscal.general_budget", "具体使用情况 各项增减额之和 = 一般公共预算拨款的增减额",
                      "not_applicable", note="the items listed do not add up to the general-budget appropriation")
            continue
        if any(not ch.amount.known for ch in items):
            continue
        entries = _ledger(c).get("fiscal.general_budget") or []
        terms = [(f"changes.{i}.amount", c.r.changes[i].amount) for i in idx]
        if not entries:
            c.ck.fact(f"changes.{g}=fiscal.general_budget", "具体使用情况 各项增减额之和 = 一般公共预算拨款的增减额",
                      "insufficient_data", lhs=_num(_sum_leaf([ch.amount for ch in items])),
                      note="the change of the general-budget appropriation is not stated")
            continue
        for e in entries[:2]:
            tol = Decimal(0) if exact and e.tolerance is not None or exact and e.where.endswith(".amount") else None
            c.ck.sum(f"changes.{g}=fiscal.general_budget", f"具体使用情况 各项增减额之和 = 一般公共预算拨款的增减额 ({e.where})",
                     (e.where if e.where.startswith("changes.") else "", e.leaf), terms, tolerance=tol)


@rule("change.same_figure")
def _change_same_figure(c: Context) -> None:
    led = _ledger(c)
    done = set()
    for path, entries in led.items():
        key = tuple(sorted(e.where for e in entries))
        if len(entries) < 2 or key in done:
            continue
        done.add(key)
        first = entries[0]
        for e in entries[1:]:
            if _same_print(first.leaf, e.leaf) or first.leaf.value == e.leaf.value and first.leaf.evidence == e.leaf.evidence:
                continue
            if len(e.sides) > 1:
                c.ck.sum(f"changes.{path}.agree", f"{path} 的增减额：{first.where} = 各部分增减额之和 ({e.where})",
                         (first.where, first.leaf), e.sides, tolerance=e.tolerance)
            else:
                c.ck.equal(f"changes.{path}.agree", f"{path} 的增减额：{first.where} = {e.where}", (first.where, first.leaf),
                           (e.where, e.leaf))


# == 决算: budget and final figures =================================================================

def _budget_of(c: Context, path: str | None) -> Leaf | None:
    return c.get(f"budget.{path}") if path else None


@rule("final.budget_vs_final")
def _final_budget_vs_final(c: Context) -> None:
    for i, rt in enumerate(c.r.rates):
        budget, where = (rt.budget, f"rates.{i}.budget") if rt.budget.known else (
            _budget_of(c, rt.path), f"budget.{rt.path}" if rt.path else "")
        c.ck.share(f"rates.{i}", f"{str(rt.subject.value or '')[-30:]}：完成预算的比例 = 决算数 ÷ 预算数",
                   (f"rates.{i}.rate", rt.rate), (f"rates.{i}.final", rt.final), (where, budget))
    for i, ch in enumerate(c.r.changes):
        if ch.against != "budget" or not ch.amount.known:
            continue
        path = ch.path or _path_of_subject(str(ch.subject.value or ""))
        budget = _budget_of(c, path)
        final = ch.current if ch.current.known else (c.get(path) if path else None)
        c.ck.sum(f"changes.{i}.vs_budget", f"{_label(ch, i)}：决算数 − 预算数 = 文中所述增减额",
                 (f"changes.{i}.amount", ch.amount), [(path or "", final), (f"budget.{path}" if path else "", _negated(budget))])


def _negated(leaf: Leaf | None) -> Leaf | None:
    v = _num(leaf)
    return None if v is None else Leaf(value=-v, evidence=leaf.evidence)


def _path_of_subject(subject: str) -> str | None:
    from extract.changes import _path_named

    return _path_named(subject)


_GREATER = ("大于", "高于", "多于", "超过")
_LESS = ("小于", "低于", "少于")


def _comparison_side(c: Context, word: str, path: str | None) -> tuple[str, Leaf | None]:
    if "预算" in word:
        return (f"budget.{path}" if path else ""), _budget_of(c, path)
    if "决算" in word or "实际" in word:
        return path or "", c.get(path) if path else None
    if word == "收入":
        return "income.total", c.r.income.total
    return "expenditure.total", c.r.expenditure.total


@rule("final.comparison_words")
def _final_comparison_words(c: Context) -> None:
    for i, cmp in enumerate(c.r.comparisons):
        word = str(cmp.word.value or "")
        path = cmp.path or _path_of_subject(str(cmp.subject.value or ""))
        if cmp.left in ("收入", "支出") and cmp.right in ("收入", "支出"):
            path = None
        lp, left = _comparison_side(c, cmp.left, path)
        rp, right = _comparison_side(c, cmp.right, path)
        lv, rv = _num(left), _num(right)
        desc = f"{str(cmp.subject.value or '')[-24:]}{cmp.left}{word}{cmp.right}：与数字一致"
        terms = [("lhs", lp, left), ("rhs", rp, right), ("lhs", f"comparisons.{i}.word", cmp.word)]
        if lv is None or rv is None:
            c.ck.fact(f"comparisons.{i}", desc, "insufficient_data", lhs=word, terms=terms,
                      note="the figures compared are not both printed")
            continue
        if word.startswith(_GREATER):
            ok = lv > rv
        elif word.startswith(_LESS):
            ok = lv < rv
        else:
            ok = lv == rv
        c.ck.fact(f"comparisons.{i}", desc, "pass" if ok else "mismatch", lhs=f"{float(lv):g} {word} {float(rv):g}",
                  rhs="true" if ok else "false", terms=terms,
                  note="" if ok else f"the text says {cmp.left} {word} {cmp.right}, the figures are {float(lv):g} and {float(rv):g}")


# == the document itself ===========================================================================

_PLACEHOLDER = re.compile(r"X{2,}|x{2,}|Ｘ{2,}|×{2,}|＊{2,}|\*{2,}|某某|〇〇|○○|□□|\?\?|？？|"
                          r"[(（【\[]?(?:单位|部门|预算单位)名称[)）】\]]?|[(（]单位[)）]|XX单位|模板|示例单位")
_YEAR = re.compile(r"(?<!\d)([12]\d{3})\s*年")


@rule("document.title")
def _document_title(c: Context) -> None:
    dept = c.r.department
    lines = [("titles", t) for t in c.r.titles] + [("department", dept)]
    bad = [(p, t) for p, t in lines if t.known and _PLACEHOLDER.search(str(t.value))]
    if bad:
        for p, t in bad[:3]:
            where = p if p == "department" else f"titles.{c.r.titles.index(t)}"
            c.ck.fact(f"document.title.{(t.evidence[0].line if t.evidence else '')}", "标题/单位名称不是占位符", "mismatch",
                      lhs=str(t.value)[:80], rhs="a body's name", terms=[("lhs", where, t)],
                      note=f"placeholder “{_PLACEHOLDER.search(str(t.value)).group()}” instead of the body's name")
    elif not dept.known:
        c.ck.fact("document.title", "标题/单位名称不是占位符", "insufficient_data", note="no issuing body could be read")
    else:
        c.ck.fact("document.title", "标题/单位名称不是占位符", "pass", lhs=str(dept.value), terms=[("lhs", "department", dept)])


@rule("document.year")
def _document_year(c: Context) -> None:
    """The fiscal year is plausible, and every title that names a year names the document's: the year most
    titles name (a single title, or the year the identity was read from, may be the one that is wrong)."""
    fy = c.r.fiscal_year
    year = fy.value if isinstance(fy.value, int) else None
    named: list[tuple[Leaf, int]] = []
    for t in c.r.titles:
        text = str(t.value or "")
        years = [int(y) for y in _YEAR.findall(text)]
        if years and re.search(r"预算|决算|表|部分", text):
            named.append((t, years[0]))
    counts = Counter(y for _, y in named)
    if year is not None:
        counts[year] += 0.5  # the identity's year breaks a tie
    doc_year = max(counts, key=lambda y: counts[y]) if counts else year
    if doc_year is None:
        c.ck.fact("document.year", "年度可信", "insufficient_data", note="no fiscal year could be read")
        return
    latest = date.today().year + 2
    ok = 2000 <= doc_year <= latest
    c.ck.fact("document.year", f"年度可信 (2000–{latest})", "pass" if ok else "mismatch", lhs=doc_year, rhs=f"2000–{latest}",
              terms=[("lhs", "fiscal_year", fy)], note="" if ok else f"{doc_year} is no plausible fiscal year")
    if year is not None and year != doc_year:
        c.ck.fact("document.year.fiscal_year", "文档年度与各标题的年度一致", "mismatch", lhs=year, rhs=doc_year,
                  terms=[("lhs", "fiscal_year", fy)], note=f"the year read first ({year}) is not the year the titles name ({doc_year})")
    for t, y in named:
        if y == doc_year:
            continue
        line = t.evidence[0].line if t.evidence else ""
        c.ck.fact(f"document.year.{line}", "标题中的年度与文档年度一致", "mismatch", lhs=y, rhs=doc_year,
                  terms=[("lhs", f"titles.{c.r.titles.index(t)}", t), ("rhs", "fiscal_year", fy)],
                  note=f"“{str(t.value)[:60]}” names {y}, the document {doc_year}")


_TABLE_FIGURES = {"sangong": [f"sangong.{k}" for k in _SANGONG_KEYS] + [f"sangong_narrative.{k}" for k in _SANGONG_KEYS],
                  "operating_expenses": ["operating_expenses"], "procurement": ["procurement.total"],
                  "general_budget_basic": ["expenditure.personnel", "expenditure.public"],
                  "general_budget_project": ["fiscal.general_budget_project"]}


@rule("document.empty_table")
def _document_empty_table(c: Context) -> None:
    for tid, paths in _TABLE_FIGURES.items():
        t = c.r.tables.get(tid)
        if t is None or t.status == "missing":
            continue
        figures = [v for r in t.rows for v in r.values.values() if _num(v)] if t.status == "parsed" else []
        if t.status == "parsed" and figures or t.status == "unparsed":
            continue
        stated = []
        for p in paths:
            leaf = c.r.stated.get(p) if not p.startswith("sangong_narrative") else c.get(p)
            if leaf is None and not p.startswith("sangong_narrative"):
                leaf = None
            if leaf is not None and _num(leaf):
                stated.append((p, leaf))
        if not stated:
            continue
        p, leaf = max(stated, key=lambda x: (x[0].endswith(".total"), _num(x[1])))  # the table's total first
        c.ck.fact(f"document.empty_table.{tid}", f"{zh_name(tid)}：表中无数字，但文字说明了 {p} = {leaf.value}", "mismatch",
                  lhs=_f(_num(leaf)), rhs="empty table", terms=[("lhs", p, leaf)],
                  note=f"the table is printed {'empty' if t.status == 'empty' else 'without figures'}; the text states non-zero figures of it")
