"""The validator against hand-found inconsistencies: recall and false alarms (`gongkai eval validate`).

Gold (written by hand from the documents, independent of the code):
- `evals/gold/<stem>.inconsistencies.json` — the bundled samples (data/corpus);
- `evals/wild/jiangsu/<stem>.inconsistencies.json` — the Jiangsu PDFs (a two-file disclosure is filed
  under its tables file's stem); `evals/wild/jiangsu/CONSISTENT.md` lists the disclosures found fully
  consistent (any finding there is a false alarm) and, under "Not inconsistencies", figures that look
  wrong but are not (a finding on them is a false alarm too);
- the synthetic generator's injected errors (`evals/synth`, `inject_rate`): each must be found, and a
  document generated without errors must raise no finding.

A finding is a check with status `mismatch` or `irreproducible_rounding`. A gold item of an
arithmetic kind is found when a finding on its document (either file of a two-file disclosure, or
their merge) names one of its two figures (or its difference, when it is not a rounding-sized one) and
cites a page/line near the gold's evidence. Gold kinds that no arithmetic can expose (layout, a
missing table, a truncated sentence) are listed apart.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARITHMETIC = {"narrative_vs_table", "sum_mismatch", "change_recompute", "share_recompute", "count_mismatch"}
FINDINGS = ("mismatch", "irreproducible_rounding")
BODIES = {"人大": "江苏省人大办公厅", "检察院": "江苏省人民检察院", "省委办公厅": "江苏省委办公厅", "政协": "江苏省政协办公厅",
          "法院": "江苏省高级人民法院"}


# -- gold ----------------------------------------------------------------------------------------

def load_items(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    stem = path.name[: -len(".inconsistencies.json")]
    return [dict(item, doc=stem) for item in data.get("inconsistencies", [])]


def consistent_docs(md: Path) -> set[str]:
    """File stems of the disclosures CONSISTENT.md lists as consistent (its first table)."""
    if not md.exists():
        return set()
    text = md.read_text(encoding="utf-8").split("## Not inconsistencies")[0]
    return {Path(name).stem for name in re.findall(r"`([^`]+\.pdf)`", text)}


def not_inconsistencies(md: Path, stems: list[str]) -> list[dict]:
    """The "Not inconsistencies" bullets of CONSISTENT.md: (documents, figures named) per bullet."""
    if not md.exists() or "## Not inconsistencies" not in md.read_text(encoding="utf-8"):
        return []
    out = []
    section = md.read_text(encoding="utf-8").split("## Not inconsistencies", 1)[1]
    for bullet in re.split(r"\n- ", section)[1:]:
        docs = set()
        for short, year in re.findall(r"(人大|检察院|省委办公厅|政协|法院)\s*(20\d\d)", bullet):
            docs |= {s for s in stems if s.startswith(BODIES[short] + "_") and year in s}
        numbers = {Decimal(n.replace(",", "")) for n in re.findall(r"(?<![\d.])\d[\d,]*\.\d+", bullet)}
        if docs and numbers:
            out.append({"docs": docs, "numbers": numbers, "text": bullet.strip()[:160]})
    return out


# -- records -------------------------------------------------------------------------------------

def extract_all(files: list[Path], extract_fn=None) -> tuple[dict[str, dict], dict[str, dict]]:
    """({stem: record}, {stem: merged record of its disclosure}) for every file; a two-file disclosure's
    halves both map to their merged record."""
    from extract.merge import merge_halves

    if extract_fn is None:
        from extract.api import extract_path as extract_fn
    records = {}
    for f in files:
        try:
            records[Path(f).stem] = extract_fn(f)
        except Exception as exc:  # a refused file is reported, not fatal
            records[Path(f).stem] = {"doc": Path(f).stem, "validation": [], "error": f"{type(exc).__name__}: {exc}"}
    merged, replaced = merge_halves([r for r in records.values() if "error" not in r])
    by_doc = {m["doc"]: m for m in merged}
    halves = {}
    for stem in records:
        doc = records[stem].get("doc")
        if doc in replaced:
            halves[stem] = by_doc[replaced[doc]]
    return records, halves


def findings(stem: str, records: dict[str, dict], halves: dict[str, dict]) -> list[dict]:
    """The findings on a document: its own record's, its disclosure's merged record's and (for a merged
    disclosure) the other half's — one per (rule, figures)."""
    recs = [records.get(stem)]
    merged = halves.get(stem)
    if merged is not None:
        recs.append(merged)
        recs += [r for s, r in records.items() if halves.get(s) is merged and s != stem]
    out, seen = [], set()
    for r in recs:
        for c in (r or {}).get("validation") or []:
            if c.get("status") not in FINDINGS:
                continue
            key = (c.get("rule"), _f(c.get("lhs")), _f(c.get("rhs")))
            if key not in seen:
                seen.add(key)
                out.append(dict(c, record=(r or {}).get("doc")))
    return out


