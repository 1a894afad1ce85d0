"""Text normalisation shared by the eval checks: quotes and answers are compared after NFKC,
without HTML tags, whitespace or thousands separators (the corpus prints `2,075.69`, `2075.69`
and `2  075.69`-like spacing for the same figure)."""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


def norm(text: str | None) -> str:
    """Comparable form of a quote or answer string."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _TAG.sub("", text)
    text = _WS.sub("", text)
    text = _THOUSANDS.sub("", text)
    return text.lower()


def locate(lines: list[str], line_no: int, quote: str, span: int = 4) -> str | None:
    """The printed text of `quote` starting on 1-based `line_no` (it may run on over up to `span`
    following non-empty lines). Matching ignores whitespace/tags; returns None when absent."""
    target = norm(quote)
    if not target or line_no < 1 or line_no > len(lines):
        return None
    first = lines[line_no - 1]
    if target in norm(first):
        return _printed(first, target) or quote
    pieces = [first]
    for nxt in lines[line_no:]:
        if not nxt.strip():
            continue
        pieces.append(nxt)
        joined = "".join(norm(p) for p in pieces)
        if target in joined and target not in "".join(norm(p) for p in pieces[1:]):
            return "\n".join(p.strip() for p in pieces)
        if len(pieces) > span:
            break
    return None


def _printed(line: str, target: str) -> str | None:
    """The shortest substring of `line` whose normalised form equals `target`."""
    for i in range(len(line)):
        if norm(line[i]) and not target.startswith(norm(line[i])):
            continue
        for j in range(i + 1, len(line) + 1):
            n = norm(line[i:j])
            if n == target:
                return line[i:j].strip()
            if line[i:j].count("<") > line[i:j].count(">"):
                continue  # inside an HTML tag
            if len(n) > len(target) or not target.startswith(n):
                break
    return None
