"""Deterministic template-aware engine: Document → BudgetRecord (tables + narrative), then validation."""

from __future__ import annotations

from extract.amounts import squeeze
from extract.narrative import extract_narrative
from ingest.identity import document_part
from extract.statements import fill_from_statements
from extract.schema import BudgetRecord, Citation, FunctionItem, Leaf, TableData
from extract.tables import parse_all
from extract.validate import validate


def _leaf_from_span(value, span) -> Leaf:
    if value is None:
        return Leaf()
    ev = [Citation(**span.citation())] if span is not None else []
    return Leaf(value=value, evidence=ev)


def _item(table: TableData, key: str, col: str = "amount") -> Leaf:
    row = next((r for r in table.rows if r.level == "item" and r.name == key), None)
    if row is None:
        return Leaf()
    return row.values.get(col) or Leaf()


def _classes(table: TableData | None, col: str) -> list[FunctionItem]:
    out = []
    if not table or table.status != "parsed":
        return out
    for r in table.rows:
        if r.level != "类" or col not in r.values:
            continue
        ev = r.values[col].evidence
        out.append(FunctionItem(code=Leaf(value=r.code, evidence=ev), name=Leaf(value=r.name, evidence=ev),
                                amount=r.values[col]))
    return out


def _project_name(row, subject: str | None, stated: list[str]) -> str:
    """A 表7 line's own project name: its 项目名称 cell, else its name with the subject name taken off
    (printed before it, or after it in a row printed right to left), else a name 情况说明 七 states."""
    if row.extra:
        return squeeze(row.extra)
    name = row.name
    if subject and name != subject:
        if name.startswith(subject):
            return name[len(subject):]
        if name.endswith(subject):
            return name[:-len(subject)]
    for known in sorted(stated, key=len, reverse=True):
        if known and name != known and (name.endswith(known) or name.startswith(known)):
            return known
    return name


def _projects(tables: dict[str, TableData], stated: list[str]) -> list:
    """Project lines of 表7 (项 rows). A project name run into the subject name is split off using the
    subject name 表5/表3 print for the same code, or the project names stated in the text (`stated`)."""
    from extract.schema import Project

    subjects: dict[str, str] = {}
    for tid in ("general_budget_expenditure", "expenditure_overview"):
        for r in tables[tid].rows:
            if r.code and r.name:
                subjects.setdefault(r.code, r.name)
    out = []
    for r in tables["general_budget_project"].rows:
        if r.level != "项" or "total" not in r.values:
            continue
        ev = r.values["total"].evidence
        name = _project_name(r, subjects.get(r.code or ""), stated)
        if not r.extra and name != r.name:  # the row keeps the two names apart too (QA reads the rows)
            subject = r.name[len(name):] if r.name.startswith(name) else r.name[: len(r.name) - len(name)]
            r.name, r.extra = subject, name
        out.append(Project(name=Leaf(value=name, evidence=ev), code=Leaf(value=r.code, evidence=ev),
                           amount=r.values["total"]))
    return out


def _first(*leaves) -> Leaf:
    return next((x for x in leaves if x is not None and x.value is not None), Leaf())


