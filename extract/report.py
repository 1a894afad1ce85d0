"""The validation report an auditor reads: per document, the findings by severity with the page/line
and the quote of every figure involved, and a summary across documents (which checks fire most, which
bodies). One data shape (`build`), four renderings: text (the terminal), Markdown, HTML (one
self-contained page) and CSV (one row per check). `gongkai validate DIR --format md|html|csv` and the
app's validation tab use it; nothing here computes a figure — the checks come from extract/validate.py.

A disclosure published as two files (a text half and a tables half) is reported once, as its merged
record (extract/merge.py), so that the narrative is checked against the tables.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from typing import Any, Iterable

from extract.validate import FINDINGS, SEVERITY, STATUSES, catalogue, summary

SEVERITY_ORDER = ["error", "warning", "info", "none"]
STATUS_ZH = {"mismatch": "不符", "irreproducible_rounding": "无法由舍入解释", "rounding": "舍入差",
             "insufficient_data": "数据不足", "not_applicable": "不适用", "pass": "通过"}


def _where(evidence: list[dict]) -> str:
    parts = []
    for e in evidence or []:
        page = f"p{e['page']} " if e.get("page") else ""
        line = f"l{e['line']}" if e.get("line") is not None else ""
        parts.append((page + line).strip())
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _quote(e: dict, n: int = 80) -> str:
    return " ".join(str(e.get("quote") or "").split())[:n]


def sides(check: dict) -> list[dict]:
    """Each figure of a check with the place and quote that prints it (both sides)."""
    out = []
    for t in check.get("terms") or []:
        ev = (t.get("evidence") or [{}])[0]
        out.append({"role": t.get("role"), "path": t.get("path"), "value": t.get("value"), "page": ev.get("page"),
                    "line": ev.get("line"), "quote": _quote(ev)})
    return out


def records_for(paths: Iterable, engine: str = "deterministic") -> tuple[list[dict], list[str]]:
    """Records of the files under `paths` (two-file disclosures merged); (records, errors)."""
    from extract import bulk
    from extract.api import extract_path
    from extract.merge import merge_halves

    from pathlib import Path

    named = {Path(p).resolve() for p in paths if Path(p).is_file()}
    records, errors = [], []
    for f in bulk.expand(paths):
        try:
            rec = extract_path(f, engine=engine)
            rec["path"] = str(f)
            records.append(rec)
        except Exception as exc:
            if getattr(exc, "reason", None) == "not_a_disclosure" and Path(f).resolve() not in named:
                continue  # a README found in a directory is no disclosure, and no error
            errors.append(f"{f}: {getattr(exc, 'reason', type(exc).__name__)}: {exc}")
    merged, _ = merge_halves(records)
    return merged, errors


def build(records: list[dict], show_all: bool = False) -> dict[str, Any]:
    """The report data: documents (worst first) with their checks by severity, and the summary."""
    docs = []
    by_rule: Counter = Counter()
    by_body: Counter = Counter()
    totals: Counter = Counter()
    rules = catalogue()
    for rec in records:
        checks = rec.get("validation") or []
        shown = [c for c in checks if show_all or c.get("status") not in ("pass", "not_applicable")]
        shown.sort(key=lambda c: (SEVERITY_ORDER.index(c.get("severity") or SEVERITY.get(c.get("status"), "none")),
                                  STATUSES.index(c["status"]) if c["status"] in STATUSES else 9, c.get("id", "")))
        findings = [c for c in checks if c.get("status") in FINDINGS]
        body = ((rec.get("department") or {}).get("value") or rec.get("doc") or "?")
        year = (rec.get("fiscal_year") or {}).get("value")
        for c in findings:
            by_rule[c.get("rule") or c.get("id")] += 1
        if findings:
            by_body[f"{body} {year or ''}".strip()] += len(findings)
        counts = summary(checks)
        totals.update(counts)
        docs.append({"doc": rec.get("doc"), "path": rec.get("path"), "body": body, "year": year,
                     "kind": (rec.get("doc_kind") or {}).get("value"), "parts": rec.get("parts") or [],
                     "summary": counts, "findings": len(findings), "checks": shown})
    docs.sort(key=lambda d: (-d["findings"], str(d["doc"])))
    top = [{"rule": r, "count": n, "zh": (rules.get(r) or {}).get("zh", ""), "en": (rules.get(r) or {}).get("en", "")}
           for r, n in by_rule.most_common()]
    return {"documents": docs, "summary": {"documents": len(docs), "statuses": dict(totals),
                                           "documents_with_findings": sum(1 for d in docs if d["findings"]),
                                           "rules": top, "bodies": [{"body": b, "findings": n} for b, n in by_body.most_common()]}}


def _diff(c: dict) -> str:
    if c.get("difference") is None:
        return ""
    return f"{c.get('lhs')} vs {c.get('rhs')} (diff {c['difference']:+g})"


# -- renderings ------------------------------------------------------------------------------------

def to_text(rep: dict) -> str:
    lines = []
    for d in rep["documents"]:
        s = d["summary"]
        lines.append(f"{d['doc']} ({d['path']}): {s['pass']} pass, {s['rounding']} rounding, "
                     f"{s['irreproducible_rounding']} irreproducible rounding, {s['mismatch']} mismatch, "
                     f"{s['insufficient_data']} insufficient data, {s['not_applicable']} not applicable")
        for c in d["checks"]:
            diff = f" ({_diff(c)})" if c.get("difference") is not None else ""
            lines.append(f"  [{c['status']}] {c['description']}{diff}  [{_where(c.get('evidence'))}]")
    s = rep["summary"]
    lines.append("")
    lines.append(f"summary: {s['documents']} documents, {s['documents_with_findings']} with findings; "
                 + ", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items())))
    for r in s["rules"][:10]:
        lines.append(f"  {r['count']:4d}  {r['rule']}  {r['zh']}")
    return "\n".join(lines)


def to_markdown(rep: dict) -> str:
    s = rep["summary"]
    L = ["# 校验报告 Validation report", "",
         f"{s['documents']} documents, {s['documents_with_findings']} with findings (不符 mismatch / 无法由舍入解释的差额 "
         f"irreproducible rounding). Statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items())) + ".", "",
         "## Summary", "", "| check (rule) | findings | what it says |", "|---|---|---|"]
    L += [f"| `{r['rule']}` | {r['count']} | {r['zh']} |" for r in s["rules"]] or ["| – | 0 | |"]
    L += ["", "| body | findings |", "|---|---|"] + [f"| {b['body']} | {b['findings']} |" for b in s["bodies"]]
    for d in rep["documents"]:
        L += ["", f"## {d['doc']}", "", f"{d['body']} {d['year'] or ''} {d['kind'] or ''} — `{d['path']}`"
              + (f" (one disclosure in {len(d['parts'])} files)" if d["parts"] else ""), ""]
        if not d["checks"]:
            L.append("No findings.")
            continue
        for sev in SEVERITY_ORDER:
            group = [c for c in d["checks"] if (c.get("severity") or SEVERITY.get(c["status"])) == sev]
            if not group:
                continue
            L += [f"### {sev}", ""]
            for c in group:
                L.append(f"- **{STATUS_ZH.get(c['status'], c['status'])} {c['status']}** {c['description']} "
                         f"`{c['id']}`" + (f" — {_diff(c)}" if c.get("difference") is not None else "")
                         + (f" — {c['note']}" if c.get("note") else ""))
                for sd in sides(c)[:6]:
                    where = f"p{sd['page']} " if sd.get("page") else ""
                    where += f"l{sd['line']}" if sd.get("line") is not None else ""
                    L.append(f"  - {sd['role']} `{sd['path']}` = {sd['value']} [{where.strip()}] “{sd['quote']}”")
    return "\n".join(L) + "\n"


_CSS = """body{font-family:sans-serif;margin:1.5em;max-width:1200px}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;font-size:13px}th{background:#f3f3f3}
.error{background:#fde8e8}.warning{background:#fff4e0}.info{background:#f5f7ff}.q{color:#555;font-size:12px}
h2{border-top:2px solid #888;padding-top:.5em}"""


def to_html(rep: dict) -> str:
    e = html.escape
    s = rep["summary"]
    out = ["<!doctype html><html><head><meta charset='utf-8'><title>Gongkai validation report</title>",
           f"<style>{_CSS}</style></head><body>", "<h1>校验报告 Validation report</h1>",
           f"<p>{s['documents']} documents, {s['documents_with_findings']} with findings. Statuses: "
           + e(", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items()))) + "</p>",
           "<h2>Summary</h2><table><tr><th>check (rule)</th><th>findings</th><th>what it says</th></tr>"]
    out += [f"<tr><td><code>{e(r['rule'])}</code></td><td>{r['count']}</td><td>{e(r['zh'])}<br>"
            f"<span class='q'>{e(r['en'])}</span></td></tr>" for r in s["rules"]]
    out.append("</table><table><tr><th>body</th><th>findings</th></tr>")
    out += [f"<tr><td>{e(str(b['body']))}</td><td>{b['findings']}</td></tr>" for b in s["bodies"]]
    out.append("</table>")
    for d in rep["documents"]:
        out.append(f"<h2 id='{e(str(d['doc']))}'>{e(str(d['doc']))}</h2><p>{e(str(d['body']))} {e(str(d['year'] or ''))} "
                   f"{e(str(d['kind'] or ''))} — <code>{e(str(d['path']))}</code></p>")
        if not d["checks"]:
            out.append("<p>No findings.</p>")
            continue
        out.append("<table><tr><th>severity</th><th>status</th><th>check</th><th>lhs</th><th>rhs</th><th>difference</th>"
                   "<th>figures: where printed, quote</th></tr>")
        for c in d["checks"]:
            sev = c.get("severity") or SEVERITY.get(c["status"], "none")
            figs = "<br>".join(
                f"{e(str(sd['role']))} <code>{e(str(sd['path']))}</code> = {e(str(sd['value']))} "
                f"[{'p' + str(sd['page']) + ' ' if sd.get('page') else ''}{'l' + str(sd['line']) if sd.get('line') is not None else ''}]"
                f" <span class='q'>“{e(sd['quote'])}”</span>" for sd in sides(c)[:6])
            note = f"<br><span class='q'>{e(c['note'])}</span>" if c.get("note") else ""
            out.append(f"<tr class='{sev}'><td>{sev}</td><td>{e(STATUS_ZH.get(c['status'], ''))} {e(c['status'])}</td>"
                       f"<td>{e(c['description'])}<br><code>{e(c['id'])}</code>{note}</td><td>{e(str(c.get('lhs')))}</td>"
                       f"<td>{e(str(c.get('rhs')))}</td><td>{e(str(c.get('difference') if c.get('difference') is not None else ''))}</td>"
                       f"<td>{figs}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


CSV_FIELDS = ["doc", "body", "year", "severity", "status", "rule", "id", "description", "lhs", "rhs", "difference",
              "tolerance", "note", "page", "line", "quote", "figures"]


def to_csv(rep: dict) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    w.writeheader()
    for d in rep["documents"]:
        for c in d["checks"]:
            ev = (c.get("evidence") or [{}])[0]
            figs = " | ".join(f"{sd['role']} {sd['path']}={sd['value']} [p{sd.get('page') or ''} l{sd.get('line') or ''}] {sd['quote']}"
                              for sd in sides(c))
            w.writerow({"doc": d["doc"], "body": d["body"], "year": d["year"],
                        "severity": c.get("severity") or SEVERITY.get(c["status"]), "status": c["status"],
                        "rule": c.get("rule"), "id": c.get("id"), "description": c.get("description"), "lhs": c.get("lhs"),
                        "rhs": c.get("rhs"), "difference": c.get("difference"), "tolerance": c.get("tolerance"),
                        "note": c.get("note"), "page": ev.get("page"), "line": ev.get("line"), "quote": _quote(ev, 200),
                        "figures": figs})
    return buf.getvalue()


RENDER = {"text": to_text, "md": to_markdown, "html": to_html, "csv": to_csv}
