"""Grounding check: every number in an answer must appear in its cited quotes or be computed from them.

Numbers are compared by value (thousands separators, trailing zeros and whitespace-wrapped digits
do not matter) and, for run-together table cells such as ``0.920.92``, also as substrings of the
quote with whitespace removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from qa.text import squeeze, to_decimal

_NUM = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")


@dataclass
class Grounding:
    ok: bool
    unsupported: list[str] = field(default_factory=list)


def _forms(d: Decimal) -> set[str]:
    out = {f"{d:f}", f"{d.normalize():f}"}
    for places in (1, 2):
        out.add(f"{d.quantize(Decimal(1).scaleb(-places)):f}")
    if d == d.to_integral_value():
        out.add(str(int(d)))
    return out


def numbers(text: str) -> list[str]:
    return _NUM.findall(squeeze(text))


def check(answer: str, quotes: list[str], computed: list[str] | None = None, allowed: list[str] | None = None
          ) -> Grounding:
    """Is every number of `answer` supported by `quotes`, `computed` values or `allowed` strings?"""
    hay = [squeeze(q) for q in quotes]
    values: set[Decimal] = set()
    for q in hay:
        for n in _NUM.findall(q):
            d = to_decimal(n)
            if d is not None:
                values.add(d)
    for c in (computed or []) + (allowed or []):
        for n in _NUM.findall(squeeze(str(c))):
            d = to_decimal(n)
            if d is not None:
                values.add(d)
    unsupported = []
    for n in numbers(answer):
        d = to_decimal(n)
        if d is None:
            continue
        if d in values:
            continue
        if any(f in q for q in hay for f in _forms(d)):
            continue
        unsupported.append(n)
    return Grounding(ok=not unsupported, unsupported=unsupported)
