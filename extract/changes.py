"""Changes, comparisons and rates stated in the text, read generally (any subject, any section):

- a change: "<subject> X 万元，比上年(预算)增加 Y 万元，增长 Z%" in its many wordings (与上年相比…增加,
  较上年…减少了, 增幅/降幅/下降, "与上年持平/与上年数一致" = no change), and in a 决算 against the budget
  (比年初预算增加, 与预算相比减少…) → `StatedChange` (signed amount and percent, the stated figure before
  it, the previous figure when printed: "上年…为 W 万元");
- a comparison in words: "<subject> 决算数小于预算数", "支出大于收入" → `StatedComparison`;
- a rate: "<subject> 决算数为 X 万元，完成(年初)预算的 R%" → `StatedRate`.

Each statement keeps its subject as printed and, where the stated-figure catalogue (statements.json)
names it, the record path; 项 statements of the 一般公共预算当年拨款具体使用情况 (…(类)…(款)…(项)) are one
`group` per printed list, so their changes can be added up. Parent figures ("…合计 X 万元，其中：") are
recorded so that the changes of the parts can be checked against the change of the whole. Nothing here
checks anything: extract/validate.py does.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from extract.amounts import to_decimal, to_wan
from extract.schema import BudgetRecord, Leaf, StatedChange, StatedComparison, StatedRate, StatedShare

_NUM = r"(-?\d+(?:\.\d+)?)"
_UNIT = r"(万元|亿元|元)"
_UP = ("增加", "增长", "上升", "提高", "增幅", "增")
_DOWN = ("减少", "下降", "降低", "降幅", "减幅", "压缩", "减", "降")
_VERB = r"(增加|减少|增长|下降|上升|降低|提高|压缩|增幅|降幅|减幅)"
# what a change is measured against: the previous year (比上年, 与上年相比, 较2022年…) or, in a 决算, the budget
_PREV = r"(?:上年|上一年|去年|上年度|20\d{2}年度?)(?:预算数?|决算数?|同期|数)?"
_BUDGET = r"(?:年初预算|调整预算|全年预算|预算)数?"
_AGAINST = rf"(?:比|较|与|同)(?P<against>{_PREV}|{_BUDGET})(?:相比|比较|对比)?"
_CHANGE = re.compile(
    _AGAINST + r"[,，:：]?(?P<filler>[^\d。;；%]{0,16}?)(?P<verb>" + _VERB[1:-1] + r")了?" + _NUM.replace("(", "(?P<amount>", 1)
    + _UNIT.replace("(", "(?P<unit>", 1)
    + r"(?:[,，;；]?(?:[^\d。;；%]{0,8}?)(?P<pverb>" + _VERB[1:-1] + r")(?:了|为)?" + _NUM.replace("(", "(?P<pct>", 1) + r"%)?")
_PCT_ONLY = re.compile(_AGAINST + r"[,，:：]?(?P<filler>[^\d。;；%]{0,16}?)(?P<pverb>" + _VERB[1:-1] + r")(?:了|为)?"
                       + _NUM.replace("(", "(?P<pct>", 1) + r"%")
_SAME = re.compile(r"(?:与|和|同|较|比)(?P<against>" + _PREV + r"|" + _BUDGET + r")(?:相比|比较)?[,，]?(?:基本)?"
                   r"(?:持平|一致|相同|无变化|没有变化|未发生变化|不变)")
# text allowed between a stated figure and the change phrase after it
_GAP = re.compile(r"^[,，。;；:：]?(?:占[^\d,，。;；]{0,16}?\d+(?:\.\d+)?%[,，。;；]?)?"
                  r"(?:主要(?:是)?用于[^\d。;；]{0,120}?[,，。;；])?(?:[(（][^()（）\d]{0,30}[)）][,，。;；]?)?$")
_FIGURE = re.compile(_NUM + _UNIT + r"(?![/%])")
_CLAUSE_END = re.compile(r"[。;；:：]|其中|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、](?!\d)")
_ITEM = re.compile(r"[(（]项[)）]")
_HEADING = re.compile(r"[（(][一二三四五六七八九十]{1,3}[)）]|(?<![\d.])[一二三四五六七八九十]{1,3}、")
_PREV_FIGURE = re.compile(r"(?:上年|上一年|去年)[^\d。;；]{0,20}?(?:为|是|安排)?" + _NUM + _UNIT)

_COMPARE = re.compile(r"(?P<left>决算数?|支出|收入|实际支出)(?:[^\d。;；,，]{0,4}?)(?P<word>大于|小于|高于|低于|多于|少于|超过|等于|持平于?)"
                      r"(?P<right>年初预算数?|调整预算数?|全年预算数?|预算数?|收入|支出)")
_SHARE = re.compile(_NUM + _UNIT + r"[,，]?(?:[^\d,，。;；%]{0,4}?)占(?P<whole>[^\d,，。;；%]{1,20}?)的?" + _NUM + "%")
_RATE = re.compile(r"完成(?:了)?(?:年初|调整|全年)?预算(?:数)?的" + _NUM + "%")


def _signed(value: Decimal | None, verb: str | None) -> Decimal | None:
    if value is None:
        return None
    if verb and verb.startswith(_DOWN) and not verb.startswith(_UP):
        return -abs(value)
    return value


def _statement_paths(t) -> dict[int, list[str]]:
    """{start of a number in t.text: the record paths the catalogue name before it gives}."""
    from extract.statements import _catalog

    pattern, groups, _ = _catalog()
    out: dict[int, list[str]] = {}
    pos = 0
    while True:
        m = pattern.search(t.text, pos)
        if not m:
            break
        pos = m.start() + 1
        name = next((g for g, v in m.groupdict().items() if v is not None and g in groups), None)
        if name is None:
            continue
        out.setdefault(m.start(m.lastindex - 1), groups[name][0])
    return out


def _path_named(subject: str) -> str | None:
    """The record path of the figure name of the stated-figure catalogue that ends last in `subject`
    ("…机关运行经费财政拨款预算" → operating_expenses); None when it names none."""
    paths = _paths_named(subject)
    return paths[0] if paths else None


def _paths_named(subject: str) -> list[str]:
    """All the record paths of that name (收、支总计 → income.total, expenditure.total, narrative.total)."""
    if not subject:
        return []
    best = None
    for name, paths in _names().items():
        for m in re.finditer(name, subject):
            key = (m.end(), m.end() - m.start())
            if best is None or key > best[0]:
                best = (key, paths)
    return best[1] if best else []


@lru_cache(maxsize=1)
def _names() -> dict[str, list[str]]:
    """{name regex: record paths} of the amount figures of extract/statements.json."""
    data = json.loads(Path(__file__).with_name("statements.json").read_text(encoding="utf-8"))
    return {rx: paths.split("|") for paths, regexes, kind in data["figures"] if kind == "amount" for rx in regexes}


def _figure_before(text: str, start: int, floor: int) -> re.Match | None:
    """The stated figure a change phrase at `start` refers to: the last amount before it with only a
    share (占 X%), a 主要用于 clause or punctuation in between."""
    lo = max(floor, start - 220)
    last = None
    for m in _FIGURE.finditer(text, lo, start):
        last = m
    if last is None or not _GAP.match(text[last.end(): start]):
        return None
    return last


def _subject(text: str, fig: re.Match, floor: int) -> tuple[int, str]:
    """The words naming the figure: back from it to the clause's start."""
    lo = max(floor, fig.start() - 80)
    seg = text[lo: fig.start()]
    cut = 0
    for m in _CLAUSE_END.finditer(seg):
        # a list marker or heading right before an item's names is the boundary; (类)(款)(项) are not
        cut = m.end()
    subject = seg[cut:]
    if _ITEM.search(seg) and not _ITEM.search(subject):
        # "1.人大事务(款)行政运行(项):2024年预算数为" — the names are before the colon
        m = re.search(r"([^。;；]*?[(（]项[)）])[^。;；]*$", seg)
        if m:
            inner = m.group(1)
            k = max((x.end() for x in _CLAUSE_END.finditer(inner) if not re.match(r"[:：]", x.group())), default=0)
            subject = inner[k:] + subject
    return lo + cut, subject


