"""Compare and trends: one figure across the bodies and years picked — a table (each value as printed,
its 万元 value, where it is printed), a chart (budget beside actual for a 决算; year on year when one
body is picked) and a CSV of the same rows. Every value is read by `ui.figures.read`, the reading the
chat answers from. Plain Python (no gradio)."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path
from typing import Any

from extract.store import leaf
from ui import figures

# the figures offered: every amount and count of the catalogue (qa/figures.json), in its order
SKIP_KINDS = ("text",)


def choices() -> list[tuple[str, str]]:
    """(label, key) of the figures Compare offers."""
    from qa.lexicon import METRICS

    return [(figures.bilingual(m.key), m.key) for m in METRICS if m.kind not in SKIP_KINDS]


def _body(rec: dict) -> str:
    return str(leaf(rec, "department")[0] or rec.get("doc"))


def _year(rec: dict) -> int | None:
    y = leaf(rec, "fiscal_year")[0]
    try:
        return int(y)
    except (TypeError, ValueError):
        return None


def _kind(rec: dict) -> str:
    return str(leaf(rec, "doc_kind")[0] or "")


def options(records: list[dict]) -> tuple[list[str], list[str]]:
    """(bodies, years) present in the library, for the pickers."""
    return (sorted({_body(r) for r in records}), sorted({str(y) for r in records if (y := _year(r))}, reverse=True))


def rows(records: list[dict], key: str, bodies: list[str] | None = None, years: list[str] | None = None) -> list[dict]:
    """One row per disclosure of the picked bodies and years (all when none is picked), body then year."""
    out = []
    for rec in records:
        body, year = _body(rec), _year(rec)
        if bodies and body not in bodies:
            continue
        if years and str(year) not in [str(y) for y in years]:
            continue
        r = figures.read(rec, key)
        cite = (r.evidence[0] if r and r.evidence else None)
        flags = [c for c in rec.get("validation") or []
                 if r and r.path in (c.get("paths") or []) and c.get("status") == "mismatch"]
        out.append({"doc": rec.get("doc"), "body": body, "year": year, "kind": _kind(rec),
                    "value": r.value if r else None, "shown": r.text if r else "—（未列示 not stated）",
                    "unit": r.unit if r else "", "budget": r.budget if r else None,
                    "budget_shown": r.budget_text if r else "", "citation": cite,
                    "budget_citation": (r.budget_evidence[0] if r and r.budget_evidence else None),
                    "evidence": _cite(cite), "flag": "; ".join(f"不符 mismatch: {c.get('id')}" for c in flags)})
    out.sort(key=lambda x: (x["body"], x["year"] or 0, x["kind"]))
    return out


def _cite(c: dict | None) -> str:
    if not c:
        return "—"
    where = " · ".join(x for x in (f"p.{c['page']}" if c.get("page") else "", f"L.{c['line']}" if c.get("line") else "") if x)
    quote = " ".join(str(c.get("quote") or "").split())
    return f"{where} “{quote[:60]}{'…' if len(quote) > 60 else ''}”"


TABLE_COLUMNS = ["单位 body", "年度 year", "类型 kind", "数值（如原文）as printed", "预算数 budget (决算)", "出处 evidence",
                 "校验 flag"]


def table(rs: list[dict]) -> list[list[Any]]:
    return [[r["body"], r["year"] or "—", r["kind"] or "—", r["shown"], r["budget_shown"] or "", r["evidence"], r["flag"]]
            for r in rs]


def _num(v: Any) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def chart_svg(rs: list[dict], key: str, width: int = 860, height: int = 300) -> str:
    """A bar chart of the rows: one group per disclosure (body · year), the figure — and beside it the
    budget a 决算 prints; with one body, the groups are its years and each bar says the change on
    the year before. Values are in the figure's unit (万元 for amounts)."""
    pts = [r for r in rs if _num(r["value"]) is not None or _num(r["budget"]) is not None]
    unit = next((r["unit"] for r in rs if r["unit"]), "")
    title = f"{figures.figure_label(key)}（{unit}）" if unit else figures.figure_label(key)
    if not pts:
        return (f"<div class='gk-chart' data-bars='0'><b>{html.escape(title)}</b><p class='gk-note'>No picked "
                "document states this figure.</p></div>")
    one_body = len({r["body"] for r in pts}) == 1
    has_budget = any(_num(r["budget"]) is not None for r in pts)
    series = [("value", "决算数 actual" if has_budget else "数值 value", "#3a6fb0")]
    if has_budget:
        series.append(("budget", "预算数 budget", "#e0a030"))
    top = max(v for r in pts for s, _, _ in series if (v := _num(r[s])) is not None) or 1.0
    left, bottom, right, head = 64, 56, 12, 34
    plot_w, plot_h = width - left - right, height - bottom - head
    group_w = plot_w / len(pts)
    bar_w = min(60.0, group_w * 0.8 / len(series))
    parts = [f"<text x='{left}' y='16' class='gk-ct'>{html.escape(title)}</text>"]
    for i, (_, name, color) in enumerate(series):  # legend
        x = width - right - 150 * (len(series) - i)
        parts.append(f"<rect x='{x}' y='6' width='12' height='12' fill='{color}'/>"
                     f"<text x='{x + 16}' y='16' class='gk-cl'>{html.escape(name)}</text>")
    for t in range(5):  # axis
        y = head + plot_h - plot_h * t / 4
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e4e4e4'/>"
                     f"<text x='{left - 6}' y='{y + 4:.1f}' class='gk-ca' text-anchor='end'>{top * t / 4:,.0f}</text>")
    prev: dict[str, tuple] = {}  # the year before, per kind: a budget is not compared with a final account
    for g, r in enumerate(pts):
        gx = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for k, (field, name, color) in enumerate(series):
            v = _num(r[field])
            if v is None:
                continue
            h = plot_h * v / top
            x, y = gx + k * bar_w, head + plot_h - h
            shown = r["shown"] if field == "value" else r["budget_shown"]
            parts.append(f"<rect class='gk-bar gk-bar-{field}' x='{x:.1f}' y='{y:.1f}' width='{bar_w - 2:.1f}' "
                         f"height='{max(h, 0.5):.1f}' fill='{color}' data-value='{v}' data-doc='{html.escape(str(r['doc']))}'>"
                         f"<title>{html.escape(r['body'])} {r['year']} {name}: {html.escape(shown)}</title></rect>"
                         f"<text x='{x + (bar_w - 2) / 2:.1f}' y='{y - 3:.1f}' class='gk-cv' text-anchor='middle'>"
                         f"{v:,.2f}</text>")
        kind = str(r.get("kind") or "")
        label = (str(r["year"]) if one_body else f"{r['body'][:10]} {r['year'] or ''}") + \
            (f" {kind[-2:]}" if kind and len({str(x.get('kind') or '') for x in pts}) > 1 else "")
        cx = left + g * group_w + group_w / 2
        parts.append(f"<text x='{cx:.1f}' y='{head + plot_h + 16}' class='gk-cx' text-anchor='middle'>{html.escape(label)}</text>")
        v = _num(r["value"])
        before = prev.get(kind[-2:])
        if one_body and before and before[1] not in (None, 0) and v is not None and before[0] != r["year"]:
            parts.append(f"<text x='{cx:.1f}' y='{head + plot_h + 32}' class='gk-cd' text-anchor='middle'>"
                         f"{(v - before[1]) / before[1] * 100:+.1f}% 同比</text>")
        if v is not None:
            prev[kind[-2:]] = (r["year"], v)
    caption = f"{html.escape(pts[0]['body'])}: year on year" if one_body else f"{len(pts)} disclosures"
    return (f"<div class='gk-chart' data-bars='{sum(1 for p in parts if 'gk-bar ' in p)}'>"
            f"<svg viewBox='0 0 {width} {height}' width='100%' role='img' aria-label='{html.escape(title)}'>"
            f"{''.join(parts)}</svg><span class='gk-note'>{caption}</span></div>")


