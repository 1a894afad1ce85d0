"""Structure recognition on the four sample layouts: unit, region, year, tables 表1–表11 (line ranges,
unit, empty + 备注), parts, narrative sections, glossary, performance tables; normalisation helpers."""

from __future__ import annotations

import re

import pytest

from ingest.catalog import legacy_to_kind
from ingest.normalize import join_wrapped, normalize_line, split_run_together
from ingest.pipeline import load_document

EXPECT = {
    "001_4e595076af774e23": dict(department="伽师县医疗保障局", region="伽师县", year=2024,
                                 tables={1, 2, 3, 4, 5, 6, 7, 9, 10, 11}, empty={9, 11}),
    "002_77eafa45268ff922": dict(department="轮台县医疗保障局", region="轮台县", year=2024,
                                 tables=set(range(1, 12)), empty={8, 9}),
    "003_ed059d2f5e2a2cf7": dict(department="克孜勒苏柯尔克孜自治州医疗保障局", region="克孜勒苏柯尔克孜自治州",
                                 year=2024, tables=set(range(1, 12)), empty={8, 9}),
    "004_479787b2eb065ad4": dict(department="新疆伊犁哈萨克自治州特克斯县医疗保障局", region="特克斯县", year=2023,
                                 tables=set(range(1, 11)), empty={8, 9}),
}

LEGACY = legacy_to_kind()  # 表N as the samples number their tables → catalogue kind

# Words each table's own body carries (its header or its total row) — checked inside the body range.
BODY_WORDS = {
    1: ["本年收入", "收入总计"], 2: ["功能分类", "合计"], 3: ["基本支出", "合计"], 4: ["财政拨款", "总计"],
    5: ["一般公共预算支出", "合计"], 6: ["一般公共预算基本支出", "合计"], 7: ["合计"],
    8: ["政府性基金预算支出"], 9: ["国有资本经营预算支出"], 10: ["公务接待费", "公务用车运行费"], 11: ["非财政拨款"],
}


@pytest.fixture(scope="module")
def docs(corpus_files):
    return {p.stem: load_document(p) for p in corpus_files}


@pytest.mark.parametrize("doc_id", sorted(EXPECT))
def test_identity(docs, doc_id):
    d, e = docs[doc_id], EXPECT[doc_id]
    assert d.department == e["department"]
    assert d.region == e["region"]
    assert d.fiscal_year == e["year"]
    # the spans point at lines that print what was read
    assert e["department"][:4] in d.line(d.department_span.line).norm.replace(" ", "")
    assert str(e["year"]) in d.line(d.fiscal_year_span.line).norm
    assert d.fiscal_year_span.quote == d.line(d.fiscal_year_span.line).text.strip()


@pytest.mark.parametrize("doc_id", sorted(EXPECT))
def test_tables_found_with_unit_and_empty(docs, doc_id):
    d, e = docs[doc_id], EXPECT[doc_id]
    # each table is found under its catalogue kind, with the number the sample prints as its label
    assert {t.id for t in d.tables} == {LEGACY[f"表{n}"] for n in e["tables"]}
    assert {t.label for t in d.tables} == {f"表{n}" for n in e["tables"]}
    assert all(LEGACY[t.label] == t.id for t in d.tables)
    assert all(t.unit == "万元" for t in d.tables)
    assert {int(t.label[1:]) for t in d.tables if t.empty} == e["empty"]
    for t in d.tables:
        if t.empty:
            assert t.note and "空表" in t.note


@pytest.mark.parametrize("doc_id", sorted(EXPECT))
def test_table_body_ranges(docs, doc_id):
    d = docs[doc_id]
    tables = sorted(d.tables, key=lambda t: t.line_start)
    for t in tables:
        assert 1 <= t.line_start <= t.line_end <= len(d.lines)
        body = re.sub(r"\s+", "", d.text(t.line_start, t.line_end))
        for w in BODY_WORDS[int(t.label[1:])]:
            assert w in body, (t.id, w)
        # a body never contains another table's title line
        others = [o.title_line for o in d.tables if o is not t]
        assert not any(t.line_start <= x <= t.line_end for x in others), t.id
    for a, b in zip(tables, tables[1:]):
        assert a.line_end < b.line_start, (a.id, b.id)


def test_title_after_body_layout(docs):
    """002 prints each table's title block after its body."""
    d = docs["002_77eafa45268ff922"]
    t1, t3 = d.table("income_expenditure_overview"), d.table("expenditure_overview")
    assert t1.line_end < t1.title_line and t3.line_end < t3.title_line
    assert "收入总计" in d.line(t1.line_end).norm.replace(" ", "")
    # the reversed-column row of 表4 lies in 表4's body
    t4 = d.table("fiscal_overview")
    rows = [l.no for l in d.lines if l.norm.startswith("0.920.92205")]
    assert rows and t4.line_start <= rows[0] <= t4.line_end


