"""Render synthetic blocks as plain text in the template's layout (tab-separated table cells) and
collect the line where each gold path is printed."""

from __future__ import annotations

from evals.synth.blocks import Para, Table


def render_text(blocks: list[Para | Table]) -> tuple[str, dict[str, tuple[int, str]]]:
    """→ (text, {gold path: (1-based line, quote as printed)})."""
    lines: list[str] = []
    marks: dict[str, tuple[int, str]] = {}

    def add(text: str = "") -> int:
        lines.append(text)
        return len(lines)

    for b in blocks:
        if isinstance(b, Para):
            no = add(b.text)
            for path, quote in b.marks.items():
                marks.setdefault(path, (no, quote if quote else b.text.strip()))
            add()
            continue
        add(b.label.replace("表", "表 "))
        add(b.title)
        add(f"编制部门：{b.unit_name}")
        add(f"单位：{b.unit}")
        for h in b.header:
            add("\t".join(h).rstrip("\t"))
        for r in b.rows:
            text = "\t".join(r.cells).rstrip("\t")
            no = add(text)
            for path, quote in r.marks.items():
                marks.setdefault(path, (no, quote if quote else text.strip()))
        if b.note:
            add()
            add(b.note)
        add()
    return "\n".join(lines) + "\n", marks
