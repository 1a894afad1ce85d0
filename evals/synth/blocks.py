"""A synthetic disclosure as a list of blocks (headings, paragraphs, tables) following the
national template; `text.py` and `pdf.py` render the same blocks. Each block carries `marks`:
gold paths whose evidence is that block (the text renderer turns them into line citations)."""

from __future__ import annotations

from dataclasses import dataclass, field

import random

from evals.synth import names
from evals.synth.layout import Layout, label_text, thousands
from evals.synth.model import ECON_CLASS, PERSONNEL_ITEMS, PUBLIC_ITEMS, Synth, fmt, fmt_yuan, pct

CN_NUM = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


@dataclass
class Para:
    text: str
    kind: str = "para"  # para | heading | title
    marks: dict[str, str] = field(default_factory=dict)  # gold path → quote (substring of text)


@dataclass
class Row:
    cells: list[str]
    marks: dict[str, str] = field(default_factory=dict)  # path → quote (usually the whole row)
    bold: bool = False


@dataclass
class Table:
    id: str  # the catalogue kind, "income_expenditure_overview" (ingest/catalog/tables.json)
    title: str
    unit_name: str
    unit: str  # 万元 | 元
    header: list[list[str]]
    rows: list[Row]
    note: str | None = None
    widths: list[float] | None = None  # relative column widths for the PDF
    code_cols: int = 0  # leading code columns (类 款 项 = 3, 类 款 = 2) that a joined-codes layout merges
    label_text: str | None = None  # the printed label under a non-default layout ("" = none)
    title_marks: dict[str, str] = field(default_factory=dict)  # gold paths stated in the title (fiscal_year)

    @property
    def label(self) -> str:
        """The table's number as the generator prints it (表1 … 表11, the samples' numbering, unless a
        layout gave it another label)."""
        if self.label_text is not None:
            return self.label_text
        from ingest.catalog import kind_info

        info = kind_info(self.id)
        return (info.legacy if info else None) or self.id


def _v(cents: int | None, unit: str = "万元", blank_zero: bool = True) -> str:
    if cents is None or (blank_zero and cents == 0):
        return ""
    return fmt_yuan(cents) if unit == "元" else fmt(cents)


def _code_cells(code: tuple) -> list[str]:
    return [code[0] if len(code) == 1 else code[0], code[1] if len(code) > 1 else "", code[2] if len(code) > 2 else ""]


def _change_words(change_cents: int, percent: str) -> str:
    if change_cents >= 0:
        return f"增加 {fmt(change_cents)} 万元，增长 {percent}%"
    return f"减少 {fmt(-change_cents)} 万元，下降 {percent}%"


def build_blocks(s: Synth, half: str = "whole") -> list[Para | Table]:
    """The document's blocks; `half` = whole | text (narrative only) | tables (tables only), the two
    files some provinces publish (…部门预算公开文件 + …部门预算公开表)."""
    lay = s.layout
    u, y = s.unit, s.year
    pub = lay.publisher
    B: list[Para | Table] = []
    P = lambda text, kind="para", **marks: B.append(Para(text, kind, {k.replace("__", "."): v for k, v in marks.items()}))  # noqa: E731

    if s.kind == "final":
        from evals.synth.final import final_blocks

        return final_blocks(s, half)
    if half == "tables":
        return tables_half(s)
    fmt_n = _nfmt(s)
    tables_first = lay.order == "tables-first" and half == "whole"
    part_names = {"overview": f"{y}年{pub}概况", "tables": f"{y}年{pub}预算公开表", "explain": f"{y}年{pub}预算情况说明",
                  "glossary": "名词解释"}
    order = ["tables", "overview", "explain", "glossary"] if tables_first else ["overview", "tables", "explain", "glossary"]
    heading = {k: f"第{CN_NUM[i]}部分 {part_names[k]}" for i, k in enumerate(order, 1)}
    B.append(Para(f"{u}{y}年{pub}预算公开", "title", {"department": u, "fiscal_year": f"{y}年", "doc_kind": f"{pub}预算"}))
    P("目 录", "heading")
    for k in order:
        P(heading[k], "heading")
        if k == "overview":
            P("一、主要职能")
            P("二、机构设置及人员情况")

    def table_part():
        P(heading["tables"], "heading")
        if half == "text":
            P(f"（详见《{u}{y}年{pub}预算公开表》）")
        else:
            B.extend(numbered(s, tables(s)))

    if tables_first:
        table_part()

    # -- 第一部分 -------------------------------------------------------------------------------
    B.extend(overview(s, heading["overview"]))

    # -- 第二部分 -------------------------------------------------------------------------------
    if not tables_first:
        table_part()

    # -- 第三部分 -------------------------------------------------------------------------------
    B.extend(narrative(s, heading["explain"], fmt_n))

    P(heading["glossary"], "heading")
    for i, (term, text) in enumerate(GLOSSARY, 1):
        P(f"{CN_NUM[i]}、{term}：{text}")
    P(u)
    return B


