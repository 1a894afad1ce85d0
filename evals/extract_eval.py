"""Field-level precision/recall of extraction against the hand-built gold records, and the
validator's agreement with the inconsistencies found by hand.

A gold leaf with a value is a positive: the extracted leaf is a true positive when equal (numbers
within 0.005, strings equal after normalisation, or a listed `accept` alternative), a false negative
when missing, and both a false positive and a false negative when different. A gold null (the
document does not state it) makes a non-null extracted value a false positive unless accepted.
Line items (表5/表6 rows, 表7 projects, 表11 items) are matched by code (and amount/name when a
code repeats); 表5/表6 are complete in the gold, so extra extracted numbers there count as false
positives too. Row names of matched rows (the 科目, or the project/item name of 表7/表11 rows) are
scored on their own (`row_names`: right/rows per table), outside the value P/R.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from evals.textnorm import norm
from extract.store import is_leaf, leaf, node
from evals.verify import iter_leaves

ROOT = Path(__file__).resolve().parent.parent
SKIP_TOP = {"doc", "path", "line_items", "tables_empty"}
COMPLETE_TABLES = {"general_budget_expenditure", "general_budget_basic"}
_ADMIN = re.compile(r"(自治州|自治县|市|县|区|州|旗)$")


def gold_files(target: str | Path) -> list[Path]:
    target = Path(target)
    if target.is_dir():
        return sorted(p for p in target.glob("*.json") if not p.name.endswith(".inconsistencies.json"))
    return [target]


def values_equal(gold: Any, pred: Any, accept: list | None = None) -> bool:
    for g in [gold, *(accept or [])]:
        if g is None and pred is None:
            return True
        if g is None or pred is None:
            continue
        if isinstance(g, (int, float)) and not isinstance(g, bool):
            try:
                if abs(Decimal(str(g)) - Decimal(str(pred))) <= Decimal("0.005"):
                    return True
            except Exception:
                continue
        elif norm(g) == norm(pred) or (len(norm(g)) >= 2 and norm(g) in norm(pred) and isinstance(pred, str)):
            return True
        elif isinstance(pred, str) and _same_place(norm(g), norm(pred)):
            return True  # 青州市 = 青州
    return False


def _same_place(a: str, b: str) -> bool:
    """Place names equal with or without one administrative suffix (正州县 = 正州, not 正)."""
    def forms(x: str) -> set[str]:
        return {x, _ADMIN.sub("", x)} - {""}
    return bool(forms(a) & forms(b)) and min(len(a), len(b)) >= 2


def _value(obj: Any) -> Any:
    """Value of an export-contract leaf (None for anything else)."""
    return obj.get("value") if is_leaf(obj) else None


def section_of(path: str) -> str:
    head = path.split(".")[0].split("[")[0]
    if head in ("department", "region", "fiscal_year"):
        return "identity"
    if path.startswith("expenditure.by_function"):
        return "by_function"
    if path.startswith("fiscal.by_function"):
        return "fiscal.by_function"
    return head


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, tp=0, fp=0, fn=0):
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f = 2 * p * r / (p + r) if p and r else None
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(p, 3) if p is not None else None,
                "recall": round(r, 3) if r is not None else None,
                "f1": round(f, 3) if f is not None else None}


def _match_function(pred_items: list, code: str) -> dict | None:
    for it in pred_items or []:
        c = _value((it or {}).get("code"))
        if c is not None and re.sub(r"\D", "", str(c)) == code:
            return it
    return None


def compare_fields(gold: dict[str, Any], pred: dict[str, Any], tallies: dict[str, Tally], misses: list[dict]) -> None:
    body = {k: v for k, v in gold.items() if k not in SKIP_TOP}
    for path, gleaf in iter_leaves(body):
        sec = section_of(path)
        tally = tallies.setdefault(sec, Tally())
        g, accept = gleaf.get("value"), gleaf.get("accept")
        if ".by_function[" in path:
            base, idx, field = re.match(r"(.+)\[(\d+)\]\.(\w+)", path).groups()
            code = str(_value(node(body, f"{base}[{idx}].code")))
            item = _match_function(node(pred, base) or [], code)
            p = _value(item.get(field)) if item else None
            if field == "code" and p is not None:
                p = re.sub(r"\D", "", str(p))
        else:
            p = leaf(pred, path)[0]
        if g is None:
            if p is not None and not values_equal(None, p, accept):
                tally.add(fp=1)
                misses.append({"path": path, "gold": None, "extracted": p})
            continue
        if p is None:
            tally.add(fn=1)
            misses.append({"path": path, "gold": g, "extracted": None})
        elif values_equal(g, p, accept):
            tally.add(tp=1)
        else:
            tally.add(fp=1, fn=1)
            misses.append({"path": path, "gold": g, "extracted": p})


def _row_numbers(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _value(v) for k, v in (row.get("values") or {}).items() if _value(v) is not None}


def _name_key(text: Any) -> str:
    return re.sub(r"\s", "", norm(text or ""))


def row_name_matches(grow: dict, prow: dict) -> bool:
    """The gold row's name is the extracted row's name or, for project/item rows (表7, 表11), the name
    kept next to the 科目 (`extra`), after normalisation (width, spaces)."""
    g = _name_key(grow.get("name"))
    return bool(g) and g in {_name_key(prow.get("name")), _name_key(prow.get("extra"))}


def compare_tables(gold: dict[str, Any], pred: dict[str, Any], tallies: dict[str, Tally], misses: list[dict],
                   names: dict[str, list[int]] | None = None) -> None:
    """Row values per table into `tallies`; row names (matched rows only) into `names`: table → [right, rows]."""
    for tid, grows in (gold.get("line_items") or {}).items():
        tally = tallies.setdefault(f"tables.{tid}", Tally())
        prows = list(((pred.get("tables") or {}).get(tid) or {}).get("rows") or [])
        used: set[int] = set()
        for grow in grows:
            gvals = {k: v["value"] for k, v in grow["values"].items() if v["value"] is not None}
            match = _find_row(grow, gvals, prows, used)
            if match is None:
                tally.add(fn=len(gvals))
                misses.append({"path": f"tables.{tid}[{grow['code'] or grow['name'][:20]}]", "gold": gvals, "extracted": None})
                continue
            used.add(match)
            if names is not None and grow.get("name"):
                ok = row_name_matches(grow, prows[match])
                tally_n = names.setdefault(tid, [0, 0])
                tally_n[0] += ok
                tally_n[1] += 1
                if not ok:
                    misses.append({"path": f"tables.{tid}[{grow['code']}].name", "gold": grow["name"],
                                   "extracted": prows[match].get("extra") or prows[match].get("name")})
            pvals = _row_numbers(prows[match])
            for key, gv in gvals.items():
                pv = pvals.get(key)
                if pv is None and key == "total" and tid not in COMPLETE_TABLES:
                    pv = next(iter(pvals.values()), None)
                if pv is not None and values_equal(gv, pv):
                    tally.add(tp=1)
                else:
                    tally.add(fn=1, fp=1 if pv is not None else 0)
                    misses.append({"path": f"tables.{tid}[{grow['code']}].{key}", "gold": gv, "extracted": pv})
            if tid in COMPLETE_TABLES:
                extra = [k for k in pvals if k not in gvals and k in ("total", "basic", "project", "personnel", "public")]
                tally.add(fp=len(extra))
        if tid in COMPLETE_TABLES:
            for i, prow in enumerate(prows):
                if i not in used:
                    n = len(_row_numbers(prow))
                    if n:
                        tally.add(fp=n)
                        misses.append({"path": f"tables.{tid}[extra {prow.get('code') or prow.get('name')}]", "gold": None, "extracted": _row_numbers(prow)})


def _find_row(grow: dict, gvals: dict, prows: list, used: set[int]) -> int | None:
    code = re.sub(r"\D", "", grow.get("code") or "")
    is_total = grow.get("code") == "total"
    candidates = []
    for i, prow in enumerate(prows):
        if i in used:
            continue
        pcode = re.sub(r"\D", "", str(prow.get("code") or ""))
        if is_total:
            if prow.get("level") == "total" or (not pcode and "合计" in norm(prow.get("name"))):
                candidates.append(i)
        elif code and pcode == code:
            candidates.append(i)
        elif not code and not pcode and prow.get("level") != "total":
            candidates.append(i)
    if not candidates:
        return None
    total = gvals.get("total")
    for i in candidates:  # repeated codes (several projects under one 项): prefer the same amount
        if total is not None and values_equal(total, _row_numbers(prows[i]).get("total")):
            return i
    return candidates[0]


def validator_agreement(inconsistencies: list[dict], validation: list[dict]) -> dict[str, Any]:
    """Which hand-found inconsistencies the validator flags, and which flags have no counterpart."""
    flagged = [c for c in validation or [] if c.get("status") == "mismatch"]
    detectable = [i for i in inconsistencies if i.get("kind") in ("narrative_vs_table", "sum_mismatch")]
    found, matched_checks = [], set()
    for inc in detectable:
        lines = {e.get("line") for e in inc.get("evidence", [])}
        paths = inc.get("paths") or []
        hit = None
        for n, c in enumerate(flagged):
            cpaths = c.get("paths") or []
            same_path = any(cp == p or cp.startswith(p + ".") or cp.startswith(p + "[") or p.startswith(cp + ".") for p in paths for cp in cpaths)
            clines = {e.get("line") for e in c.get("evidence") or [] if isinstance(e.get("line"), int)}
            same_line = any(abs(a - b) <= 4 for a in lines if isinstance(a, int) for b in clines)
            if same_line or (same_path and paths and not paths[0].startswith("tables.")):
                hit = n
                break
        if hit is not None:
            matched_checks.add(hit)
        found.append({"id": inc["id"], "what": inc["what"], "flagged": hit is not None,
                      "check": flagged[hit]["id"] if hit is not None else None})
    unmatched = [{"id": c.get("id"), "description": c.get("description"), "lhs": c.get("lhs"), "rhs": c.get("rhs")}
                 for n, c in enumerate(flagged) if n not in matched_checks]
    return {"detectable": len(detectable), "flagged": sum(f["flagged"] for f in found), "items": found,
            "other_mismatch_flags": unmatched, "statuses": _status_counts(validation)}


def _status_counts(validation: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in validation or []:
        out[c.get("status", "?")] = out.get(c.get("status", "?"), 0) + 1
    return out


def source_path(gold: dict[str, Any], corpus: Path | None) -> Path:
    if corpus is not None:
        hits = sorted(Path(corpus).glob(f"{gold['doc']}.*"))
        if hits:
            return hits[0]
    p = Path(gold.get("path", ""))
    return p if p.is_absolute() else ROOT / p


def evaluate(target: str | Path, corpus: Path | None = None, extract_fn=None) -> dict[str, Any]:
    """P/R per section and per document over every gold file in `target` (a file or a directory)."""
    if extract_fn is None:
        from extract.api import extract_path as extract_fn
    per_doc: dict[str, Any] = {}
    overall: dict[str, Tally] = {}
    all_names: dict[str, list[int]] = {}
    for gpath in gold_files(target):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        src = source_path(gold, corpus)
        t0 = time.perf_counter()
        pred = extract_fn(src)
        elapsed = time.perf_counter() - t0
        tallies: dict[str, Tally] = {}
        misses: list[dict] = []
        compare_fields(gold, pred, tallies, misses)
        names: dict[str, list[int]] = {}
        compare_tables(gold, pred, tallies, misses, names)
        for tid, (right, rows) in names.items():
            all_names.setdefault(tid, [0, 0])
            all_names[tid][0] += right
            all_names[tid][1] += rows
        doc_total = Tally()
        for sec, t in tallies.items():
            doc_total.add(t.tp, t.fp, t.fn)
            overall.setdefault(sec, Tally()).add(t.tp, t.fp, t.fn)
        inc_path = gpath.with_name(gpath.stem + ".inconsistencies.json")
        incs = json.loads(inc_path.read_text(encoding="utf-8"))["inconsistencies"] if inc_path.exists() else []
        per_doc[gold["doc"]] = {
            "total": doc_total.as_dict(),
            "sections": {k: v.as_dict() for k, v in sorted(tallies.items())},
            "misses": misses,
            "row_names": {tid: {"right": r, "rows": n} for tid, (r, n) in sorted(names.items())},
            "validator": validator_agreement(incs, pred.get("validation") or []),
            "seconds": round(elapsed, 3),
        }
    total = Tally()
    for t in overall.values():
        total.add(t.tp, t.fp, t.fn)
    return {"documents": per_doc, "sections": {k: v.as_dict() for k, v in sorted(overall.items())}, "total": total.as_dict(),
            "row_names": {tid: {"right": r, "rows": n} for tid, (r, n) in sorted(all_names.items())}}


def format_report(res: dict[str, Any]) -> str:
    lines = ["extraction vs gold (field-level)", f"{'section':<24}{'P':>7}{'R':>7}{'F1':>7}  tp/fp/fn"]
    for sec, t in res["sections"].items():
        lines.append(f"{sec:<24}{_f(t['precision']):>7}{_f(t['recall']):>7}{_f(t['f1']):>7}  {t['tp']}/{t['fp']}/{t['fn']}")
    t = res["total"]
    lines.append(f"{'TOTAL':<24}{_f(t['precision']):>7}{_f(t['recall']):>7}{_f(t['f1']):>7}  {t['tp']}/{t['fp']}/{t['fn']}")
    if res.get("row_names"):
        lines.append("row names (matched rows, not in the totals above): " + ", ".join(
            f"{tid} {v['right']}/{v['rows']}" for tid, v in res["row_names"].items()))
    lines.append("")
    for doc, d in res["documents"].items():
        t, v = d["total"], d["validator"]
        lines.append(f"{doc}: P {_f(t['precision'])} R {_f(t['recall'])} ({d['seconds']}s); validator flagged "
                     f"{v['flagged']}/{v['detectable']} known inconsistencies, {len(v['other_mismatch_flags'])} other mismatch flag(s)")
    return "\n".join(lines)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"