def _from_tables(rec: BudgetRecord, tables: dict) -> None:
    """The record's standard paths from the tables, whatever combination of the template's tables the
    document prints (a 支出总表, or the 支出用途 side of the 收支总表; a 一般公共预算支出表 with a 基本支出
    column, or a 一般公共预算基本支出表; a 机关运行经费表; a 政府采购表…)."""
    t1, t2, t3, t4, t5, t6, t10 = (tables[k] for k in (
        "income_expenditure_overview", "income_overview", "expenditure_overview", "fiscal_overview",
        "general_budget_expenditure", "general_budget_basic", "sangong"))
    inc = rec.income
    for key in ("current_year", "general_budget", "general_own", "upper_transfer", "gov_fund", "state_capital",
                "special_account", "unit_funds", "other_funds", "fiscal", "carryover", "carryover_fiscal",
                "carryover_nonfiscal"):
        setattr(inc, key, _item(t1, key))
    inc.total = _first(_item(t1, "income_total"), t2.totals.get("total") if t2.status == "parsed" and not any(
        r.code for r in t2.rows) else None)
    exp = rec.expenditure
    exp.total = _item(t1, "expenditure_total")
    exp.basic = _first(t3.totals.get("basic"), _item(t1, "basic"))
    exp.project = _first(t3.totals.get("project"), _item(t1, "project"))
    exp.reserve = _first(t3.totals.get("reserve"), _item(t1, "reserve"))
    exp.personnel = t6.totals.get("personnel") or Leaf()
    exp.public = t6.totals.get("public") or Leaf()
    exp.by_function = _classes(t3, "total") or _classes(t1, "amount")
    f = rec.fiscal
    f.income_total = t4.totals.get("income_total") or Leaf()
    row = next((r for r in t4.rows if r.name == "expenditure_total"), None)
    f.expenditure_total = (row.values.get("total") if row else None) or Leaf()
    f.basic = _first(_item(t4, "basic", "total"), tables["fiscal_basic"].totals.get("total"))
    f.general_budget = t5.totals.get("total") or Leaf()
    f.general_budget_basic = _first(t5.totals.get("basic"), t6.totals.get("total"))
    f.general_budget_project = t5.totals.get("project") or Leaf()
    f.by_function = _classes(t5, "total")
    for key in ("total", "overseas_travel", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation"):
        setattr(rec.sangong, key, t10.totals.get(key) or Leaf())
    rec.meeting_fee = t10.totals.get("meeting") or Leaf()
    rec.training_fee = t10.totals.get("training") or Leaf()
    rec.operating_expenses = tables["operating_expenses"].totals.get("total") or Leaf()
    pt = tables["procurement"].totals
    for key in ("total", "goods", "works", "services"):
        setattr(rec.procurement, key, pt.get(key) or Leaf())


# Where a 决算 prints a budget figure beside a final one: record path → (table kind, how, key). "totals":
# the table's total row (column `<q>_<key>`, or `<q>` for the total column); "item": the row named
# `key` (column `<q>`).
BUDGET_SOURCES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("income.total", [("income_expenditure_overview", "item", "income_total")]),
    ("income.current_year", [("income_expenditure_overview", "item", "current_year")]),
    ("income.general_budget", [("income_expenditure_overview", "item", "general_budget")]),
    ("expenditure.total", [("income_expenditure_overview", "item", "expenditure_total")]),
    ("expenditure.basic", [("expenditure_overview", "totals", "basic"), ("income_expenditure_overview", "item", "basic")]),
    ("expenditure.project", [("expenditure_overview", "totals", "project"),
                             ("income_expenditure_overview", "item", "project")]),
    ("expenditure.personnel", [("general_budget_basic", "totals", "personnel")]),
    ("expenditure.public", [("general_budget_basic", "totals", "public")]),
    ("fiscal.income_total", [("fiscal_overview", "item", "income_total")]),
    ("fiscal.expenditure_total", [("fiscal_overview", "item", "expenditure_total")]),
    ("fiscal.general_budget", [("general_budget_expenditure", "totals", "total")]),
    ("fiscal.general_budget_basic", [("general_budget_expenditure", "totals", "basic"),
                                     ("general_budget_basic", "totals", "total")]),
    ("fiscal.general_budget_project", [("general_budget_expenditure", "totals", "project")]),
    ("operating_expenses", [("operating_expenses", "totals", "total")]),
    ("meeting_fee", [("sangong", "totals", "meeting"), ("sangong", "item", "meeting")]),
    ("training_fee", [("sangong", "totals", "training"), ("sangong", "item", "training")]),
] + [(f"sangong.{k}", [("sangong", "totals", k), ("sangong", "item", k)])
     for k in ("total", "overseas_travel", "reception", "vehicle_total", "vehicle_purchase", "vehicle_operation")]


def _budget_value(tables: dict, sources, q: str) -> Leaf | None:
    for kind, how, key in sources:
        t = tables.get(kind)
        if t is None or t.status != "parsed":
            continue
        if how == "totals":
            leaf = t.totals.get(q if key == "total" else f"{q}_{key}")
        else:
            row = next((r for r in t.rows if r.level == "item" and r.name == key), None)
            leaf = row.values.get(q) if row else None
        if leaf is not None and leaf.value is not None:
            return leaf
    return None


def _set_path(node, path: str, leaf: Leaf) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        node = getattr(node, p)
    setattr(node, parts[-1], leaf)


