"""A 部门决算 / 单位决算 (final accounts) following the national template (财政部 部门决算公开):
cover "XX局2023年度部门决算", 第一部分 部门概况, 第二部分 2023年度部门决算表 (nine tables), 第三部分
2023年度部门决算情况说明, 第四部分 名词解释.

The final figures derive from the year's budget (`model.build`): every spending item is the budget
± a few per cent (三公 and projects usually below budget), so budget (预算数) and final (决算数)
differ the way real accounts do, and every sum still holds:

- 本年收入 = 一般公共预算财政拨款收入 R (+ 其他收入 O, non-fiscal, spent on 公用 under 行政运行);
  R = final basic + the budgeted amount of this year's projects; 年初结转和结余 = the budget's
  carried-over projects; 年末结转和结余 = what the projects left unspent; 收入总计 = 支出总计.
- the Synth returned holds the final figures (personnel, public, projects, 三公, procurement), so
  its tree/basic/total are the 决算数; `.final` (Accounts) keeps the budget and the income side.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass

from evals.synth import names
from evals.synth.blocks import CN_NUM, Para, Row, Table, _code_cells, _nfmt, _v, numbered, overview
from evals.synth.layout import thousands
from evals.synth.model import ECON_CLASS, PERSONNEL_ITEMS, PUBLIC_ITEMS, Change, Project, Synth, _amount, fmt, pct


@dataclass
class Accounts:
    budget: Synth  # the year's budget (预算数)
    other_income: int  # 其他收入 (non-fiscal)
    carry_in: int  # 年初结转和结余 (财政拨款)
    fiscal_income: int  # 一般公共预算财政拨款收入 (本年)
    carry_out: int  # 年末结转和结余
    budget_cols: str  # 一般公共预算财政拨款支出决算表 budget columns: none | initial (年初) | both (年初 + 全年)
    last_total: int  # last year's 收入总计 (for the change sentence)
    adjust: dict  # 项 → budget adjustment during the year (全年预算数 = 年初预算数 + carried-over projects + adjustment)

    @property
    def full_budget(self) -> int:
        """全年预算数 合计 of the general budget."""
        return self.budget.total + sum(self.adjust.values())


def cn(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一."""
    if n <= 10:
        return CN_NUM[n]
    tens, ones = divmod(n, 10)
    return (CN_NUM[tens] if tens > 1 else "") + "十" + (CN_NUM[ones] if ones else "")


def finalize(b: Synth) -> Synth:
    """The final accounts of budget `b` (a new Synth with kind="final")."""
    rng = random.Random(f"final:{b.seed}:{b.doc}")

    def adj(v: int, lo: float, hi: float) -> int:
        return max(1, int(round(v * rng.uniform(lo, hi)))) if v else 0

    f = copy.deepcopy(b)
    f.kind = "final"
    f.printed, f.injected = {}, []
    f.personnel = {k: adj(v, 0.95, 1.03) for k, v in b.personnel.items()}
    sg = {k: adj(v, 0.6, 1.0) for k, v in b.sangong.items()}
    sg["vehicle_purchase"] = adj(b.sangong["vehicle_purchase"], 0.92, 1.0)
    f.sangong = sg
    sangong_items = {("302", "12"): "overseas_travel", ("302", "17"): "reception", ("302", "31"): "vehicle_operation"}
    pub = {}
    for k, v in b.public.items():
        nv = sg[sangong_items[k]] if k in sangong_items else adj(v, 0.85, 1.05)
        if nv:
            pub[k] = nv
    f.public = pub
    projects = []
    for p in b.projects:
        amt = sg["vehicle_purchase"] if p.name.endswith("公务用车购置项目") else adj(p.amount, 0.75, 1.0)
        goods = amt * p.econ["商品和服务支出"] // p.amount if p.amount else 0
        capital = amt * p.econ["资本性支出"] // p.amount if p.amount else 0
        projects.append(Project(p.name, p.xiang, amt, p.source,
                                {"商品和服务支出": goods, "资本性支出": capital, "对个人和家庭的补助": amt - goods - capital}))
    f.projects = projects
    proc = {c: adj(b.procurement[c], 0.8, 1.0) for c in ("goods", "works", "services")}
    proc["total"] = sum(proc.values())
    proc["sme"] = proc["total"]
    f.procurement = proc
    f.operating_last = b.public_total  # the sentence compares with the year's budget (年初预算数)

    other = _amount(rng, 0.5, 20) if rng.random() < 0.3 else 0
    carry_in = b.carryover
    fiscal_income = f.basic + sum(p.amount for p in b.projects if p.source != "carryover")
    carry_out = fiscal_income + carry_in - f.total
    assert carry_out >= 0
    f.final = Accounts(budget=b, other_income=other, carry_in=carry_in, fiscal_income=fiscal_income, carry_out=carry_out,
                       budget_cols=rng.choices(["none", "initial", "both"], weights=[2, 1, 1])[0],
                       last_total=int((fiscal_income + other + carry_in) * rng.uniform(0.85, 1.15)), adjust={})
    for p in b.projects:
        if p.source != "carryover" and rng.random() < 0.5:
            f.final.adjust[p.xiang] = f.final.adjust.get(p.xiang, 0) + int(p.amount * rng.uniform(0.01, 0.08))
    if b.injected:
        _inject(f, rng)
    return f


