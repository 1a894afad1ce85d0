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


def _norm(path: str) -> str:
    import re

    return re.sub(r"by_function\.\d+", "by_function.*", path)


def summarize(pairs) -> dict[str, Any]:
    """Accuracy over (gold, record) pairs: overall, per variant (gold synthetic.variants, kind and
    half: "titles=jiangsu", "kind=final", "half=tables"; "template" = no layout variant) and the most
    frequent wrong paths (list items as by_function.*)."""
    from collections import Counter, defaultdict

    total = correct = 0
    misses: Counter = Counter()
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_miss: dict[str, Counter] = defaultdict(Counter)
    for gold, record in pairs:
        r = score(gold, record)
        total += r["total"]
        correct += r["correct"]
        syn = gold.get("synthetic") or {}
        keys = list(syn.get("variants") or ["template"]) + [f"kind={syn.get('kind', 'budget')}", f"half={gold.get('half', 'whole')}"]
        for k in keys:
            per[k][0] += r["total"]
            per[k][1] += r["correct"]
        for path, _, _ in r["wrong"]:
            misses[_norm(path)] += 1
            for k in keys:
                per_miss[k][_norm(path)] += 1
    return {"total": total, "correct": correct, "accuracy": round(correct / max(total, 1), 4),
            "misses": misses.most_common(20),
            "by_variant": {k: {"accuracy": round(c / max(t, 1), 4), "leaves": t, "misses": per_miss[k].most_common(5)}
                           for k, (t, c) in sorted(per.items())}}


def main(argv=None) -> int:
    """python -m evals.synth.score DIR [--pdf]: extract every document `gongkai synth` wrote to DIR
    and print the accuracy per variant and the most frequent wrong paths (JSON)."""
    import argparse
    import json
    from pathlib import Path

    ap = argparse.ArgumentParser(prog="python -m evals.synth.score")
    ap.add_argument("dir")
    ap.add_argument("--pdf", action="store_true", help="read DIR/pdf (default DIR/text)")
    args = ap.parse_args(argv)
    from extract.api import extract_document
    from ingest.pipeline import load_document

    root = Path(args.dir)

    def pairs():
        for gpath in sorted((root / "gold").glob("*.json")):
            gold = json.loads(gpath.read_text(encoding="utf-8"))
            doc = root / ("pdf" if args.pdf else "text") / f"{gpath.stem}.{'pdf' if args.pdf else 'txt'}"
            yield gold, extract_document(load_document(doc)).export()

    print(json.dumps(summarize(pairs()), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
