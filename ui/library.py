"""The Library's table: one row per disclosure (a text file and a tables file of one body, year and
kind are one row, as `gongkai list` groups them), with what kind of document it is, the body's level,
the tables recognised and those the template requires but were not found, its state and its checks;
filtered and sorted as the user asks. Plain Python (no gradio)."""

from __future__ import annotations

from typing import Any

COLUMNS = ["单位 body", "年度 year", "类型 kind", "级次 level", "地区 region", "表 tables", "未识别 not recognised",
           "状态 state", "校验 validation", "文件 files"]
KINDS = ["部门预算", "单位预算", "部门决算", "单位决算"]
SORTS = {"单位 body": "body", "年度（新→旧）year, newest first": "year_desc", "年度（旧→新）year, oldest first": "year",
         "类型 kind": "kind", "最近导入 recently added": "added", "校验问题多 most findings": "findings"}
FINDINGS = ("mismatch", "irreproducible_rounding", "rounding")


def _summary(counts: dict[str, int] | None) -> str:
    from ui.records import STATUS_ORDER

    if counts is None:
        return "not extracted"
    if not counts:
        return "no checks"
    keys = STATUS_ORDER + sorted(set(counts) - set(STATUS_ORDER))
    return " · ".join(f"{counts[k]} {k}" for k in keys if counts.get(k))


def disclosures(entries: list[dict], records: dict[str, dict], states: dict[str, str],
                merged: dict[str, dict] | None = None) -> list[dict]:
    """One dict per disclosure: the catalog entries (`entries`), each file's record (`records`, slim:
    `validation_counts`), states and — for two files of one disclosure — their merged record."""
    from ingest.catalog import zh_name
    from ingest.cli import halves

    pair = halves(entries)
    by_doc = {e["doc"]: e for e in entries}
    seen: set[str] = set()
    out = []
    for e in entries:
        if e["doc"] in seen:
            continue
        files = [e]
        other = by_doc.get(pair.get(e["doc"], ""))
        if other is not None:
            files = sorted([e, other], key=lambda x: x.get("part") != "tables")  # tables half first
        seen.update(f["doc"] for f in files)
        recs = [records.get(f["doc"]) for f in files]
        rec = (merged or {}).get("+".join(f["doc"] for f in files)) if len(files) == 2 else recs[0]
        tables = sorted({t for f in files for t in f.get("tables") or []})
        missing = [t for t in (rec or {}).get("tables_missing") or [] if t not in tables]
        counts = (rec or {}).get("validation_counts")
        out.append({
            "docs": [f["doc"] for f in files],
            "body": files[0].get("department") or next((f.get("department") for f in files if f.get("department")), None),
            "year": next((f.get("fiscal_year") for f in files if f.get("fiscal_year")), None),
            "kind": next((f.get("doc_kind") for f in files if f.get("doc_kind")), None),
            "level": next((f.get("level") for f in files if f.get("level")), None),
            "region": next((f.get("region") for f in files if f.get("region")), None),
            "tables": tables, "missing": missing,
            "tables_text": ", ".join(zh_name(t) for t in tables),
            "missing_text": ", ".join(zh_name(t) for t in missing) or "—",
            "state": " / ".join(dict.fromkeys(states.get(f["doc"], "—") for f in files)),
            "validation": _summary(counts) if rec else "not extracted",
            "findings": sum((counts or {}).get(k, 0) for k in FINDINGS),
            "added": max(f.get("added") or 0 for f in files),
            "parts": [f.get("part") for f in files],
        })
    return out


def select(rows: list[dict], query: str = "", kind: str | None = None, year: Any = None,
           sort: str = "body") -> list[dict]:
    """Rows matching the text (body, region, file name), the kind and the year, in `sort` order."""
    q = (query or "").strip().lower()
    out = [r for r in rows
           if (not q or any(q in str(x or "").lower() for x in (r["body"], r["region"], *r["docs"])))
           and (not kind or kind == "全部 all" or r["kind"] == kind)
           and (year in (None, "", "全部 all") or str(r["year"]) == str(year))]
    key = SORTS.get(sort, sort)
    if key == "year_desc":
        out.sort(key=lambda r: (-(r["year"] or 0), r["body"] or ""))
    elif key == "year":
        out.sort(key=lambda r: (r["year"] or 0, r["body"] or ""))
    elif key == "kind":
        out.sort(key=lambda r: (r["kind"] or "", r["body"] or "", r["year"] or 0))
    elif key == "added":
        out.sort(key=lambda r: -r["added"])
    elif key == "findings":
        out.sort(key=lambda r: (-r["findings"], r["body"] or ""))
    else:
        out.sort(key=lambda r: (r["body"] or "~", r["year"] or 0))
    return out


def table(rows: list[dict]) -> list[list[Any]]:
    """The rows as the Library's DataFrame shows them (the last column: the files, first one opens)."""
    out = []
    for r in rows:
        n_tables = len(r["tables"])
        files = " + ".join(f"{d} ({p})" if len(r["docs"]) > 1 else d for d, p in zip(r["docs"], r["parts"]))
        out.append([r["body"] or "—", r["year"] or "—", r["kind"] or "—", r["level"] or "—", r["region"] or "—",
                    f"{n_tables} recognised" if n_tables else "none recognised", r["missing_text"], r["state"],
                    r["validation"], files])
    return out


def years(rows: list[dict]) -> list[str]:
    return ["全部 all", *sorted({str(r["year"]) for r in rows if r["year"]}, reverse=True)]