def test_title_before_body_layout(docs):
    d = docs["003_ed059d2f5e2a2cf7"]
    for t in d.tables:
        assert t.title_line < t.line_start
    t10 = d.table("sangong")
    assert "公务用车运行费" in d.text(t10.line_start, t10.line_end)


@pytest.mark.parametrize("doc_id", sorted(EXPECT))
def test_sections(docs, doc_id):
    d = docs[doc_id]
    parts = [s for s in d.sections if s.kind == "part"]
    assert [p.number for p in parts] == [1, 2, 3, 4]
    assert "名词解释" in parts[-1].title.replace(" ", "")
    p3 = parts[2]
    narr = [s for s in d.sections if s.kind == "narrative" and p3.line_start <= s.line_start <= p3.line_end]
    nums = [s.number for s in narr]
    assert nums == list(range(1, len(nums) + 1)) and len(nums) >= 11
    assert "三公" in narr[9].title
    assert [s for s in d.sections if s.kind == "glossary"]
    assert [s for s in d.sections if s.kind == "performance"]


def test_wrapped_heading_joined(docs):
    d = docs["004_479787b2eb065ad4"]
    first = next(s for s in d.sections if s.kind == "narrative" and s.number == 1 and s.line_start > 800)
    assert first.title.endswith("收支预算情况的总体说明")


def test_lines_keep_original_text(docs):
    d = docs["002_77eafa45268ff922"]
    line = next(l for l in d.lines if "2,075.69" in l.text)
    assert "2075.69" in line.norm and "2,075.69" not in line.norm
    raw = (d.path and open(d.path, encoding="utf-8").read().split("\n"))
    assert raw[line.no - 1] == line.text


def test_normalize_line():
    assert normalize_line("收 入 总 计\t２，０７５.６９") == "收入总计\t2075.69"
    assert normalize_line(" 第一部分  2024  年部门概况") == "第一部分 2024年部门概况"
    assert normalize_line("<b>合 计</b>") == "合计"
    assert normalize_line("### **二、机构设置**") == "二、机构设置"
    assert normalize_line("实有人数 17 人，其中") == "实有人数 17人,其中"


def test_split_run_together():
    r = split_run_together("0.920.92205 教育支出")
    assert (r.amounts, r.label, r.code) == (["0.92", "0.92"], "教育支出", "205")
    r = split_run_together("86.0086.00医疗救助13210")
    assert (r.amounts, r.label, r.code) == (["86.00", "86.00"], "医疗救助", "13210")
    assert split_run_together("教育支出 0.92") is None


def test_join_wrapped(docs):
    d = docs["003_ed059d2f5e2a2cf7"]
    sec = next(s for s in d.sections if s.kind == "narrative" and s.number == 1 and s.line_start > 1000)
    joined = join_wrapped(d.lines[sec.line_start - 1 : sec.line_end])
    assert any("收支总预算" in j.text and len(j.lines) > 1 for j in joined) or any(len(j.lines) > 1 for j in joined)
    for j in joined:
        assert j.lines == sorted(j.lines)


@pytest.mark.parametrize("doc_id", sorted(EXPECT))
def test_chunk_citations_map_to_file_lines(docs, corpus_files, doc_id):
    """Each chunk's citation (line range + quote) is the source file's own lines, read here
    independently of the loader; table chunks hold lines of their table's own block."""
    from ingest.chunk import chunk_document

    d = docs[doc_id]
    raw = next(p for p in corpus_files if p.stem == doc_id).read_text(encoding="utf-8").split("\n")
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    chunks = chunk_document(d)
    assert {c.table_id for c in chunks if c.kind == "table"} == {t.id for t in d.tables}
    for c in chunks:
        sp = c.span
        assert sp.page is None and sp.doc == doc_id
        end = sp.line_end or sp.line
        printed = raw[sp.line - 1 : end]
        assert sp.quote == "\n".join(x.strip() for x in printed)
        flat = squash("".join(normalize_line(x) for x in printed))
        if c.kind == "table":
            t = d.table(c.table_id)
            lo, hi = min(t.line_start, t.title_line), max(t.line_end, t.title_line)
            assert lo - 6 <= sp.line and end <= hi + 6, (c.id, c.table_id, sp.line, end, lo, hi)
            body = c.text.split("\n")[-1]  # the chunk's last line is its last cited line
            assert squash(body) in flat, (c.id, body)
        else:
            # the chunk text, minus a heading it may repeat, is what the cited lines print
            text = squash(c.text)
            assert text in flat or text.removeprefix(squash(c.section or "")) in flat, c.id
    # the chunks cover every non-blank line exactly once
    covered = [i for c in chunks for i in range(c.span.line, (c.span.line_end or c.span.line) + 1)
               if d.line(i).norm.strip()]
    assert sorted(covered) == [l.no for l in d.lines if l.norm.strip()]


