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


# ---------------------------------------------------------------------------------------------
# The strict check for text an LLM wrote (qa.llm): exact whole-number tokens, units normalised.

_MONEY_UNITS = {  # unit as written → factor to 元
    "亿元": Decimal(10) ** 8, "亿": Decimal(10) ** 8, "万元": Decimal(10) ** 4, "万": Decimal(10) ** 4,
    "千元": Decimal(1000), "元": Decimal(1), "hundred million yuan": Decimal(10) ** 8,
    "billion yuan": Decimal(10) ** 9, "million yuan": Decimal(10) ** 6, "ten-thousand yuan": Decimal(10) ** 4,
    "ten thousand yuan": Decimal(10) ** 4, "thousand yuan": Decimal(1000), "yuan": Decimal(1), "rmb": Decimal(1),
    "cny": Decimal(1),
}
_OTHER_UNITS = ("%", "百分点", "percent", "人", "名", "辆", "台", "个", "家", "倍", "平方米", "people", "persons",
                "vehicles", "times")
_UNIT_WORDS = sorted(list(_MONEY_UNITS) + list(_OTHER_UNITS), key=len, reverse=True)
_UNIT_AFTER = re.compile(r"\s*[(（]?\s*(" + "|".join(re.escape(u) for u in _UNIT_WORDS) + r")", re.I)
_DIGITS = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_RUN = rf"[{_CN_DIGIT}十百千万亿]+(?:点[{_CN_DIGIT}]+)?"
_CN_NUM = re.compile(rf"(百分之)({_CN_RUN})|({_CN_RUN})(?=\s*(?:亿元|万元|千元|元|人|名|辆|台|个|家|倍))|({_CN_RUN})")
_TEN_THOUSAND = re.compile(r"(?:10,000|10000|10k)\s*(?=yuan|rmb|cny)", re.I)
_MARKER = re.compile(r"\[(\d{1,2})\]")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass
class Token:
    value: Decimal
    unit: str | None
    start: int
    end: int


def _cn_int(s: str) -> int:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits.update({"〇": 0, "两": 2})
    total, section, num = 0, 0, 0
    for c in s:
        if c in digits:
            num = digits[c]
        elif c in "十百千":
            section += (num or 1) * {"十": 10, "百": 100, "千": 1000}[c]
            num = 0
        elif c in "万亿":
            total += (section + num) * (10000 if c == "万" else 10 ** 8)
            section = num = 0
    return total + section + num


def _cn_value(s: str) -> Decimal:
    whole, _, frac = s.partition("点")
    value = Decimal(_cn_int(whole))
    if frac:
        digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
        digits.update({"〇": 0, "两": 2})
        value += Decimal("0." + "".join(str(digits[c]) for c in frac))
    return value


