"""Check hand-written gold for real PDFs against the PDFs themselves.

Every gold value carries the PDF page (1-based) and an exact quote. This script checks, without any
Gongkai code, that
- the quote is printed on that page (whitespace ignored; the page text as pypdfium2 or pdfplumber
  reads it);
- a number in the quote equals the value (thousands separators ignored; a quote printed in 元 when
  the gold says `"printed_unit": "元"` is divided by 10,000 to compare with the 万元 value);
- identity values (department, year, kind) are printed in their quote.

Usage: python evals/wild/check_gold.py evals/wild/jiangsu [--pdfs data/wild/jiangsu]
Exit 0 when every value checks, 1 otherwise (each problem printed).

Gold file format: see evals/wild/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

_PAGES: dict[str, list[str]] = {}
_NUM = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
KINDS = {"部门预算", "单位预算", "部门决算", "单位决算"}
LEVELS = {"省", "市", "区", "县", "街道", "乡镇", "中央"}


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as pypdfium2 and pdfplumber read it (both, joined), whitespace removed."""
    key = str(pdf)
    if key not in _PAGES:
        import pdfplumber
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(pdf))
        a = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        with pdfplumber.open(str(pdf)) as p:
            b = [(pg.extract_text() or "") for pg in p.pages]
        _PAGES[key] = [squash(x) + "\n" + squash(y) for x, y in zip(a, b)]
    return _PAGES[key]


def numbers(quote: str) -> list[Decimal]:
    return [Decimal(m.group(0).replace(",", "")) for m in _NUM.finditer(quote)]


def check_entry(pdf: Path, where: str, entry: dict, numeric: bool, printed_unit: str | None) -> list[str]:
    problems = []
    page, quote = entry.get("page"), entry.get("quote")
    if not isinstance(page, int) or not quote:
        return [f"{where}: needs an int 'page' and a non-empty 'quote'"]
    pages = page_texts(pdf)
    if not 1 <= page <= len(pages):
        return [f"{where}: page {page} out of range (1..{len(pages)})"]
    if squash(quote) not in pages[page - 1]:
        problems.append(f"{where}: quote {quote!r} not printed on page {page}")
    value = entry.get("value")
    if numeric and value is not None:
        want = Decimal(str(value))
        unit = entry.get("printed_unit", printed_unit)
        factor = Decimal("0.0001") if unit == "元" else Decimal(10000) if unit == "亿元" else Decimal(1)
        if not any(n * factor == want for n in numbers(quote)):
            problems.append(f"{where}: value {value} not in quote {quote!r} (printed in {unit or '万元'})")
    return problems


def check_file(gold_path: Path, pdf_dir: Path) -> list[str]:
    g = json.loads(gold_path.read_text(encoding="utf-8"))
    pdf = pdf_dir / g["file"]
    if not pdf.exists():
        return [f"{gold_path.name}: no PDF {pdf}"]
    out = []
    ident = g.get("identity", {})
    for key in ("department", "fiscal_year", "doc_kind", "level"):
        if key not in ident:
            out.append(f"{gold_path.name}: identity.{key} missing")
    for key, e in ident.items():
        if key == "level":
            if e.get("value") not in LEVELS:
                out.append(f"{gold_path.name}: identity.level {e.get('value')!r} not one of {sorted(LEVELS)}")
            continue
        if key == "doc_kind" and e.get("value") not in KINDS:
            out.append(f"{gold_path.name}: identity.doc_kind {e.get('value')!r} not one of {sorted(KINDS)}")
        if "quote" in e:
            out += check_entry(pdf, f"{gold_path.name}: identity.{key}", e, False, None)
            v = str(e.get("value"))
            if key in ("department", "fiscal_year") and squash(v) not in squash(e["quote"]) and not e.get("abbrev"):
                out.append(f"{gold_path.name}: identity.{key} {v!r} not in its quote {e['quote']!r}")
    for i, t in enumerate(g.get("tables", [])):
        where = f"{gold_path.name}: tables[{i}] {t.get('kind')}"
        if "title_quote" in t:
            out += check_entry(pdf, where + " title", {"page": t.get("page"), "quote": t["title_quote"]}, False, None)
        if t.get("total") is not None:
            out += check_entry(pdf, where + " total", {"page": t.get("total_page", t.get("page")),
                                                       "quote": t.get("total_quote"), "value": t["total"]},
                               True, t.get("unit"))
    for path, e in g.get("fields", {}).items():
        where = f"{gold_path.name}: fields.{path}"
        out += check_entry(pdf, where, e, True, g.get("printed_unit"))
        for k, alt in enumerate(e.get("alt", [])):
            out += check_entry(pdf, f"{where} alt[{k}]", {**alt, "value": e.get("value")}, True, g.get("printed_unit"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--pdfs", type=Path, default=Path("data/wild/jiangsu"))
    a = ap.parse_args(argv)
    problems, n_files, n_values = [], 0, 0
    for f in sorted(p for p in a.gold_dir.glob("*.json") if not p.name.endswith(".inconsistencies.json")):
        n_files += 1
        g = json.loads(f.read_text(encoding="utf-8"))
        n_values += len(g.get("fields", {})) + len(g.get("identity", {})) + len(g.get("tables", []))
        problems += check_file(f, a.pdfs)
    for p in problems:
        print(p)
    print(f"{n_files} gold files, {n_values} values, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
