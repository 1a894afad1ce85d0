"""A deliberately corrupted copy of a real disclosure — a placeholder title, an emptied 三公 table, a
year changed, a total set to 0, "小于" changed to "大于" — must surface each corruption as a finding
(mismatch or irreproducible_rounding) that cites the corrupted place, while the original raises none
of them. Text copies are made from data/corpus; the PDF copy from a 决算 built to the MoF template
(evals/pdfkit), since no real 决算 ships with the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.pdfkit import Heading, PageBreak, Para, Table, render_pdf

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
SAMPLE = CORPUS / "001_4e595076af774e23.txt"
FINDINGS = ("mismatch", "irreproducible_rounding")


def _extract(path: Path) -> dict:
    from extract.api import extract_path

    return extract_path(path)


def _findings(rec: dict) -> list[dict]:
    return [c for c in rec["validation"] if c["status"] in FINDINGS]


def _cites(check: dict, needle: str) -> bool:
    quotes = [e.get("quote") or "" for e in check.get("evidence") or []]
    quotes += [e.get("quote") or "" for t in check.get("terms") or [] for e in t.get("evidence") or []]
    return any(needle in q for q in quotes)


def _corrupt(tmp_path: Path, name: str, edit) -> dict:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    edit(lines)
    path = tmp_path / f"{name}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return _extract(path)


def _line(lines: list[str], needle: str) -> int:
    return next(i for i, line in enumerate(lines) if needle in line)


@pytest.fixture(scope="module")
def original():
    return _extract(SAMPLE)


def test_the_original_raises_none_of_these(original):
    ids = {c["id"] for c in _findings(original)}
    assert not {i for i in ids if i.startswith(("document.", "income.total=", "sangong"))}, ids


def test_a_placeholder_title(tmp_path):
    def edit(lines):
        i = _line(lines, "# 伽师县医疗保障局预算公开")
        lines[i] = "# XXX单位预算公开"

    rec = _corrupt(tmp_path, "placeholder", edit)
    hits = [c for c in _findings(rec) if c["rule"] == "document.title"]
    assert hits and _cites(hits[0], "XXX单位预算公开"), [c["id"] for c in _findings(rec)]


def test_an_emptied_sangong_table(tmp_path):
    def edit(lines):
        start = _line(lines, "## 财政拨款“三公”经费支出情况表")
        end = _line(lines[start:], "表 11") + start
        for i in range(start, end):
            if lines[i].startswith(("合计", "公务接待费", "公务用车")):
                lines[i] = lines[i].split("\t")[0]  # the label stays, the figures are gone

    rec = _corrupt(tmp_path, "empty_sangong", edit)
    hits = [c for c in _findings(rec) if c["rule"] == "document.empty_table" and "sangong" in c["id"]]
    assert hits, [c["id"] for c in _findings(rec)]
    assert hits[0]["lhs"] == 2.22  # the text still states 2.22 万元


def test_a_year_changed(tmp_path):
    def edit(lines):  # the part heading in the body (the contents page keeps 2024)
        i = max(k for k, line in enumerate(lines) if line.startswith("## 第二部分 2024 年"))
        lines[i] = lines[i].replace("2024", "2021")

    rec = _corrupt(tmp_path, "year", edit)
    hits = [c for c in _findings(rec) if c["rule"] == "document.year"]
    assert [(c["lhs"], c["rhs"]) for c in hits] == [(2021, 2024)] and _cites(hits[0], "第二部分 2021")


def test_an_impossible_year(tmp_path):
    def edit(lines):
        for i, line in enumerate(lines):
            lines[i] = line.replace("2024", "2204")

    rec = _corrupt(tmp_path, "impossible_year", edit)
    hits = [c for c in _findings(rec) if c["id"] == "document.year"]
    assert hits and hits[0]["lhs"] == 2204


def test_a_total_set_to_zero(tmp_path):
    def edit(lines):
        i = _line(lines, "<b>收 入 总 计</b>")
        lines[i] = lines[i].replace("<b>247.40</b>\t<b>支", "<b>0.00</b>\t<b>支", 1)

    rec = _corrupt(tmp_path, "zero_total", edit)
    hits = [c for c in _findings(rec) if "income.total" in c["paths"]]
    assert {c["id"] for c in hits} >= {"income.total=expenditure.total", "income.total=current_year+carryover"}
    assert all(_cites(c, "收 入 总 计") for c in hits[:2])


# -- a 决算 PDF --------------------------------------------------------------------------------------

BODY = "示例市交通运输局"


def _final_blocks(title: str = f"{BODY}2023年度部门决算", sangong_row: list[str] | None = None,
                  word: str = "小于", year_in_title: str = "2023", overview_total: str = "1,292.50") -> list:
    overview = Table(
        header=[["收入", "", "", "支出", "", ""], ["项目", "行次", "金额", "项目", "行次", "金额"]],
        rows=[["一、一般公共预算财政拨款收入", "1", "1,260.50", "一、一般公共服务支出", "31", ""],
              ["二、政府性基金预算财政拨款收入", "2", "", "二、交通运输支出", "44", "1,180.20"],
              ["三、事业收入", "3", "12.00", "三、住房保障支出", "46", "92.30"],
              ["本年收入合计", "10", "1,272.50", "本年支出合计", "60", "1,272.50"],
              ["年初结转和结余", "11", "20.00", "年末结转和结余", "62", "20.00"],
              ["总计", "12", overview_total, "总计", "63", "1,292.50"]],
        col_widths=[150, 30, 60, 140, 30, 60], spans=[((0, 0), (2, 0)), ((3, 0), (5, 0))])
    sangong = Table(
        header=[["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
                ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费",
                 "合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"],
                ["", "", "小计", "公务用车购置费", "公务用车运行费", "", "", "", "小计", "公务用车购置费", "公务用车运行费", ""]],
        rows=[sangong_row or ["30.00", "0.00", "22.00", "0.00", "22.00", "8.00", "25.60", "0.00", "18.40", "0.00", "18.40", "7.20"]],
        col_widths=[40] * 12,
        spans=[((0, 0), (5, 0)), ((6, 0), (11, 0)), ((0, 1), (0, 2)), ((1, 1), (1, 2)), ((2, 1), (4, 1)),
               ((5, 1), (5, 2)), ((6, 1), (6, 2)), ((7, 1), (7, 2)), ((8, 1), (10, 1)), ((11, 1), (11, 2))])

    def label(n, text):
        return [Para(f"公开{n:02d}表", size=9), Heading(text, 3), Para(f"部门：{BODY}　　　　单位：万元", size=9)]

    return [Heading(title), PageBreak(),
            Heading("第二部分 2023年度部门决算表", 2),
            *label(1, "收入支出决算总表"), overview, PageBreak(),
            *label(7, f"{year_in_title}年度一般公共预算财政拨款“三公”经费支出决算表"), sangong, PageBreak(),
            Heading("第三部分 2023年度部门决算情况说明", 2),
            Para("一、收入支出决算总体情况说明"),
            Para("2023年度收入总计1,292.50万元，其中：本年收入合计1,272.50万元，年初结转和结余20.00万元。"),
            Para("二、“三公”经费财政拨款支出决算情况说明"),
            Para(f"2023年度“三公”经费财政拨款支出决算数为25.60万元，完成预算的85.33%。“三公”经费预算数为30.00万元。"
                 f"决算数{word}预算数的主要原因是厉行节约。")]


def _final(tmp_path: Path, name: str, **kw) -> dict:
    path = render_pdf(tmp_path / f"{name}.pdf", _final_blocks(**kw))
    return _extract(path)


@pytest.fixture(scope="module")
def final_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("final")


def test_the_final_accounts_original_is_clean(final_dir):
    rec = _final(final_dir, "original")
    assert not _findings(rec), [(c["id"], c["lhs"], c["rhs"]) for c in _findings(rec)]
    assert any(c["rule"] == "final.comparison_words" and c["status"] == "pass" for c in rec["validation"])
    assert any(c["rule"] == "final.budget_vs_final" and c["status"] == "pass" for c in rec["validation"])


def test_final_accounts_corruptions_each_surface(final_dir):
    cases = {
        "placeholder": (dict(title="XXX单位2023年度部门决算"), "document.title"),
        "empty_sangong": (dict(sangong_row=[""] * 12), "document.empty_table"),
        "year": (dict(year_in_title="2021"), "document.year"),
        "zero_total": (dict(overview_total="0.00"), "overview.income_total"),
        "word": (dict(word="大于"), "final.comparison_words"),
    }
    for name, (kw, rule) in cases.items():
        rec = _final(final_dir, name, **kw)
        rules = {c["rule"] for c in _findings(rec)}
        assert rule in rules, (name, [(c["id"], c["lhs"], c["rhs"]) for c in _findings(rec)])