def _budget_sides(rec: BudgetRecord, tables: dict) -> None:
    """A 决算's budget columns: budget.<path> = 全年/调整预算数 (or 年初预算数 when it is the only one
    printed); budget_initial.<path> = 年初预算数 when both are printed."""
    for path, sources in BUDGET_SOURCES:
        full = _budget_value(tables, sources, "budget")
        initial = _budget_value(tables, sources, "budget_initial")
        if full is not None or initial is not None:
            _set_path(rec.budget, path, full or initial)
        if full is not None and initial is not None:
            _set_path(rec.budget_initial, path, initial)


def _titles(doc) -> list[Leaf]:
    """The lines that name the document, its parts and its tables (for the document checks: a
    placeholder title, a year that differs from the document's)."""
    nos: list[int] = []
    for line in doc.lines:
        if (line.norm or line.text).strip():
            nos.append(line.no)
        if len(nos) >= 4:
            break
    nos += [s.line_start for s in getattr(doc, "sections", []) if s.kind == "part" and s.line_start]
    nos += [t.title_line for t in getattr(doc, "tables", []) if t.title_line]
    out, seen = [], set()
    for no in sorted(set(nos)):
        line = doc.lines[no - 1] if 0 < no <= len(doc.lines) else None
        text = (line.norm or line.text).strip() if line else ""
        if text and no not in seen:
            seen.add(no)
            out.append(Leaf(value=text[:200], evidence=[Citation(**doc.span(no, no).citation())]))
    return out


def build_record(doc) -> BudgetRecord:
    rec = BudgetRecord(doc=doc.doc, path=doc.path, sha256=getattr(doc, "sha256", None))
    rec.department = _leaf_from_span(doc.department, doc.department_span)
    rec.region = _leaf_from_span(doc.region, doc.department_span if doc.region else None)
    rec.level = _leaf_from_span(getattr(doc, "level", None), doc.department_span if getattr(doc, "level", None) else None)
    rec.fiscal_year = _leaf_from_span(doc.fiscal_year, doc.fiscal_year_span)
    rec.doc_kind = _leaf_from_span(getattr(doc, "doc_kind", None), getattr(doc, "doc_kind_span", None))
    rec.warnings.extend(w for w in getattr(doc, "warnings", []) if w.startswith(("issuing body", "fiscal year")))
    rec.document_part = document_part(doc)  # text | tables | whole
    rec.titles = _titles(doc)
    tables = parse_all(doc)
    rec.tables = tables
    _from_tables(rec, tables)
    _budget_sides(rec, tables)
    # the whole text is searched: the narrative patterns are specific (they need 万元/人/辆 after the figure),
    # and a table range that runs on too far must not hide a sentence
    text = extract_narrative(doc, rec)
    filled = fill_from_statements(text, rec)  # what the tables do not print, as the text states it
    if filled:
        rec.warnings.append("read from the text (no table prints them): " + ", ".join(sorted(filled)))
    from extract.changes import extract_changes

    extract_changes(text, rec)  # every stated change, comparison and rate, for the validator
    from extract.agreements import extract_agreements

    extract_agreements(text, rec)  # "…数与《X表》…数一致": a stated agreement between two tables
    from extract.targets import extract_targets

    extract_targets(text, rec)  # a 绩效目标表's targets stated in its goal text and its indicator rows
    rec.projects = _projects(tables, [str(p.name.value) for p in rec.narrative_projects if p.name.value])
    from ingest.catalog import core_kinds, zh_name

    required = core_kinds(getattr(doc, "doc_kind", None)) if rec.document_part != "text" else []
    rec.tables_missing = [k for k in required if tables.get(k) is None or tables[k].status == "missing"
                          or (tables[k].status == "unparsed" and doc.table(k) is not None)]
    if rec.tables_missing:
        rec.warnings.append("standard tables not found or not read: " + "、".join(zh_name(k) for k in rec.tables_missing))
    for tid, table in tables.items():
        if table.status == "unparsed" and doc.table(tid) is not None:
            rec.warnings.append(f"{tid}: found but no rows could be read")
        codes = {r.code for r in table.rows if r.code}
        for cls in sorted({c[:3] for c in codes if len(c) > 3} - codes):
            rec.warnings.append(f"{tid}: class {cls} has no row of its own (only its sub-rows are printed)")
    rec.validation = validate(rec)
    from extract.merge import disclosure_key

    key = disclosure_key(rec.export())
    rec.disclosure = "|".join(str(x) for x in key) if key else None
    return rec
