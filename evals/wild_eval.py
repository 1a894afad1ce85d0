"""Score extraction records of real PDFs against the hand-read gold of evals/wild/<set>/*.json.

The gold (format: evals/wild/README.md) is one file per PDF. A record is the export JSON of
`gongkai extract` (or `extract.api`), or nothing when the file was refused. Scored per file:
- identity: body (the gold's full name, or — when the file states only a short form — that printed
  form), fiscal year, document kind, level;
- tables: each standard table the gold lists is found (parsed or empty) under its kind, and its
  grand total equals the gold's;
- core fields: each gold field's value (万元; counts as printed) equals the record's leaf within half a
  unit of the last printed digit (0.005).

`gongkai eval wild [--gold evals/wild/jiangsu] [--pdfs data/wild/jiangsu]` runs today's extraction and
prints the scores; `--records DIR` scores records written earlier (e.g. a first run of older code).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

TOL = Decimal("0.005")
IDENTITY = ("department", "fiscal_year", "doc_kind", "level")
TOTAL_KEYS = ("grand_total", "total", "income_total", "amount")


@dataclass
class FileScore:
    file: str
    refused: str | None = None
    identity: dict[str, bool] = field(default_factory=dict)
    tables_found: list[str] = field(default_factory=list)
    tables_missed: list[str] = field(default_factory=list)
    totals_right: int = 0
    totals_n: int = 0
    fields_right: list[str] = field(default_factory=list)
    fields_wrong: list[tuple[str, Any, Any]] = field(default_factory=list)  # path, gold, got


def _get(record: dict, path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    if isinstance(node, dict) and "value" in node:
        return node["value"]
    return node


def _num(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return Decimal(str(v))
    except Exception:
        return None


def _same(gold: Any, got: Any) -> bool:
    g, o = _num(gold), _num(got)
    if g is not None and o is not None:
        return abs(g - o) <= TOL
    return gold is not None and str(gold).strip() == str(got or "").strip()


def _tables_by_kind(record: dict) -> dict[str, dict]:
    out = {}
    for key, t in (record.get("tables") or {}).items():
        kind = t.get("kind") or key
        out[kind] = t
        out.setdefault(key, t)
    return out


def table_total(t: dict) -> Any:
    totals = t.get("totals") or {}
    for k in TOTAL_KEYS:
        if k in totals and isinstance(totals[k], dict) and totals[k].get("value") is not None:
            return totals[k]["value"]
    return None


def score_file(gold: dict, record: dict | None, refused: str | None = None) -> FileScore:
    fs = FileScore(file=gold["file"], refused=refused)
    ident = gold.get("identity", {})
    for key in IDENTITY:
        want = ident.get(key, {})
        got = _get(record, key) if record else None
        ok = _same(want.get("value"), got)
        if not ok and key == "department" and want.get("abbrev") and got:
            ok = str(got) in "".join(str(want.get("quote", "")).split())  # the short form the file prints
        fs.identity[key] = ok
    tables = _tables_by_kind(record) if record else {}
    for t in gold.get("tables", []):
        got = tables.get(t["kind"])
        if got and got.get("status") in ("parsed", "empty"):
            fs.tables_found.append(t["kind"])
        else:
            fs.tables_missed.append(t["kind"])
        if t.get("total") is not None:
            fs.totals_n += 1
            if got and _same(t["total"], table_total(got)):
                fs.totals_right += 1
    for path, e in gold.get("fields", {}).items():
        got = _get(record, path) if record else None
        if _same(e["value"], got):
            fs.fields_right.append(path)
        else:
            fs.fields_wrong.append((path, e["value"], got))
    return fs


def load_gold(gold_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.json"))
            if not p.name.endswith(".inconsistencies.json")]


def summary(scores: list[FileScore]) -> dict[str, Any]:
    n = len(scores)
    ident = {k: sum(s.identity.get(k, False) for s in scores) for k in IDENTITY}
    t_found = sum(len(s.tables_found) for s in scores)
    t_all = t_found + sum(len(s.tables_missed) for s in scores)
    f_right = sum(len(s.fields_right) for s in scores)
    f_all = f_right + sum(len(s.fields_wrong) for s in scores)
    return {
        "files": n,
        "refused": sum(1 for s in scores if s.refused),
        "identity": {k: f"{v}/{n}" for k, v in ident.items()},
        "identity_all3": sum(all(s.identity.get(k) for k in ("department", "fiscal_year", "doc_kind")) for s in scores),
        "tables_found": f"{t_found}/{t_all}",
        "table_totals": f"{sum(s.totals_right for s in scores)}/{sum(s.totals_n for s in scores)}",
        "core_fields": f"{f_right}/{f_all}",
        "core_fields_pct": round(100 * f_right / f_all, 1) if f_all else None,
    }


def records_from_dir(records_dir: Path) -> dict[str, dict | None]:
    """`<stem>.json` files as `gongkai extract FILE` writes them (an object, or a list of one)."""
    out: dict[str, dict | None] = {}
    for p in Path(records_dir).glob("*.json"):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            out[p.stem] = None
            continue
        out[p.stem] = data[0] if isinstance(data, list) and data else data
    return out


def run_today(gold: list[dict], pdf_dir: Path) -> tuple[dict[str, dict | None], dict[str, str]]:
    """Today's extraction of every gold file: records by stem, and the refusal reason of a file that
    was refused."""
    from extract.api import extract_document
    from ingest.errors import GongkaiError
    from ingest.pipeline import load_document

    records, refused = {}, {}
    for g in gold:
        stem = Path(g["file"]).stem
        try:
            records[stem] = extract_document(load_document(Path(pdf_dir) / g["file"])).export()
        except GongkaiError as exc:
            records[stem], refused[stem] = None, getattr(exc, "reason", type(exc).__name__)
    return records, refused


def score_all(gold: list[dict], records: dict[str, dict | None], refused: dict[str, str] | None = None
              ) -> list[FileScore]:
    refused = refused or {}
    out = []
    for g in gold:
        stem = Path(g["file"]).stem
        rec = records.get(stem)
        out.append(score_file(g, rec, refused.get(stem) or (None if rec else "no record")))
    return out


def report_lines(scores: list[FileScore], verbose: bool = False) -> list[str]:
    lines = []
    for s in scores:
        bad_id = [k for k, v in s.identity.items() if not v]
        lines.append(f"{s.file}: identity {'ok' if not bad_id else 'wrong ' + ','.join(bad_id)}; "
                     f"tables {len(s.tables_found)}/{len(s.tables_found) + len(s.tables_missed)}; "
                     f"totals {s.totals_right}/{s.totals_n}; fields {len(s.fields_right)}/"
                     f"{len(s.fields_right) + len(s.fields_wrong)}" + (f"; REFUSED {s.refused}" if s.refused else ""))
        if verbose:
            if s.tables_missed:
                lines.append(f"    tables missed: {', '.join(s.tables_missed)}")
            for path, want, got in s.fields_wrong:
                lines.append(f"    {path}: gold {want}, got {got}")
    return lines
