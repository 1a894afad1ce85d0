"""Small text helpers shared by the QA modules (no heavy imports)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
NUMBER = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?")


def normalize(text: str) -> str:
    """Half-width, lower-case Latin, Chinese quotes kept; whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", text).strip()


def squeeze(text: str) -> str:
    """Remove all whitespace and thousands separators (for matching wrapped lines and numbers)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return re.sub(r"\s+", "", text)


def is_english(question: str) -> bool:
    """English when Latin words outweigh Chinese characters (a few Chinese terms are allowed)."""
    words = LATIN_WORD.findall(question or "")
    cjk = len(CJK.findall(question or ""))
    return len(words) >= 2 and len(words) * 2 > cjk


def to_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def fmt_amount(value: Decimal, places: int = 2) -> str:
    """Amounts in 万元 are shown with two decimals, as the templates print them."""
    q = Decimal(1).scaleb(-places)
    return f"{value.quantize(q):f}"


def fmt_number(value: Decimal, unit: str) -> str:
    if unit in ("万元", "%", "元", "平方米"):
        return fmt_amount(value)
    if unit == "倍":
        return fmt_amount(value)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


def numbers_in(text: str) -> list[Decimal]:
    out = []
    for m in NUMBER.finditer(squeeze(text)):
        d = to_decimal(m.group(0))
        if d is not None:
            out.append(d)
    return out
