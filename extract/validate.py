"""Checks a record against the document's own arithmetic. Reports; never repairs.

Status of an identity ``lhs = t1 + … + tn`` between printed (rounded) figures:
``pass`` (equal), ``rounding`` (|difference| ≤ (n+1) half-units of the last printed digit: each
rounded term and the rounded total may be off by half a unit), ``mismatch`` (more), or
``insufficient_data`` (a figure is not in the document or could not be read).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Iterable

from extract.schema import BudgetRecord, Check, Citation, Leaf, TableData, TableRow
from ingest.catalog import zh_name

HALF_CENT = Decimal("0.005")  # half of the last printed digit of an amount in 万元 with two decimals


def _half(leaves: Iterable[Leaf]) -> Decimal:
    """Half a unit of the least precise printed figure among `leaves` (in the figures' own scale). A zero
    ("0 万元", nothing budgeted) is exact: it does not widen the envelope of the figures beside it."""
    exps = []
    for leaf in leaves:
        if isinstance(leaf.value, Decimal) and leaf.value != 0:
            exps.append(leaf.value.as_tuple().exponent)
    if not exps:
        return HALF_CENT
    return Decimal(5) * Decimal(10) ** (max(exps) - 1) if max(exps) < 0 else Decimal("0.5")


def _evidence(leaves: Iterable[Leaf]) -> list[Citation]:
    out, seen = [], set()
    for leaf in leaves:
        for c in leaf.evidence:
            key = (c.doc, c.page, c.line, c.quote)
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out


def _num(leaf: Leaf | None) -> Decimal | None:
    if leaf is None or leaf.value is None:
        return None
    v = leaf.value
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int):
        return Decimal(v)
    return None


class Checker:
    def __init__(self) -> None:
        self.checks: list[Check] = []

    def sum(self, cid: str, description: str, lhs: tuple[str, Leaf | None], terms: list[tuple[str, Leaf | None]],
            blank_is_zero: bool = False, tolerance: Decimal | None = None) -> Check:
        """lhs == Σ terms."""
        leaves = [lhs[1]] + [t[1] for t in terms]
        paths = [lhs[0]] + [t[0] for t in terms]
        present = [lf for lf in leaves if lf is not None and lf.value is not None]
        lv = _num(lhs[1])
        tv = [_num(t[1]) for t in terms]
        if blank_is_zero:
            tv = [Decimal(0) if v is None else v for v in tv]
        # both sides read from one printed figure ("收、支预算总计 X 万元" fills both totals): nothing to check
        same_print = len(terms) == 1 and lhs[1] is not None and lhs[1] is terms[0][1]
        if lv is None or any(v is None for v in tv) or not terms or same_print:
            check = Check(id=cid, description=description, status="insufficient_data", paths=paths,
                          lhs=float(lv) if lv is not None else None, evidence=_evidence(present))
            self.checks.append(check)
            return check
        rv = sum(tv, Decimal(0))
        diff = lv - rv
        half = _half(present)
        tol = tolerance if tolerance is not None else (len(terms) + 1) * half
        status = "pass" if diff == 0 else ("rounding" if abs(diff) <= tol else "mismatch")
        check = Check(id=cid, description=description, status=status, lhs=float(lv), rhs=float(rv),
                      difference=float(diff), paths=paths, evidence=_evidence(present))
        self.checks.append(check)
        return check

    def equal(self, cid: str, description: str, a: tuple[str, Leaf | None], b: tuple[str, Leaf | None]) -> Check:
        return self.sum(cid, description, a, [b])

    def share(self, cid: str, description: str, share: tuple[str, Leaf], part: tuple[str, Leaf],
              whole: tuple[str, Leaf]) -> Check | None:
        """A printed percentage against part/whole computed from the printed amounts."""
        s, p, w = _num(share[1]), _num(part[1]), _num(whole[1])
        if s is None:
            return None
        paths = [share[0], part[0], whole[0]]
        present = [x for x in (share[1], part[1], whole[1]) if x is not None and x.value is not None]
        if p is None or w is None or w == 0:
            check = Check(id=cid, description=description, status="insufficient_data", paths=paths,
                          lhs=float(s), evidence=_evidence(present))
        else:
            computed = p / w * 100
            diff = s - computed
            # printed share is rounded to its last digit; the amounts each carry half a cent
            half_pct = _half([share[1]])
            slack = half_pct + (_half([part[1]]) / w + _half([whole[1]]) * p / (w * w)) * 100
            status = "pass" if abs(diff) <= half_pct else ("rounding" if abs(diff) <= slack else "mismatch")
            check = Check(id=cid, description=description, status=status, lhs=float(s),
                          rhs=float(round(computed, 4)), difference=float(round(diff, 4)), paths=paths,
                          evidence=_evidence(present))
        self.checks.append(check)
        return check


# -- table trees ---------------------------------------------------------------------------------

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

    # the top level: 类 rows; a class printed only through its 款 rows contributes their sum
    classes = sorted({c[:3] for c in by_code})
    for col in columns:
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
            if not children or col not in r.values and not any(col in c.values for c in children):
                continue
            level = "类" if len(code) == 3 else "款"
            sub = "款" if len(code) == 3 else "项"
            ck.sum(f"{tid}.{code}.{col}=sum({sub})", f"{zh_name(tid)} {level} {code} {r.name} ({col}) = sum of its {sub} rows",
                   (f"tables.{tid}.{code}.{col}", r.values.get(col) or Leaf(value=Decimal(0))),
                   [(f"tables.{tid}.{c.code}.{col}", c.values.get(col)) for c in children], blank_is_zero=True)


def _merge(a: TableRow, b: TableRow) -> TableRow:
    out = a.model_copy(deep=True)
    for col, leaf in b.values.items():
        x, y = _num(out.values.get(col)), _num(leaf)
        if y is None:
            continue
        out.values[col] = Leaf(value=(x or Decimal(0)) + y, evidence=_evidence([out.values.get(col) or Leaf(), leaf]))
    return out


def _split_checks(ck: Checker, table: TableData, a: str, b: str) -> None:
    """total = a + b on every row where both parts were printed in place (not inferred)."""
    if table.status != "parsed":
        return
    for r in table.rows:
        if "total" not in r.values or r.resolution not in ("ordered", "positional"):
            continue
        if a not in r.values and b not in r.values:
            continue
        name = r.code or r.level
        ck.sum(f"{table.id}.{name}.total={a}+{b}", f"{zh_name(table.id)} {r.name}: 合计 = {a} + {b}",
               (f"tables.{table.id}.{name}.total", r.values["total"]),
               [(f"tables.{table.id}.{name}.{a}", r.values.get(a)), (f"tables.{table.id}.{name}.{b}", r.values.get(b))],
               blank_is_zero=True)


def _class_map(table: TableData | None, col: str) -> dict[str, tuple[str, Leaf]]:
    if not table or table.status != "parsed":
        return {}
    return {r.code: (r.name, r.values[col]) for r in table.rows if r.level == "类" and r.code and col in r.values}


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


def validate(record: BudgetRecord) -> list[Check]:
    ck = Checker()
    r = record
    inc, exp, t = r.income, r.expenditure, r.tables
    # 收支总表
    ck.equal("income.total=expenditure.total", "收支总表 收入总计 = 支出总计",
             ("income.total", inc.total), ("expenditure.total", exp.total))
    if inc.current_year.known or inc.carryover.known:
        ck.sum("income.total=current_year+carryover", "收支总表 收入总计 = 本年收入 + 上年结转结余",
               ("income.total", inc.total),
               [("income.current_year", inc.current_year), ("income.carryover", inc.carryover)], blank_is_zero=True)
        ck.sum("income.current_year=sum(sources)", "收支总表 本年收入 = 一般公共预算 + 政府性基金 + 国有资本经营 + 财政专户 + 单位资金",
               ("income.current_year", inc.current_year),
               [(f"income.{k}", getattr(inc, k)) for k in
                ("general_budget", "gov_fund", "state_capital", "special_account", "unit_funds")], blank_is_zero=True)
        if inc.general_own.known or inc.upper_transfer.known:
            ck.sum("income.general_budget=own+transfer", "收支总表 一般公共预算拨款 = 一般财力 + 上级转移支付",
                   ("income.general_budget", inc.general_budget),
                   [("income.general_own", inc.general_own), ("income.upper_transfer", inc.upper_transfer)],
                   blank_is_zero=True)
    t1 = t.get("income_expenditure_overview")
    if t1 and t1.status == "parsed":
        classes = [(f"tables.income_expenditure_overview.{c}", leaf) for c, (_, leaf) in _class_map(t1, "amount").items()]
        if classes:
            ck.sum("income_expenditure_overview.expenditure.total=sum(类)", "收支总表 支出总计 = sum of its function classes",
                   ("expenditure.total", exp.total), classes)
    # coded tables: sums at every level and row splits
    for tid, cols in (("income_overview", ["total"]), ("expenditure_overview", ["total", "basic", "project"]), ("general_budget_expenditure", ["total", "basic", "project"]),
                      ("general_budget_basic", ["total", "personnel", "public"]), ("general_budget_project", ["total"]), ("government_fund", ["total"]),
                      ("state_capital", ["total"])):
        if tid in t:
            _tree_checks(ck, t[tid], cols)
    for tid, a, b in (("expenditure_overview", "basic", "project"), ("general_budget_expenditure", "basic", "project"), ("general_budget_basic", "personnel", "public")):
        if tid in t:
            _split_checks(ck, t[tid], a, b)
    ck.sum("expenditure.total=basic+project", "支出总表 支出合计 = 基本支出 + 项目支出",
           ("tables.expenditure_overview.total.total", (t.get("expenditure_overview") and t["expenditure_overview"].totals.get("total")) or Leaf()),
           [("expenditure.basic", exp.basic), ("expenditure.project", exp.project)], blank_is_zero=exp.basic.known or exp.project.known)
    ck.sum("basic=personnel+public", "一般公共预算基本支出表 基本支出合计 = 人员经费 + 公用经费",
           ("tables.general_budget_basic.total.total", (t.get("general_budget_basic") and t["general_budget_basic"].totals.get("total")) or Leaf()),
           [("expenditure.personnel", exp.personnel), ("expenditure.public", exp.public)],
           blank_is_zero=exp.personnel.known or exp.public.known)
    # 三公
    sg = r.sangong
    if any(l.known for l in sg.leaves().values()):
        ck.sum("sangong.total=sum(items)", "三公 合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费",
               ("sangong.total", sg.total), [("sangong.overseas_travel", sg.overseas_travel),
                                             ("sangong.reception", sg.reception),
                                             ("sangong.vehicle_total", sg.vehicle_total)], blank_is_zero=True)
        ck.sum("sangong.vehicle_total=purchase+operation", "三公 公务用车购置及运行费 = 购置费 + 运行费",
               ("sangong.vehicle_total", sg.vehicle_total),
               [("sangong.vehicle_purchase", sg.vehicle_purchase), ("sangong.vehicle_operation", sg.vehicle_operation)],
               blank_is_zero=True)
    sn = r.sangong_narrative
    for key in ("total", "overseas_travel", "reception", "vehicle_purchase", "vehicle_operation"):
        if getattr(sn, key).known:
            ck.equal(f"sangong_narrative.{key}=sangong.{key}", f"三公 {key}: 情况说明 = “三公”经费支出表",
                     (f"sangong_narrative.{key}", getattr(sn, key)), (f"sangong.{key}", getattr(sg, key)))
    ch = r.sangong_change
    if ch.total.amount.known:
        ck.sum("sangong_change.total=sum(items)", "三公 比上年增减 = 各项增减之和",
               ("sangong_change.total.amount", ch.total.amount),
               [(f"sangong_change.{k}.amount", getattr(ch, k).amount)
                for k in ("overseas_travel", "reception", "vehicle_purchase", "vehicle_operation")])
    # cross-table: 收支总表 / 支出总表 / 财政拨款收支总表 / 一般公共预算支出表 / 一般公共预算基本支出表 / 一般公共预算项目支出表 / 上年结转结余表
    t3_total = (t.get("expenditure_overview") and t["expenditure_overview"].totals.get("total")) or None
    if t3_total is not None:
        ck.equal("income_expenditure_overview.expenditure.total=expenditure_overview.total", "收支总表 支出总计 = 支出总表 合计",
                 ("expenditure.total", exp.total), ("tables.expenditure_overview.total.total", t3_total))
    m1, m3 = _class_map(t.get("income_expenditure_overview"), "amount"), _class_map(t.get("expenditure_overview"), "total")
    for code in sorted(set(m1) | set(m3)):
        if code in m1 or code in m3:
            ck.equal(f"income_expenditure_overview.{code}=expenditure_overview.{code}", f"功能分类 {code}: 收支总表 = 支出总表",
                     (f"tables.income_expenditure_overview.{code}", m1.get(code, ("", None))[1]), (f"tables.expenditure_overview.{code}.total", m3.get(code, ("", None))[1]))
    # 收入总表 (income by subject) and 支出总表 (expenditure by subject) cover the same money: same code, same total
    t2, t3 = t.get("income_overview"), t.get("expenditure_overview")
    if t2 and t3 and t2.status == "parsed" and t3.status == "parsed":
        rows2 = {r.code: r for r in t2.rows if r.code and "total" in r.values}
        rows3 = {r.code: r for r in t3.rows if r.code and "total" in r.values}
        for code in sorted(set(rows2) & set(rows3), key=lambda c: (len(c), c)):
            ck.equal(f"income_overview.{code}=expenditure_overview.{code}", f"{rows3[code].name} ({code}): 收入总表 总计 = 支出总表 合计",
                     (f"tables.income_overview.{code}.total", rows2[code].values["total"]),
                     (f"tables.expenditure_overview.{code}.total", rows3[code].values["total"]))
    f = r.fiscal
    if f.income_total.known or f.expenditure_total.known:
        ck.equal("fiscal_overview.income_total=fiscal_overview.expenditure_total", "财政拨款收支总表 收入总计 = 支出总计",
                 ("fiscal.income_total", f.income_total), ("fiscal.expenditure_total", f.expenditure_total))
        t4 = t.get("fiscal_overview")
        app = next((row.values.get("total") for row in (t4.rows if t4 else []) if row.name == "general_budget"), None)
        ck.equal("income_expenditure_overview.general_budget=fiscal_overview.general_budget", "一般公共预算拨款: 收支总表 = 财政拨款收支总表",
                 ("income.general_budget", inc.general_budget), ("tables.fiscal_overview.general_budget", app))
        ck.equal("fiscal_overview.expenditure_total=general_budget_expenditure.total", "财政拨款收支总表 支出总计 = 一般公共预算支出表 合计 (一般公共预算)",
                 ("fiscal.expenditure_total", f.expenditure_total), ("fiscal.general_budget", f.general_budget))
        m4, m5 = _class_map(t4, "general_budget"), _class_map(t.get("general_budget_expenditure"), "total")
        for code in sorted(set(m4) | set(m5)):
            ck.equal(f"fiscal_overview.{code}=general_budget_expenditure.{code}", f"功能分类 {code} 一般公共预算: 财政拨款收支总表 = 一般公共预算支出表",
                     (f"tables.fiscal_overview.{code}.general_budget", m4.get(code, ("", None))[1]),
                     (f"tables.general_budget_expenditure.{code}.total", m5.get(code, ("", None))[1]))
    if f.general_budget_basic.known and (t.get("general_budget_basic") and t["general_budget_basic"].totals.get("total")):
        ck.equal("general_budget_expenditure.basic=general_budget_basic.total", "一般公共预算基本支出: 一般公共预算支出表 = 一般公共预算基本支出表",
                 ("fiscal.general_budget_basic", f.general_budget_basic), ("tables.general_budget_basic.total.total", t["general_budget_basic"].totals["total"]))
    t7 = t.get("general_budget_project")
    if f.general_budget_project.known and t7 and t7.totals.get("total"):
        ck.equal("general_budget_expenditure.project=general_budget_project.total", "一般公共预算项目支出: 一般公共预算支出表 = 一般公共预算项目支出表",
                 ("fiscal.general_budget_project", f.general_budget_project), ("tables.general_budget_project.total.total", t7.totals["total"]))
    t11 = t.get("carryover")
    if t11 and t11.status == "missing" and _num(inc.carryover):
        ck.equal("income.carryover=carryover.total", "上年结转结余: 收支总表 = 上年结转结余表 (上年结转结余表 not printed)",
                 ("income.carryover", inc.carryover), ("tables.carryover.total.total", None))
    if t11 and t11.totals.get("total"):
        ck.equal("income.carryover=carryover.total", "上年结转结余: 收支总表 = 上年结转结余表",
                 ("income.carryover", inc.carryover), ("tables.carryover.total.total", t11.totals["total"]))
    # narrative vs tables
    n = r.narrative
    pairs = [
        ("total", "收支总预算", "income.total", inc.total),
        ("income_total", "收入预算", "income.total", inc.total),
        ("expenditure_total", "支出预算", "expenditure.total", exp.total),
        ("general_own", "一般公共预算 (一般财力)", "income.general_own", inc.general_own),
        ("upper_transfer", "上级一般公共预算安排的转移支付", "income.upper_transfer", inc.upper_transfer),
        ("carryover", "财政拨款结转", "income.carryover_fiscal", inc.carryover_fiscal),
        ("unit_funds", "单位资金", "income.unit_funds", inc.unit_funds),
        ("basic", "基本支出", "expenditure.basic", exp.basic),
        ("project", "项目支出", "expenditure.project", exp.project),
        ("fiscal_total", "财政拨款收支总预算", "fiscal.income_total", f.income_total),
        ("general_budget", "一般公共预算拨款合计", "fiscal.general_budget", f.general_budget),
        ("general_budget_basic", "一般公共预算 基本支出", "fiscal.general_budget_basic", f.general_budget_basic),
        ("general_budget_project", "一般公共预算 项目支出", "fiscal.general_budget_project", f.general_budget_project),
        ("personnel", "人员经费", "expenditure.personnel", exp.personnel),
        ("public", "公用经费", "expenditure.public", exp.public),
        ("carryover_total", "上年结转结余", "income.carryover", inc.carryover),
    ]
    for key, label, path, leaf in pairs:
        nl = getattr(n, key)
        if nl.known:
            ck.equal(f"narrative.{key}={path}", f"情况说明 {label} = 表", (f"narrative.{key}", nl), (path, leaf))
    base_income = ("narrative.income_total", n.income_total if n.income_total.known else inc.total)
    for key in ("general_own", "upper_transfer", "carryover", "unit_funds"):
        ck.share(f"narrative.{key}_share", f"情况说明 {key} 占收入预算的比例", (f"narrative.{key}_share", getattr(n, f"{key}_share")),
                 (f"narrative.{key}", getattr(n, key)), base_income)
    base_exp = ("narrative.expenditure_total", n.expenditure_total if n.expenditure_total.known else exp.total)
    for key in ("basic", "project"):
        ck.share(f"narrative.{key}_share", f"情况说明 {key} 占支出预算的比例", (f"narrative.{key}_share", getattr(n, f"{key}_share")),
                 (f"narrative.{key}", getattr(n, key)), base_exp)
    m5 = _class_map(t.get("general_budget_expenditure"), "total")
    by_name = {name: (code, leaf) for code, (name, leaf) in m5.items()}
    gb_total = f.general_budget
    for i, item in enumerate(n.structure):
        name = item["name"].value
        code, leaf = by_name.get(name, (None, None))
        ck.equal(f"narrative.structure.{name}=general_budget_expenditure", f"情况说明 {name}（类）= 一般公共预算支出表",
                 (f"narrative.structure.{i}.amount", item["amount"]), (f"tables.general_budget_expenditure.{code}.total", leaf))
        ck.share(f"narrative.structure.{name}_share", f"情况说明 {name}（类）占一般公共预算的比例",
                 (f"narrative.structure.{i}.share", item["share"]), (f"narrative.structure.{i}.amount", item["amount"]),
                 ("fiscal.general_budget", gb_total))
    perf = r.performance
    if perf.overall_amount.known:
        ck.equal("performance.overall_amount=income.total", "整体绩效目标涉及金额 = 收支总预算 (收支总表 收入总计)",
                 ("performance.overall_amount", perf.overall_amount), ("income.total", inc.total))
    if perf.funding_upper.known or perf.funding_own.known:
        ck.sum("performance.funding=income.total", "整体绩效目标表 资金来源 (上级安排 + 本级安排 + 其他) = 收入总计",
               ("income.total", inc.total), [("performance.funding_upper", perf.funding_upper),
                                             ("performance.funding_own", perf.funding_own),
                                             ("performance.funding_other", perf.funding_other)], blank_is_zero=True)
        if perf.funding_upper.known and inc.upper_transfer.known:
            ck.equal("performance.funding_upper=income.upper_transfer", "整体绩效目标表 上级安排 = 收支总表 上级一般公共预算安排转移支付",
                     ("performance.funding_upper", perf.funding_upper), ("income.upper_transfer", inc.upper_transfer))
    # 一般公共预算项目支出表: each row's 项目支出合计 = the sum of its economic-class columns (in print order; blanks vanish)
    t7 = t.get("general_budget_project")
    if t7 and t7.status == "parsed":
        for row in t7.rows:
            parts = [(c, v) for c, v in row.values.items() if c != "total" and v.known]
            if "total" in row.values and parts:
                name = row.code or row.level
                ck.sum(f"general_budget_project.{name}.total=sum(columns)", f"一般公共预算项目支出表 {row.name[:20]}{' ' + row.extra[:30] if row.extra else ''}: 项目支出合计 = sum of its columns",
                       (f"tables.general_budget_project.{name}.total", row.values["total"]),
                       [(f"tables.general_budget_project.{name}.{c}", v) for c, v in parts])
    if r.narrative_projects and f.general_budget_project.known:
        ck.sum("narrative_projects=general_budget_expenditure.project", "情况说明 项目预算安排规模之和 = 一般公共预算项目支出 (一般公共预算支出表)",
               ("fiscal.general_budget_project", f.general_budget_project),
               [(f"narrative_projects.{i}.amount", p.amount) for i, p in enumerate(r.narrative_projects)])
    # the same project has the same amount in 一般公共预算项目支出表 and in 情况说明 七: paired by name (n-th namesake with n-th
    # namesake), then a name that contains the other (at least 6 characters) when that pairing is unique
    for i, j in pair_projects([str(p.name.value or "") for p in r.projects],
                              [str(p.name.value or "") for p in r.narrative_projects]):
        p = r.projects[i]
        ck.equal(f"projects.{i}=narrative_projects.{j}", f"项目 {str(p.name.value)[:30]}: 一般公共预算项目支出表 = 情况说明",
                 (f"projects.{i}.amount", p.amount), (f"narrative_projects.{j}.amount", r.narrative_projects[j].amount))
    # narrative internal sums
    p = r.procurement
    if p.total.known:
        ck.sum("procurement.total=goods+works+services", "政府采购 = 货物 + 工程 + 服务", ("procurement.total", p.total),
               [("procurement.goods", p.goods), ("procurement.works", p.works), ("procurement.services", p.services)])
    a = r.assets
    if a.vehicles.known and a.general_vehicles.known:
        ck.sum("assets.vehicles=sum(kinds)", "车辆 = 一般公务用车 + 执法执勤用车 + 其他车辆", ("assets.vehicles", a.vehicles),
               [("assets.general_vehicles", a.general_vehicles), ("assets.enforcement_vehicles", a.enforcement_vehicles),
                ("assets.other_vehicles", a.other_vehicles)], tolerance=Decimal(0))
    s = r.staffing
    if s.actual.known and s.active.known:
        ck.sum("staffing.actual=active+retired+separated", "实有人数 = 在职 + 退休 + 离休", ("staffing.actual", s.actual),
               [("staffing.active", s.active), ("staffing.retired", s.retired), ("staffing.separated", s.separated)],
               blank_is_zero=True, tolerance=Decimal(0))
    return ck.checks


def summary(checks: list[Check] | list[dict]) -> dict[str, int]:
    out = {"pass": 0, "rounding": 0, "mismatch": 0, "insufficient_data": 0}
    for c in checks:
        status = c["status"] if isinstance(c, dict) else c.status
        out[status] = out.get(status, 0) + 1
    return out
