"""Turn a `qa` answer dict into chat markdown plus a list of clickable sources.

Answer contract: {question, answer, value, unit, declined, citations [{doc,page,line,quote}],
confidence, route, intent}. Figures flagged by the validator (a check that did not pass and cites
the same line, or involves the record path the answer read) are marked next to the answer.
"""

from __future__ import annotations

from ui import records as rec


def source_label(n: int, c: dict, titles: dict[str, str]) -> str:
    """Label of the n-th source (unique per answer; shown in the Sources list)."""
    where = []
    if c.get("page") is not None:
        where.append(f"第{c['page']}页")
    if c.get("line") is not None:
        where.append(f"第{c['line']}行")
    quote = " ".join(str(c.get("quote") or "").split())
    if len(quote) > 40:
        quote = quote[:38] + "…"
    return f"[{n}] {titles.get(c.get('doc'), c.get('doc'))} {' '.join(where)}：{quote}"


def headline(value, unit: str, citations: list[dict]) -> str:
    """The answer's figure as the cited document prints it (ui.figures: its digits and separators; an
    amount printed in 元 with the 万元 value beside it) — the form every view shows."""
    from ui.figures import as_printed, printed, wan

    if unit == "万元":
        p = printed(value, citations)
        if p is not None and p.unit != "万元":
            return f"{p.token} {p.unit}（{wan(value)} 万元）"
        return f"{p.token if p is not None else rec.fmt(value)} 万元"
    shown = as_printed(value, citations) if citations else rec.fmt(value)
    return f"{shown} {unit}".strip()


def as_printed_in_text(text: str, value, unit: str, citations: list[dict]) -> str:
    """The answer's sentence with its figure as the cited document prints it: "2722.57 万元" becomes
    "2,722.57 万元" when the quote prints 2,722.57 (the same digits; only the separators differ)."""
    import re

    from ui.figures import printed

    if value is None or unit != "万元":
        return text
    p = printed(value, citations)
    if p is None or p.unit != "万元" or "," not in p.token:
        return text
    bare = p.token.replace(",", "")
    return re.sub(rf"(?<![\d.,]){re.escape(bare)}(?=\s*万元)", p.token, text)


def render(answer: dict, records: dict[str, dict] | None = None) -> tuple[str, list[tuple[str, dict]], list[dict]]:
    """(markdown for the chat, [(source label, citation)], validator flags)."""
    records = records or {}
    titles = {d: rec.doc_title(r, d) for d, r in records.items()}
    citations = [c for c in answer.get("citations") or [] if isinstance(c, dict)]
    sources = [(source_label(i + 1, c, titles), c) for i, c in enumerate(citations)]
    flags: list[dict] = []
    for c in citations:
        for check in rec.flags_for_citation(records.get(c.get("doc")), c):
            if check not in flags:
                flags.append(check)
    # checks on the figure the answer read (qa reports its record paths), even when it cites another line
    metrics = [m for m in (answer.get("intent") or {}).get("metrics") or [] if isinstance(m, str)]
    for doc in dict.fromkeys(c.get("doc") for c in citations):
        for check in rec.flags_for_paths(records.get(doc), metrics):
            if check not in flags:
                flags.append(check)
    for extra_key in ("flags", "validation"):
        for f in answer.get(extra_key) or []:
            if isinstance(f, dict) and f.get("status") in ("mismatch", "rounding") and f not in flags:
                flags.append(f)

    lines: list[str] = []
    if answer.get("declined"):
        lines.append("**【未能回答 declined】**")
        lines.append("")
        lines.append(str(answer.get("answer") or "The documents do not state this."))
    else:
        value = answer.get("value")
        if value is not None:
            lines.append(f"**{headline(value, answer.get('unit') or '', citations)}**")
            lines.append("")
        lines.append(as_printed_in_text(str(answer.get("answer") or ""), value, answer.get("unit") or "", citations))
    if flags:
        lines.append("")
        for f in flags:
            status = f.get("status")
            lines.append(f"> **【校验{'不符' if status == 'mismatch' else '舍入差'} validator {status}】** "
                         f"{f.get('description') or f.get('id')} — {rec.fmt(f.get('lhs'))} vs {rec.fmt(f.get('rhs'))}"
                         f"（差 {rec.fmt(f.get('difference'))}）")
    notes = [str(n) for n in answer.get("notes") or [] if n]
    if notes:
        lines.append("")
        lines.append("> **【注 notes】** " + "；".join(notes[:5]))
    if sources:
        lines.append("")
        lines.append("**来源 Sources**（点击右侧来源查看原文）")
        for label, _ in sources:
            lines.append(f"- {label}")
    meta = []
    if answer.get("declined") and answer.get("reason"):
        meta.append(f"reason: {answer['reason']}")
    if answer.get("route"):
        meta.append(f"route: {answer['route']}")
    if answer.get("confidence") is not None:
        meta.append(f"confidence: {rec.fmt(answer['confidence'])}")
    if meta:
        lines.append("")
        lines.append(f"<sub>{' · '.join(meta)}</sub>")
    return "\n".join(lines), sources, flags

