"""Table parsers for ruled PDF tables read as a grid (extract/grid.py): every figure is placed by the
header above it, not by its position in the row, so column order, merged header cells, blank cells
and extra columns do not matter. Three shapes cover the template:

- `coded`: rows of a classification (功能分类 2xx / 经济分类 3xx codes, or a 合计 row) with one or
  more amount columns (合计, 基本支出, 项目支出, 人员经费…);
- `labeled`: label → figure pairs, several pairs a row (收支总表, 财政拨款收支总表, 收入总表 printed by
  label, 政府采购表's 货物/工程/服务 rows);
- `by_column`: one row of figures whose meaning is in the header (三公经费表 with 因公出国 / 公务接待 /
  公务用车… columns, a 支出总表 printed as a single 合计 row).

A 决算 prints budget and final figures side by side: a figure whose header says 年初预算数/全年预算数
goes to the `budget` variant of its column (`budget`, `budget_basic`…), the 决算数 to the column itself.
"""

from __future__ import annotations

import re

from extract.amounts import clean
from extract.catalog import class_code
from extract.grid import CODE_CELL, Cell, Grid

AMOUNT_LIKE = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")
from extract.schema import Leaf, TableData, TableRow
from extract.tables.base import TableContext
from extract.vocab import column_role, row_key, strip_ordinal

_TOTAL = re.compile(r"^(?:合计|总计|合\s*计|总\s*计)$")
_CLASS_NAME = re.compile(r"^[\u4e00-\u9fff、]{2,20}?(?:支出|预备费)$")


SKIP = "_skip"  # a number that is no figure of the table (行次 row numbers, a code, a comparison)


def _col(role: str | None, qualifier: str | None) -> str | None:
    if role in ("code", "name", "procurement_method", "row_no"):
        return SKIP
    if qualifier in ("previous", "change"):
        return SKIP  # a comparison, not this document's figure
    if role is None:
        return None
    if qualifier in ("budget", "budget_initial"):
        return qualifier if role == "total" else f"{qualifier}_{role}"
    return role


def _amount(ctx: TableContext, cell: Cell) -> Leaf:
    return ctx.amount(clean(cell.text).replace(",", ""), [cell.line])


def _final_printed(grid: Grid) -> bool:
    """Does the header name a 决算 column? Only then is a 预算数 column the budget beside the final
    figure; in a budget document 预算数 is the figure itself."""
    if not hasattr(grid, "_final"):
        grid._final = any(column_role([h.compact])[1] == "final" or "决算" in h.compact
                          for row in grid.header for h in row.cells)
    return grid._final


def _role(grid: Grid, cell: Cell) -> str | None:
    role, qualifier = column_role(grid.path(cell))
    if qualifier in ("budget", "budget_initial", "final") and not _final_printed(grid):
        qualifier = None
    return _col(role, qualifier)


def _roles(grid: Grid, cells: list[Cell]) -> list[tuple[Cell, str | None]]:
    return [(c, _role(grid, c)) for c in cells]


# -- coded rows ----------------------------------------------------------------------------------


def _sub_rows(row) -> list[list[Cell]]:
    """A row's cells, split where a code starts a new entry (a 决算's 基本支出表 prints 人员经费 and 公用经费
    side by side: 30101 基本工资 x | 30201 办公费 y), or where a 合计 label repeats."""
    groups: list[list[Cell]] = [[]]
    for cell in sorted(row.cells, key=lambda c: c.x0):
        starts = (CODE_CELL.match(cell.compact) and len(cell.compact) >= 3 and not cell.is_amount) or \
            (not cell.is_amount and "合计" in cell.compact and any(c.is_amount for c in groups[-1]))
        if starts and any(c.is_amount for c in groups[-1]):
            groups.append([])
        groups[-1].append(cell)
    return [g for g in groups if g]


