"""Run the QA eval set through qa.api.ask on an ingested home and print accuracy per type,
citation-contains-evidence share, unanswerable-declined share, and the failures.

    GONGKAI_HOME=/tmp/qa_home python bench/qa_eval.py [evals/sets/qa.jsonl] [--fails]
"""

from __future__ import annotations

import collections
import json
import sys
import time
from pathlib import Path

import gongkai  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from evals.run import load_set
    from evals.score import score
    from qa.api import ask

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else ROOT / "evals" / "sets" / "qa.jsonl"
    items = load_set(path)
    by_type: dict[str, list[bool]] = collections.defaultdict(list)
    cites, declined_ok, fails, lat = [], [], [], []
    for item in items:
        t0 = time.perf_counter()
        res = ask(item["question"])
        lat.append(time.perf_counter() - t0)
        s = score(item, res)
        by_type[item.get("type") or "?"].append(s["correct"])
        if s["citation_any"] is not None and item.get("answer_value") is not None:
            cites.append(s["citation_any"])
        if item.get("answer_value") is None:
            declined_ok.append(bool(res.get("declined")))
        if not s["correct"]:
            fails.append((item, res))
    total = [c for v in by_type.values() for c in v]
    print(f"items {len(items)}  accuracy {sum(total) / len(total):.1%}")
    for t, v in sorted(by_type.items()):
        print(f"  {t:15s} {sum(v):3d}/{len(v):3d}  {sum(v) / len(v):.1%}")
    print(f"citation contains evidence (answerable items with evidence): {sum(cites)}/{len(cites)} "
          f"= {sum(cites) / max(1, len(cites)):.1%}")
    print(f"unanswerable declined: {sum(declined_ok)}/{len(declined_ok)}")
    lat.sort()
    print(f"latency p50 {lat[len(lat) // 2] * 1000:.1f} ms  p95 {lat[int(len(lat) * 0.95)] * 1000:.1f} ms")
    if "--fails" in sys.argv:
        for item, res in fails:
            print(f"\n[{item['id']}] {item['question']}  gold={item.get('answer_value')!r} {item.get('unit') or ''}")
            print(f"   got value={res.get('value')!r} unit={res.get('unit')} declined={res.get('declined')} "
                  f"reason={res.get('reason')} op={(res.get('intent') or {}).get('op')} "
                  f"metrics={(res.get('intent') or {}).get('metrics')}")
            print(f"   {res.get('answer', '')[:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
