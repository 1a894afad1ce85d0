"""Compare an extracted record (export JSON) with a synthetic gold record: per-leaf accuracy."""

from __future__ import annotations

from typing import Any


def _leaves(node: Any, prefix: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    if isinstance(node, dict):
        if "value" in node and "evidence" in node:
            return {prefix: node}
        for k, v in node.items():
            if k in ("synthetic", "doc", "path", "validation", "tables", "by_function"):
                continue
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else k))
    return out


def _get(record: dict, path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node.get("value") if isinstance(node, dict) else node


def same(gold_leaf: dict, got: Any) -> bool:
    wanted = [gold_leaf.get("value")] + list(gold_leaf.get("accept", []))
    for w in wanted:
        if w is None and got is None:
            return True
        if isinstance(w, (int, float)) and isinstance(got, (int, float)) and not isinstance(got, bool):
            if abs(float(w) - float(got)) < 0.005:
                return True
        elif w is not None and got is not None and str(w) == str(got):
            return True
    return False


def score(gold: dict, record: dict) -> dict[str, Any]:
    """{"total", "correct", "wrong": [(path, gold, got)]} over gold leaves and by_function amounts."""
    wrong = []
    total = 0
    for path, leaf in _leaves(gold).items():
        got = _get(record, path)
        total += 1
        if not same(leaf, got):
            wrong.append((path, leaf.get("value"), got))
    got_fn = {}
    for item in (record.get("expenditure", {}) or {}).get("by_function", []) or []:
        code = (item.get("code") or {}).get("value")
        got_fn[str(code)] = (item.get("amount") or {}).get("value")
    for item in gold["expenditure"]["by_function"]:
        code = item["code"]["value"]
        total += 1
        if not same(item["amount"], got_fn.get(code)):
            wrong.append((f"expenditure.by_function.{code}", item["amount"]["value"], got_fn.get(code)))
    return {"total": total, "correct": total - len(wrong), "wrong": wrong}
