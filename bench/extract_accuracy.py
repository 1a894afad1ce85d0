"""Extraction accuracy against the hand-built gold records, validator findings and time per document.

    python bench/extract_accuracy.py [--corpus data/corpus] [--gold evals/gold] [--json]

Field accuracy: every leaf in a gold record (dot path, value not null) is compared with the extracted
record: numbers equal to the cent (|Δ| < 0.005), strings equal after whitespace/NFKC normalisation;
`expenditure.by_function` is compared as a set of (code, amount). A gold leaf whose value is null
counts as correct when the extraction is null too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gongkai  # noqa: E402,F401


def leaves(node, prefix=""):
    if isinstance(node, dict):
        if "value" in node and "evidence" in node:
            yield prefix, node
            return
        for k, v in node.items():
            if not prefix and k in ("tables", "validation", "conflicts", "warnings", "by_function", "line_items",
                                    "tables_empty"):
                continue
            if k == "structure":
                continue
            yield from leaves(v, f"{prefix}.{k}" if prefix else k)


def get(node, path):
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 0.005
    norm = lambda s: "".join(unicodedata.normalize("NFKC", str(s)).split())
    return norm(a) == norm(b)


def compare(gold: dict, rec: dict) -> dict:
    fields, right, wrong = 0, 0, []
    for path, leaf in leaves(gold):
        fields += 1
        got = get(rec, path)
        got_v = got.get("value") if isinstance(got, dict) else None
        if same(leaf.get("value"), got_v):
            right += 1
        else:
            wrong.append({"path": path, "gold": leaf.get("value"), "got": got_v})
    gf = get(gold, "expenditure.by_function")
    if isinstance(gf, list):
        gold_set = {(str(i["code"]["value"]), round(float(i["amount"]["value"] or 0), 2)) for i in gf}
        got_set = {(str(i["code"]["value"]), round(float(i["amount"]["value"] or 0), 2))
                   for i in get(rec, "expenditure.by_function") or []}
        fields += 1
        if gold_set == got_set:
            right += 1
        else:
            wrong.append({"path": "expenditure.by_function", "gold": sorted(gold_set), "got": sorted(got_set)})
    # project lines (表7, 情况说明 七): compared in printed order, leaf by leaf (a gold `accept` list is honoured)
    for key in ("projects", "narrative_projects"):
        mine = rec.get(key) or []
        for i, g in enumerate(gold.get(key) or []):
            for field, leaf in g.items():
                if leaf.get("value") is None and not leaf.get("accept"):
                    continue
                fields += 1
                got = ((mine[i] if i < len(mine) else {}).get(field) or {}).get("value")
                if any(same(w, got) for w in [leaf.get("value"), *(leaf.get("accept") or [])]):
                    right += 1
                else:
                    wrong.append({"path": f"{key}[{i}].{field}", "gold": leaf.get("value"), "got": got})
    # line items: gold rows per table, matched to extracted rows by subject code ("total" = the 合计 row)
    for tid, rows in (gold.get("line_items") or {}).items():
        mine = ((rec.get("tables") or {}).get(tid) or {}).get("rows", [])
        uncoded = [r for r in mine if not r.get("code") and r.get("level") != "total"]
        k = 0
        for g in rows:
            code = g.get("code")
            if not code:  # rows without a subject code (表11 items): matched in order
                cand = uncoded[k : k + 1]
                k += 1
            else:
                cand = [r for r in mine if (r.get("level") == "total" if code == "total" else r.get("code") == code)]
            for col, leaf in (g.get("values") or {}).items():
                fields += 1
                got = None
                for r in cand:
                    v = (r.get("values") or {}).get(col)
                    if v is not None and v.get("value") is not None:
                        got = v.get("value")
                        if same(leaf.get("value"), got):
                            break
                if same(leaf.get("value"), got):
                    right += 1
                else:
                    wrong.append({"path": f"line_items.{tid}.{code}.{col}", "gold": leaf.get("value"), "got": got})
    for tid, leaf in (gold.get("tables_empty") or {}).items():
        fields += 1
        status = ((rec.get("tables") or {}).get(tid) or {}).get("status")
        want = "empty" if leaf.get("value") == "empty" else "missing"
        if status == want:
            right += 1
        else:
            wrong.append({"path": f"tables_empty.{tid}", "gold": leaf.get("value"), "got": status})
    return {"fields": fields, "correct": right, "wrong": wrong}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "data" / "corpus"))
    ap.add_argument("--gold", default=str(ROOT / "evals" / "gold"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from extract.api import extract_document
    from extract.validate import summary
    from ingest.pipeline import load_document

    report = []
    for path in sorted(Path(args.corpus).glob("*.txt")):
        t0 = time.perf_counter()
        doc = load_document(path)
        t1 = time.perf_counter()
        rec = extract_document(doc, engine="deterministic").export()
        t2 = time.perf_counter()
        item = {"doc": rec["doc"], "load_s": round(t1 - t0, 3), "extract_s": round(t2 - t1, 3),
                "validation": summary(rec["validation"]),
                "findings": [f"[{c['status']}] {c['description']} ({c['lhs']} vs {c['rhs']})"
                             for c in rec["validation"] if c["status"] != "pass"]}
        gold_path = Path(args.gold) / f"{rec['doc']}.json"
        if gold_path.exists():
            item["accuracy"] = compare(json.loads(gold_path.read_text(encoding="utf-8")), rec)
        report.append(item)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    tot_f = tot_c = 0
    print("| doc | load s | extract s | pass | rounding | mismatch | insufficient | fields | correct | accuracy |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for it in report:
        v, a = it["validation"], it.get("accuracy")
        acc = f"{a['correct']}/{a['fields']} | {a['correct'] / max(a['fields'], 1):.1%}" if a else "- | no gold"
        print(f"| {it['doc']} | {it['load_s']} | {it['extract_s']} | {v['pass']} | {v['rounding']} | {v['mismatch']} | "
              f"{v['insufficient_data']} | {a['fields'] if a else '-'} | {acc} |")
        if a:
            tot_f += a["fields"]
            tot_c += a["correct"]
    if tot_f:
        print(f"\noverall field accuracy: {tot_c}/{tot_f} = {tot_c / tot_f:.1%}")
    for it in report:
        print(f"\n{it['doc']} findings:")
        for f in it["findings"]:
            print(f"  {f}")
        for w in (it.get("accuracy") or {}).get("wrong", []):
            print(f"  wrong: {w['path']}: gold {w['gold']!r} got {w['got']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