def coded(ctx: TableContext, grid: Grid, data: TableData, default: str = "total") -> TableData:
    """Rows with a 功能/经济分类 code (split 类/款/项 cells are joined) or a 合计 row; each amount under
    its column's role (`default` where the header names none, or where the table has a single amount
    column: 机关运行经费支出 in a 机关运行经费表 is its total)."""
    single = len(header_roles(grid) - {"code", "name", "row_no"}) <= 1
    last: TableRow | None = None
    loose = {no: _loose_row(ctx, no) for no in grid.loose}
    body = sorted([(r.line, r) for r in grid.body] + [(no, cells) for no, cells in loose.items() if cells],
                  key=lambda x: x[0])
    for i, (no, row) in enumerate(body):
        if isinstance(row, list):
            # a line that lost its cell geometry (the first line of a page, often): its figures take the
            # columns of the nearest row printing as many figures
            row = _placed_like(row, [r for _, r in body[i + 1:] + body[:i][::-1] if not isinstance(r, list)], no)
            if row is None:
                continue
        for cells in _sub_rows(row):
            last = _coded_row(ctx, grid, data, cells, last, default, single)
    totals: dict = {}
    for r in data.rows:
        if r.level == "total":
            for k, v in r.values.items():
                totals.setdefault(k, v)
    data.totals = totals
    data.status = "parsed" if data.rows else data.status
    return data


_LOOSE = re.compile(r"^\s*(\d{3,7})\s+(\S+?)\s+((?:-?[\d,]+\.\d+\s*)+)$")


def _loose_row(ctx: TableContext, no: int) -> list[str] | None:
    """A coded row printed without cell geometry: [code, name, amount…], or None."""
    line = ctx.doc.lines[no - 1]
    m = _LOOSE.match(clean(line.norm or line.text))
    if not m:
        return None
    return [m.group(1), m.group(2)] + m.group(3).split()


def _placed_like(parts: list[str], others: list, no: int):
    """A grid row made of a loose line's parts, its figures at the x of the figures of the nearest row
    (after it, else before it) that prints as many figures."""
    from extract.grid import Row

    amounts = parts[2:]
    like = next((r for r in others if len(r.amounts) == len(amounts) and any(not c.is_amount for c in r.cells)), None)
    if like is None:
        return None
    texts = [c for c in like.cells if not c.is_amount]
    cells = [Cell(text=parts[0], x0=texts[0].x0, x1=texts[0].x0 + 1, line=no),
             Cell(text=parts[1], x0=texts[-1].x0 + 1, x1=texts[-1].x1, line=no)]
    cells += [Cell(text=a, x0=c.x0, x1=c.x1, line=no) for a, c in zip(amounts, like.amounts)]
    return Row(line=no, cells=cells)


def _coded_row(ctx, grid, data, cells, last, default, single):
    codes = [c for c in cells if CODE_CELL.match(c.compact) and not c.is_amount]
    if not codes:
        codes = [c for c in cells if re.fullmatch(r"[1-9]\d{2}(?:\d{2}){0,2}", c.compact)]
    texts = [c for c in cells if not c.is_amount and c not in codes]
    amounts = [c for c in cells if c.is_amount and c not in codes]
    code = "".join(c.compact for c in codes)
    name = "".join(c.text for c in texts[:1]).strip()
    extra = " ".join(c.text for c in texts[1:]).strip() or None
    if not amounts and not code and last is not None and texts and not _TOTAL.search(name):
        last.name += "".join(c.compact for c in texts)  # a name wrapped onto the next row
        return last
    if not amounts and not code:
        return last
    if amounts and not code and not texts and last is not None and last.code and not last.values:
        # a coded row whose figures wrapped onto the next line ("204 公共安全支出" / "16,444.36"): its figures,
        # not a 合计 row
        for cell, col in _roles(grid, amounts):
            if col == SKIP:
                continue
            col = default if col is None or (single and not col.startswith("budget")) else col
            if col not in last.values:
                last.values[col] = _amount(ctx, cell)
        return last
    if not code and name and class_code(strip_ordinal(name)):
        code = class_code(strip_ordinal(name)) or ""
    is_total = not code and (bool(re.search(r"合\s*计|总\s*计", name)) or not name)
    level = "total" if is_total else {3: "类", 5: "款", 7: "项"}.get(len(code), "other")
    tr = TableRow(code=code or None, level=level, name=re.sub(r"\s+", "", name) or ("合计" if is_total else ""),
                  extra=extra, resolution="positional")
    for cell, col in _roles(grid, amounts):
        if col == SKIP:
            continue
        col = default if col is None or (single and not col.startswith("budget")) else col
        if col not in tr.values:
            tr.values[col] = _amount(ctx, cell)
    if tr.values or code:
        data.rows.append(tr)
    return tr


