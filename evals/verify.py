"""Check labelled data against the documents: every evidence quote of every QA item and every gold
leaf must be printed in the named document at the named line (whitespace-insensitive; a quote may
run over the following wrapped lines when `line` is its first line), and the number of every
numeric lookup answer must appear in that item's evidence.

    python -m evals.verify [FILE.jsonl|GOLD.json ...] [--corpus DIR]

Exit status 1 when anything does not check out.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from evals.textnorm import locate, norm
from extract.store import is_leaf

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "data" / "corpus"


class Corpus:
    """Lines of the corpus documents, looked up by doc id or file name. Text files are read as they
    are; other files (PDF) go through `ingest.pipeline.load_document`, which also gives their pages."""

    def __init__(self, corpus: Path = DEFAULT_CORPUS):
        self.dir = Path(corpus)
        self._cache: dict[str, tuple[list[str], dict[int, list[str]] | None] | None] = {}

    def _load(self, doc: str) -> tuple[list[str], dict[int, list[str]] | None] | None:
        key = Path(str(doc)).stem
        if key not in self._cache:
            hits = sorted(p for p in self.dir.glob(f"{key}.*") if p.is_file())
            hits.sort(key=lambda p: p.suffix.lower() not in (".txt", ".md"))
            if not hits:
                self._cache[key] = None
            elif hits[0].suffix.lower() in (".txt", ".md"):
                self._cache[key] = (hits[0].read_text(encoding="utf-8", errors="replace").split("\n"), None)
            else:
                from ingest.pipeline import load_document

                d = load_document(hits[0])
                pages: dict[int, list[str]] = {}
                for ln in d.lines:
                    if ln.page is not None:
                        pages.setdefault(ln.page, []).append(ln.text)
                self._cache[key] = ([ln.text for ln in d.lines], pages or None)
        return self._cache[key]

    def lines(self, doc: str) -> list[str] | None:
        got = self._load(doc)
        return got[0] if got else None

    def page_lines(self, doc: str, page: int) -> list[str] | None:
        """Lines of one page (page_line order), or None when the document has no pages."""
        got = self._load(doc)
        if not got or got[1] is None:
            return None
        return got[1].get(page, [])


def _docs_of(item: dict[str, Any]) -> list[str]:
    doc = item.get("doc")
    if doc is None:
        return []
    return [str(d) for d in doc] if isinstance(doc, list) else [str(doc)]


def check_evidence(corpus: Corpus, doc: str | None, ev: dict[str, Any]) -> str | None:
    """None when the evidence checks out, else the reason."""
    doc = ev.get("doc") or doc
    if not doc:
        return "evidence names no document"
    lines = corpus.lines(doc)
    if lines is None:
        return f"document {doc} not in corpus"
    line, page = ev.get("line"), ev.get("page")
    quote = ev.get("quote") or ""
    if not norm(quote):
        return f"{doc}:{line or page}: empty quote"
    if isinstance(page, int) and not isinstance(page, bool):
        on_page = corpus.page_lines(doc, page)
        if on_page is not None:  # a paged document: `line` counts lines on that page
            lines = on_page
        if not isinstance(line, int):  # page only: the quote must be printed on the page
            if norm(quote) in "".join(norm(t) for t in lines):
                return None
            return f"{doc} page {page}: quote {quote!r} not printed there"
    if not isinstance(line, int):
        return f"evidence in {doc} has neither a line nor a page number"
    if locate(lines, line, quote) is None:
        got = lines[line - 1] if 0 < line <= len(lines) else "<out of range>"
        where = f"{doc}:{line}" if page is None else f"{doc} page {page} line {line}"
        return f"{where}: quote {quote!r} not printed there (line is {got!r})"
    return None


def number_forms(value: Any) -> set[str]:
    """Printed forms of a number: 261.4 → {'261.4', '261.40', '261'?no}."""
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return set()
    forms = {format(d, "f"), format(d.normalize(), "f")}
    if d == d.to_integral_value():
        forms.add(str(int(d)))
    forms.add(f"{d:.2f}")
    return {f for f in forms if f}


def number_in_text(value: Any, text: str) -> bool:
    t = norm(text)
    for form in number_forms(value):
        for m in re.finditer(re.escape(form), t):
            before = t[m.start() - 1] if m.start() > 0 else ""
            after = t[m.end()] if m.end() < len(t) else ""
            # not a piece of a longer number ("15" inside "2015.35"), but run-together tables
            # like "3.183.18" are fine at a decimal boundary
            if before.isdigit() and "." not in form[:1]:
                if not re.search(r"\.\d\d$", t[: m.start()]):
                    continue
            if after.isdigit() and "." in form and len(form.split(".")[1]) < 2:
                continue
            return True
    return False


def verify_qa_item(corpus: Corpus, item: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    iid = item.get("id", "?")
    docs = _docs_of(item)
    if "question" not in item or "answer_value" not in item:
        problems.append(f"{iid}: missing question/answer_value")
    evidence = item.get("evidence") or []
    if item.get("answer_value") is not None and not evidence:
        problems.append(f"{iid}: answerable item without evidence")
    for ev in evidence:
        for cand in [ev, *(ev.get("alt") or [])]:
            reason = check_evidence(corpus, docs[0] if len(docs) == 1 else None, {**cand, "doc": cand.get("doc") or ev.get("doc")})
            if reason:
                problems.append(f"{iid}: {reason}")
    value = item.get("answer_value")
    if item.get("type") == "lookup" and isinstance(value, (int, float)) and not isinstance(value, bool):
        text = " ".join(ev.get("quote", "") for ev in evidence)
        if not number_in_text(value, text):
            problems.append(f"{iid}: lookup answer {value} does not appear in its evidence")
    if item.get("type") == "lookup" and isinstance(value, str):
        text = " ".join(ev.get("quote", "") for ev in evidence)
        if norm(value) not in norm(text):
            problems.append(f"{iid}: lookup answer {value!r} does not appear in its evidence")
    return problems


def iter_leaves(obj: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(dot path, leaf) for every {"value", "evidence"} leaf of a gold/export record."""
    if is_leaf(obj):
        yield path, obj
    elif isinstance(obj, dict):
        for key, child in obj.items():
            yield from iter_leaves(child, f"{path}.{key}" if path else str(key))
    elif isinstance(obj, list):
        for i, child in enumerate(obj):
            yield from iter_leaves(child, f"{path}[{i}]")