def test_a_wrapped_table_row_stays_in_one_chunk(docs):
    """002 prints some 表2 rows as code / label wrapped over two lines / amounts: a chunk cut never
    separates the label from its amounts."""
    from ingest.chunk import chunk_document

    d = docs["002_77eafa45268ff922"]
    chunks = [c for c in chunk_document(d) if c.table_id == "income_overview"]
    assert len(chunks) >= 2
    label = next(l.no for l in d.lines if l.norm == "财政对城乡居民基本医")
    amounts = next(l.no for l in d.lines if l.no > label and re.match(r"\d+\.\d{2}", l.norm))
    holder = [c for c in chunks if c.span.line <= label <= c.span.line_end]
    assert len(holder) == 1 and amounts <= holder[0].span.line_end
    for c in chunks[:-1]:  # every cut falls after a line that ends a row
        assert re.search(r"\d+\.\d{2}", d.line(c.span.line_end).norm), c.id


@pytest.mark.parametrize("department,region", [
    ("青州市医疗保障局", "青州市"),            # not 青 + 州
    ("青州市市场监督管理局", "青州市"),        # 市场 is not a place
    ("青州市城市管理局", "青州市"),            # nor 城市
    ("新市区教育局", "新市区"),
    ("沙县医疗保障局", "沙县"),                # a one-character county name
    ("河北省石家庄市赵县财政局", "赵县"),      # the most specific unit of a chain
    ("和田地区行政公署", "和田地区"),
    ("巴音郭楞蒙古自治州轮台县医疗保障局", "轮台县"),
    ("城市管理局", None),
])
def test_region_is_the_most_specific_administrative_unit(department, region):
    from ingest.structure import Structure

    assert Structure.region(department) == region


def _normalize_line_reference(text: str) -> str:
    """normalize_line before its passes were skipped when their character is absent (issue 17):
    every pass on every line. The fast version must give exactly this."""
    import unicodedata

    from ingest import normalize as N

    if not text:
        return ""
    s = N.halfwidth(unicodedata.normalize("NFC", text))
    s = N._TAGS.sub(" ", s)
    s = N._MD_HEADING.sub("", s)
    s = N._MD_EMPH.sub("", s)
    s = N._SPACES.sub(" ", s)
    s = re.sub(r" *\t *", "\t", s)
    s = N._THOUSANDS.sub("", s)
    s = N._CJK_GAP.sub("", s)
    s = re.sub(rf"(?<={N._CJK_CLASS}) +(?=[(),:;])|(?<=[(),:;]) +(?={N._CJK_CLASS})", "", s)
    s = re.sub(r"(?<![\d.])((?:19|20)\d\d) +(?=年)", r"\1", s)
    s = N._UNIT_JOIN2.sub("", s)
    s = re.sub(rf"(?<=\d) +(?=(?:人|个|项|名|家)(?![{N.CJK}]))", "", s)
    return s.strip(" ").rstrip("\t ") if s.strip() else ""


def test_normalize_line_skips_only_passes_that_cannot_match(corpus_files):
    """Same normalised lines as running every pass, on the sample texts, the text layer of real
    Jiangsu PDFs and odd inputs (full-width spaces, markup, thousands separators, tabs)."""
    from pathlib import Path

    import pypdfium2 as pdfium

    lines = [l for f in corpus_files for l in f.read_text(encoding="utf-8").split("\n")]
    wild = sorted((Path(__file__).resolve().parent.parent / "data" / "wild" / "jiangsu").glob("*.pdf"))
    for f in wild[::4]:
        pdf = pdfium.PdfDocument(str(f))
        for page in pdf:
            lines += page.get_textpage().get_text_bounded().replace("\r\n", "\n").split("\n")
        pdf.close()
    lines += ["", " ", "\t", "\u3000", "\u00a0", "a\u200b", "ｘ１２", "ｘ　ｙ", "\ufeff", "\f", "abc\r", "１，２３４",
              "＃标题", "＿", "＊＊强调＊＊", "<b>x</b>", "\v", "收 入\t 1,234.56 万元", "2024 年 3 人"]
    assert len(lines) > 2000
    assert [normalize_line(l) for l in lines] == [_normalize_line_reference(l) for l in lines]