def write_csv(rs: list[dict], key: str, home: Path) -> Path:
    """The rows as CSV under $GONGKAI_HOME/exports (as printed, 万元 value, budget, where printed)."""
    out_dir = home / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"compare_{re.sub(r'[^0-9A-Za-z_.-]+', '_', key)}.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["figure", "label_zh", "label_en", "body", "year", "kind", "as_printed", "value", "unit",
                    "budget", "budget_as_printed", "doc", "page", "line", "quote"])
        for r in rs:
            c = r["citation"] or {}
            w.writerow([key, figures.figure_label(key), figures.figure_label(key, "en"), r["body"], r["year"], r["kind"], r["shown"],
                        "" if r["value"] is None else r["value"], r["unit"], "" if r["budget"] is None else r["budget"],
                        r["budget_shown"], c.get("doc", r["doc"]), c.get("page", ""), c.get("line", ""),
                        c.get("quote", "")])
    return path


CSS = """
.gk-chart svg{background:#fff;border:1px solid #e4e4e4;border-radius:6px}
.gk-ct{font-size:14px;font-weight:bold;fill:#222}
.gk-cl,.gk-cx{font-size:11px;fill:#333}
.gk-ca{font-size:10px;fill:#777}
.gk-cv{font-size:10px;fill:#222}
.gk-cd{font-size:10px;fill:#a33}
"""