def _f(x: Any) -> float | None:
    try:
        return round(float(x), 4)
    except (TypeError, ValueError):
        return None


def _numbers(check: dict) -> set[Decimal]:
    vals = [check.get("lhs"), check.get("rhs")] + [t.get("value") for t in check.get("terms") or []]
    out = set()
    for v in vals:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.add(abs(Decimal(str(v))).quantize(Decimal("0.01")))
    return out


def _closeness(item: dict, check: dict) -> tuple:
    """How well a finding fits a gold item: its own two sides equal to the gold's first."""
    gold = {abs(Decimal(str(v))).quantize(Decimal("0.01")) for v in (item.get("lhs"), item.get("rhs"))
            if isinstance(v, (int, float))}
    sides = {abs(Decimal(str(v))).quantize(Decimal("0.01")) for v in (check.get("lhs"), check.get("rhs"))
             if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return len(gold & sides), len(gold & _numbers(check))


def _places(evidence: list[dict]) -> tuple[set, set]:
    pages = {e.get("page") for e in evidence or [] if e.get("page") is not None}
    lines = {e.get("line") for e in evidence or [] if isinstance(e.get("line"), int)}
    return pages, lines


def matches(item: dict, check: dict) -> bool:
    """Does a finding report this gold inconsistency? One of its figures (or its difference, when larger
    than a rounding) and, where the gold says where, a page in common or a line within 8."""
    gold = {abs(Decimal(str(v))).quantize(Decimal("0.01")) for v in (item.get("lhs"), item.get("rhs"))
            if isinstance(v, (int, float))}
    have = _numbers(check)
    diff_g, diff_c = item.get("difference"), check.get("difference")
    same_diff = (isinstance(diff_g, (int, float)) and isinstance(diff_c, (int, float)) and abs(diff_g) >= 0.05
                 and abs(abs(diff_g) - abs(diff_c)) < 0.006)
    gp, gl = _places(item.get("evidence"))
    if not have:
        # a finding without figures (a fact, or a flag written by hand): by place alone — a line within 4
        # of the gold's evidence, or the same record path outside the tables
        _, cl0 = _places(check.get("evidence"))
        paths = item.get("paths") or []
        same_path = any(cp == p or cp.startswith(p + ".") for p in paths for cp in check.get("paths") or []
                        if not p.startswith("tables."))
        return any(abs(a - b) <= 4 for a in gl for b in cl0) or same_path
    if not (gold & have) and not same_diff:
        return False
    cp, cl = _places(check.get("evidence"))
    for t in check.get("terms") or []:
        p, l = _places(t.get("evidence"))
        cp |= p
        cl |= l
    if gl and cl and any(abs(a - b) <= 8 for a in gl for b in cl):
        return True
    if gp and cp:
        return bool(gp & cp)
    return not gl or not cl


# -- scoring -------------------------------------------------------------------------------------

def score(gold_items: list[dict], records: dict[str, dict], halves: dict[str, dict], consistent: set[str],
          not_incons: list[dict]) -> dict[str, Any]:
    per_doc: dict[str, dict] = {}
    found = 0
    detectable = [i for i in gold_items if i.get("kind") in ARITHMETIC]
    matched: set[tuple] = set()
    for item in gold_items:
        doc = item["doc"]
        d = per_doc.setdefault(doc, {"items": [], "false_alarms": [], "other_findings": []})
        fs = findings(doc, records, halves)
        hits = [c for c in fs if matches(item, c)]
        hit = max(hits, key=lambda c: _closeness(item, c)) if hits else None
        if hit is not None:
            matched.add((doc, hit.get("id"), _f(hit.get("lhs")), _f(hit.get("rhs"))))
        arithmetic = item.get("kind") in ARITHMETIC
        found += bool(hit) and arithmetic
        d["items"].append({"id": item["id"], "kind": item.get("kind"), "arithmetic": arithmetic,
                           "flagged": hit is not None, "check": hit.get("id") if hit else None,
                           "status": hit.get("status") if hit else None, "what": item.get("what", "")[:160]})
    # false alarms: any finding on a consistent disclosure, or on a figure the gold explains
    stems = sorted(records)
    false_alarms = other = 0
    for stem in stems:
        fs = findings(stem, records, halves)
        merged = halves.get(stem)
        group = {stem} | ({s for s in stems if halves.get(s) is merged} if merged is not None else set())
        is_consistent = bool(group & consistent)
        for c in fs:
            key = (c.get("id"), _f(c.get("lhs")), _f(c.get("rhs")))
            if any(key == m[1:] for m in matched if m[0] in group):
                continue
            sides = {abs(Decimal(str(v))).quantize(Decimal("0.01")) for v in (c.get("lhs"), c.get("rhs"))
                     if isinstance(v, (int, float)) and not isinstance(v, bool)}
            explained = next((n for n in not_incons if group & n["docs"] and sides & {
                x.quantize(Decimal("0.01")) for x in n["numbers"]}), None)
            entry = {"doc": stem, "id": c.get("id"), "rule": c.get("rule"), "status": c.get("status"),
                     "lhs": c.get("lhs"), "rhs": c.get("rhs"), "description": c.get("description", "")[:100]}
            d = per_doc.setdefault(stem, {"items": [], "false_alarms": [], "other_findings": []})
            if is_consistent or explained:
                if entry not in d["false_alarms"]:
                    d["false_alarms"].append(dict(entry, why="consistent disclosure" if is_consistent else explained["text"][:80]))
            elif entry not in d["other_findings"]:
                d["other_findings"].append(entry)
    false_alarms = len({(a["id"], _f(a["lhs"]), _f(a["rhs"])) for d in per_doc.values() for a in d["false_alarms"]})
    other = sum(len(d["other_findings"]) for d in per_doc.values())
    return {"detectable": len(detectable), "found": found,
            "recall": round(found / len(detectable), 3) if detectable else None,
            "false_alarms": false_alarms, "other_findings": other,
            "non_arithmetic": [{"doc": i["doc"], "id": i["id"], "kind": i.get("kind")} for i in gold_items
                               if i.get("kind") not in ARITHMETIC],
            "documents": per_doc}


def evaluate(corpus: Path | None = None, wild: Path | None = None, gold_dir: Path | None = None,
             wild_gold: Path | None = None, extract_fn=None) -> dict[str, Any]:
    """Recall and false alarms on the bundled samples and the Jiangsu PDFs."""
    import os

    # one process per PDF: reading a PDF's table pages in two processes gives other lines today
    # (tests/test_ingest_pdf.py::test_table_pages_split_over_two_processes_give_the_same_lines fails),
    # which would make this measure the loader's timing, not the validator
    os.environ.setdefault("GONGKAI_PARSE_PAGE_WORKERS", "1")
    corpus = corpus or ROOT / "data" / "corpus"
    wild = wild or ROOT / "data" / "wild" / "jiangsu"
    gold_dir = gold_dir or ROOT / "evals" / "gold"
    wild_gold = wild_gold or ROOT / "evals" / "wild" / "jiangsu"
    out = {}
    for name, files, gdir in (("samples", sorted(corpus.glob("*.txt")), gold_dir),
                              ("jiangsu", sorted(wild.glob("*.pdf")), wild_gold)):
        if not files:
            continue
        t0 = time.perf_counter()
        records, halves = extract_all(files, extract_fn)
        items = [i for p in sorted(gdir.glob("*.inconsistencies.json")) for i in load_items(p)]
        md = gdir / "CONSISTENT.md"
        res = score(items, records, halves, consistent_docs(md), not_inconsistencies(md, sorted(records)))
        res["files"] = len(files)
        res["consistent_disclosures"] = sorted(consistent_docs(md))
        res["seconds"] = round(time.perf_counter() - t0, 1)
        out[name] = res
    return out


def synthetic(n: int = 12, seed: int = 7, **variant) -> dict[str, Any]:
    """Injected errors found (every injected document) and findings on documents generated without errors."""
    from evals.synth import generate
    from extract.api import extract_path

    tmp = Path(tempfile.mkdtemp(prefix="gongkai-synth-validate-"))
    injected = generate(n, tmp / "inj", seed=seed, inject_rate=1.0, **variant)
    clean = generate(n, tmp / "clean", seed=seed + 1, inject_rate=0.0, **variant)
    total = found = 0
    misses, by_kind = [], {}
    for g in injected:
        gold = json.loads(g.gold.read_text(encoding="utf-8"))
        errors = (gold.get("synthetic") or {}).get("injected") or gold.get("injected") or []
        rec = extract_path(g.text)
        fs = [c for c in rec.get("validation") or [] if c.get("status") in FINDINGS]
        for e in errors:
            total += 1
            want = {abs(Decimal(str(e["printed"]))).quantize(Decimal("0.01"))}
            hit = next((c for c in fs if want & _numbers(c)), None)
            k = by_kind.setdefault(e["key"].split(".")[0] if e["key"].startswith("class.") else e["key"], [0, 0])
            k[1] += 1
            if hit:
                found += 1
                k[0] += 1
            else:
                misses.append({"doc": g.doc, "key": e["key"], "printed": e["printed"], "expected": e["expected"]})
    alarms = []
    for g in clean:
        rec = extract_path(g.text)
        alarms += [{"doc": g.doc, "id": c["id"], "lhs": c.get("lhs"), "rhs": c.get("rhs")}
                   for c in rec.get("validation") or [] if c.get("status") in FINDINGS]
    return {"documents": n, "injected": total, "found": found, "by_kind": {k: f"{a}/{b}" for k, (a, b) in by_kind.items()},
            "misses": misses, "clean_documents": n, "false_alarms": len(alarms), "alarms": alarms[:20]}


VARIANTS = {"template": {}, "jiangsu": {"layout": "jiangsu"}, "mixed layouts": {"layouts": "mixed"}, "决算": {"kind": "final"}}


def synthetic_all(n: int = 12, seed: int = 7) -> dict[str, Any]:
    """`synthetic` over the generator's variants (template, Jiangsu layout, mixed layouts, 决算), summed."""
    per = {name: synthetic(n, seed, **variant) for name, variant in VARIANTS.items()}
    total = {"documents": sum(r["documents"] for r in per.values()), "injected": sum(r["injected"] for r in per.values()),
             "found": sum(r["found"] for r in per.values()), "clean_documents": sum(r["clean_documents"] for r in per.values()),
             "false_alarms": sum(r["false_alarms"] for r in per.values()),
             "misses": [dict(m, variant=k) for k, r in per.items() for m in r["misses"]],
             "alarms": [dict(a, variant=k) for k, r in per.items() for a in r["alarms"]]}
    kinds: dict[str, list[int]] = {}
    for r in per.values():
        for k, v in r["by_kind"].items():
            a, b = (int(x) for x in v.split("/"))
            kinds.setdefault(k, [0, 0])
            kinds[k][0] += a
            kinds[k][1] += b
    total["by_kind"] = {k: f"{a}/{b}" for k, (a, b) in kinds.items()}
    total["variants"] = {k: {x: r[x] for x in ("documents", "injected", "found", "false_alarms")} for k, r in per.items()}
    return total


def format_report(res: dict[str, Any]) -> str:
    lines = ["validator vs hand-found inconsistencies (findings = mismatch + irreproducible_rounding)"]
    for name in ("samples", "jiangsu"):
        r = res.get(name)
        if not r:
            continue
        lines.append(f"{name}: {r['files']} files — arithmetic inconsistencies flagged {r['found']}/{r['detectable']} "
                     f"(recall {r['recall']}), false alarms {r['false_alarms']}, other findings {r['other_findings']}")
        for doc, d in r["documents"].items():
            for it in d["items"]:
                if it["arithmetic"] and not it["flagged"]:
                    lines.append(f"  missed {doc[:40]} {it['id']}: {it['what'][:90]}")
            for a in d["false_alarms"]:
                lines.append(f"  FALSE ALARM {doc[:40]} {a['id']} {a['lhs']} vs {a['rhs']} ({a['why'][:50]})")
    s = res.get("synthetic")
    if s:
        lines.append(f"synthetic: injected errors found {s['found']}/{s['injected']} ({s['by_kind']}); "
                     f"findings on {s['clean_documents']} documents without errors: {s['false_alarms']}")
        for m in s["misses"]:
            lines.append(f"  missed {m.get('variant', '')} {m['doc']} {m['key']} printed {m['printed']} (expected {m['expected']})")
        from collections import Counter

        for (variant, check), n in Counter((a.get("variant", ""), a["id"]) for a in s.get("alarms") or []).most_common():
            lines.append(f"  finding on an error-free synthetic document: {variant} {check} ×{n}")
    return "\n".join(lines)
