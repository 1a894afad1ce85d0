"""What a question was understood to ask (`understand.understand` fills it; the answering routes read it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.lexicon import Metric
from qa.unit_names import Unit


@dataclass
class Intent:
    question: str
    english: bool
    units: list[Unit] = field(default_factory=list)
    unknown_units: list[str] = field(default_factory=list)
    ancestor_only: list[str] = field(default_factory=list)
    year: int | None = None
    years: list[int] = field(default_factory=list)  # every year named (a range expanded: 2017到2019)
    kind: str | None = None  # "final" (决算数, actual spending) | "budget" (预算数) | None: which figures
    previous_year: bool = False
    next_year: bool = False
    metrics: list[Metric] = field(default_factory=list)
    op: str = "lookup"  # lookup|sum|difference|ratio|multiple|max|min|rank|average|change|text
    change_kind: str = "amount"  # amount | percent
    text_kind: str | None = None  # reason|purpose|basis|duties|goal|structure
    all_units: bool = False
    residual: str = ""  # the question without unit/metric words (for retrieval)
    # what the question still names beyond the figure(s) found ("第二批能力提升补助资金" next to 上年结转)
    specific: list[str] = field(default_factory=list)
    missing_operand: str | None = None  # a comparison/sum with one figure found: what the other was called
    has_unit_mention: bool = False
    per: str | None = None  # key of the count metric a "per X" question divides by
    read_as: str | None = None  # the question's words a figure was read from by meaning (qa.meaning/relations)

    def describe(self) -> dict:
        return {"units": [u.department for u in self.units], "unknown_units": self.unknown_units,
                "year": self.year, **({"years": self.years} if len(self.years) > 1 else {}),
                **({"kind": self.kind} if self.kind else {}), "metrics": [m.key for m in self.metrics], "op": self.op,
                "change_kind": self.change_kind, "text_kind": self.text_kind, "all_units": self.all_units,
                **({"per": self.per} if self.per else {}),
                **({"matched_by": "meaning"} if self.read_as else {}),
                **({"previous_year": True} if self.previous_year else {})}