def overview(s: Synth, heading: str) -> list[Para]:
    """部门概况: functions, offices and staff."""
    u = s.unit
    B: list[Para] = []
    P = lambda text, kind="para", **marks: B.append(Para(text, kind, {k.replace("__", "."): v for k, v in marks.items()}))  # noqa: E731
    P(heading, "heading")
    P("一、主要职能", "heading")
    work = s.dept["topics"]
    P(f"（一）贯彻执行国家和上级关于{s.dept['name'][:-1] if s.dept['name'].endswith('局') else s.dept['name']}工作的方针政策和法律法规，"
      f"拟订本地区相关发展规划并组织实施。")
    P(f"（二）负责{work[0]}、{work[1 % len(work)]}等工作的组织实施和监督管理。")
    P("（三）完成本级党委、政府交办的其他任务。")
    P("二、机构设置及人员情况", "heading")
    st = s.staff
    P(f"{u}无下属预算单位，下设 {len(s.offices)} 个科室，分别是：{'、'.join(s.offices)}。")
    staff_line = (f"{u}编制数 {st['authorized']}，实有人数 {st['actual']} 人，其中：在职 {st['active']} 人，"
                  f"增加 {st['active_change']} 人；退休 {st['retired']} 人，增加 {st['retired_change']} 人；"
                  f"离休 {st['separated']} 人，增加 0 人。")
    P(staff_line, staffing__authorized=f"编制数 {st['authorized']}", staffing__actual=f"实有人数 {st['actual']} 人",
      staffing__active=f"在职 {st['active']} 人", staffing__retired=f"退休 {st['retired']} 人")
    return B


def _nfmt(s: Synth):
    """The narrative's number format (thousands separators only under thousands=all)."""
    if s.layout.thousands == "all":
        return lambda cents: thousands(fmt(cents))
    return fmt


def numbered(s: Synth, ts: list[Table], kind: str = "预算") -> list[Table]:
    """Apply the layout to a table set: labels by position, joined codes, thousands separators."""
    lay = s.layout
    if lay.is_default and kind == "预算":
        return ts
    for n, t in enumerate(ts, 1):
        t.label_text = label_text(lay, n, kind)
        if lay.codes == "joined" and t.code_cols:
            k = t.code_cols
            t.rows = [Row(["".join(r.cells[:k])] + r.cells[k:], r.marks, r.bold) for r in t.rows]
            top = t.header[0][0].replace("分类科目", "科目")
            header = [[top if i == 0 else ""] + h[k:] for i, h in enumerate(t.header)]
            t.header = [h for h in header if any(h)]
            if t.widths:
                t.widths = [sum(t.widths[:k])] + t.widths[k:]
        if lay.thousands in ("tables", "all"):
            t.rows = [Row([thousands(c) for c in r.cells], r.marks, r.bold) for r in t.rows]
    return ts


def tables_half(s: Synth, kind: str = "预算") -> list[Para | Table]:
    """The tables file of a two-file disclosure: an optional cover line, then the tables; the year is
    stated by the cover or by a table title."""
    u, y = s.unit, s.year
    rng = random.Random(f"split:{s.seed}:{s.doc}")
    B: list[Para | Table] = []
    ts = numbered(s, tables(s) if kind == "预算" else final_tables(s), kind)
    if rng.random() < 0.5:
        B.append(Para(f"{u}{y}年{s.layout.publisher}{kind}公开表", "title",
                      {"department": u, "fiscal_year": f"{y}年", "doc_kind": f"{s.layout.publisher}{kind}"}))
    elif not any(str(y) in t.title for t in ts):
        ts[0].title = f"{y}年{ts[0].title}"
    for t in ts:
        if str(y) in t.title:
            t.title_marks = {"fiscal_year": f"{y}年"}
    return B + ts


def final_tables(s: Synth) -> list[Table]:
    from evals.synth.final import final_tables as ft

    return ft(s)


GLOSSARY = [
    ("财政拨款", "指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。"),
    ("一般公共预算", "包括公共财政拨款（补助）资金、专项收入。"),
    ("财政专户管理资金", "包括专户管理行政事业性收费（主要是教育收费）、其他非税收入。"),
    ("其他资金", "包括事业收入、事业经营收入、其他收入等。"),
    ("基本支出", "包括人员经费、公用经费（定额）。其中，人员经费包括工资福利支出、对个人和家庭的补助。"),
    ("项目支出", "部门支出预算的组成部分，是各单位为完成其特定的行政任务或事业发展目标，在基本支出预算之外编制的年度项目支出计划。"),
    ("“三公”经费", "指因公出国（境）费、公务用车购置及运行维护费和公务接待费。"),
    ("机关运行经费", "指行政单位（含参照公务员法管理事业单位）的公用经费，包括办公及印刷费、邮电费、差旅费、会议费、"
                     "福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、公务用车运行维护费及其他费用。"),
]


CODE_COLS = {"income_overview": 3, "expenditure_overview": 3, "general_budget_expenditure": 3, "general_budget_basic": 2,
             "general_budget_project": 3, "government_fund": 3, "state_capital": 3, "operating_expenses": 2}


def _table(s: Synth, tid: str, title: str, header, rows, note=None, widths=None) -> Table:
    unit = "元" if tid in s.yuan_tables else "万元"
    return Table(tid, title, s.unit, unit, header, rows, note, widths, code_cols=CODE_COLS.get(tid, 0))


def tables(s: Synth) -> list[Table]:
    if s.layout.titles == "jiangsu":
        return jiangsu_tables(s)
    return template_tables(s)


