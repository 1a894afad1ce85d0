"""Helpers for writing the hand-made gold records (evals/gold/build_gold.py).

Every value below was read off the document by a person; the helper only turns a (line, key
quote) pair into the exact text as printed and refuses a quote that is not on that line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.textnorm import locate

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"


class Doc:
    def __init__(self, doc_id: str):
        self.doc = doc_id
        self.path = CORPUS / f"{doc_id}.txt"
        self.lines = self.path.read_text(encoding="utf-8").split("\n")

    def ev(self, line: int, quote: str) -> dict[str, Any]:
        printed = locate(self.lines, line, quote)
        if printed is None:
            raise ValueError(f"{self.doc}:{line}: quote {quote!r} not on the line: {self.lines[line - 1]!r}")
        return {"doc": self.doc, "page": None, "line": line, "quote": printed}

    def leaf(self, value: Any, *evidence: tuple[int, str], accept: list[Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"value": value, "evidence": [self.ev(l, q) for l, q in evidence]}
        if accept:
            out["accept"] = accept
        return out

    def null(self, note: str | None = None, accept: list[Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"value": None, "evidence": []}
        if note:
            out["note"] = note
        if accept:
            out["accept"] = accept
        return out

    def change(self, amount: float | None, percent: float | None, line: int, quote: str) -> dict[str, Any]:
        return {"amount": self.leaf(amount, (line, quote)), "percent": self.leaf(percent, (line, quote))}

    def func(self, code: str, name: str, amount: float, line: int, quote: str) -> dict[str, Any]:
        return {
            "code": self.leaf(code, (line, quote)),
            "name": self.leaf(name, (line, quote)),
            "amount": self.leaf(amount, (line, quote)),
        }

    def project(self, name: str, amount: float, name_at: tuple[int, str], amount_at: tuple[int, str],
                code: str | None = None, code_at: tuple[int, str] | None = None,
                name_accept: list[Any] | None = None) -> dict[str, Any]:
        """A project line: of 表7 (code, name, amount) or of 情况说明 七 (name, 预算安排规模; no code)."""
        return {
            "name": self.leaf(name, name_at, accept=name_accept),
            "code": self.leaf(code, code_at or amount_at) if code else self.null(),
            "amount": self.leaf(amount, amount_at),
        }

    def row(self, code: str, name: str, line: int, quote: str, **values: float | None) -> dict[str, Any]:
        """A table line item: code (digits only, 类/款/项 concatenated), name, and its amounts by column."""
        ev = [self.ev(line, quote)]
        return {
            "code": code,
            "name": name,
            "values": {k: {"value": v, "evidence": ev} for k, v in values.items()},
        }

    def write(self, record: dict[str, Any], inconsistencies: list[dict[str, Any]]) -> None:
        out = {"doc": self.doc, "path": f"data/corpus/{self.doc}.txt", **record}
        gold_dir = ROOT / "evals" / "gold"
        (gold_dir / f"{self.doc}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        for item in inconsistencies:
            item["evidence"] = [self.ev(l, q) for l, q in item.pop("where")]
        # entries an auditor added by hand to the JSON (they carry "added_by") survive a rebuild
        path = gold_dir / f"{self.doc}.inconsistencies.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8")).get("inconsistencies", [])
            have = {i["id"] for i in inconsistencies}
            inconsistencies += [i for i in old if i.get("added_by") and i["id"] not in have]
        (gold_dir / f"{self.doc}.inconsistencies.json").write_text(
            json.dumps({"doc": self.doc, "inconsistencies": inconsistencies}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