def _stated(value: float, text: str) -> bool:
    """The number is printed in text; a decrease is printed unsigned after 减少/下降, a zero may be 无/空表."""
    if number_in_text(value, text):
        return True
    if value < 0 and re.search("减少|下降", text) and number_in_text(-value, text):
        return True
    return value == 0 and bool(re.search("无|空表|未安排", text))


def verify_gold(corpus: Corpus, gold: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    doc = gold.get("doc")
    for path, leaf in iter_leaves({k: v for k, v in gold.items() if k not in ("doc", "path")}):
        evidence = leaf.get("evidence") or []
        if leaf.get("value") is not None and not evidence:
            problems.append(f"{doc} {path}: value without evidence")
        for ev in evidence:
            reason = check_evidence(corpus, doc, ev)
            if reason:
                problems.append(f"{doc} {path}: {reason}")
        value = leaf.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and evidence:
            text = " ".join(ev.get("quote", "") for ev in evidence)
            if not _stated(value, text):
                problems.append(f"{doc} {path}: value {value} not in its evidence")
    return problems


def verify_inconsistencies(corpus: Corpus, data: dict[str, Any]) -> list[str]:
    problems = []
    for item in data.get("inconsistencies", []):
        for ev in item.get("evidence", []):
            reason = check_evidence(corpus, data.get("doc"), ev)
            if reason:
                problems.append(f"{data.get('doc')} {item.get('id')}: {reason}")
    return problems


def verify_file(path: Path, corpus: Corpus) -> tuple[int, list[str]]:
    """(number of items checked, problems) for a QA .jsonl, a gold .json or an inconsistencies file."""
    path = Path(path)
    if path.suffix == ".jsonl":
        problems: list[str] = []
        n = 0
        for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{no}: not JSON ({exc})")
                continue
            n += 1
            problems += verify_qa_item(corpus, item)
        return n, problems
    data = json.loads(path.read_text(encoding="utf-8"))
    if "inconsistencies" in data:
        return len(data["inconsistencies"]), verify_inconsistencies(corpus, data)
    return sum(1 for _ in iter_leaves(data)), verify_gold(corpus, data)


def default_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "sets" / "qa.jsonl", *sorted((here / "gold").glob("*.json"))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.verify", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    corpus = Corpus(args.corpus)
    bad = 0
    files = [g for f in args.files for g in (sorted(f.glob("*.json*")) if f.is_dir() else [f])]
    for f in files or default_files():
        try:
            n, problems = verify_file(f, corpus)
        except (OSError, ValueError) as exc:
            n, problems = 0, [f"cannot read: {exc}"]
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        print(f"{f.name}: {n} checked, {status}")
        for p in problems:
            print(f"  - {p}")
        bad += len(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