def tokens(text: str) -> list[Token]:
    """Every number written in `text` (digits with thousands separators, Chinese numerals before a
    unit), with the unit written right after it."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "")
    text = _TEN_THOUSAND.sub("ten-thousand ", text)
    out: list[Token] = []
    for m in _DIGITS.finditer(text):
        d = to_decimal(m.group(0))
        if d is None:
            continue
        u = _UNIT_AFTER.match(text, m.end())
        out.append(Token(d, u.group(1).lower() if u else None, m.start(), u.end() if u else m.end()))
    for m in _CN_NUM.finditer(text):
        run = m.group(2) or m.group(3) or m.group(4)
        digits = len(re.findall(rf"[{_CN_DIGIT}]", run))
        if not digits or (m.group(4) and digits < 2 and not re.search("[十百千点]", run)):
            continue  # 万/亿 alone is a unit; 三公, 一般, 第一 are words
        if run == "一" and text[m.end():m.end() + 1] in ("个", "家"):
            continue  # 一个/一家: an article, not a count
        u = None if m.group(1) else _UNIT_AFTER.match(text, m.end())
        unit = "%" if m.group(1) else (u.group(1).lower() if u else None)
        out.append(Token(_cn_value(run), unit, m.start(), u.end() if u else m.end()))
    return sorted(out, key=lambda t: t.start)


def _quote_tokens(quote: str) -> list[Token]:
    """Numbers of a cited quote, run-together table cells (``0.920.92``) split as printed."""
    from extract.amounts import split_amounts

    out = []
    for tok in tokens(quote):
        out.append(tok)
    for run in re.findall(r"\d+\.\d{2}\d+\.\d{2}(?:\d+\.\d{2})*", squeeze(quote)):
        for part in split_amounts(run):
            d = to_decimal(part)
            if d is not None:
                out.append(Token(d, None, 0, 0))
    return out


@dataclass
class Figures:
    """What an LLM answer may state: raw numbers, and amounts in 元."""
    raw: set[Decimal] = field(default_factory=set)
    money: set[Decimal] = field(default_factory=set)

    def add(self, tok: Token) -> None:
        v = abs(tok.value)
        self.raw.add(v)
        factor = _MONEY_UNITS.get(tok.unit or "")
        if factor is not None:
            self.money.add(v * factor)
        elif tok.unit is None:  # a table cell: in 万元 (as the templates print) or in 元
            self.money.update({v * 10000, v})

    def has(self, tok: Token) -> bool:
        v = abs(tok.value)
        factor = _MONEY_UNITS.get(tok.unit or "")
        if factor is not None:
            return v * factor in self.money
        return v in self.raw


@dataclass
class LLMCheck:
    ok: bool
    problem: str = ""
    unsupported: list[str] = field(default_factory=list)


def _shown(tok: Token, text: str) -> str:
    return text[tok.start:tok.end].strip()


def check_llm(text: str, quotes: list[str], computed: list[str], value=None, unit: str | None = None,
              years: list[int] | None = None, n_citations: int = 0, labels: list[str] | None = None) -> LLMCheck:
    """May an LLM's answer be shown? Every number in it must equal — as a whole token, after unit
    normalisation (元/万元/亿元, thousands separators) — a figure of the cited quotes or a value the
    code computed; a year only when the records or quotes have it. Never a line/page number or a
    document id (those are not offered). When the answer has a figure (`value`), the text must state
    it, and — for a single looked-up figure — the first number after the figure's name (`labels`)
    must be it, so that another line's figure cannot stand in for it."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "")
    text = _MARKER.sub(lambda m: " " if 1 <= int(m.group(1)) <= n_citations else m.group(0), text)
    allowed = Figures()
    for q in quotes:
        for tok in _quote_tokens(q):
            allowed.add(tok)
    for c in computed:
        for tok in tokens(str(c)):
            allowed.add(tok)
    year_set = {Decimal(y) for y in (years or []) if y}
    allowed.raw.update(year_set)
    found = tokens(text)
    unsupported = [_shown(t, text) for t in found if not allowed.has(t)]
    if unsupported:
        n = len(unsupported)
        return LLMCheck(False, f"it states {n} number{'s' if n > 1 else ''} that {'are' if n > 1 else 'is'} neither "
                               "in the cited passages nor computed by the code", unsupported)
    want = _value_token(value, unit)
    if want is None:
        return LLMCheck(True)
    wanted = Figures()
    wanted.add(want)
    if not any(wanted.has(t) for t in found):
        return LLMCheck(False, "it does not state the answer's figure")
    if labels:
        lowered = text.lower()
        hits = [lowered.find(lab.lower()) for lab in labels if lab and lab.lower() in lowered]
        if hits:
            at = min(hits)
            after = [t for t in found if t.start >= at and not (abs(t.value) in year_set or
                                                                 _YEAR.match(str(t.value)) and t.unit is None)]
            if after and not wanted.has(after[0]):
                return LLMCheck(False, "the number it gives right after the figure's name is not the answer's figure")
    return LLMCheck(True)


def _value_token(value, unit: str | None) -> Token | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    d = to_decimal(value if isinstance(value, Decimal) else repr(value) if isinstance(value, float) else str(value))
    if d is None:
        return None
    u = (unit or "").strip().lower() or None
    if u is not None and u not in _MONEY_UNITS and u not in _OTHER_UNITS:
        u = "other"
    return Token(d, u, 0, 0)
