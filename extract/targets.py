"""Performance targets stated twice in one 绩效目标表: in the goal text and in the indicator rows.

The national template's 绩效目标表 (部门/单位整体绩效目标表, 项目支出绩效目标表) prints a goal text
(年度绩效目标 / 项目总体目标) and the indicators (一级/二级/三级指标, 指标值) the goal is measured by; a
goal text that names a target ("申领激活医保电子凭证，激活率达 87%以上") restates an indicator row
("申领激活医保电子凭证 ≥88%"), and the two must agree.

An indicator is matched to a figure of the goal text by its name — the longest stretch of the
indicator's name that the goal text repeats before the figure — never by a phrase of one document:

- same unit (the catalogue's `units`, extract/identities.json `performance.targets`);
- the shared stretch is distinctive: at least `min_shared` characters and most of the indicator's name
  (`min_cover`), and the best match of both sides (the figure's best indicator is this indicator, and
  no other figure of the goal text matches the indicator as well);
- a goal-text figure whose value some indicator of the same unit holds, matched as well, is that
  indicator's (no pair is made across it).

Every pair is recorded (agreeing or not); the validator compares them (`performance.targets`).
"""

from __future__ import annotations

import re
from decimal import Decimal

from extract.schema import BudgetRecord, Leaf, PerformanceTarget

_TITLE = re.compile(r"(?:部门|单位)?(?:整体|项目支出|项目)绩效目标(?:申报)?表")
_GOAL = re.compile(r"年度绩效目标|项目总体目标|总体目标|年度目标")
_GOAL_END = re.compile(r"年度预算|资金来源|一级指标|二级指标|三级指标|项目资金|绩效指标")
_INDICATORS = re.compile(r"三级指标|二级指标")
_COMPARATOR = r"(?:≥|≤|>=|<=|＞|＜|>|<|=)"
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff“”、()（）]{2,60}$")
_END = re.compile(r"[。；;]")
_UNIT_NOTE = re.compile(r"[(（][^()（）\d]{0,4}[)）]$")


_OTHER_YEAR = re.compile(r"上年|去年|上一年|前一年|同期|以前")
_CLAUSE = re.compile(r"[,，。；;]")


def _same_clause_next(text: str, gm: re.Match, later: list) -> bool:
    """Does another figure of the same unit follow `gm` in its clause?"""
    for m, _ in later:
        if _CLAUSE.search(text, gm.end(), m.start()):
            return False
        if m.group(2) == gm.group(2):
            return True
    return False


def _catalogue() -> dict:
    from extract.validate import catalogue

    return catalogue()["performance.targets"]


def _lcs(a: str, b: str) -> int:
    """The length of the longest stretch `a` and `b` share."""
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _indicator_name(before: str) -> str:
    """The indicator's name: the run of words just before its value, after its 二级指标 (…指标)."""
    before = _UNIT_NOTE.sub("", before)  # "参保率（%）" names its unit in brackets
    m = _NAME_CHARS.search(before)
    name = m.group(0) if m else ""
    cut = name.rfind("指标")
    return name[cut + 2:] if cut >= 0 else name


def _blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, title) of every 绩效目标表 that prints a goal text and indicators."""
    heads = [m for m in _TITLE.finditer(text)]
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else min(len(text), m.end() + 8000)
        out.append((m.start(), end, m.group(0)))
    return out


def extract_targets(t, rec: BudgetRecord) -> None:
    """Every target a 绩效目标表 of the text states both in its goal text and as an indicator
    (t: extract.narrative.Text) into `rec.performance_targets`."""
    cat = _catalogue()
    units = sorted(cat["units"], key=len, reverse=True)
    unit_rx = "(" + "|".join(re.escape(u) for u in units) + ")"
    number = re.compile(r"(\d+(?:\.\d+)?)" + unit_rx)
    valued = re.compile(_COMPARATOR + r"(\d+(?:\.\d+)?)" + unit_rx)
    min_shared, min_cover = cat["min_shared"], Decimal(str(cat["min_cover"]))
    text = t.text
    for start, end, title in _blocks(text):
        g = _GOAL.search(text, start, end)
        if not g:
            continue
        ge = _GOAL_END.search(text, g.end(), end)
        ind = _INDICATORS.search(text, ge.start() if ge else g.end(), end)
        if not ge or not ind:
            continue
        # the goal text's figures, each with the words before it (back to the previous figure or sentence end)
        goals = []
        last = g.end()
        for m in number.finditer(text, g.end(), ge.start()):
            seg = text[last:m.start()]
            cut = max((x.end() for x in _END.finditer(seg)), default=0)
            ctx = seg[cut:]
            if goals and not cut and len(re.sub(r"[^\u4e00-\u9fff]", "", ctx)) < min_shared:
                ctx = goals[-1][1] + ctx  # "由 95% 提高到 98%": the second figure shares the first's words
            goals.append((m, ctx))
            last = m.end()
        if not goals:
            continue
        indicators = []
        prev = ind.end()
        for m in valued.finditer(text, ind.end(), end):
            name = _indicator_name(text[prev:m.start()])
            prev = m.end()
            if len(name) >= min_shared:
                indicators.append((m, name))
        if not indicators:
            continue

        def score(i: int, k: int) -> int:
            (im, name), (gm, ctx) = indicators[i], goals[k]
            if im.group(2) != gm.group(2):
                return 0
            n = _lcs(name, ctx)
            return n if n >= min_shared and n >= min_cover * len(name) else 0

        scores = {(i, k): score(i, k) for i in range(len(indicators)) for k in range(len(goals))}
        for i, (im, name) in enumerate(indicators):
            row = [scores[i, k] for k in range(len(goals))]
            best = max(row)
            if not best or row.count(best) > 1:
                continue
            k = row.index(best)
            if max(scores[j, k] for j in range(len(indicators))) > best or \
                    sum(1 for j in range(len(indicators)) if scores[j, k] == best) > 1:
                continue  # the figure names another indicator better (or as well)
            gm = goals[k][0]
            iv, gv = Decimal(im.group(1)), Decimal(gm.group(1))
            if iv != gv:
                # a figure of another year ("较上年 85%"), or not the last figure of its clause ("由 95% 提高至
                # 全年 98%"): not the target itself
                if _OTHER_YEAR.search(goals[k][1]) or _same_clause_next(text, gm, goals[k + 1:]):
                    continue
                # the goal text states the indicator's own value elsewhere, or the figure is another indicator's
                if any(scores[i, kk] and Decimal(goals[kk][0].group(1)) == iv for kk in range(len(goals))):
                    continue
                if any(scores[j, k] and Decimal(indicators[j][0].group(1)) == gv for j in range(len(indicators))):
                    continue
            rec.performance_targets.append(PerformanceTarget(
                name=Leaf(value=name, evidence=[t.cite(im.start() - len(name), im.start())]),
                indicator=Leaf(value=iv, evidence=[t.cite(im.start() - len(name), im.end())]),
                stated=Leaf(value=gv, evidence=[t.cite(gm.start(), gm.end())]),
                unit=im.group(2), table=title))
