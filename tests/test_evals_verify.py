"""The labelled eval data checks out against the corpus, and the checker catches bad labels."""

from __future__ import annotations

import json

from evals.verify import Corpus, default_files, number_in_text, verify_file, verify_qa_item

J = "001_4e595076af774e23.txt"
K = "003_ed059d2f5e2a2cf7.txt"


def test_bundled_sets_and_gold_verify_clean():
    corpus = Corpus()
    for path in default_files():
        n, problems = verify_file(path, corpus)
        assert n > 0, path
        assert problems == [], (path.name, problems[:5])


def test_qa_set_size_and_tiers():
    items = [json.loads(l) for l in (default_files()[0]).read_text(encoding="utf-8").splitlines() if l.strip()]
    assert len(items) >= 150
    tiers = {i["type"] for i in items}
    assert tiers == {"lookup", "derived", "cross_document", "narrative", "unanswerable"}
    english = sum(1 for i in items if i.get("lang") == "en")
    assert english / len(items) >= 0.18
    assert len({i["id"] for i in items}) == len(items)


def test_wrong_line_and_wrong_number_are_flagged():
    corpus = Corpus()
    good = {"id": "x", "question": "q", "answer_value": 2.22, "type": "lookup", "doc": J,
            "evidence": [{"line": 472, "quote": "“三公”经费数为 2.22 万元"}]}
    assert verify_qa_item(corpus, good) == []
    moved = dict(good, evidence=[{"line": 471, "quote": "“三公”经费数为 2.22 万元"}])
    assert any("not printed there" in p for p in verify_qa_item(corpus, moved))
    wrong = dict(good, answer_value=2.12)
    assert any("does not appear" in p for p in verify_qa_item(corpus, wrong))


def test_quote_may_run_over_wrapped_lines():
    corpus = Corpus()
    # 003 prints "…编制数 29，实有人" / "数 30 人…" on two lines with a blank line between
    item = {"id": "w", "question": "q", "answer_value": 30, "type": "lookup", "doc": K,
            "evidence": [{"line": 99, "quote": "编制数 29，实有人数 30 人"}]}
    assert verify_qa_item(corpus, item) == []


def test_number_matching_respects_number_boundaries():
    assert number_in_text(261.4, "人员经费 261.4 万元")
    assert number_in_text(261.40, "13.29261.40274.69合  计")
    assert number_in_text(2081.55, "收 入 总 计 2,081.55")
    assert not number_in_text(15, "卫生健康支出 2015.35")
    assert not number_in_text(1.5, "合计 11.50")


def _two_page_pdf(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("wqy", 12)
    c.drawString(72, 760, "某县文化局2024年部门预算公开")
    c.showPage()
    c.setFont("wqy", 12)
    c.drawString(72, 760, "三公经费情况说明")
    c.drawString(72, 740, "“三公”经费预算数为 3.75 万元。")
    c.save()


def test_evidence_by_page_in_a_pdf_and_by_page_only(tmp_path):
    """The set format allows `page` instead of `line`: for a PDF the quote must be on that page
    (and on that page's line when both are given); a text file has no pages, so page-only evidence
    there only needs the quote printed in the document."""
    _two_page_pdf(tmp_path / "culture.pdf")
    (tmp_path / "plain.txt").write_text("第一行\n公务接待费 1.20 万元\n", encoding="utf-8")
    corpus = Corpus(tmp_path)

    def item(doc, **ev):
        return {"id": "x", "question": "q", "answer_value": 3.75, "doc": doc, "type": "lookup", "evidence": [ev]}

    assert verify_qa_item(corpus, item("culture.pdf", page=2, quote="经费预算数为 3.75 万元")) == []
    assert verify_qa_item(corpus, item("culture.pdf", page=2, line=2, quote="经费预算数为 3.75 万元")) == []
    wrong_page = verify_qa_item(corpus, item("culture.pdf", page=1, quote="经费预算数为 3.75 万元"))
    assert wrong_page and "page 1" in wrong_page[0]
    assert verify_qa_item(corpus, item("culture.pdf", page=2, line=1, quote="经费预算数为 3.75 万元"))
    ok_txt = item("plain.txt", page=1, quote="公务接待费 1.20")
    ok_txt["answer_value"] = 1.2
    assert verify_qa_item(corpus, ok_txt) == []
    assert verify_qa_item(corpus, {**ok_txt, "evidence": [{"quote": "公务接待费 1.20"}]})[0].endswith("neither a line nor a page number")


def test_verify_cli_takes_a_directory_and_reports_unreadable_files(tmp_path, capsys):
    from evals.verify import main

    gold = tmp_path / "gold"
    gold.mkdir()
    item = {"id": "x1", "question": "q", "answer_value": 1, "doc": "002_77eafa45268ff922.txt",
            "evidence": [{"line": 1, "quote": "this quote is not on line one"}]}
    (gold / "set.jsonl").write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    (gold / "broken.json").write_text("{not json", encoding="utf-8")
    assert main([str(gold)]) == 1
    out = capsys.readouterr().out
    assert "set.jsonl: 1 checked, 1 problem(s)" in out
    assert "broken.json: 0 checked, 1 problem(s)" in out and "cannot read" in out