def template_tables(s: Synth) -> list[Table]:
    out: list[Table] = []
    y, u = s.year, s.unit
    total = s.total

    # 表1 收支总体
    classes = dict((c, a) for c, _, a in s.by_class())
    left = [("一、本年收入", s.general_budget, "income.current_year"), ("1. 一般公共预算拨款", s.general_budget, "income.general_budget"),
            ("其中：一般财力", s.general_own, "income.general_own"), ("上级一般公共预算安排转移支付", s.upper, "income.upper_transfer"),
            ("2. 政府性基金预算拨款", 0, None), ("其中：政府性基金收入", 0, None), ("上级政府性基金安排转移支付", 0, None),
            ("3. 国有资本经营预算拨款", 0, None), ("其中：国有资本经营收入", 0, None),
            ("上级国有资本经营预算安排转移支付", 0, None), ("4. 财政专户核拨", 0, None), ("5. 单位资金", 0, None),
            ("其中：事业收入", 0, None), ("上级补助收入", 0, None), ("附属单位上缴收入", 0, None), ("事业单位经营收入", 0, None),
            ("其他收入", 0, None), ("二、上年结转结余", s.carryover, "income.carryover"), ("1. 财政拨款结转", s.carryover, None),
            ("其中：一般公共预算拨款", s.carryover, None), ("政府性基金预算拨款", 0, None), ("国有资本经营预算拨款", 0, None),
            ("2. 非财政拨款结余", 0, None), ("其中：财政专户核拨", 0, None), ("单位资金", 0, None)]
    rows = []
    n = max(len(left), len(names.FUNCTION_CLASSES))
    unit1 = "元" if "income_expenditure_overview" in s.yuan_tables else "万元"
    for i in range(n):
        l_name, l_val, l_path = left[i] if i < len(left) else ("", 0, None)
        code, cname = names.FUNCTION_CLASSES[i] if i < len(names.FUNCTION_CLASSES) else ("", "")
        cells = [l_name, _v(l_val, unit1), f"{code} {cname}".strip(), _v(classes.get(code), unit1)]
        marks = {l_path: None} if l_path and l_val else {}
        rows.append(Row(cells, marks))
    rows.append(Row(["收 入 总 计", _v(total, unit1), "支 出 总 计", _v(total, unit1)],
                    {"income.total": None, "expenditure.total": None}, bold=True))
    out.append(_table(s, "income_expenditure_overview", "部门收支总体情况表", [["收 入", "", "支 出", ""], ["项 目", "预算数", "功能分类", "预算数"]],
                      rows, widths=[3, 1.2, 3, 1.2]))

    # 表2 收入总体
    unit2 = "元" if "income_overview" in s.yuan_tables else "万元"
    rows = []
    for lvl, code, r in s.tree():
        cells = _code_cells(code) + [s.name_of(code), _v(r["total"], unit2), _v(r["own"] + r["upper"], unit2),
                                     _v(r["own"], unit2), _v(r["upper"], unit2), "", "", "", "", "", _v(r["carryover"], unit2), ""]
        rows.append(Row(cells))
    rows.append(Row(["", "", "", "合 计", _v(total, unit2), _v(s.general_budget, unit2), _v(s.general_own, unit2),
                     _v(s.upper, unit2), "", "", "", "", "", _v(s.carryover, unit2), ""], bold=True))
    out.append(_table(s, "income_overview", "部门收入总体情况表", [
        ["功能分类科目编码", "", "", "功能分类科目名称", "总 计", "财政拨款（补助）", "", "", "", "", "", "财政专户（教育收费）", "单位资金",
         "财政拨款结转", "非财政拨款结转结余"],
        ["类", "款", "项", "", "", "小计", "一般公共预算", "上级一般公共预算安排的转移支付", "政府性基金预算",
         "上级政府性基金安排的转移支付", "国有资本经营预算", "", "", "", ""]], rows,
        widths=[0.95, 0.8, 0.8, 2.8, 1.1, 1.1, 1.1, 1.1, 0.9, 0.9, 0.9, 0.9, 0.9, 1.1, 0.9]))

    # 表3 支出总体
    unit3 = "元" if "expenditure_overview" in s.yuan_tables else "万元"
    rows = []
    for lvl, code, r in s.tree():
        amount = s.shown(f"class.{code[0]}", r["total"]) if lvl == "类" else r["total"]
        cells = _code_cells(code) + [s.name_of(code), _v(amount, unit3), _v(r["basic"], unit3), _v(r["project"], unit3)]
        rows.append(Row(cells, {f"expenditure.by_function.{code[0]}": None} if lvl == "类" else {}))
    rows.append(Row(["", "", "", "合 计", _v(total, unit3), _v(s.basic, unit3), _v(s.project_total, unit3)],
                    {"expenditure.basic": None, "expenditure.project": None}, bold=True))
    out.append(_table(s, "expenditure_overview", "部门支出总体情况表", [["功能分类科目编码", "", "", "功能分类科目名称", "合 计", "基本支出", "项目支出"],
                                                        ["类", "款", "项", "", "", "", ""]], rows,
                      widths=[0.5, 0.5, 0.5, 4, 1.2, 1.2, 1.2]))

    # 表4 财政拨款收支总体
    unit4 = "元" if "fiscal_overview" in s.yuan_tables else "万元"
    fclasses = dict((c, a) for c, _, a in s.by_class(include_carryover=False))
    left4 = [("一、财政拨款（补助）", s.general_budget), ("一般公共预算", s.general_budget), ("政府性基金预算", 0), ("国有资本经营预算", 0)]
    rows = []
    for i, (code, cname) in enumerate(names.FUNCTION_CLASSES):
        l_name, l_val = left4[i] if i < len(left4) else ("", 0)
        amt = fclasses.get(code)
        rows.append(Row([l_name, _v(l_val, unit4), f"{code} {cname}", _v(amt, unit4), _v(amt, unit4), "", ""]))
    rows.append(Row(["收 入 总 计", _v(s.general_budget, unit4), "支 出 总 计", _v(s.general_budget, unit4),
                     _v(s.general_budget, unit4), "", ""], bold=True))
    out.append(_table(s, "fiscal_overview", "财政拨款收支预算总体情况表", [
        ["财政拨款收入", "", "财政拨款支出", "", "", "", ""],
        ["项 目", "合 计", "功 能 分 类", "合 计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]], rows,
        widths=[2.4, 1, 3, 1, 1, 1, 1]))

    # 表5 一般公共预算支出
    unit5 = "元" if "general_budget_expenditure" in s.yuan_tables else "万元"
    rows = []
    for lvl, code, r in s.tree(include_carryover=False):
        rows.append(Row(_code_cells(code) + [s.name_of(code), _v(r["total"], unit5), _v(r["basic"], unit5), _v(r["project"], unit5)]))
    gb_project = s.project_total - s.carryover
    rows.append(Row(["", "", "", "合 计", _v(s.general_budget, unit5), _v(s.basic, unit5), _v(gb_project, unit5)], bold=True))
    out.append(_table(s, "general_budget_expenditure", "一般公共预算支出情况表", [["功能分类科目编码", "", "", "功能分类科目名称", "合 计", "基本支出", "项目支出"],
                                                          ["类", "款", "项", "", "", "", ""]], rows,
                      widths=[0.5, 0.5, 0.5, 4, 1.2, 1.2, 1.2]))

    # 表6 一般公共预算基本支出 (经济分类)
    unit6 = "元" if "general_budget_basic" in s.yuan_tables else "万元"
    rows = []
    items = {k[:2]: k[2] for k in PERSONNEL_ITEMS + PUBLIC_ITEMS}
    amounts = {**s.personnel, **s.public}
    for cls in ("301", "302", "303"):
        keys = [k for k in amounts if k[0] == cls]
        if not keys:
            continue
        pers = sum(amounts[k] for k in keys if k in s.personnel)
        pub = sum(amounts[k] for k in keys if k in s.public)
        rows.append(Row([cls, "", ECON_CLASS[cls], _v(pers + pub, unit6), _v(pers, unit6), _v(pub, unit6)]))
        for k in sorted(keys):
            a = amounts[k]
            rows.append(Row([k[0], k[1], items[k], _v(a, unit6), _v(a if k in s.personnel else 0, unit6),
                             _v(a if k in s.public else 0, unit6)]))
    shown_pers = s.shown("expenditure.personnel", s.personnel_total)
    rows.append(Row(["", "", "合 计", _v(s.basic, unit6), _v(shown_pers, unit6), _v(s.public_total, unit6)],
                    {"expenditure.personnel": None, "expenditure.public": None}, bold=True))
    out.append(_table(s, "general_budget_basic", "一般公共预算基本支出情况表", [["经济分类科目编码", "", "经济分类科目名称", "合 计", "人员经费", "公用经费"],
                                                             ["类", "款", "", "", "", ""]], rows,
                      widths=[0.6, 0.6, 4, 1.2, 1.2, 1.2]))

    # 表7 一般公共预算项目支出
    unit7 = "元" if "general_budget_project" in s.yuan_tables else "万元"
    gb_projects = [p for p in s.projects if p.source != "carryover"]
    header7 = [["科目编码", "", "", "科目名称", "项目名称", "项目支出合计", "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出", "其他支出"],
               ["类", "款", "项", "", "", "", "", "", "", "", ""]]
    rows = []
    note = None
    if gb_projects:
        for lvl, code, r in s.tree(include_carryover=False):
            if not r["project"]:
                continue
            ps = [p for p in gb_projects if p.xiang[:len(code)] == code]
            econ = {k: sum(p.econ[k] for p in ps) for k in ("商品和服务支出", "对个人和家庭的补助", "资本性支出")}
            if lvl != "项":
                rows.append(Row(_code_cells(code) + [s.name_of(code), "", _v(r["project"], unit7), "",
                                _v(econ["商品和服务支出"], unit7), _v(econ["对个人和家庭的补助"], unit7), _v(econ["资本性支出"], unit7), ""]))
                continue
            for p in ps:
                rows.append(Row(_code_cells(code) + [s.name_of(code), p.name, _v(p.amount, unit7), "", _v(p.econ["商品和服务支出"], unit7),
                                                     _v(p.econ["对个人和家庭的补助"], unit7), _v(p.econ["资本性支出"], unit7), ""]))
        rows.append(Row(["", "", "", "", "合计", _v(gb_project, unit7), "",
                         _v(sum(p.econ["商品和服务支出"] for p in gb_projects), unit7),
                         _v(sum(p.econ["对个人和家庭的补助"] for p in gb_projects), unit7),
                         _v(sum(p.econ["资本性支出"] for p in gb_projects), unit7), ""], bold=True))
    else:
        rows.append(Row(["", "", "", "", "合计", "", "", "", "", "", ""]))
        note = f"备注：{u}{y}年没有使用一般公共预算拨款安排的项目支出，一般公共预算项目支出情况表为空表。"
    out.append(_table(s, "general_budget_project", "一般公共预算项目支出情况表", header7, rows, note,
                      widths=[0.5, 0.5, 0.5, 2.2, 3.6, 1.1, 0.9, 1.1, 1.1, 1, 0.8]))

    # 表8 / 表9 empty
    for tid, title, what in (("government_fund", "政府性基金预算支出情况表", "政府性基金预算"), ("state_capital", "国有资本经营预算支出情况表", "国有资本经营预算")):
        out.append(_table(s, tid, title, [["功能分类科目编码", "", "", "功能分类科目名称", "合 计", "基本支出", "项目支出"],
                                          ["类", "款", "项", "", "", "", ""]], [Row(["", "", "", "合计", "", "", ""])],
                          f"备注：{u}{y}年没有使用{what}拨款安排的支出，{title}为空表。", widths=[0.5, 0.5, 0.5, 4, 1.2, 1.2, 1.2]))

    # 表10 三公
    unit10 = "元" if "sangong" in s.yuan_tables else "万元"
    sg = s.sangong
    true_total = sum(sg.values())
    shown_total = s.shown("sangong.total", true_total)
    vehicle = sg["vehicle_purchase"] + sg["vehicle_operation"]
    rows = [Row(["合计", _v(shown_total, unit10), _v(shown_total, unit10), "", ""], {"sangong.total": None}),
            Row(["因公出国（境）费", _v(sg["overseas_travel"], unit10), _v(sg["overseas_travel"], unit10), "", ""],
                {"sangong.overseas_travel": None}),
            Row(["公务接待费", _v(sg["reception"], unit10), _v(sg["reception"], unit10), "", ""], {"sangong.reception": None}),
            Row(["公务用车购置及运行费（小计）", _v(vehicle, unit10), _v(vehicle, unit10), "", ""], {"sangong.vehicle_total": None}),
            Row(["其中：公务用车购置费", _v(sg["vehicle_purchase"], unit10), _v(sg["vehicle_purchase"], unit10), "", ""],
                {"sangong.vehicle_purchase": None}),
            Row(["公务用车运行费", _v(sg["vehicle_operation"], unit10), _v(sg["vehicle_operation"], unit10), "", ""],
                {"sangong.vehicle_operation": None})]
    out.append(_table(s, "sangong", "财政拨款“三公”经费支出情况表", [["“三公”经费支出内容", "合计", "资金来源", "", ""],
                                                                ["", "", "一般公共预算", "政府性基金", "国有资本经营预算"]], rows,
                      widths=[3.4, 1.2, 1.4, 1.2, 1.4]))

    # 表11 上年结转结余
    unit11 = "元" if "carryover" in s.yuan_tables else "万元"
    carried = [p for p in s.projects if p.source == "carryover"]
    header11 = [["项目名称", "总计", "财政拨款", "", "", "", "非财政拨款", "", "", ""],
                ["", "", "合计", "人员经费", "公用经费", "项目支出", "合计", "人员经费", "公用经费", "项目支出"]]
    if carried:
        rows = [Row(["合计", _v(s.carryover, unit11), _v(s.carryover, unit11), "", "", _v(s.carryover, unit11), "", "", "", ""], bold=True)]
        rows += [Row([p.name, _v(p.amount, unit11), _v(p.amount, unit11), "", "", _v(p.amount, unit11), "", "", "", ""]) for p in carried]
        note = None
    else:
        rows = [Row(["合计", "", "", "", "", "", "", "", "", ""])]
        note = f"备注：{u}{y}年没有使用上年结转结余预算安排的支出，上年结转结余情况明细表为空表。"
    out.append(_table(s, "carryover", "上年结转结余情况明细表", header11, rows, note, widths=[4, 1, 1, 0.8, 0.8, 1, 0.8, 0.8, 0.8, 0.8]))
    return out


JIANGSU_TITLES = {
    "income_expenditure_overview": "收支预算总表", "income_overview": "收入预算总表", "expenditure_overview": "支出预算总表",
    "fiscal_overview": "财政拨款收支预算总表", "general_budget_expenditure": "一般公共预算支出预算表（功能科目）",
    "general_budget_basic": "一般公共预算基本支出预算表（经济科目）", "government_fund": "政府性基金支出预算表",
}


def jiangsu_tables(s: Synth) -> list[Table]:
    """The table set and wordings of a Jiangsu provincial disclosure: the template's overview,
    income, expenditure, fiscal and general-budget tables retitled (收支预算总表 …), then
    “三公”经费、会议费、培训费支出预算表 (one row under a three-level header), 政府性基金支出预算表 (empty),
    一般公共预算机关运行经费支出预算表 and 政府采购预算表 (货物A / 工程B / 服务C)."""
    y = s.year
    base = {t.id: t for t in template_tables(s)}
    out: list[Table] = []
    for tid in ("income_expenditure_overview", "income_overview", "expenditure_overview", "fiscal_overview",
                "general_budget_expenditure", "general_budget_basic"):
        t = base[tid]
        t.title = JIANGSU_TITLES[tid]
        out.append(t)

    # “三公”经费、会议费、培训费
    unit = "元" if "sangong" in s.yuan_tables else "万元"
    sg = s.sangong
    true_total = sum(sg.values())
    shown = s.shown("sangong.total", true_total)
    meeting, training = s.public.get(("302", "15"), 0), s.public.get(("302", "16"), 0)
    vehicle = sg["vehicle_purchase"] + sg["vehicle_operation"]
    cells = [_v(shown + meeting + training, unit), _v(shown, unit), _v(sg["overseas_travel"], unit), _v(vehicle, unit),
             _v(sg["vehicle_purchase"], unit), _v(sg["vehicle_operation"], unit), _v(sg["reception"], unit),
             _v(meeting, unit), _v(training, unit)]
    marks = {k: None for k in ("sangong.total", "sangong.overseas_travel", "sangong.vehicle_total", "sangong.vehicle_purchase",
                               "sangong.vehicle_operation", "sangong.reception", "meeting_fee", "training_fee")}
    header = [["合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"],
              ["", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "", ""],
              ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""]]
    out.append(_table(s, "sangong", "“三公”经费、会议费、培训费支出预算表", header, [Row(cells, marks)],
                      widths=[1.1, 1.1, 1.2, 1.1, 1.2, 1.2, 1.1, 1, 1]))

    gf = base["government_fund"]
    gf.title = JIANGSU_TITLES["government_fund"]
    gf.note = "注：本部门无相关收支项目。"
    out.append(gf)

    # 机关运行经费 = the public (公用) part of basic spending, by economic item
    unit = "元" if "operating_expenses" in s.yuan_tables else "万元"
    items = {k[:2]: k[2] for k in PUBLIC_ITEMS}
    rows = [Row(["", "", "合 计", _v(s.operating, unit)], {"operating_expenses": None}, bold=True),
            Row(["302", "", ECON_CLASS["302"], _v(s.operating, unit)])]
    rows += [Row([k[0], k[1], items[k], _v(a, unit)]) for k, a in sorted(s.public.items())]
    out.append(_table(s, "operating_expenses", "一般公共预算机关运行经费支出预算表",
                      [["科目编码", "", "科目名称", "机关运行经费支出"], ["类", "款", "", ""]], rows, widths=[0.6, 0.6, 4, 1.6]))

    # 政府采购预算表
    unit = "元" if "procurement" in s.yuan_tables else "万元"
    pr = s.procurement
    shown_total = s.shown("procurement.total", pr["total"])
    rows = [Row(["合计", "", "", _v(shown_total, unit)], {"procurement.total": None}, bold=True)]
    note = None
    for i, (cat, label) in enumerate((("goods", "货物A"), ("works", "工程B"), ("services", "服务C")), 1):
        if not pr[cat]:
            continue
        rows.append(Row([f"{CN_NUM[i]}、{label}", "", "", _v(pr[cat], unit)], {f"procurement.{cat}": None}))
        rows += [Row([a, b, form, _v(c, unit)]) for a, b, form, c in s.procurement_lines.get(cat, [])]
    if not shown_total:
        rows = [Row(["合计", "", "", ""])]
        note = "注：本部门无政府采购预算。"
    out.append(_table(s, "procurement", f"{y}年政府采购预算表", [["采购品目大类", "采购物品名称", "采购组织形式", "总计"]], rows, note,
                      widths=[3, 3, 2, 1.4]))
    return out


def narrative(s: Synth, heading: str | None = None, fmt=fmt) -> list[Para]:
    B: list[Para] = []
    u, y = s.unit, s.year

    def P(text, kind="para", **marks):
        B.append(Para(text, kind, {k.replace("__", "."): v for k, v in marks.items()}))

    total = s.total
    nt = s.shown("narrative.total", total)
    P(heading or f"第三部分 {y}年部门预算情况说明", "heading")
    P(f"一、关于{u}{y}年收支预算情况的总体说明", "heading")
    P(f"按照全口径预算的原则，{u}{y}年所有收入和支出均纳入部门预算管理。收支总预算 {fmt(nt)} 万元。",
      narrative__total=f"收支总预算 {fmt(nt)} 万元")
    sources = ["一般公共预算"] + (["财政拨款结转结余"] if s.carryover else [])
    P(f"收入预算包括：{'、'.join(sources)}。")
    P(f"支出预算包括：{'、'.join(n for _, n, _ in s.by_class())}。")

    P(f"二、关于{u}{y}年收入预算情况说明", "heading")
    P(f"{u}收入预算 {fmt(total)} 万元，其中：", narrative__income_total=f"收入预算 {fmt(total)} 万元")
    ch = s.income_last
    from evals.synth.model import Change
    c = Change(ch["general_own"], s.general_own)
    P(f"一般公共预算 {fmt(s.general_own)} 万元，占 {pct(s.general_own, total)}%，比上年预算{_change_words(c.amount, c.percent)}，"
      f"主要原因是人员工资调整及业务工作需要。", narrative__general_own=f"一般公共预算 {fmt(s.general_own)} 万元")
    if s.upper:
        c = Change(ch["upper"], s.upper)
        P(f"上级一般公共预算安排的转移支付资金 {fmt(s.upper)} 万元，占 {pct(s.upper, total)}%，比上年预算{_change_words(c.amount, c.percent)}，"
          f"主要原因是上级专项资金安排变化。", narrative__upper_transfer=f"转移支付资金 {fmt(s.upper)} 万元")
    else:
        P("上级一般公共预算安排的转移支付资金未安排。")
    P("政府性基金预算未安排。")
    P("国有资本经营预算未安排。")
    if s.carryover:
        P(f"财政拨款结转 {fmt(s.carryover)} 万元，占 {pct(s.carryover, total)}%，主要原因是上年项目资金结转至本年使用。",
          narrative__carryover=f"财政拨款结转 {fmt(s.carryover)} 万元")

    P(f"三、关于{u}{y}年支出预算情况说明", "heading")
    P(f"{u}{y}年支出预算 {fmt(total)} 万元，其中：", narrative__expenditure_total=f"支出预算 {fmt(total)} 万元")
    c = Change(ch["basic"], s.basic)
    P(f"基本支出 {fmt(s.basic)} 万元，占 {pct(s.basic, total)}%，比上年预算{_change_words(c.amount, c.percent)}，主要原因是人员变动及工资调整。",
      narrative__basic=f"基本支出 {fmt(s.basic)} 万元")
    if s.project_total:
        c = Change(ch["project"], s.project_total)
        P(f"项目支出 {fmt(s.project_total)} 万元，占 {pct(s.project_total, total)}%，比上年预算{_change_words(c.amount, c.percent)}，"
          f"主要原因是项目安排变化。", narrative__project=f"项目支出 {fmt(s.project_total)} 万元")
    else:
        P("项目支出 0.00 万元，本年未安排项目支出。", narrative__project="项目支出 0.00 万元")

    P(f"四、关于{u}{y}年财政拨款收支预算情况的总体说明", "heading")
    P(f"{y}年财政拨款收支总预算 {fmt(s.general_budget)} 万元。", narrative__fiscal_total=f"财政拨款收支总预算 {fmt(s.general_budget)} 万元")
    P("收入全部为一般公共预算拨款，无政府性基金预算拨款和国有资本经营预算拨款。")
    fparts = "；".join(f"{n} {fmt(a)} 万元" for _, n, a in s.by_class(include_carryover=False))
    P(f"一般公共预算支出包括：{fparts}。")

    P(f"五、关于{u}{y}年一般公共预算当年拨款情况说明", "heading")
    P("（一）一般公共预算当年拨款规模变化情况", "heading")
    gb_project = s.project_total - s.carryover
    P(f"{u}{y}年一般公共预算拨款合计 {fmt(s.general_budget)} 万元，其中：基本支出 {fmt(s.basic)} 万元，项目支出 {fmt(gb_project)} 万元。",
      narrative__general_budget=f"一般公共预算拨款合计 {fmt(s.general_budget)} 万元")
    P("（二）一般公共预算当年拨款结构情况", "heading")
    for i, (code, name, amount) in enumerate(sorted(s.by_class(include_carryover=False), key=lambda t: -t[2]), 1):
        P(f"{i}、{name}（类）{fmt(amount)} 万元，占 {pct(amount, s.general_budget)}%。")
    P("（三）一般公共预算当年拨款具体使用情况", "heading")
    i = 0
    for lvl, code, r in s.tree(include_carryover=False):
        if lvl != "项":
            continue
        i += 1
        P(f"{i}. {s.name_of(code[:1])}（类）{s.name_of(code[:2])}（款）{s.name_of(code)}（项）：{y}年预算数为 {fmt(r['total'])} 万元，"
          f"主要用于{'保障机构正常运转及人员支出' if r['basic'] else '项目工作开展'}。")

    P(f"六、关于{u}{y}年一般公共预算基本支出情况说明", "heading")
    P(f"{u}{y}年一般公共预算基本支出 {fmt(s.basic)} 万元，其中：")
    from evals.synth.model import PERSONNEL_ITEMS as PI, PUBLIC_ITEMS as PU
    pn = "、".join(n for c1, c2, n in PI if (c1, c2) in s.personnel)
    un = "、".join(n for c1, c2, n in PU if (c1, c2) in s.public)
    P(f"人员经费 {fmt(s.personnel_total)} 万元，主要包括：{pn}。", narrative__personnel=f"人员经费 {fmt(s.personnel_total)} 万元")
    P(f"公用经费 {fmt(s.public_total)} 万元，主要包括：{un}。", narrative__public=f"公用经费 {fmt(s.public_total)} 万元")

    P(f"七、关于{u}{y}年一般公共预算项目支出情况说明", "heading")
    gb_projects = [p for p in s.projects if p.source != "carryover"]
    if not gb_projects:
        P(f"{u}{y}年未安排一般公共预算项目支出。")
    for i, p in enumerate(gb_projects, 1):
        P(f"{i}、项目名称：{p.name}")
        P(f"预算安排规模：{fmt(p.amount)} 万元")
        P(f"项目承担单位：{u}")
        P(f"资金执行时间：{y}年1月-{y}年12月")

    P(f"八、关于{u}{y}年政府性基金预算拨款情况说明", "heading")
    P(f"{u}{y}年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。")
    P(f"九、关于{u}{y}年国有资本经营预算拨款情况说明", "heading")
    P(f"{u}{y}年没有使用国有资本经营预算拨款安排的支出，国有资本经营预算支出情况表为空表。")

    P(f"十、关于{u}{y}年财政拨款“三公”经费预算情况说明", "heading")
    sg, sl = s.sangong, s.sangong_last
    t, tl = sum(sg.values()), sum(sl.values())
    P(f"{u}{y}年财政拨款“三公”经费预算数为 {fmt(t)} 万元，其中：因公出国（境）费 {fmt(sg['overseas_travel'])} 万元，"
      f"公务用车购置费 {fmt(sg['vehicle_purchase'])} 万元，公务用车运行费 {fmt(sg['vehicle_operation'])} 万元，"
      f"公务接待费 {fmt(sg['reception'])} 万元。", sangong_narrative__total=f"“三公”经费预算数为 {fmt(t)} 万元",
      sangong_narrative__overseas_travel=f"因公出国（境）费 {fmt(sg['overseas_travel'])} 万元",
      sangong_narrative__vehicle_purchase=f"公务用车购置费 {fmt(sg['vehicle_purchase'])} 万元",
      sangong_narrative__vehicle_operation=f"公务用车运行费 {fmt(sg['vehicle_operation'])} 万元",
      sangong_narrative__reception=f"公务接待费 {fmt(sg['reception'])} 万元")
    if s.layout.titles == "jiangsu":
        meeting, training = s.public.get(("302", "15"), 0), s.public.get(("302", "16"), 0)
        P(f"{y}年会议费预算 {fmt(meeting)} 万元，培训费预算 {fmt(training)} 万元。",
          meeting_fee=f"会议费预算 {fmt(meeting)} 万元", training_fee=f"培训费预算 {fmt(training)} 万元")
    parts = []
    for key, label in (("overseas_travel", "因公出国（境）费"), ("vehicle_purchase", "公务用车购置费"),
                       ("vehicle_operation", "公务用车运行费"), ("reception", "公务接待费")):
        c = Change(sl[key], sg[key])
        parts.append(f"{label}{_change_words(c.amount, c.percent)}")
    c = Change(tl, t)
    P(f"{y}年财政拨款“三公”经费比上年预算{_change_words(c.amount, c.percent)}，其中：{'；'.join(parts)}。主要原因是厉行节约、严控一般性支出。",
      sangong_change__total=f"比上年预算{_change_words(c.amount, c.percent)}")

    P(f"十一、关于{u}{y}年上年结转结余预算情况说明", "heading")
    if s.carryover:
        P(f"{u}{y}年上年结转结余预算 {fmt(s.carryover)} 万元，全部为财政拨款结转，用于项目支出。",
          narrative__carryover_total=f"上年结转结余预算 {fmt(s.carryover)} 万元")
    else:
        P(f"{u}{y}年无上年结转结余预算的支出，上年结转结余情况明细表为空表。")

    P("十二、其他重要事项的情况说明", "heading")
    P("（一）机关运行经费情况", "heading")
    c = Change(s.operating_last, s.operating)
    P(f"{u}{y}年机关运行经费财政拨款预算 {fmt(s.operating)} 万元，比上年预算{_change_words(c.amount, c.percent)}。主要原因是日常办公支出调整。",
      operating_expenses=f"机关运行经费财政拨款预算 {fmt(s.operating)} 万元")
    P("（二）政府采购情况", "heading")
    pr = s.procurement
    shown = s.shown("procurement.total", pr["total"])
    P(f"{y}年，{u}政府采购预算 {fmt(shown)} 万元，其中：政府采购货物预算 {fmt(pr['goods'])} 万元，"
      f"政府采购工程预算 {fmt(pr['works'])} 万元，政府采购服务预算 {fmt(pr['services'])} 万元。",
      procurement__total=f"政府采购预算 {fmt(shown)} 万元", procurement__goods=f"货物预算 {fmt(pr['goods'])} 万元",
      procurement__works=f"工程预算 {fmt(pr['works'])} 万元", procurement__services=f"服务预算 {fmt(pr['services'])} 万元")
    P(f"{y}年，{u}面向中小企业预留政府采购项目预算金额 {fmt(pr['sme'])} 万元。")
    P("（三）国有资产占用使用情况", "heading")
    a = s.assets
    P(f"截至{y - 1}年底，{u}占用使用国有资产总体情况为：")
    P(f"1. 房屋 {a['housing_area']} 平方米，价值 {fmt(a['housing_value'])} 万元。")
    P(f"2. 车辆 {a['vehicles']} 辆，价值 {fmt(a['vehicles_value'])} 万元；其中：一般公务用车 {a['general_vehicles']} 辆；"
      f"执法执勤用车 0 辆；其他车辆 {a['other_vehicles']} 辆。", assets__vehicles=f"车辆 {a['vehicles']} 辆")
    P(f"3. 办公家具价值 {fmt(a['furniture_value'])} 万元。")
    P(f"4. 其他资产价值 {fmt(a['other_value'])} 万元。")
    P("单位价值 50 万元以上大型设备 0 台，单位价值 100 万元以上大型设备 0 台。")
    P(f"{y}年部门预算{'安排购置车辆经费 ' + fmt(sg['vehicle_purchase']) + ' 万元' if sg['vehicle_purchase'] else '未安排购置车辆经费'}。")
    P("（四）预算绩效情况", "heading")
    n = len(s.projects)
    P(f"{y}年，本部门预算绩效管理整体预算绩效目标 1 个，涉及金额 {fmt(total)} 万元；当年财政拨款项目 {n} 个，"
      f"涉及预算金额 {fmt(s.project_total)} 万元。")
    P(f"单位联系人：{s.contact[0]}，联系电话：{s.contact[1]}。", contact__name=s.contact[0], contact__phone=s.contact[1])
    return B