def has_codes(grid: Grid) -> bool:
    return sum(1 for r in grid.body if any(CODE_CELL.match(c.compact) and len(c.compact) >= 3
                                          for c in r.cells if not c.is_amount)) >= 2


# -- label → figure pairs ------------------------------------------------------------------------


def pairs(grid: Grid) -> list[tuple[Cell, list[tuple[Cell, str | None]]]]:
    """(label cell, [(amount cell, column)…]) for each label in each body row: a figure belongs to the
    nearest label on its left in the same row. Cells under a 行次 (row number) column are neither."""
    out = []
    entries: dict[int, tuple[Cell, list]] = {}
    body = grid.body
    for r, row in enumerate(body):
        cur: tuple[Cell, list] | None = None
        for cell in sorted(row.cells, key=lambda c: c.x0):
            if column_role(grid.path(cell))[0] == "row_no":
                continue
            if cell.is_amount or (cur is not None and AMOUNT_LIKE.match(cell.compact)):
                role = _role(grid, cell)
                if role == SKIP:
                    continue
                target = cur
                if cur is None or not _same_group(grid, cur[0], cell):
                    # the label of this figure's column group wraps over the rows around it (三、单位预留机动 /
                    # 三、国防支出 2,388.04 / 经费): the figure is not the label on its left's
                    target = _wrapped_label(grid, body, r, cell, entries, out)
                if target is not None:
                    target[1].append((cell, role))
            elif len(cell.compact) >= 2:  # one character is the tail of a wrapped header cell, no label
                cur = (cell, [])
                entries[id(cell)] = cur
                out.append(cur)
    return out


def _group(grid: Grid, cell: Cell) -> tuple[str, ...]:
    """The header cells above a cell but its own column's (["支出", "支出用途"] for 项目名称 and 金额)."""
    return tuple(grid.path(cell)[:-1])


def _same_group(grid: Grid, label: Cell, figure: Cell) -> bool:
    a, b = _group(grid, label), _group(grid, figure)
    if len(a) < 2 or len(b) < 2 or a == b:
        return True
    # a merged label cell reaching into the figure's column group ("支出合计" across 功能分类 and 支出用途,
    # its amount under 支出用途's 金额) labels it: its right end lies in that group
    end = Cell(text=label.text, x0=label.x1 - 2, x1=label.x1 - 1, line=label.line)
    return _group(grid, end) == b


def _wrapped_label(grid: Grid, body, r: int, figure: Cell, entries: dict, out: list):
    """The label of `figure`'s column group on a neighbouring row (a label cell wrapped over two or three
    lines), its pieces joined; None when there is none."""
    group = _group(grid, figure)
    best = None
    for dr in (-1, 1, -2, 2):
        if not 0 <= r + dr < len(body):
            continue
        for c in body[r + dr].cells:
            if c.is_amount or c.x1 > figure.x0 or _group(grid, c) != group or len(c.compact) < 2:
                continue
            own = entries.get(id(c))
            if own is not None and own[1]:
                continue  # a label with its own figure
            best = (r + dr, c)
            break
        if best:
            break
    if best is None:
        return None
    row_i, label = best
    text = label.text
    for k in range(row_i + 1, min(len(body), row_i + 3)):
        piece = next((c for c in body[k].cells if abs(c.x0 - label.x0) < 3 and not c.is_amount
                      and _group(grid, c) == group and not (entries.get(id(c)) or (None, []))[1]), None)
        if piece is None or piece is label:
            continue
        if k != r and not any(c.is_amount and _group(grid, c) == group for c in body[k].cells):
            text += piece.text
    joined = Cell(text=text, x0=label.x0, x1=label.x1, line=label.line)
    entry = entries.get(id(label))
    if entry is not None:
        out.remove(entry)
    entry = (joined, [])
    entries[id(label)] = entry
    out.append(entry)
    return entry