def _leaf(t, value, start: int, end: int) -> Leaf:
    if value is None:
        return Leaf()
    return Leaf(value=value, evidence=[t.cite(start, end)])


_MARK = re.compile(r"(?:(\d{1,2})[.、](?!\d)|[(（](\d{1,2})[)）])$")
_MARK_AT = re.compile(r"(?:(\d{1,2})[.、](?!\d)|[(（](\d{1,2})[)）])")
_OPENS_LIST = re.compile(r"(?:其中|包括)[:：,，]?$")


def _parent_of(text: str, fig_start: int, sub_start: int) -> int | None:
    """Position of the figure a statement is listed under ("…合计 X 万元，其中/包括：1. … 2. …"): for a
    numbered item, the figure before the 其中/包括 that opens its list (item 2 walks back to item 1); for
    an unnumbered one, the last 其中 before it with no section heading in between."""
    m = _MARK.search(text[max(0, sub_start - 6): sub_start])
    inner = _MARK_AT.match(text, sub_start)  # the marker opens the subject itself ("其中（1）一般公共预算…")
    if m or inner:
        if m:
            n, paren = int(m.group(1) or m.group(2)), m.group(2) is not None
            pos = sub_start - (len(text[max(0, sub_start - 6): sub_start]) - m.start())
        else:
            n, paren, pos = int(inner.group(1) or inner.group(2)), inner.group(2) is not None, sub_start
        while n > 1:
            rx = re.compile(rf"[(（]{n - 1}[)）]" if paren else rf"(?<!\d){n - 1}[.、](?!\d)")
            prev = None
            for prev in rx.finditer(text, max(0, pos - 1500), pos):
                pass
            if prev is None:
                return None
            pos, n = prev.start(), n - 1
        opener = _OPENS_LIST.search(text, max(0, pos - 4), pos)
        if opener is None:
            return None
        k = opener.start()
    else:
        k = text.rfind("其中", 0, fig_start)
        if k < 0 or _HEADING.search(text, k, fig_start) or fig_start - k > 400 or "此外" in text[k:fig_start]:
            return None
        if re.match(r"[:：,，]?(?:[(（]\d{1,2}[)）]|\d{1,2}[.、](?!\d))", text[k + 2: k + 8]):
            return None  # a numbered list: its items carry their markers; an unnumbered statement is not one
    m = None
    for m in _FIGURE.finditer(text, max(0, k - 40), k):
        pass
    if m is None or not re.fullmatch(r"[,，。;；]?", text[m.end(): k]):
        return None
    return m.start()