# -- figures ------------------------------------------------------------------------------------
def income_total(s: Synth) -> int:
    a = s.final
    return a.fiscal_income + a.other_income + a.carry_in


def basic_all(s: Synth) -> int:
    return s.basic + s.final.other_income


def running_xiang(s: Synth) -> tuple:
    return (s.dept["lei"][0], s.dept["kuan"][0], "01")


def tree_of(s: Synth, rows: dict[tuple, dict[str, int]]) -> list[tuple[str, tuple, dict[str, int]]]:
    """[(level, code, sums)] in print order: 类, its 款, their 项 (rows keyed by 项)."""
    rows = dict(sorted(rows.items()))
    keys = sorted({k for r in rows.values() for k in r})
    out = []
    for lei in sorted({k[0] for k in rows}):
        out.append(("类", (lei,), {x: sum(r.get(x, 0) for k, r in rows.items() if k[0] == lei) for x in keys}))
        for kuan in sorted({k[1] for k in rows if k[0] == lei}):
            out.append(("款", (lei, kuan),
                        {x: sum(r.get(x, 0) for k, r in rows.items() if k[:2] == (lei, kuan)) for x in keys}))
            out += [("项", k, r) for k, r in rows.items() if k[:2] == (lei, kuan)]
    return out


def spending_rows(s: Synth) -> dict[tuple, dict[str, int]]:
    """支出决算表: all funds per 项 (fiscal final + 其他收入 spent on basic 公用 under 行政运行)."""
    rows = {k: {"total": r["total"], "basic": r["basic"], "project": r["project"]} for k, r in s.rows().items()}
    o = s.final.other_income
    if o:
        r = rows.setdefault(running_xiang(s), {"total": 0, "basic": 0, "project": 0})
        r["total"] += o
        r["basic"] += o
    return rows


def income_rows(s: Synth) -> dict[tuple, dict[str, int]]:
    """收入决算表: 本年收入 per 项 = final basic + this year's budgeted projects (+ 其他收入)."""
    b = s.final.budget
    rows: dict[tuple, dict[str, int]] = {}
    for k, r in s.rows().items():
        if r["basic"]:
            rows.setdefault(k, {"total": 0, "fiscal": 0, "other": 0})["fiscal"] += r["basic"]
    for p in b.projects:
        if p.source != "carryover":
            rows.setdefault(p.xiang, {"total": 0, "fiscal": 0, "other": 0})["fiscal"] += p.amount
    o = s.final.other_income
    if o:
        rows.setdefault(running_xiang(s), {"total": 0, "fiscal": 0, "other": 0})["other"] += o
    for r in rows.values():
        r["total"] = r["fiscal"] + r["other"]
    return rows


def general_rows(s: Synth) -> dict[tuple, dict[str, int]]:
    """一般公共预算财政拨款支出决算表: 年初预算数, 全年预算数 and 决算数 (小计 / 基本 / 项目) per 项."""
    b = s.final.budget
    rows: dict[tuple, dict[str, int]] = {}

    def row(k):
        return rows.setdefault(k, {"initial": 0, "full": 0, "total": 0, "basic": 0, "project": 0})

    for k, r in b.rows(include_carryover=False).items():
        row(k)["initial"] += r["total"]
    for k, r in b.rows().items():
        row(k)["full"] += r["total"]
    for k, v in s.final.adjust.items():
        row(k)["full"] += v
    for k, r in s.rows().items():
        x = row(k)
        x["total"] += r["total"]
        x["basic"] += r["basic"]
        x["project"] += r["project"]
    return rows


def by_class_all(s: Synth) -> list[tuple[str, str, int]]:
    return [(c[0], s.name_of(c), r["total"]) for lvl, c, r in tree_of(s, spending_rows(s)) if lvl == "类"]


# -- injected errors ---------------------------------------------------------------------------
def _inject(s: Synth, rng: random.Random) -> None:
    kinds = rng.sample(["narrative_total", "sangong_total", "class_row", "personnel_total", "procurement_total"],
                       rng.choice([1, 1, 2]))
    for kind in kinds:
        delta = rng.choice([1, -1]) * _amount(rng, 1, 9)
        if kind == "narrative_total":
            true = income_total(s)
            s.printed["narrative.total"] = true + delta
            s.injected.append({"kind": "narrative_vs_table", "key": "narrative.total",
                               "paths": ["narrative.income_total", "income.total"], "printed": true + delta,
                               "expected": true})
        elif kind == "sangong_total":
            true = sum(s.sangong.values())
            s.printed["sangong.total"] = true + abs(delta)
            s.injected.append({"kind": "sum_mismatch", "key": "sangong.total",
                               "paths": ["sangong.total", "sangong.overseas_travel", "sangong.reception",
                                         "sangong.vehicle_purchase", "sangong.vehicle_operation"],
                               "printed": true + abs(delta), "expected": true})
        elif kind == "class_row":
            code, _, amount = rng.choice(by_class_all(s))
            if amount + delta <= 0:
                delta = abs(delta)
            s.printed[f"class.{code}"] = amount + delta
            s.injected.append({"kind": "sum_mismatch", "key": f"class.{code}", "table": "expenditure_overview",
                               "paths": ["expenditure.by_function"], "printed": amount + delta, "expected": amount})
        elif kind == "personnel_total":
            s.printed["expenditure.personnel"] = s.personnel_total + delta
            s.injected.append({"kind": "sum_mismatch", "key": "expenditure.personnel", "table": "general_budget_basic",
                               "paths": ["expenditure.personnel", "expenditure.public"],
                               "printed": s.personnel_total + delta, "expected": s.personnel_total})
        elif kind == "procurement_total":
            true = s.procurement["total"]
            s.printed["procurement.total"] = true + abs(delta)
            s.injected.append({"kind": "sum_mismatch", "key": "procurement.total",
                               "paths": ["procurement.total", "procurement.goods", "procurement.works",
                                         "procurement.services"], "printed": true + abs(delta), "expected": true})


