"""The metric lexicon: what users call a figure (Chinese and English) → schema dot paths.

Each `Metric` lists the record paths to read in preference order (table first, then the figure the
narrative states), its unit, the metric it is a part of (for "share of" questions) and the path of
the year-on-year change the document states, when the extraction provides one.

Function classes (功能分类 类, codes 201–234) come from the national classification and are also
matched by the names the ingested records themselves carry. Table rows (经济分类 款, 项, project
names) are matched dynamically from each record (see `row_metric`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metric:
    key: str
    paths: tuple[str, ...]
    zh: tuple[str, ...]
    en: tuple[str, ...] = ()
    unit: str = "万元"
    label_zh: str = ""
    label_en: str = ""
    parent: str | None = None  # key of the whole (for shares)
    change: str | None = None  # path of a {"amount", "percent"} node stated by the document
    kind: str = "amount"  # amount | count | text
    function_code: str | None = None  # for 功能分类 classes
    fiscal: bool = False  # function class read from the general public budget (表5)
    row: str | None = None  # table row name (dynamic metrics)
    rows: tuple[str, ...] = ()  # row names to read when the record has no value at `paths` (会议费 of 表6)
    description: str = ""  # what the figure is, in words (qa/meaning.py)
    description_en: str = ""
    unlike: tuple[str, ...] = ()  # words that name something else ("编外" is no 在编 staff): no reading by meaning
    funds_source: bool = False  # its name also says where money comes from ("维持运转的财政拨款经费")
    contains: tuple[str, ...] = ()  # keys of parts whose parent is a larger whole (购置及运行 ⊃ 运行, under 三公)
    parts: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        return self.label_zh or (self.zh[0] if self.zh else self.key)


def _load() -> dict:
    import json
    from pathlib import Path

    return json.loads((Path(__file__).with_name("figures.json")).read_text(encoding="utf-8"))


def _metric(e: dict) -> Metric:
    zh, en = tuple(e.get("zh", ())), tuple(e.get("en", ()))
    return Metric(key=e["key"], paths=tuple(e.get("paths") or (e["key"],)), zh=zh, en=en, unit=e.get("unit", "万元"),
                  label_zh=e.get("label_zh") or (zh[0] if zh else e["key"]),
                  label_en=e.get("label_en") or (en[0] if en else (zh[0] if zh else e["key"])),
                  parent=e.get("parent"), change=e.get("change"), kind=e.get("kind", "amount"),
                  rows=tuple(e.get("rows", ())), description=e.get("description", ""),
                  description_en=e.get("description_en", ""), unlike=tuple(e.get("unlike", ())),
                  contains=tuple(e.get("contains", ())), funds_source=bool(e.get("funds_source")))


_DATA = _load()
METRICS: list[Metric] = [_metric(e) for e in _DATA["figures"]]
BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}

# 功能分类 类 (national classification of expenditure by function): code → (name, English names)
FUNCTION_CLASSES: dict[str, tuple[str, tuple[str, ...]]] = {
    code: (v["zh"], tuple(v.get("en", ()))) for code, v in _DATA["function_classes"].items()}


def function_metric(code: str, name: str | None = None, fiscal: bool = False) -> Metric:
    std = FUNCTION_CLASSES.get(code)
    name = name or (std[0] if std else code)
    zh = [name]
    short = re.sub(r"(等)?支出$", "", name)
    if len(short) >= 2 and short != name:
        zh.append(short)
    zh.append(f"{code}类")
    en = std[1] if std else ()
    key = f"{'fiscal' if fiscal else 'expenditure'}.by_function.{code}"
    path = f"{'fiscal' if fiscal else 'expenditure'}.by_function"
    parent = "fiscal.general_budget" if fiscal else "expenditure.total"
    label_en = f"{en[0]} expenditure" if en else name
    label_zh = name
    if fiscal:
        label_zh, label_en = f"一般公共预算{name}", f"{label_en} (general public budget)"
    return Metric(key=key, paths=(path,), zh=tuple(zh), en=tuple(en), label_zh=label_zh, label_en=label_en,
                  parent=parent, function_code=code, fiscal=fiscal)


def function_metrics() -> list[Metric]:
    return [function_metric(code) for code in FUNCTION_CLASSES]


def row_metric(name: str) -> Metric:
    """A figure read from a table row by its printed name (经济分类 款, 功能分类 项, project names)."""
    return Metric(key=f"row:{name}", paths=(), zh=(name,), label_zh=name, label_en=name, row=name)


# Terms that identify a 经济分类/功能分类 row by name even when a document does not print it (so a
# question about one is understood, and declined as not disclosed when the document lacks the row).
STANDARD_ROWS: tuple[str, ...] = tuple(_DATA["standard_rows"])

# the economic-classification rows with what they are (qa/meaning.py reads questions against them too)
ROW_MEANINGS: list[Metric] = [
    Metric(key=f"row:{n}", paths=(), zh=(n,), label_zh=n, label_en=n, row=n, description=e.get("description", ""),
           description_en=e.get("description_en", ""))
    for n, e in _DATA.get("row_meanings", {}).items()]