def extract_changes(t, rec: BudgetRecord) -> None:
    """Fill rec.changes, rec.comparisons, rec.rates from the text `t` (extract.narrative.Text)."""
    text = t.text
    paths = _statement_paths(t)
    final = "决算" in str(rec.doc_kind.value or "")
    spans: list[tuple[int, int]] = []
    found: list[tuple[int, StatedChange, int | None]] = []  # (figure start, change, parent figure start)

    def add(m: re.Match, amount, verb, pct, pverb) -> None:
        if any(a <= m.start() < b for a, b in spans):
            return
        spans.append((m.start(), m.end()))
        floor = max((b for a, b in spans if b <= m.start()), default=0)
        fig = _figure_before(text, m.start(), 0)
        named = _paths_named(m.group("filler")) if "filler" in m.groupdict() and m.group("filler") else []
        if named:
            # the change names its own figure ("与2021年度相比，收、支总计各减少 X"): the last statement of that
            # figure before it, not whatever amount precedes the phrase
            fig = None
            for start in sorted((k for k, ps in paths.items() if set(named) & set(ps) and k < m.start()), reverse=True)[:1]:
                if m.start() - start < 400:
                    fig = _FIGURE.match(text, start)
        sub_start, subject = (_subject(text, fig, 0) if fig else (m.start(), ""))
        against = "budget" if re.match(_BUDGET, m.group("against")) and "上年" not in m.group("against") else "previous_year"
        if against == "budget" and not final:
            return  # a budget document compares with the previous year's budget (比上年预算) only
        ch = StatedChange(subject=_leaf(t, subject or None, sub_start, fig.end() if fig else m.end()),
                          against=against, words="".join(w for w in (verb, pverb) if w))
        if fig is not None:
            cur = to_wan(to_decimal(fig.group(1)), fig.group(2))
            ch.current = _leaf(t, cur, fig.start(), fig.end())
            p = paths.get(fig.start())
            if p:
                ch.path = p[0]
        if amount is not None:
            ch.amount = _leaf(t, _signed(amount, verb), m.start(), m.end())
        if pct is not None:
            ch.percent = _leaf(t, _signed(pct, pverb or verb), m.start(), m.end())
        prev = _PREV_FIGURE.search(text, m.end(), min(len(text), m.end() + 40))
        if prev and not re.search(r"[。;；]", text[m.end(): prev.start()]):
            ch.last = _leaf(t, to_wan(to_decimal(prev.group(1)), prev.group(2)), prev.start(), prev.end())
        if _ITEM.search(subject):
            ch.group = "items"
        parent = _parent_of(text, fig.start(), sub_start) if fig is not None else None
        if ch.path is None and ch.group is None:
            ch.path = _path_named(subject)
        found.append((fig.start() if fig is not None else m.start(), ch, parent))

    for m in _CHANGE.finditer(text):
        amount = to_wan(to_decimal(m.group("amount")), m.group("unit"))
        add(m, amount, m.group("verb"), to_decimal(m.group("pct")) if m.group("pct") else None, m.group("pverb"))
    for m in _PCT_ONLY.finditer(text):
        add(m, None, None, to_decimal(m.group("pct")), m.group("pverb"))
    for m in _SAME.finditer(text):
        add(m, Decimal(0), "持平", Decimal(0), None)
    # a parent figure that states no change itself is kept too (its current figure only), and its own parent
    have = {start for start, _, _ in found}
    k = 0
    while k < len(found):
        _, _, parent = found[k]
        k += 1
        if parent is None or parent in have:
            continue
        m = _FIGURE.match(text, parent)
        if m:
            have.add(parent)
            sub_start, subject = _subject(text, m, 0)
            found.append((parent, StatedChange(
                subject=_leaf(t, subject or None, parent, m.end()), path=(paths.get(parent) or [None])[0],
                current=_leaf(t, to_wan(to_decimal(m.group(1)), m.group(2)), m.start(), m.end())),
                _parent_of(text, m.start(), sub_start)))  # a parent may be listed under a parent itself
    found.sort(key=lambda x: x[0])
    index = {start: i for i, (start, _, _) in enumerate(found)}
    # 项 lists: consecutive item statements form one group (a list printed twice is two groups)
    n, prev_item = 0, False
    for start, ch, parent in found:
        if parent is not None and parent != start and parent in index:
            ch.parent = index[parent]
        if ch.group == "items":
            if not prev_item:
                n += 1
            ch.group = f"items.{n}"
            prev_item = True
        elif ch.amount.known or ch.percent.known:
            prev_item = False
    scope = json.loads(Path(__file__).with_name("statements.json").read_text(encoding="utf-8")).get("parent_scope", {})
    for _, ch, _ in found:
        if ch.parent is not None and ch.path:
            parent_path = found[ch.parent][1].path
            ch.path = (scope.get(parent_path) or {}).get(ch.path, ch.path)
    rec.changes = [ch for _, ch, _ in found]
    _shares(t, rec)
    if final:
        _comparisons(t, rec, paths)
        _rates(t, rec, paths)