# -- tables ------------------------------------------------------------------------------------
TITLES = {
    "template": {"income_expenditure_overview": "收入支出决算总表", "income_overview": "收入决算表",
                 "expenditure_overview": "支出决算表", "fiscal_overview": "财政拨款收入支出决算总表",
                 "general_budget_expenditure": "一般公共预算财政拨款支出决算表",
                 "general_budget_basic": "一般公共预算财政拨款基本支出决算表",
                 "sangong": "一般公共预算财政拨款“三公”经费支出决算表",
                 "government_fund": "政府性基金预算财政拨款收入支出决算表",
                 "state_capital": "国有资本经营预算财政拨款支出决算表"},
    "jiangsu": {"income_expenditure_overview": "收支决算总表", "income_overview": "收入决算表",
                "expenditure_overview": "支出决算表", "fiscal_overview": "财政拨款收支决算总表",
                "general_budget_expenditure": "一般公共预算财政拨款支出决算表（功能科目）",
                "general_budget_basic": "一般公共预算财政拨款基本支出决算表（经济科目）",
                "sangong": "财政拨款“三公”经费支出决算表",
                "government_fund": "政府性基金预算财政拨款支出决算表",
                "state_capital": "国有资本经营预算财政拨款支出决算表"},
}
CODES3 = 3


def _t(s: Synth, tid: str, header, rows, note=None, widths=None, code_cols: int = 0) -> Table:
    unit = "元" if tid in s.yuan_tables else "万元"
    return Table(tid, TITLES[s.layout.titles][tid], s.unit, unit, header, rows, note, widths, code_cols=code_cols)


