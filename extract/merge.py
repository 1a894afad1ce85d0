"""Two PDFs, one disclosure: a body that publishes its narrative (…部门预算公开文件) and its tables
(…公开表) as two files gets one record.

`disclosure_key(record)` says which disclosure a record belongs to: the body (its name made canonical
by the abbreviation rules of ingest/catalog/bodies.json, so 中共江苏省委办公厅 and 江苏省委办公厅 meet),
the year and the kind. `merge_halves(records)` joins a text half and a tables half of one key into a
single record: each leaf is taken from the half that prints it (the tables half first) and keeps its
own document in its evidence; the tables are the union; validation runs again on the whole, so the
narrative is checked against the tables across the two files. Two *whole* documents of one key are
not merged (they are two versions; the answer says when they disagree).
"""

from __future__ import annotations

from typing import Any

from ingest.identity import canonical_body

PARTS = ("text", "tables", "whole")


def _value(rec: dict, path: str) -> Any:
    node: Any = rec
    for p in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return node.get("value") if isinstance(node, dict) else node


def disclosure_key(rec: dict) -> tuple[str, int, str] | None:
    """(canonical body, year, 预算|决算): the two files of one disclosure share it (a tables half may call
    itself 单位 where the text says 部门: that does not make it another disclosure)."""
    body, year = canonical_body(_value(rec, "department")), _value(rec, "fiscal_year")
    kind = "决算" if "决算" in str(_value(rec, "doc_kind") or "") else "预算"
    if not body or not year:
        return None
    return body, int(year), kind


def part_of(rec: dict) -> str:
    return rec.get("document_part") or "whole"


def _is_leaf(x: Any) -> bool:
    return isinstance(x, dict) and "value" in x and "evidence" in x


def _merge_node(a: Any, b: Any) -> Any:
    """`a` preferred, `b` fills what `a` leaves empty (leaf by leaf; lists: the first non-empty)."""
    if _is_leaf(a) or _is_leaf(b):
        if _is_leaf(a) and a.get("value") is not None:
            return a
        return b if _is_leaf(b) and b.get("value") is not None else (a if _is_leaf(a) else b)
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = _merge_node(a[k], v) if k in a else v
        return out
    if isinstance(a, list) and isinstance(b, list):
        return a if a else b
    return a if a is not None else b


def merge_pair(tables_half: dict, text_half: dict) -> dict:
    """One record from a tables half and a text half (export dicts)."""
    from extract.schema import BudgetRecord
    from extract.validate import validate

    skip = {"doc", "path", "sha256", "tables", "validation", "conflicts", "warnings", "document_part", "parts"}
    merged = {k: _merge_node(tables_half.get(k), text_half.get(k)) for k in tables_half if k not in skip}
    for k in text_half:
        if k not in merged and k not in skip:
            merged[k] = text_half[k]
    tables = dict(text_half.get("tables") or {})
    for tid, t in (tables_half.get("tables") or {}).items():
        if t.get("status") in ("parsed", "empty") or tid not in tables:
            tables[tid] = t
    key = disclosure_key(tables_half) or ("", 0, "")
    merged.update({
        "doc": f"{tables_half['doc']}+{text_half['doc']}",
        "path": f"{tables_half.get('path')} + {text_half.get('path')}",
        "sha256": None, "tables": tables, "conflicts": [], "document_part": "whole",
        "parts": [tables_half["doc"], text_half["doc"]],
        "warnings": [f"one disclosure in two files: {tables_half['doc']} (tables) + {text_half['doc']} (text)"],
    })
    if key[0]:
        merged["disclosure"] = f"{key[0]}|{key[1]}|{key[2]}"
    rec = BudgetRecord.model_validate({k: v for k, v in merged.items() if k in BudgetRecord.model_fields})
    rec.validation = validate(rec)
    out = rec.export()
    out.update({"parts": merged["parts"], "disclosure": merged.get("disclosure")})
    return out


MAX_PAIRINGS = 16  # halves of one disclosure paired every way up to this many merges


def halves(records: list[dict]) -> list[tuple[dict, dict]]:
    """The (tables half, text half) pairs to merge: one text and one tables half of a disclosure; when
    one was ingested twice (a copy, a corrected file) every text half with every tables half — each
    merge is a version of the disclosure, and versions that disagree are said to disagree (qa twins),
    never chosen between silently."""
    by_key: dict[tuple, list[dict]] = {}
    for r in records:
        key = disclosure_key(r)
        if key is not None:
            by_key.setdefault(key, []).append(r)
    out: list[tuple[dict, dict]] = []
    for group in by_key.values():
        texts = sorted((r for r in group if part_of(r) == "text"), key=lambda r: str(r.get("doc")))
        tabs = sorted((r for r in group if part_of(r) == "tables"), key=lambda r: str(r.get("doc")))
        if texts and tabs and len(texts) * len(tabs) <= MAX_PAIRINGS:
            out += [(t, x) for t in tabs for x in texts]
    return out


def merge_halves(records: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Records with each (text half, tables half) pair of one disclosure replaced by their merge.
    Returns (records, {part doc: merged doc (the first it is part of)})."""
    replaced: dict[str, str] = {}
    merged_records: list[dict] = []
    for tab, text in halves(records):
        m = merge_pair(tab, text)
        merged_records.append(m)
        replaced.setdefault(tab["doc"], m["doc"])
        replaced.setdefault(text["doc"], m["doc"])
    if not replaced:
        return records, {}
    out = [r for r in records if r.get("doc") not in replaced] + merged_records
    return out, replaced