@lru_cache(maxsize=1)
def _wholes() -> list[tuple[str, str]]:
    data = json.loads(Path(__file__).with_name("statements.json").read_text(encoding="utf-8"))
    return sorted(((k, v) for k, v in data.get("wholes", {}).items() if not k.startswith("_")), key=lambda kv: -len(kv[0]))


def _shares(t, rec: BudgetRecord) -> None:
    """Shares of a named whole: "因公出国（境）费支出 222.5 万元，占“三公”经费的 8.75%"."""
    text = t.text
    for m in _SHARE.finditer(text):
        whole = m.group("whole")
        whole_path = next((p for name, p in _wholes() if whole.endswith(name)), None)
        if whole_path is None:
            continue
        fig = re.match(_NUM + _UNIT, text[m.start():])
        sub_start, subject = _subject(text, fig and re.compile(_NUM + _UNIT).match(text, m.start()), 0)
        rec.shares.append(StatedShare(
            subject=_leaf(t, subject or None, sub_start, m.end()), path=_path_named(subject),
            amount=_leaf(t, to_wan(to_decimal(m.group(1)), m.group(2)), m.start(), m.end()),
            whole=_leaf(t, whole, m.start("whole"), m.end("whole")), whole_path=whole_path,
            share=_leaf(t, to_decimal(m.group(len(m.groups()))), m.start(), m.end())))


