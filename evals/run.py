"""Run an eval set through an answering system and score it.

The default system is Gongkai's own `qa.api.ask` (the path `gongkai ask` takes); `baseline` is the
naive RAG of evals/baseline.py. Each output row is the input item plus "result" (the ask --json
object), "correct", "citation_any"/"citation_all" and "latency_s".
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from evals.score import score

AnswerFn = Callable[[str], dict[str, Any]]


class SetError(ValueError):
    """An eval set that cannot be read; the message says which line and why."""


def load_set(path: str | Path) -> list[dict[str, Any]]:
    """Items of a JSONL set; each needs `question` and `answer_value` (null = unanswerable)."""
    path = Path(path)
    if not path.exists():
        raise SetError(f"{path}: no such file")
    items = []
    for no, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SetError(f"{path}:{no}: not a JSON object ({exc.msg})") from None
        if not isinstance(item, dict) or "question" not in item:
            raise SetError(f"{path}:{no}: each line needs at least a \"question\"")
        item.setdefault("answer_value", None)
        item.setdefault("id", f"{path.stem}-{no}")
        items.append(item)
    return items


def gongkai_answerer(home: Path | None = None) -> AnswerFn:
    """`qa.api.ask` bound to a GONGKAI_HOME."""
    from qa.api import ask

    def answer(question: str) -> dict[str, Any]:
        return ask(question, home=home)

    return answer


def run_items(items: Iterable[dict[str, Any]], answer: AnswerFn, progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    items = list(items)
    rows = []
    for i, item in enumerate(items, 1):
        t0 = time.perf_counter()
        try:
            result = answer(item["question"])
            if not isinstance(result, dict):
                result = {"error": f"answer returned {type(result).__name__}", "declined": False}
        except Exception as exc:  # one failing question must not stop the run; it is scored wrong
            result = {"error": f"{type(exc).__name__}: {exc}", "declined": False, "citations": []}
        latency = time.perf_counter() - t0
        row = dict(item)
        row["result"] = _jsonable(result)
        row.update(score(item, result))
        row["latency_s"] = round(latency, 4)
        rows.append(row)
        if progress:
            progress(i, len(items))
    return rows


def _jsonable(obj: Any) -> Any:
    return json.loads(json.dumps(obj, ensure_ascii=False, default=str))


def write_rows(rows: list[dict[str, Any]], out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out


def ingest_corpus(corpus: str | Path, home: Path | None) -> int:
    """Ingest a directory through the `gongkai ingest` command (same path as a user)."""
    import os

    from gongkai.cli import main as cli_main

    if home is not None:
        os.environ["GONGKAI_HOME"] = str(home)
    return cli_main(["ingest", str(corpus)])