def final_tables(s: Synth) -> list[Table]:
    a, b, y, u = s.final, s.final.budget, s.year, s.unit
    out: list[Table] = []
    uo = lambda tid: "元" if tid in s.yuan_tables else "万元"  # noqa: E731

    # 1 收入支出决算总表 (项目 | 行次 | 金额 on both sides)
    unit = uo("income_expenditure_overview")
    classes = {c: amt for c, _, amt in by_class_all(s)}
    left = [("一、一般公共预算财政拨款收入", a.fiscal_income, "income.general_budget"), ("二、政府性基金预算财政拨款收入", 0, None),
            ("三、国有资本经营预算财政拨款收入", 0, None), ("四、上级补助收入", 0, None), ("五、事业收入", 0, None),
            ("六、经营收入", 0, None), ("七、附属单位上缴收入", 0, None), ("八、其他收入", a.other_income, None)]
    right = [(f"{cn(i)}、{name}", classes.get(code, 0)) for i, (code, name) in enumerate(names.FUNCTION_CLASSES, 1)]
    n = max(len(left), len(right))
    rows = []
    for i in range(n):
        ln, lv, lp = left[i] if i < len(left) else ("", 0, None)
        rn, rv = right[i] if i < len(right) else ("", 0)
        rows.append(Row([ln, str(i + 1) if ln else "", _v(lv, unit), rn, str(n + i + 1), _v(rv, unit)],
                        {lp: None} if lp and lv else {}))
    total = income_total(s)
    bottom = [("本年收入合计", a.fiscal_income + a.other_income, "本年支出合计", s.total + a.other_income, "income.current_year"),
              ("使用非财政拨款结余", 0, "结余分配", 0, None),
              ("年初结转和结余", a.carry_in, "年末结转和结余", a.carry_out, "income.carryover"),
              ("总计", total, "总计", total, "income.total")]
    for k, (ln, lv, rn, rv, path) in enumerate(bottom):
        marks = {path: None} if path and (lv or path == "income.total") else {}
        if path == "income.total":
            marks["expenditure.total"] = None
        rows.append(Row([ln, str(2 * n + k + 1), _v(lv, unit), rn, str(2 * n + len(bottom) + k + 1), _v(rv, unit)], marks,
                        bold=ln in ("本年收入合计", "总计")))
    out.append(_t(s, "income_expenditure_overview", [["收入", "", "", "支出", "", ""], ["项目", "行次", "金额", "项目", "行次", "金额"]],
                  rows, widths=[3.2, 0.6, 1.2, 3.2, 0.6, 1.2]))

    # 2 收入决算表
    unit = uo("income_overview")
    rows = []
    inc = tree_of(s, income_rows(s))
    for lvl, code, r in inc:
        rows.append(Row(_code_cells(code) + [s.name_of(code), _v(r["total"], unit), _v(r["fiscal"], unit), "", "", "", "",
                                              _v(r["other"], unit)]))
    rows.append(Row(["", "", "", "合计", _v(a.fiscal_income + a.other_income, unit), _v(a.fiscal_income, unit), "", "", "", "",
                     _v(a.other_income, unit)], bold=True))
    out.append(_t(s, "income_overview", [["科目编码", "", "", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入",
                                          "经营收入", "附属单位上缴收入", "其他收入"],
                                         ["类", "款", "项", "", "", "", "", "", "", "", ""]], rows,
                  widths=[0.5, 0.5, 0.5, 3.4, 1.1, 1.1, 0.9, 0.9, 0.9, 0.9, 0.9], code_cols=CODES3))

    # 3 支出决算表
    unit = uo("expenditure_overview")
    rows = []
    for lvl, code, r in tree_of(s, spending_rows(s)):
        amount = s.shown(f"class.{code[0]}", r["total"]) if lvl == "类" else r["total"]
        rows.append(Row(_code_cells(code) + [s.name_of(code), _v(amount, unit), _v(r["basic"], unit), _v(r["project"], unit),
                                              "", "", ""], {f"expenditure.by_function.{code[0]}": None} if lvl == "类" else {}))
    rows.append(Row(["", "", "", "合计", _v(s.total + a.other_income, unit), _v(basic_all(s), unit), _v(s.project_total, unit),
                     "", "", ""], {"expenditure.basic": None, "expenditure.project": None}, bold=True))
    out.append(_t(s, "expenditure_overview", [["科目编码", "", "", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出",
                                               "经营支出", "对附属单位补助支出"],
                                              ["类", "款", "项", "", "", "", "", "", "", ""]], rows,
                  widths=[0.5, 0.5, 0.5, 3.6, 1.1, 1.1, 1.1, 0.9, 0.9, 1], code_cols=CODES3))

    # 4 财政拨款收入支出决算总表
    unit = uo("fiscal_overview")
    fclasses = {c[0]: r["total"] for lvl, c, r in s.tree() if lvl == "类"}
    left = [("一、一般公共预算财政拨款", a.fiscal_income), ("二、政府性基金预算财政拨款", 0), ("三、国有资本经营预算财政拨款", 0)]
    right = [(f"{cn(i)}、{name}", fclasses.get(code, 0)) for i, (code, name) in enumerate(names.FUNCTION_CLASSES, 1)]
    n = len(right)
    rows = []
    for i in range(n):
        ln, lv = left[i] if i < len(left) else ("", 0)
        rn, rv = right[i]
        rows.append(Row([ln, str(i + 1) if ln else "", _v(lv, unit), rn, str(n + i + 1), _v(rv, unit), _v(rv, unit), "", ""]))
    ftotal = a.fiscal_income + a.carry_in
    bottom = [("本年收入合计", a.fiscal_income, "本年支出合计", s.total, None),
              ("年初财政拨款结转和结余", a.carry_in, "年末财政拨款结转和结余", a.carry_out, None),
              ("总计", ftotal, "总计", ftotal, "fiscal")]
    for k, (ln, lv, rn, rv, path) in enumerate(bottom):
        marks = {"fiscal.income_total": None, "fiscal.expenditure_total": None} if path else {}
        rows.append(Row([ln, str(2 * n + k + 1), _v(lv, unit), rn, str(2 * n + 3 + k + 1), _v(rv, unit), _v(rv, unit), "", ""],
                        marks, bold=ln == "总计"))
    out.append(_t(s, "fiscal_overview", [["收入", "", "", "支出", "", "", "", "", ""],
                                         ["项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
                                          "国有资本经营预算财政拨款"]], rows, widths=[2.6, 0.5, 1, 2.8, 0.5, 1, 1.1, 1.1, 1.1]))

    # 5 一般公共预算财政拨款支出决算表 (optionally 年初预算数 / 全年预算数 before the 决算数)
    unit = uo("general_budget_expenditure")
    cols = {"none": [], "initial": ["initial"], "both": ["initial", "full"]}[a.budget_cols]
    label = {"initial": "年初预算数", "full": "全年预算数"}
    group = "本年支出" if not cols else "决算数"
    header = [["科目编码", "", "", "科目名称"] + [label[c] for c in cols] + [group, "", ""],
              ["类", "款", "项", ""] + [""] * len(cols) + ["小计", "基本支出", "项目支出"]]
    rows = []
    for lvl, code, r in tree_of(s, general_rows(s)):
        rows.append(Row(_code_cells(code) + [s.name_of(code)] + [_v(r[c], unit) for c in cols]
                        + [_v(r["total"], unit), _v(r["basic"], unit), _v(r["project"], unit)]))
    budget_totals = {"initial": b.general_budget, "full": a.full_budget}
    marks = {"fiscal.general_budget": None, "fiscal.general_budget_basic": None, "fiscal.general_budget_project": None}
    if cols:
        marks["budget.fiscal.general_budget"] = None
    if len(cols) == 2:
        marks["budget_initial.fiscal.general_budget"] = None
    rows.append(Row(["", "", "", "合计"] + [_v(budget_totals[c], unit) for c in cols]
                    + [_v(s.total, unit), _v(s.basic, unit), _v(s.project_total, unit)], marks, bold=True))
    out.append(_t(s, "general_budget_expenditure", header, rows,
                  widths=[0.5, 0.5, 0.5, 3.6] + [1.1] * len(cols) + [1.1, 1.1, 1.1], code_cols=CODES3))

    # 6 一般公共预算财政拨款基本支出决算表: 人员经费 | 公用经费 side by side, each with its own 合计
    unit = uo("general_budget_basic")
    names_ = {k[:2]: k[2] for k in PERSONNEL_ITEMS + PUBLIC_ITEMS}
    left: list[list[str]] = []
    for cls in ("301", "303"):
        keys = sorted(k for k in s.personnel if k[0] == cls)
        if keys:
            left.append([cls, ECON_CLASS[cls], _v(sum(s.personnel[k] for k in keys), unit)])
            left += [[k[0] + k[1], names_[k], _v(s.personnel[k], unit)] for k in keys]
    right = [["302", ECON_CLASS["302"], _v(s.public_total, unit)]]
    right += [[k[0] + k[1], names_[k], _v(v, unit)] for k, v in sorted(s.public.items())]
    rows = []
    for i in range(max(len(left), len(right))):
        rows.append(Row((left[i] if i < len(left) else ["", "", ""]) + (right[i] if i < len(right) else ["", "", ""])))
    shown_pers = s.shown("expenditure.personnel", s.personnel_total)
    rows.append(Row(["人员经费合计", "", _v(shown_pers, unit), "公用经费合计", "", _v(s.public_total, unit)],
                    {"expenditure.personnel": None, "expenditure.public": None}, bold=True))
    out.append(_t(s, "general_budget_basic", [["人员经费", "", "", "公用经费", "", ""],
                                              ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"]], rows,
                  widths=[0.8, 3, 1.1, 0.8, 3, 1.1]))

    # 7 “三公”经费: 预算数 group and 决算数 group (printed zeros)
    unit = uo("sangong")
    bs, fs = b.sangong, s.sangong

    def group(sg: dict, total: int) -> list[str]:
        vt = sg["vehicle_purchase"] + sg["vehicle_operation"]
        return [_v(x, unit, blank_zero=False) for x in (total, sg["overseas_travel"], vt, sg["vehicle_purchase"],
                                                        sg["vehicle_operation"], sg["reception"])]

    shown = s.shown("sangong.total", sum(fs.values()))
    marks = {f"{pre}sangong.{k}": None for pre in ("", "budget.")
             for k in ("total", "overseas_travel", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception")}
    sub = ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"]
    sub2 = ["", "", "小计", "公务用车购置费", "公务用车运行费", ""]
    out.append(_t(s, "sangong", [["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""], sub + sub, sub2 + sub2],
                  [Row(group(bs, sum(bs.values())) + group(fs, shown), marks)], widths=[1] * 12))

    # 8 / 9 empty
    note8 = f"注：{u}{y}年度没有政府性基金预算财政拨款收入，也没有使用政府性基金预算财政拨款安排的支出，故本表无数据。"
    out.append(_t(s, "government_fund", [["科目编码", "", "", "科目名称", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"],
                                         ["类", "款", "项", "", "", "", "小计", "基本支出", "项目支出", ""]],
                  [Row(["", "", "", "合计", "", "", "", "", "", ""])], note8,
                  widths=[0.5, 0.5, 0.5, 3, 1, 1, 1, 1, 1, 1], code_cols=CODES3))
    note9 = f"注：{u}{y}年度没有使用国有资本经营预算财政拨款安排的支出，故本表无数据。"
    out.append(_t(s, "state_capital", [["科目编码", "", "", "科目名称", "本年支出", "", ""], ["类", "款", "项", "", "小计", "基本支出", "项目支出"]],
                  [Row(["", "", "", "合计", "", "", ""])], note9, widths=[0.5, 0.5, 0.5, 4, 1.2, 1.2, 1.2], code_cols=CODES3))
    return out


# -- document ----------------------------------------------------------------------------------
GLOSSARY = [
    ("一般公共预算财政拨款收入", "指本级财政当年拨付的资金。"),
    ("其他收入", "指单位取得的除上述收入以外的各项收入。"),
    ("年初结转和结余", "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"),
    ("年末结转和结余", "指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟到以后年度按有关规定继续使用的资金。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("“三公”经费", "指用一般公共预算财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"),
    ("机关运行经费", "指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务等的各项资金。"),
]


def _change(cur: int, last: int, fmt_=fmt) -> str:
    c = Change(last, cur)
    if c.amount >= 0:
        return f"增加 {fmt_(c.amount)} 万元，增长 {c.percent}%"
    return f"减少 {fmt_(-c.amount)} 万元，下降 {c.percent}%"


def _done(final: int, budget: int) -> str:
    return f"完成预算的 {pct(final, budget)}%" if budget else "年初未安排预算"


def final_blocks(s: Synth, half: str = "whole") -> list[Para | Table]:
    lay = s.layout
    u, y, pub = s.unit, s.year, lay.publisher
    if half == "tables":
        from evals.synth.blocks import tables_half

        return tables_half(s, "决算")
    B: list[Para | Table] = []
    P = lambda text, kind="para", **marks: B.append(Para(text, kind, {k.replace("__", "."): v for k, v in marks.items()}))  # noqa: E731
    tables_first = lay.order == "tables-first" and half == "whole"
    part_names = {"overview": f"{pub}概况", "tables": f"{y}年度{pub}决算表", "explain": f"{y}年度{pub}决算情况说明",
                  "glossary": "名词解释"}
    order = ["tables", "overview", "explain", "glossary"] if tables_first else ["overview", "tables", "explain", "glossary"]
    heading = {k: f"第{CN_NUM[i]}部分 {part_names[k]}" for i, k in enumerate(order, 1)}
    B.append(Para(f"{u}{y}年度{pub}决算", "title", {"department": u, "fiscal_year": f"{y}年", "doc_kind": f"{pub}决算"}))
    P("目 录", "heading")
    for k in order:
        P(heading[k], "heading")

    def table_part():
        P(heading["tables"], "heading")
        if half == "text":
            P(f"（详见《{u}{y}年度{pub}决算公开表》）")
        else:
            B.extend(numbered(s, final_tables(s), "决算"))

    if tables_first:
        table_part()
    B.extend(overview(s, heading["overview"]))
    if not tables_first:
        table_part()
    B.extend(final_narrative(s, heading["explain"], _nfmt(s)))
    P(heading["glossary"], "heading")
    for i, (term, text) in enumerate(GLOSSARY, 1):
        P(f"{CN_NUM[i]}、{term}：{text}")
    P(u)
    return B


def final_narrative(s: Synth, heading: str, fmt=fmt) -> list[Para]:
    a, b = s.final, s.final.budget
    u, y = s.unit, s.year
    B: list[Para] = []

    def P(text, kind="para", **marks):
        B.append(Para(text, kind, {k.replace("__", "."): v for k, v in marks.items()}))

    total = income_total(s)
    nt = s.shown("narrative.total", total)
    current = a.fiscal_income + a.other_income
    spent = s.total + a.other_income
    P(heading, "heading")
    P("一、收入支出决算总体情况说明", "heading")
    P(f"{y}年度收入总计 {fmt(nt)} 万元，其中：本年收入合计 {fmt(current)} 万元，年初结转和结余 {fmt(a.carry_in)} 万元；"
      f"支出总计 {fmt(total)} 万元，其中：本年支出合计 {fmt(spent)} 万元，年末结转和结余 {fmt(a.carry_out)} 万元。"
      f"与{y - 1}年度相比，收、支总计各{_change(total, a.last_total, fmt)}，主要原因是人员经费调整及项目支出变化。",
      narrative__total=f"收入总计 {fmt(nt)} 万元", narrative__income_total=f"收入总计 {fmt(nt)} 万元",
      narrative__expenditure_total=f"支出总计 {fmt(total)} 万元", narrative__current_year=f"本年收入合计 {fmt(current)} 万元")

    P("二、收入决算情况说明", "heading")
    text = (f"{y}年度本年收入合计 {fmt(current)} 万元，其中：一般公共预算财政拨款收入 {fmt(a.fiscal_income)} 万元，"
            f"占 {pct(a.fiscal_income, current)}%")
    text += f"；其他收入 {fmt(a.other_income)} 万元，占 {pct(a.other_income, current)}%。" if a.other_income else "。"
    P(text, narrative__general_budget=f"一般公共预算财政拨款收入 {fmt(a.fiscal_income)} 万元")

    P("三、支出决算情况说明", "heading")
    ba = basic_all(s)
    P(f"{y}年度本年支出合计 {fmt(spent)} 万元，其中：基本支出 {fmt(ba)} 万元，占 {pct(ba, spent)}%；"
      f"项目支出 {fmt(s.project_total)} 万元，占 {pct(s.project_total, spent)}%。",
      narrative__basic=f"基本支出 {fmt(ba)} 万元", narrative__project=f"项目支出 {fmt(s.project_total)} 万元")

    P("四、财政拨款收入支出决算总体情况说明", "heading")
    ft = a.fiscal_income + a.carry_in
    P(f"{y}年度财政拨款收入总计 {fmt(ft)} 万元，财政拨款支出总计 {fmt(ft)} 万元。",
      narrative__fiscal_income_total=f"财政拨款收入总计 {fmt(ft)} 万元",
      narrative__fiscal_expenditure_total=f"财政拨款支出总计 {fmt(ft)} 万元")

    P("五、一般公共预算财政拨款支出决算情况说明", "heading")
    P("（一）总体情况", "heading")
    ref = b.general_budget if a.budget_cols == "initial" else a.full_budget
    done = _done(s.total, ref).replace("完成预算", "完成年初预算") if a.budget_cols == "initial" else _done(s.total, ref)
    P(f"{y}年度一般公共预算财政拨款支出决算数为 {fmt(s.total)} 万元，{done}。决算数与预算数存在差异的主要原因是项目按实际进度支付。",
      narrative__general_budget_expenditure=f"一般公共预算财政拨款支出决算数为 {fmt(s.total)} 万元")
    P("（二）结构情况", "heading")
    for i, (lvl, code, r) in enumerate([t for t in s.tree() if t[0] == "类"], 1):
        P(f"{i}、{s.name_of(code)}（类）{fmt(r['total'])} 万元，占 {pct(r['total'], s.total)}%。")
    P("（三）具体情况", "heading")
    i = 0
    for lvl, code, r in tree_of(s, general_rows(s)):
        if lvl != "项":
            continue
        i += 1
        P(f"{i}. {s.name_of(code[:1])}（类）{s.name_of(code[:2])}（款）{s.name_of(code)}（项）：年初预算为 {fmt(r['initial'])} 万元，"
          f"支出决算为 {fmt(r['total'])} 万元，{_done(r['total'], r['initial']).replace('完成预算', '完成年初预算')}。")

    P("六、一般公共预算财政拨款基本支出决算情况说明", "heading")
    pn = "、".join(n for c1, c2, n in PERSONNEL_ITEMS if (c1, c2) in s.personnel)
    un = "、".join(n for c1, c2, n in PUBLIC_ITEMS if (c1, c2) in s.public)
    P(f"{y}年度一般公共预算财政拨款基本支出 {fmt(s.basic)} 万元，其中：人员经费 {fmt(s.personnel_total)} 万元，主要包括：{pn}；"
      f"公用经费 {fmt(s.public_total)} 万元，主要包括：{un}。",
      narrative__general_budget_basic=f"一般公共预算财政拨款基本支出 {fmt(s.basic)} 万元",
      narrative__personnel=f"人员经费 {fmt(s.personnel_total)} 万元", narrative__public=f"公用经费 {fmt(s.public_total)} 万元")

    P("七、一般公共预算财政拨款“三公”经费支出决算情况说明", "heading")
    bs, fs = b.sangong, s.sangong
    bt, ftot = sum(bs.values()), sum(fs.values())
    parts = []
    marks = {}
    for key, label in (("overseas_travel", "因公出国（境）费"), ("vehicle_purchase", "公务用车购置费"),
                       ("vehicle_operation", "公务用车运行费"), ("reception", "公务接待费")):
        parts.append(f"{label}支出决算为 {fmt(fs[key])} 万元，{_done(fs[key], bs[key])}")
        marks[f"sangong_narrative__{key}"] = f"{label}支出决算为 {fmt(fs[key])} 万元"
    P(f"{y}年度“三公”经费财政拨款支出预算为 {fmt(bt)} 万元，“三公”经费支出决算数为 {fmt(ftot)} 万元，{_done(ftot, bt)}。"
      f"其中：{'；'.join(parts)}。决算数小于预算数的主要原因是厉行节约、严控一般性支出。",
      sangong_narrative__total=f"“三公”经费支出决算数为 {fmt(ftot)} 万元",
      budget_narrative__sangong__total=f"“三公”经费财政拨款支出预算为 {fmt(bt)} 万元", **marks)

    P("八、政府性基金预算财政拨款收入支出决算情况说明", "heading")
    P(f"{u}{y}年度没有使用政府性基金预算财政拨款安排的支出。")
    P("九、国有资本经营预算财政拨款支出决算情况说明", "heading")
    P(f"{u}{y}年度没有使用国有资本经营预算财政拨款安排的支出。")

    P("十、其他重要事项的情况说明", "heading")
    P("（一）机关运行经费支出情况", "heading")
    P(f"{y}年度本{s.layout.publisher}机关运行经费支出 {fmt(s.operating)} 万元，比年初预算数{_change(s.operating, b.operating, fmt)}。"
      f"主要原因是厉行节约、压减日常公用支出。", operating_expenses=f"机关运行经费支出 {fmt(s.operating)} 万元")
    P("（二）政府采购支出情况", "heading")
    pr = s.procurement
    shown = s.shown("procurement.total", pr["total"])
    P(f"{y}年度本{s.layout.publisher}政府采购支出总额 {fmt(shown)} 万元，其中：政府采购货物支出 {fmt(pr['goods'])} 万元、"
      f"政府采购工程支出 {fmt(pr['works'])} 万元、政府采购服务支出 {fmt(pr['services'])} 万元。"
      f"授予中小企业合同金额 {fmt(pr['sme'])} 万元，占政府采购支出总额的 {pct(pr['sme'], shown) if shown else '0.00'}%。",
      procurement__total=f"政府采购支出总额 {fmt(shown)} 万元", procurement__goods=f"货物支出 {fmt(pr['goods'])} 万元",
      procurement__works=f"工程支出 {fmt(pr['works'])} 万元", procurement__services=f"服务支出 {fmt(pr['services'])} 万元")
    P("（三）国有资产占用情况", "heading")
    av = s.assets
    P(f"截至{y}年12月31日，本{s.layout.publisher}共有车辆 {av['vehicles']} 辆，其中：一般公务用车 {av['general_vehicles']} 辆，"
      f"执法执勤用车 0 辆，其他用车 {av['other_vehicles']} 辆；单位价值 50 万元以上通用设备 0 台（套），"
      f"单位价值 100 万元以上专用设备 0 台（套）。", assets__vehicles=f"车辆 {av['vehicles']} 辆")
    P("（四）预算绩效管理情况", "heading")
    P(f"{y}年度本{s.layout.publisher}对 {len(s.projects)} 个项目开展了绩效自评，涉及资金 {fmt(s.project_total)} 万元。")
    P(f"单位联系人：{s.contact[0]}，联系电话：{s.contact[1]}。", contact__name=s.contact[0], contact__phone=s.contact[1])
    return B


# -- gold --------------------------------------------------------------------------------------
FINAL_ALIASES = {
    "income.current_year": ["narrative.current_year"],
    "fiscal.income_total": ["narrative.fiscal_income_total"],
    "fiscal.expenditure_total": ["narrative.fiscal_expenditure_total"],
    "fiscal.general_budget": ["narrative.general_budget_expenditure"],
    "fiscal.general_budget_basic": ["narrative.general_budget_basic"],
    "budget.sangong.total": ["budget_narrative.sangong.total"],
}


def final_gold(s: Synth, marks: dict[str, tuple[int, str]], *, path: str = "", page: int | None = None,
               half: str = "whole", doc: str | None = None) -> dict:
    """Gold of a 决算: the standard paths hold the 决算数, `budget.<path>` the 预算数 printed beside
    them (全年预算数 when both 年初 and 全年 are printed, then `budget_initial.<path>` = 年初预算数)."""
    from evals.synth import gold as G

    doc = doc or s.doc
    ev = G.Ev(doc, marks, page, aliases={**G.ALIASES, **FINAL_ALIASES})
    leaf, money = ev.leaf, ev.money

    a, b = s.final, s.final.budget
    st, sg, bs, pr, av = s.staff, s.sangong, b.sangong, s.procurement, s.assets
    total = income_total(s)

    def sangong(pre: str, x: dict, tot: int) -> dict:
        return {"total": money(f"{pre}sangong.total", tot), "overseas_travel": money(f"{pre}sangong.overseas_travel", x["overseas_travel"]),
                "reception": money(f"{pre}sangong.reception", x["reception"]),
                "vehicle_total": money(f"{pre}sangong.vehicle_total", x["vehicle_purchase"] + x["vehicle_operation"]),
                "vehicle_purchase": money(f"{pre}sangong.vehicle_purchase", x["vehicle_purchase"]),
                "vehicle_operation": money(f"{pre}sangong.vehicle_operation", x["vehicle_operation"])}

    budget: dict = {"sangong": sangong("budget.", bs, sum(bs.values()))}
    if a.budget_cols != "none":
        budget["fiscal"] = {"general_budget": money("budget.fiscal.general_budget",
                                                    a.full_budget if a.budget_cols == "both" else b.general_budget)}
    g = {
        "doc": doc, "path": path, "half": half, "disclosure": f"{s.unit}|{s.year}|{s.doc_kind}",
        **G.identity(s, ev, s.doc_kind),
        "staffing": {k: leaf(f"staffing.{k}", st[k]) for k in ("authorized", "actual", "active", "retired")},
        "income": {"total": money("income.total", total),
                   "current_year": money("income.current_year", a.fiscal_income + a.other_income),
                   "general_budget": money("income.general_budget", a.fiscal_income),
                   "carryover": money("income.carryover", a.carry_in, blank_zero=True)},
        "expenditure": {
            "total": money("expenditure.total", total),
            "basic": money("expenditure.basic", basic_all(s)),
            "project": money("expenditure.project", s.project_total, blank_zero=True),
            "personnel": money("expenditure.personnel", s.shown("expenditure.personnel", s.personnel_total)),
            "public": money("expenditure.public", s.public_total),
            "by_function": [{"code": leaf(f"expenditure.by_function.{code}", code),
                             "name": leaf(f"expenditure.by_function.{code}", name),
                             "amount": money(f"expenditure.by_function.{code}", s.shown(f"class.{code}", amount))}
                            for code, name, amount in by_class_all(s)],
        },
        "fiscal": {"income_total": money("fiscal.income_total", a.fiscal_income + a.carry_in),
                   "expenditure_total": money("fiscal.expenditure_total", a.fiscal_income + a.carry_in),
                   "general_budget": money("fiscal.general_budget", s.total),
                   "general_budget_basic": money("fiscal.general_budget_basic", s.basic),
                   "general_budget_project": money("fiscal.general_budget_project", s.project_total, blank_zero=True)},
        "sangong": sangong("", sg, s.shown("sangong.total", sum(sg.values()))),
        "operating_expenses": money("operating_expenses", s.operating),
        "procurement": {"total": money("procurement.total", s.shown("procurement.total", pr["total"])),
                        "goods": money("procurement.goods", pr["goods"]), "works": money("procurement.works", pr["works"]),
                        "services": money("procurement.services", pr["services"])},
        "assets": {"vehicles": leaf("assets.vehicles", av["vehicles"])},
        "contact": {"name": leaf("contact.name", s.contact[0]), "phone": leaf("contact.phone", s.contact[1])},
        # a 决算 states 收入总计 and 支出总计 apart; it has no 收支总预算 (narrative.total is a budget's)
        "narrative": {"total": {"value": None, "evidence": []},
                      "income_total": money("narrative.income_total", s.shown("narrative.total", total)),
                      "expenditure_total": money("narrative.expenditure_total", total),
                      "basic": money("narrative.basic", basic_all(s)),
                      "personnel": money("narrative.personnel", s.personnel_total),
                      "public": money("narrative.public", s.public_total)},
        "budget": budget,
        **({"budget_initial": {"fiscal": {"general_budget": money("budget_initial.fiscal.general_budget", b.general_budget)}}}
           if a.budget_cols == "both" else {}),
        "synthetic": dict(G.synthetic(s, "final"), budget_columns=a.budget_cols, other_income=G._num(a.other_income)),
    }
    if half != "whole":
        g = G.prune(g, half)
    return g


__all__ = ["Accounts", "finalize", "final_tables", "final_blocks", "final_gold", "thousands"]
