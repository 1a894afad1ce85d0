"""Amounts as printed → Decimal, and unit conversion to 万元.

Printed amounts may carry thousands separators (``3,456.78``), be run together without a separator
when a PDF lost its cell borders (``6.546.54`` → 6.54, 6.54; amounts are printed with two decimals),
or be split across lines (``45.6`` + ``7``). Nothing here guesses a value that is not printed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Half-width digits/punctuation for the characters that matter to numbers.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，：％（）－", "0123456789.,:%()-")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_TAGS = re.compile(r"<[^>]+>")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}“”（）()、：:])\s+(?=[{_CJK}“”（）()、：:])")

# Units a table may state, as multipliers to 万元.
UNIT_TO_WAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}

# One printed amount: digits with a decimal part, or a bare integer.
AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
# Run-together amounts: each has exactly two decimals.
_RUN2 = re.compile(r"-?\d+\.\d{2}")


def clean(text: str) -> str:
    """A line made comparable: half-width, no tags, no thousands separators, no spaces inside CJK."""
    text = _TAGS.sub(" ", text or "").translate(_FULLWIDTH).replace("\u3000", " ")
    text = text.replace("*", "")
    text = _THOUSANDS.sub("", text)
    text = _CJK_SPACE.sub("", text)
    return text


def squeeze(text: str) -> str:
    """`clean` plus every whitespace removed (for narrative sentences wrapped across lines)."""
    return re.sub(r"\s+", "", clean(text))


def to_decimal(raw: str | None) -> Decimal | None:
    if raw is None:
        return None
    raw = raw.replace(",", "").strip()
    if not raw or raw in {"-", "—", "－"}:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def split_amounts(token: str) -> list[str]:
    """Split one whitespace-free token into printed amounts (handles run-together two-decimal amounts)."""
    token = token.strip()
    if not token:
        return []
    if re.fullmatch(r"-?\d+(?:\.\d*)?", token):
        return [token]
    parts = _RUN2.findall(token)
    if parts and "".join(parts) == token:
        return parts
    return AMOUNT.findall(token)


def decimals(raw: str) -> int:
    return len(raw.split(".", 1)[1]) if "." in raw else 0


def to_wan(value: Decimal | None, unit: str | None) -> Decimal | None:
    """Convert an amount in `unit` (元/千元/万元/亿元; None = 万元) to 万元, exactly."""
    if value is None:
        return None
    factor = UNIT_TO_WAN.get((unit or "万元").strip(), Decimal(1))
    out = value * factor
    # Keep a tidy exponent: 12345 元 → 1.2345 万元 (no trailing zeros beyond what is meaningful).
    return out.normalize() if factor != 1 else out


def unit_in(text: str) -> str | None:
    """The amount unit stated in a table header line (单位：万元 / 单位:元 …)."""
    m = re.search(r"单位\s*[:：]?\s*(亿元|万元|千元|元)", clean(text))
    return m.group(1) if m else None
