"""`gongkai eval run SET --llm`: the same set scored without and with the configured LLM endpoint,
side by side (accuracy, declines, latency, what the LLM did), so a user can judge their model.

The offline pass runs with the endpoint switched off for the process; the LLM pass shares one circuit
breaker across the batch (after a timeout the rest of the set goes without the LLM, and the table
says how many answers that touched).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable

from evals.score import summarize


@contextlib.contextmanager
def llm_off():
    """The LLM endpoint switched off for this process (GONGKAI_LLM_BASE_URL="")."""
    name = "GONGKAI_LLM_BASE_URL"
    held = os.environ.get(name)
    os.environ[name] = ""
    try:
        yield
    finally:
        if held is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = held


def llm_stats(rows: list[dict[str, Any]]) -> dict[str, int]:
    def notes(r):
        return [str(n) for n in (r.get("result") or {}).get("notes") or []]

    return {
        "phrased": sum((r.get("result") or {}).get("route") == "llm" for r in rows),
        "understood": sum(any("understood with the LLM" in n for n in notes(r)) for r in rows),
        "rejected": sum(any(n.startswith("llm answer rejected") for n in notes(r)) for r in rows),
        "failed": sum(any(n.startswith("llm failed") for n in notes(r)) for r in rows),
        "skipped": sum(any(n.startswith("llm skipped") for n in notes(r)) for r in rows),
    }


def compare(items: list[dict[str, Any]], home: Path | None = None,
            progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """{"offline": rows, "llm": rows, "summary": {...}} for the same items."""
    from evals.run import run_items
    from extract.endpoint.budget import Breaker
    from qa.api import ask

    with llm_off():
        offline = run_items(items, lambda q: ask(q, home=home), progress=progress)
    breaker = Breaker("eval batch")
    with_llm = run_items(items, lambda q: ask(q, home=home, breaker=breaker), progress=progress)
    changed = []
    for a, b in zip(offline, with_llm):
        if a["correct"] != b["correct"]:
            changed.append({"id": a.get("id"), "question": a.get("question"),
                            "offline": a["correct"], "llm": b["correct"]})
    summary = {"offline": summarize(offline), "llm": summarize(with_llm), "llm_activity": llm_stats(with_llm),
               "fixed": sum(1 for c in changed if c["llm"]), "broken": sum(1 for c in changed if not c["llm"]),
               "changed": changed, "breaker": breaker.reason}
    return {"offline": offline, "llm": with_llm, "summary": summary}


def format_comparison(s: dict[str, Any], endpoint: str) -> str:
    off, on = s["offline"], s["llm"]

    def row(name: str, a: Any, b: Any) -> str:
        return f"  {name:<34} {str(a):>12} {str(b):>12}"

    def lat(x, q):
        v = x["latency_s"][q]
        return "—" if v is None else f"{v:.3f}s"

    ab_off, ab_on = off["abstention"], on["abstention"]
    lines = [f"{off['n']} items · LLM endpoint {endpoint}", row("", "offline", "with LLM"),
             row("accuracy %", off["accuracy"], on["accuracy"]),
             row("answerable declined", ab_off["answerable_declined"], ab_on["answerable_declined"]),
             row("unanswerable answered", ab_off["unanswerable_answered"], ab_on["unanswerable_answered"]),
             row("citations (any evidence) %", off["citation_any"], on["citation_any"]),
             row("latency p50", lat(off, "p50"), lat(on, "p50")),
             row("latency p95", lat(off, "p95"), lat(on, "p95")),
             row("errors", off["errors"], on["errors"])]
    act = s["llm_activity"]
    lines.append(f"  LLM: phrased {act['phrased']}, helped understand {act['understood']}, answers rejected by the "
                 f"number check {act['rejected']}, failed {act['failed']}, skipped {act['skipped']}")
    lines.append(f"  items the LLM fixed: {s['fixed']} · broke: {s['broken']}")
    for c in s["changed"][:10]:
        lines.append(f"    {'+' if c['llm'] else '-'} {c['id']}: {c['question']}")
    if s.get("breaker"):
        lines.append(f"  note: {s['breaker']} — later items went without the LLM")
    return "\n".join(lines)
