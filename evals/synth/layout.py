"""Per-document layout variants of a synthetic disclosure: how table labels, titles and issuer lines
are printed, which wording and table set the tables use, number formats, the order of the parts and
the kind of body that publishes. Real files show only a few of these (the Xinjiang samples print
表1–表11 above a template title; Jiangsu prints 公开01表, 收支预算总表, "部门：X 单位：万元" on one line
and thousands separators); the reader must cope with all of them.

`Layout()` is today's layout (the default output stays byte-identical). A named preset or a
comma-separated combination of presets fixes a layout (`--layout labels-gongkai,title-after`);
`mixed(rng)` draws every dimension independently (`--layouts mixed`).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields, replace

CN_DIGITS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]


@dataclass(frozen=True)
class Layout:
    labels: str = "arabic"          # arabic 表1 | chinese 表一 | gongkai 公开01表 | dept 部门预算公开08表 | none
    label_pos: str = "above"        # above: label on its own line | inline: "公开03表：支出预算总表"
    label_sep: str = "："           # inline only: "：" or " "
    issuer: str = "编制部门"         # the issuer label: 编制部门 | 部门 | 部门名称 | 编制单位
    issuer_line: str = "default"    # default (text: issuer and 单位 on two lines; PDF: one line) | one-line | two-lines
    title_pos: str = "before"       # before | after (title, label and issuer printed after the table body)
    titles: str = "template"        # template (the samples' wordings and table set) | jiangsu (Jiangsu wordings and set)
    thousands: str = "off"          # off | tables | all (tables and narrative): 18,330.37
    order: str = "narrative-first"  # narrative-first (概况, tables, 情况说明) | tables-first (tables before all narrative)
    codes: str = "split"            # split (类 | 款 | 项 columns) | joined (one 科目编码 column: 201, 20101, 2010101)
    body: str = "local"             # local (county/prefecture bureau) | province (省…厅) | street (…街道办事处)
    publisher: str = "部门"          # 部门 (部门预算/决算) | 单位 (单位预算/决算)

    @property
    def is_default(self) -> bool:
        return self == Layout()

    def names(self) -> list[str]:
        """The presets this layout differs from the default by (for reports)."""
        out = []
        d = Layout()
        for f in fields(self):
            v = getattr(self, f.name)
            if v != getattr(d, f.name) and f.name != "label_sep":
                out.append(f"{f.name}={v}")
        return out

    def as_dict(self) -> dict:
        return asdict(self)


PRESETS: dict[str, dict] = {
    "template": {},
    "labels-chinese": {"labels": "chinese"},
    "labels-gongkai": {"labels": "gongkai"},
    "labels-dept": {"labels": "dept"},
    "labels-none": {"labels": "none"},
    "label-inline": {"label_pos": "inline", "labels": "gongkai"},
    "issuer-one-line": {"issuer_line": "one-line", "issuer": "部门"},
    "issuer-two-lines": {"issuer_line": "two-lines"},
    "issuer-name": {"issuer": "部门名称"},
    "issuer-unit": {"issuer": "编制单位"},
    "title-after": {"title_pos": "after"},
    "jiangsu-titles": {"titles": "jiangsu"},
    "thousands": {"thousands": "tables"},
    "thousands-all": {"thousands": "all"},
    "tables-first": {"order": "tables-first"},
    "codes-joined": {"codes": "joined"},
    "province": {"body": "province"},
    "street": {"body": "street"},
    "unit-publisher": {"publisher": "单位"},
    # what a Jiangsu provincial tables file looks like
    "jiangsu": {"labels": "gongkai", "issuer": "部门", "issuer_line": "one-line", "titles": "jiangsu",
                "thousands": "tables", "codes": "joined", "body": "province"},
}


def parse(spec: str) -> Layout:
    """'labels-gongkai,title-after' → a Layout; also accepts dimension=value items ('labels=none')."""
    values: dict = {}
    names = {f.name for f in fields(Layout)}
    for item in (x.strip() for x in spec.split(",") if x.strip()):
        if "=" in item:
            k, v = (p.strip() for p in item.split("=", 1))
            if k not in names:
                raise ValueError(f"unknown layout dimension {k!r} (known: {', '.join(sorted(names))})")
            values[k] = v
        elif item in PRESETS:
            values.update(PRESETS[item])
        else:
            raise ValueError(f"unknown layout {item!r} (known: {', '.join(PRESETS)})")
    lay = replace(Layout(), **values)
    _check(lay)
    return lay


_CHOICES = {
    "labels": ["arabic", "chinese", "gongkai", "dept", "none"],
    "label_pos": ["above", "inline"],
    "label_sep": ["：", " "],
    "issuer": ["编制部门", "部门", "部门名称", "编制单位"],
    "issuer_line": ["default", "one-line", "two-lines"],
    "title_pos": ["before", "after"],
    "titles": ["template", "jiangsu"],
    "thousands": ["off", "tables", "all"],
    "order": ["narrative-first", "tables-first"],
    "codes": ["split", "joined"],
    "body": ["local", "province", "street"],
    "publisher": ["部门", "单位"],
}


def _check(lay: Layout) -> None:
    for k, allowed in _CHOICES.items():
        if getattr(lay, k) not in allowed:
            raise ValueError(f"layout {k}={getattr(lay, k)!r}: one of {', '.join(allowed)}")


def mixed(rng: random.Random) -> Layout:
    """Every dimension drawn independently (weights keep today's value common)."""
    w = {
        "labels": [3, 2, 3, 2, 2], "label_pos": [3, 2], "label_sep": [1, 1], "issuer": [3, 3, 2, 2],
        "issuer_line": [2, 2, 1], "title_pos": [5, 1], "titles": [1, 1], "thousands": [2, 2, 1],
        "order": [3, 1], "codes": [2, 1], "body": [6, 2, 2], "publisher": [4, 1],
    }
    return Layout(**{k: rng.choices(_CHOICES[k], weights=w[k])[0] for k in _CHOICES})


def label_text(lay: Layout, n: int, kind: str = "预算") -> str:
    """The printed number of the n-th table (1-based) in a label style."""
    if lay.labels == "arabic":
        return f"表{n}"
    if lay.labels == "chinese":
        return f"表{CN_DIGITS[n]}"
    if lay.labels == "gongkai":
        return f"公开{n:02d}表"
    if lay.labels == "dept":
        return f"{lay.publisher}{kind}公开{n:02d}表"
    return ""


def thousands(text: str) -> str:
    """'18330.37' → '18,330.37' (amount cells only: digits with two decimals)."""
    import re

    m = re.fullmatch(r"(-?)(\d+)(\.\d\d)", text)
    if not m:
        return text
    return f"{m.group(1)}{int(m.group(2)):,}{m.group(3)}"