def labeled(ctx: TableContext, grid: Grid, data: TableData, families: tuple[str, ...],
            classes: bool = True, value_col: str = "amount") -> TableData:
    """Rows named by a label of the vocabulary (first match wins per key) and, with `classes`, function
    classes printed by name (一、一般公共服务支出). Values: `amount`, or `budget` for a 决算's budget
    column; a label's further figures under other roles keep their role."""
    seen: set[str] = set()
    found = pairs(grid)
    with_figures = {id(lbl) for lbl, figs in found if figs}
    for label, figures in found:
        if not figures:
            continue
        label = _joined_label(grid, label, with_figures, classes)
        text = strip_ordinal(label.text)
        order = _families_by_header(grid, label, figures, families)
        coded_name = re.match(r"^([2][0-3]\d)\s*(\S.*)$", text)  # "201 一般公共服务支出"
        if coded_name:
            text = re.sub(r"\s+", "", coded_name.group(2))
        key = None if coded_name else next((k for f in order if (k := row_key(label.text, f))), None)
        code = (coded_name.group(1) if coded_name else class_code(text)) if classes and key is None \
            and _CLASS_NAME.match(text) else None
        if key is None and code is None:
            continue
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
            tr = TableRow(level="item", name=key, resolution="positional")
        else:
            tr = TableRow(code=code, level="类", name=text, resolution="positional")
        for cell, col in figures:
            col = value_col if col in (None, "total") else col
            if col not in tr.values:
                tr.values[col] = _amount(ctx, cell)
        data.rows.append(tr)
    data.totals = {r.name: r.values[value_col] for r in data.rows if r.level == "item" and value_col in r.values}
    if "income_total" in data.totals and "total" not in data.totals and "income" in families and len(families) == 1:
        data.totals["total"] = data.totals["income_total"]  # a 收入总表 printed by label: its 收入总计
    data.status = "parsed" if data.rows else data.status
    return data


def _joined_label(grid: Grid, label: Cell, with_figures: set[int], classes: bool) -> Cell:
    """A label wrapped onto the next row of its column ("八、社会保障和就" / "业支出"): its pieces joined,
    when the label alone names nothing and the piece below carries no figure of its own."""
    text = strip_ordinal(label.text)
    if _CLASS_NAME.match(text) or not classes:
        return label
    rows = grid.body
    at = next((i for i, r in enumerate(rows) if any(c is label for c in r.cells)), None)
    if at is None or at + 1 >= len(rows):
        return label
    piece = next((c for c in rows[at + 1].cells if abs(c.x0 - label.x0) < 3 and not c.is_amount
                  and id(c) not in with_figures), None)
    if piece is None:
        return label
    joined = Cell(text=label.text + piece.text, x0=label.x0, x1=label.x1, line=label.line)
    return joined if _CLASS_NAME.match(strip_ordinal(joined.text)) else label


def _families_by_header(grid: Grid, label: Cell, figures, families: tuple[str, ...]) -> tuple[str, ...]:
    """Label families in the order the header suggests: a label under 支出 is read as an expenditure
    label first (总计 on the right of a 收支总表 is the expenditure total)."""
    path = "".join(grid.path(label) + [p for c, _ in figures[:1] for p in grid.path(c)])
    if "支出" in path and "收入" not in path and "expenditure" in families:
        return ("expenditure",) + tuple(f for f in families if f != "expenditure")
    return families


# -- one row of figures, meaning in the header ----------------------------------------------------


def by_column(ctx: TableContext, grid: Grid, data: TableData) -> TableData:
    """Each body row's figures by their column roles; the first such row is the table's totals."""
    for row in grid.body:
        amounts = row.amounts
        if not amounts:
            continue
        name = next((c.compact for c in row.texts), "合计")
        tr = TableRow(level="total" if _TOTAL.match(name) or not row.texts else "item", name=name,
                      resolution="positional")
        for cell, col in _roles(grid, amounts):
            if col and col != SKIP and col not in tr.values:
                tr.values[col] = _amount(ctx, cell)
        if tr.values:
            data.rows.append(tr)
    first = next((r for r in data.rows if r.level == "total"), data.rows[0] if data.rows else None)
    if first is not None:
        data.totals = dict(first.values)
    data.status = "parsed" if data.rows else data.status
    return data


def header_roles(grid: Grid) -> set[str]:
    """The roles the header names over the figures of the body."""
    out = set()
    for row in grid.body:
        for c in row.amounts:
            role, _ = column_role(grid.path(c))
            if role:
                out.add(role)
    return out
