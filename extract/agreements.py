"""Stated agreements between tables: "<subject>数(应)与《<table>》的“<figure>”<word>数(对应)一致".

The 情况说明 of a table (Jiangsu-style "十、一般公共预算机关运行经费支出预算表情况说明：本表反映…。财政拨款
支出安排数与《部门一般公共预算基本支出预算表》的“商品和服务支出”支出数一致") states that a figure of
the table it describes agrees with a figure of another table. The reader records the claim only; what
the two figures are is resolved by the validator (`narrative.stated_agreement` in
extract/identities.json): the table described is the one the section heading names, the other the one
the 《》 names, both resolved against the table catalogue (ingest/catalog/tables.json) — never a table
named by a pattern here.
"""

from __future__ import annotations

import re

from extract.amounts import squeeze
from extract.schema import BudgetRecord, Citation, Leaf, StatedAgreement

# a section heading of the 情况说明: "十、一般公共预算机关运行经费支出预算表情况说明", "二、收入预算情况说明";
# any numbered heading or part heading ends the section before it
_BOUNDARY = re.compile(r"^(?:第[一二三四五六七八九十]{1,3}部分|[一二三四五六七八九十]{1,3}[、.．])")
_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．](.{2,40}?)(?:情况)?说明[:：]?$")
# one claim: the subject (the clause before 与), the named table, an optional quoted figure, the figure word
_CLAIM = re.compile(r"(?P<subject>[^。；;，,：:]{0,24}?)(?:应|均|应当)?与《(?P<other>[^《》]{2,40})》(?:中|表中)?的?"
                    r"(?P<figure>“[^“”]{1,20}”)?(?P<word>[^。；;，,《》“”]{0,12}?)数?(?:对应|保持)?(?:一致|相同|相符)")
_NEGATED = re.compile(r"不(?:一致|相同|相符)")


def _kind(name: str) -> str | None:
    """The catalogue kind a table name (as printed in 《》 or in a heading) names, or None."""
    from ingest.catalog import match_kind, title_core

    name = squeeze(name)
    for cand in (name, name + "表", name + "总表", name.replace("总体", "总表")):
        core, _ = title_core(cand)
        m = match_kind(core)
        if m:
            return m[0].kind
    return None


def _headings(doc) -> list[tuple[int, str | None]]:
    """(line number, kind of the table the section describes) of every 情况说明 heading, in order."""
    out = []
    lines = doc.lines
    for i, line in enumerate(lines):
        s = squeeze(line.norm or line.text)
        if not _BOUNDARY.match(s):
            continue
        m = _HEADING.match(s)
        if not m and i + 1 < len(lines):  # a heading wrapped over two lines
            m = _HEADING.match(s + squeeze(lines[i + 1].norm or lines[i + 1].text))
        out.append((line.no, _kind(m.group(1)) if m else None))
    return out


def extract_agreements(t, rec: BudgetRecord) -> None:
    """Every stated agreement of the text into `rec.agreements` (t: extract.narrative.Text)."""
    heads = _headings(t.doc)
    for m in _CLAIM.finditer(t.text):
        if _NEGATED.search(m.group(0)[-4:]):
            continue
        # the clause may begin before the 。 the subject group stops at: the subject is what follows it
        subject = m.group("subject")
        line = t.line_at(m.start("other"))
        table = next((k for no, k in reversed(heads) if no <= line), None)
        cite = t.cite(m.start("subject"), m.end())
        rec.agreements.append(StatedAgreement(
            table=table, other=_kind(m.group("other")), subject=subject,
            figure=(m.group("figure") or "").strip("“”"), word=m.group("word") or "",
            sentence=Leaf(value=m.group(0), evidence=[Citation(**cite.model_dump())])))
