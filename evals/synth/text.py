"""Render synthetic blocks as plain text in the template's layout (tab-separated table cells) and
collect the line where each gold path is printed."""

from __future__ import annotations

from evals.synth.blocks import Para, Table
from evals.synth.layout import Layout


def table_head(b: Table, lay: Layout, *, pdf: bool = False) -> list[str]:
    """The lines printed with a table (label, title, issuer, unit) under a layout. The default layout
    prints today's: "表 1" / title / 编制部门：X / 单位：万元 (PDF: issuer and unit on one line)."""
    label = b.label
    if lay.labels == "arabic":
        label = label.replace("表", "表 ")
    out = []
    if label and lay.label_pos == "above":
        out.append(label)
    out.append(f"{b.label}{lay.label_sep}{b.title}" if label and lay.label_pos == "inline" else b.title)
    issuer = f"{lay.issuer}：{b.unit_name}"
    if lay.issuer_line == "one-line" or (lay.issuer_line == "default" and pdf):
        out.append(f"{issuer}{'　　　　' if pdf else '  '}单位：{b.unit}")
    else:
        out += [issuer, f"单位：{b.unit}"]
    return out


def render_text(blocks: list[Para | Table], layout: Layout | None = None) -> tuple[str, dict[str, tuple[int, str]]]:
    """→ (text, {gold path: (1-based line, quote as printed)})."""
    text, marks, _ = render_text_spans(blocks, layout)
    return text, marks


def render_text_spans(blocks: list[Para | Table], layout: Layout | None = None
                      ) -> tuple[str, dict[str, tuple[int, str]], list[dict]]:
    """→ (text, marks, tables): `tables` = one {"id", "title", "unit", "header": (first, last line),
    "rows": (first, last line)} per printed table (1-based lines), for independent checks."""
    lay = layout or Layout()
    lines: list[str] = []
    marks: dict[str, tuple[int, str]] = {}
    spans: list[dict] = []

    def add(text: str = "") -> int:
        lines.append(text)
        return len(lines)

    def head(b: Table) -> None:
        for text in table_head(b, lay):
            no = add(text)
            if text.startswith(f"{lay.issuer}："):
                marks.setdefault("department", (no, b.unit_name))
            for path, quote in b.title_marks.items():
                if quote in text:
                    marks.setdefault(path, (no, quote))

    for b in blocks:
        if isinstance(b, Para):
            no = add(b.text)
            for path, quote in b.marks.items():
                marks.setdefault(path, (no, quote if quote else b.text.strip()))
            add()
            continue
        if lay.title_pos == "before":
            head(b)
        h0 = len(lines) + 1
        for h in b.header:
            add("\t".join(h).rstrip("\t"))
        r0 = len(lines) + 1
        for r in b.rows:
            text = "\t".join(r.cells).rstrip("\t")
            no = add(text)
            for path, quote in r.marks.items():
                marks.setdefault(path, (no, quote if quote else text.strip()))
        spans.append({"id": b.id, "title": b.title, "unit": b.unit, "header": (h0, r0 - 1), "rows": (r0, len(lines))})
        if lay.title_pos == "after":
            head(b)
        if b.note:
            add()
            add(b.note)
        add()
    return "\n".join(lines) + "\n", marks, spans
