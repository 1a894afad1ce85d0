"""Subject name and project name of a 表7 line when the layout ran the two cells together.

A 项目支出 table prints, per line, the subject code, the subject name (科目名称) and the project name
(项目名称). Where the cells wrap over several lines and lose their boundaries (pdftotext, copied text),
the two names arrive as one string of line pieces: ``财政对其他基本医疗保险基金的补助`` +
``离休人员医疗保障（本级）``. The boundary is found, in order, from

1. the name the document's other coded tables (表2/表3/表5) print for the same code: the line starts
   (or, printed right to left, ends) with it — or its first pieces are a strict beginning of it, the
   rest of the subject cell having been cut off by a page break (the subject name is then completed);
2. a piece that starts with a year (``2023 年…``) after pieces without a digit: subject names of the
   national classification never hold a digit, project names very often start with their year;
3. another line of the same code whose project cell was read apart (its name is the subject), else the
   longest beginning, made of whole pieces and without a digit, that every line of the code shares.

Nothing is split when none of these holds: a line may be a subject without a project.
"""

from __future__ import annotations

import re

_YEAR = re.compile(r"^(19|20)\d{2}年")
_DIGIT = re.compile(r"\d")


def subject_names(tables) -> dict[str, list[str]]:
    """code → the subject names printed for it by coded tables without a project column."""
    out: dict[str, list[str]] = {}
    for table in tables:
        for r in table.rows if table is not None else []:
            name = (r.name or "").replace(" ", "")
            if r.code and len(name) >= 2 and not _DIGIT.search(name) and not r.extra:
                if name not in out.setdefault(r.code, []):
                    out[r.code].append(name)
    return out


def split_subjects(rows, subjects: dict[str, list[str]]) -> None:
    """Set `name` (subject) and `extra` (project) of the `extract.rows.Row`s in place."""
    coded = [r for r in rows if r.codes and not r.total and r.name]
    done: set[int] = set()
    for r in coded:
        cut = _by_subject(r, subjects.get(r.code, [])) or _by_year(r)
        if cut:
            _apply(r, *cut)
            done.add(id(r))
    groups: dict[str, list] = {}
    for r in coded:
        groups.setdefault(r.code, []).append(r)
    for group in groups.values():
        if len(group) < 2:
            continue
        # a line whose project cell was read apart gives the subject exactly; else what all lines share
        anchors = [r.name for r in group if r.extra and not _DIGIT.search(r.name)]
        common = max(anchors, key=len) if anchors else _common_head(group)
        if not common:
            continue
        for r in group:
            if id(r) not in done and not r.extra and r.name.startswith(common) and r.name != common:
                k = _boundary(r.parts, common)
                if k is not None:
                    _apply(r, common, "".join(r.parts[k:]))


def _apply(r, subject: str, head: str) -> None:
    r.name = subject
    if head:
        r.extra = head + r.extra if r.extra else head
    r.parts = [subject]


def _pieces(r) -> list[str]:
    return [p.replace(" ", "") for p in (r.parts or [r.name]) if p]


def _by_subject(r, names: list[str]) -> tuple[str, str] | None:
    name = r.name.replace(" ", "")
    for s in sorted(names, key=len, reverse=True):
        if name == s:
            return None
        if name.startswith(s):
            return s, name[len(s):]
        if name.endswith(s):  # printed right to left: the project cell came first
            return s, name[: -len(s)]
    parts = _pieces(r)
    for k in range(len(parts), 0, -1):  # a subject cell cut short (page break) before the project cell
        head = "".join(parts[:k])
        if len(head) < 4:
            break
        fits = [s for s in names if s.startswith(head) and len(s) > len(head)]
        if fits:
            return max(fits, key=len), "".join(parts[k:])
    return None


def _by_year(r) -> tuple[str, str] | None:
    parts = _pieces(r)
    for k in range(1, len(parts)):
        head = "".join(parts[:k])
        if _DIGIT.search(head):
            return None
        if _YEAR.match(parts[k]):
            return head, "".join(parts[k:])
    return None


def _heads(r) -> list[str]:
    parts = _pieces(r)
    return ["".join(parts[:k]) for k in range(1, len(parts) + 1)]


def _common_head(group) -> str:
    shared = set(_heads(group[0]))
    for r in group[1:]:
        shared &= set(_heads(r))
    shared = {h for h in shared if len(h) >= 2 and not _DIGIT.search(h)}
    return max(shared, key=len) if shared else ""


def _boundary(parts: list[str], head: str) -> int | None:
    parts = [p.replace(" ", "") for p in parts if p]
    for k in range(1, len(parts) + 1):
        if "".join(parts[:k]) == head:
            return k
    return None
