"""Tables whose rows are identified by a label rather than a code (表1, 表4, 表10, 表11).

A body is read as a stream of tokens (label text, amounts, function classes such as
``205 教育支出``) over its lines. A label's amounts are those printed after it up to the next label;
in a body printed right-to-left they are the ones printed before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.amounts import clean, split_amounts

# A function class (功能分类 类) as printed in 表1/表4: optional run-together amounts, the code, the name.
CLASS_RE = re.compile(r"((?:\d+\.\d{2})*)(2[0-3]\d)\s*([\u4e00-\u9fff、]{1,20}?(?:支出|预备费))")
_TOKEN = re.compile(r"(?:(?<=\s)|^)-\d[\d.]*|\d[\d.]*|[^\d\s|]+")


@dataclass
class Tok:
    kind: str  # "text" | "amount" | "class"
    text: str
    line: int
    code: str | None = None
    amounts: list[str] = field(default_factory=list)  # amounts printed before a class (reversed layout)


def line_source(line) -> str:
    src = line.text if "\t" in (line.text or "") else (line.norm or line.text or "")
    return clean(src.replace("\t", " | "))


def tokens(lines, classes: bool = False) -> list[Tok]:
    out: list[Tok] = []
    for line in lines:
        s = line_source(line)
        pos = 0
        pieces: list[tuple[str, str, str | None, str]] = []
        if classes:
            for m in CLASS_RE.finditer(s):
                pieces.append(("plain", s[pos : m.start()], None, ""))
                pieces.append(("class", m.group(3), m.group(2), m.group(1)))
                pos = m.end()
        pieces.append(("plain", s[pos:], None, ""))
        for kind, text, code, before in pieces:
            if kind == "class":
                out.append(Tok("class", text, line.no, code=code, amounts=split_amounts(before) if before else []))
                continue
            for t in _TOKEN.findall(text):
                if t[0].isdigit() and out and out[-1].kind == "text" and out[-1].line == line.no \
                        and out[-1].text.endswith("表") and t.isdigit():
                    out[-1].text += t  # a table label ("表 11") is text, not an amount
                    continue
                if t[0].isdigit() or (t[0] == "-" and len(t) > 1):
                    for a in split_amounts(t):
                        out.append(Tok("amount", a, line.no))
                else:
                    t = t.strip("|")
                    if t:
                        out.append(Tok("text", t, line.no))
    return out


def is_reversed(toks: list[Tok]) -> bool:
    """Right-to-left bodies print amounts before their class/label."""
    before = sum(1 for t in toks if t.kind == "class" and t.amounts)
    after = 0
    for i, t in enumerate(toks):
        if t.kind == "class" and i + 1 < len(toks) and toks[i + 1].kind == "amount" and toks[i + 1].line == t.line:
            after += 1
    return before > after


def label_values(toks: list[Tok], is_label, reverse: bool) -> list[tuple[int, list[str], list[int]]]:
    """For each label token index: its amounts (logical order) and the lines they were printed on."""
    marks = [i for i, t in enumerate(toks) if t.kind in ("text", "class") and is_label(i, t)]
    out = []
    for n, i in enumerate(marks):
        nxt = marks[n + 1] if n + 1 < len(marks) else len(toks)
        prv = marks[n - 1] if n > 0 else -1
        # stop at the first text/class token that is not transparent (a class on the right side)
        after = []
        for t in toks[i + 1 : nxt]:
            if t.kind == "class":
                break
            if t.kind == "amount":
                after.append((t.text, t.line))
        before = []
        for t in reversed(toks[prv + 1 : i]):
            if t.kind == "class" or (not reverse and t.line != toks[i].line):
                break
            if t.kind == "amount":
                before.append((t.text, t.line))
            elif before:
                break
        before.reverse()  # print order
        if reverse:
            chosen = before[::-1] or [a for a in after if a[1] == toks[i].line]
        else:
            chosen = after or before
        amounts = [a for a, _ in chosen]
        out.append((i, amounts, [toks[i].line] + [ln for _, ln in chosen]))
    return out


def class_values(toks: list[Tok], reverse: bool) -> list[tuple[Tok, list[str]]]:
    """Function-class tokens with their amounts in logical (left→right) order."""
    out = []
    for i, t in enumerate(toks):
        if t.kind != "class":
            continue
        if reverse:
            out.append((t, list(reversed(t.amounts))))
            continue
        amts = []
        for u in toks[i + 1 :]:
            if u.kind != "amount" or u.line != t.line:
                break
            amts.append(u.text)
        out.append((t, amts))
    return out


def squash(text: str) -> str:
    return re.sub(r"[\s|*]", "", text)