def _comparisons(t, rec: BudgetRecord, paths: dict[int, list[str]]) -> None:
    """"决算数小于预算数…": the figure compared is the first one the paragraph states (its heading names
    the subject: "七、“三公”经费支出决算情况说明 … “三公”经费支出决算数为 X … 决算数小于预算数的主要原因")."""
    text = t.text
    for m in _COMPARE.finditer(text):
        heads = [h.end() for h in _HEADING.finditer(text, max(0, m.start() - 800), m.start())]
        start = heads[-1] if heads else max(0, m.start() - 300)
        first = next((k for k in sorted(paths) if start <= k < m.start()), None)
        path = paths[first][0] if first is not None else None
        subject = text[start: m.start()][:60]
        rec.comparisons.append(StatedComparison(
            subject=_leaf(t, subject or None, start, m.end()), path=path, left=m.group("left"), right=m.group("right"),
            word=_leaf(t, m.group("word"), m.start(), m.end())))


_SENTENCE_END = re.compile(r"[。;；]")
_BUDGET_STATED = re.compile(r"预算(?:数)?(?:为|是)?" + _NUM + _UNIT)


def _rates(t, rec: BudgetRecord, paths: dict[int, list[str]]) -> None:
    text = t.text
    for m in _RATE.finditer(text):
        fig = None
        for f in _FIGURE.finditer(text, max(0, m.start() - 60), m.start()):
            fig = f
        if fig is None or re.search(r"[。;；]", text[fig.end(): m.start()]):
            continue
        _, subject = _subject(text, fig, 0)
        lo = max((x.end() for x in _SENTENCE_END.finditer(text, max(0, fig.start() - 80), fig.start())),
                 default=max(0, fig.start() - 80))
        budget = None
        for budget in _BUDGET_STATED.finditer(text, lo, fig.start()):
            pass
        rec.rates.append(StatedRate(
            budget=_leaf(t, to_wan(to_decimal(budget.group(1)), budget.group(2)), budget.start(), budget.end())
            if budget else Leaf(),
            subject=_leaf(t, subject or None, fig.start(), fig.end()),
                                    path=(paths.get(fig.start()) or [None])[0],
                                    final=_leaf(t, to_wan(to_decimal(fig.group(1)), fig.group(2)), fig.start(), fig.end()),
                                    rate=_leaf(t, to_decimal(m.group(1)), m.start(), m.end())))
