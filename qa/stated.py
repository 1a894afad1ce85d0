"""What a passage states about a figure: its change vs the previous year (for figures the extraction
has no change field for), the reason for a total's change stated part by part, and how it splits
("三公经费数为 X 万元，其中：…")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from qa.pick import _bigrams, formal_change_words
from qa.projects import _PUNCT, name_match
from qa.sentences import DocText, Sentence, sub_sentence
from qa.text import squeeze, to_decimal

# --- stated year-on-year change for metrics the extraction has no change field for -----------

_CHANGE = re.compile(r"比上年(?:预算)?(?:数)?(增加|减少|增长|下降)(\d+(?:\.\d+)?)万元[,，]?(?:(增长|下降)(\d+(?:\.\d+)?)%)?")


_AMOUNT = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:亿元|万元|元)")


def stated_change_in_text(dt: DocText, terms: list[str], kind: str) -> tuple[Decimal | None, Sentence | None]:
    """The change vs the previous year stated right after one of `terms` (e.g. 项目支出…比上年预算增加 X 万元)."""
    terms = [squeeze(t) for t in terms if t]
    for s in dt.sentences:
        for t in terms:
            i = s.text.find(t)
            if i < 0:
                continue
            m = _CHANGE.search(s.text, i + len(t))
            if not m or m.start() - (i + len(t)) > 60:
                continue
            between = s.text[i + len(t): m.start()]
            # the change belongs to the last figure stated before it: after "支出预算 X 万元，其中：基本支出
            # Y 万元，…比上年增加 Z" Z is 基本支出's change, not the total's
            if "比上年" in between or "其中" in between or len(_AMOUNT.findall(between)) > 1:
                continue
            if kind == "percent":
                if m.group(4) is None:
                    continue
                v = to_decimal(m.group(4))
                sign = m.group(3)
            else:
                v = to_decimal(m.group(2))
                sign = m.group(1)
            if v is None:
                continue
            return (-v if sign in ("减少", "下降") else v), s
    return None, None


# --- the reason for a change stated item by item ("X比上年增加 A 万元，其中：Y增加 0.00 万元，主要原因是…；
# --- Z增加 A 万元，主要原因是…") ----------------------------------------------------------------------

_PART_CHANGE = re.compile(r"(增加|减少|增长|下降)(-?\d+(?:\.\d+)?)万元")
_REASON = re.compile(r"主要原因(?:是|为|在于)?[:：]?|原因(?:是|为|在于)[:：]?|由于")


@dataclass
class ChangePart:
    subject: str
    sign: int  # +1 / -1 / 0 (no change)
    sentence: Sentence
    text: str  # the part's clause (subject, change, reason)
    reason: str


def _sign(word: str, amount: str) -> int:
    v = to_decimal(amount) or Decimal(0)
    if v == 0:
        return 0
    s = -1 if word in ("减少", "下降") else 1
    return -s if v < 0 else s


def change_block(dt: DocText, sentence: Sentence):
    """A total's change followed by its parts' changes and reasons, around `sentence`:
    (head sentence, total subject, total sign, total's own reason, [ChangePart]) or None."""
    try:
        i = next(k for k, s in enumerate(dt.sentences) if s is sentence or (
            s.first == sentence.first and s.text == sentence.text))
    except StopIteration:
        return None
    sents = dt.sentences
    head = None
    for k in range(i, max(-1, i - 6), -1):
        t = sents[k].text
        j = t.find("其中")
        if j > 0 and _PART_CHANGE.search(t[:j]) and "比上年" in t[:j]:
            head = k
            break
        if k < i and not t.endswith((";", "；")):
            break
    if head is None:
        return None
    t = sents[head].text
    j = t.find("其中")
    m = _PART_CHANGE.search(t, 0, j)
    subject = t[:t.find("比上年")]
    total_sign = _sign(m.group(1), m.group(2))
    own = _REASON.search(t, 0, j)
    own_reason = t[own.end():j].strip(",，") if own else ""
    parts: list[ChangePart] = []
    k, offset = head, j + 2
    while k < len(sents) and k < head + 10:
        s = sents[k]
        body = s.text[offset:].lstrip(":：")
        start = len(s.text) - len(body)
        for piece in re.finditer(r"[^;；。]+[;；。]?", body):
            clause = piece.group(0)
            pm = _PART_CHANGE.search(clause)
            if not pm:
                continue
            r = _REASON.search(clause)
            sub = sub_sentence(s, start + piece.start(), start + piece.end())
            subj = re.sub(r"^(?:其中|以及|另外)?[:：,，]?", "", clause[:pm.start()])
            parts.append(ChangePart(subj, _sign(pm.group(1), pm.group(2)), sub, clause.rstrip(";；。,，"),
                                    clause[r.end():].rstrip(";；。,，") if r else ""))
        if not s.text.endswith((";", "；")) or k + 1 >= len(sents):
            break
        k, offset = k + 1, 0
    if len(parts) < 2:
        return None
    return sents[head], subject, total_sign, own_reason, parts


def _names(a: str, b: str) -> bool:
    """Whether name `a` is (nearly) all in `b`, punctuation aside."""
    a, b = _PUNCT.sub("", a), _PUNCT.sub("", b)
    return bool(a) and (a in b or name_match(a, b) >= 0.75)


def reason_of_change(dt: DocText, sentence: Sentence, question: str, figures: list[list[str]] | None = None):
    """The stated reason for the change the question asks about, when `sentence` lies in a block that
    states a total's change part by part. `figures` are the names of each figure the question was
    understood to ask about. Returns None when it is not such a block, or not clearly about it;
    otherwise (answer text, [sentences to cite], value) — or ("", [], None) when no part explains it (a
    total that went up while the only reasons given are for parts that did not change)."""
    block = change_block(dt, sentence)
    if block is None:
        return None
    head, subject, total_sign, own_reason, parts = block
    q = squeeze(formal_change_words(question))
    named = [p for p in parts if len(_bigrams(p.subject)) >= 2 and _names(p.subject, q)]
    figures = [[squeeze(t) for t in names if t] for names in (figures or [])]
    if not named:
        named = [p for p in parts if any(_names(t, p.subject) or _names(p.subject, t) for f in figures for t in f)]
    j = head.text.find("其中")
    total_clause = head.text[:j].rstrip(",，")
    if named:
        if not any(p.reason for p in named):
            return "", [], None
        text = "；".join(p.text for p in named)
        return text, [p.sentence for p in named], "；".join(p.reason for p in named if p.reason)
    total_named = any(_names(t, subject) for f in figures for t in f)
    if figures and not total_named:
        return None  # a figure neither the total nor one of its parts: not this block's question
    if not figures and sentence.first != head.first:
        return None
    if own_reason:
        return None  # the total states its own reason: the ordinary sentence answers
    if total_sign == 0:
        # no change in total: the parts that moved (and offset each other), or — none moved — each
        # part's own reason for staying the same
        chosen = [p for p in parts if p.sign != 0 and p.reason] or [p for p in parts if p.reason]
    else:
        chosen = [p for p in parts if p.sign == total_sign and p.reason]
    if not chosen:
        return "", [], None
    text = total_clause + "，其中：" + "；".join(p.text for p in chosen)
    head_part = sub_sentence(head, 0, j)
    return text, [head_part] + [p.sentence for p in chosen], "；".join(p.reason for p in chosen)


_BREAKDOWN = re.compile(r"^(.{0,40}?)(\d+(?:\.\d+)?)万元[,，]?(?:其中|包括)[:：]?(.+)$")


_PART_AMOUNT = re.compile(r"^[^,，。;；:：]{1,20}?\d+(?:\.\d+)?万元")


def breakdown_sentence(docs: list[DocText], names: list[str]) -> list[Sentence]:
    """The sentence(s) that state a figure and how it splits ("三公经费数为 9.50 万元，其中：A x 万元，B y
    万元…", or "…其中：A x 万元，主要包括…。" + "B y 万元，…。"): one of `names` right before the amount,
    two or more amounts after 其中/包括, and no year-on-year change in between. First in document
    order; [] when none."""
    names = [_PUNCT.sub("", squeeze(n)) for n in names if n]
    for d in docs:
        for k, s in enumerate(d.sentences):
            text = re.sub(r"[\"“”‘’']", "", s.text)
            for n in names:
                i = text.find(n)
                if i < 0 or len(n) < 2:
                    continue
                m = _BREAKDOWN.match(text[i + len(n):])
                if not m or "比上年" in m.group(1):
                    continue
                amounts = len(re.findall(r"\d+(?:\.\d+)?万元", m.group(3)))
                out = [s]
                # the next parts may follow as sentences of their own
                for t in d.sentences[k + 1: k + 6]:
                    if not _PART_AMOUNT.match(t.text) or "比上年" in t.text[:30]:
                        break
                    out.append(t)
                    amounts += 1
                if amounts < 2:
                    continue
                # a section heading run into the sentence ("十、关于…情况说明X…") is not quoted
                j = s.text.find("说明")
                if 0 <= j < 80 and "其中" in s.text[j:]:
                    out[0] = sub_sentence(s, j + 2)
                return out
    return []
