"""A document's text as sentences: the body lines (front-matter contents and tables left out) split at
full stops and at the start of list items and labelled fields (项目名称, 设立的政策依据…), each sentence
with the lines it spans so that an answer cites them as printed. Cached per home/document/version."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from qa.text import squeeze

_ITEM_START = re.compile(r"^(?:#+|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[、.．](?!\d)|"
                         r"\d{1,2}[.．](?=\d{4}\s*年)|-\s)")
# a bare heading ("一、主要职能") is no answer by itself: it is read with the sentence under it
_HEADING = re.compile(r"^(?:#+\s*)?(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[、.．])?"
                      r"[^。；;，,:：]{1,20}[:：]?$")
# a sentence that only gives the reason/use of the previous one stays with it
_CONTINUES = re.compile(r"^(?:主要原因|原因是|主要用于|其中[:：])")
# the labelled fields of a project description and of a performance-target table start a sentence of
# their own (they carry no full stop, so a whole project or table would otherwise read as one sentence)
_FIELD_START = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?(?:项目名称|设立的政策依据|预算安排规模|项目承担单位|"
                          r"资金分配情况|资金执行时间|资金来源|项目总体目|项目资金|预算单位|一级\s*(?:指标)?\s*$|一级指标|"
                          r"项目支出绩效目标表|年度绩效目标)")
# inside a project's description any short label at a line's start ("补贴标准：", "受益人群和社会效益：")
# is a field of its own: projects carry fields of their own kind beyond the common ones above
_FIELD_LABEL = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?[\u4e00-\u9fff]{2,8}[:：]")


@dataclass
class Sentence:
    doc: str
    text: str  # squeezed
    first: int  # Line.no
    last: int
    marks: tuple = ()  # (offset in text, Line.no) where each line's text starts


def sub_sentence(s: Sentence, start: int, end: int | None = None) -> Sentence:
    """The part text[start:end] of a sentence, with the lines it spans."""
    end = len(s.text) if end is None else end
    first = last = s.first
    for off, no in s.marks or ((0, s.first),):
        if off <= start:
            first = no
        if off < end:
            last = no
    marks = tuple((max(0, off - start), no) for off, no in (s.marks or ()) if start <= off < end or no == first)
    marks = tuple(dict.fromkeys(marks))
    return Sentence(s.doc, s.text[start:end], first, max(first, last), marks)


@dataclass
class DocText:
    doc: str
    document: object  # ingest Document (or a light stand-in)
    sentences: list[Sentence]
    by_page_line: dict[tuple[int, int], int]


_LOCK = threading.Lock()
_DOCS: dict[tuple[str, str, str], DocText] = {}


class _Line:
    __slots__ = ("no", "text", "norm", "page", "page_line")

    def __init__(self, no: int, text: str):
        self.no, self.text, self.norm, self.page, self.page_line = no, text, text, None, None


class _PlainDoc:
    """Stand-in for a Document when the ingest store cannot give one (plain-text files only)."""

    def __init__(self, doc: str, path: Path):
        self.doc = doc
        raw = path.read_text(encoding="utf-8", errors="replace").splitlines()
        self.lines = [_Line(i + 1, t) for i, t in enumerate(raw)]

    def span(self, start: int, end: int | None = None):
        end = end or start
        quote = "\n".join(l.text.strip() for l in self.lines[start - 1 : end])

        class _S:
            def citation(s):  # noqa: N805
                return {"doc": self.doc, "page": None, "line": start, "quote": quote}

        return _S()


def _load_document(doc: str, home: Path, record: dict | None):
    try:
        from ingest.store import Store

        return Store(home).document(doc)
    except Exception:  # the store is optional for the text route: fall back to the source file
        path = Path((record or {}).get("path") or "")
        if path.suffix.lower() in (".txt", ".md") and path.exists():
            return _PlainDoc(doc, path)
        raise


def doc_text(doc: str, home: Path, record: dict | None = None) -> DocText | None:
    key = (str(home), doc, str((record or {}).get("sha256") or ""))
    with _LOCK:
        hit = _DOCS.get(key)
    if hit:
        return hit
    try:
        document = _load_document(doc, home, record)
    except Exception:
        return None
    tables = [(t.line_start, t.line_end) for t in getattr(document, "tables", []) or []
              if getattr(t, "line_start", 0) and getattr(t, "line_end", 0)]
    body_start = _body_start(document)
    lines = [l for l in document.lines if l.no >= body_start and not any(a <= l.no <= b for a, b in tables)]
    sentences = split_sentences(doc, lines)
    by_pl = {}
    for line in document.lines:
        if getattr(line, "page", None) is not None and getattr(line, "page_line", None) is not None:
            by_pl[(line.page, line.page_line)] = line.no
    dt = DocText(doc=doc, document=document, sentences=sentences, by_page_line=by_pl)
    with _LOCK:
        _DOCS[key] = dt
    return dt


_TOC_ENTRY = re.compile(r"^[-*\s#]*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|表\s*\d+)")


def _body_start(document) -> int:
    """First line of the body: the front matter before the first part heading (第一部分…) is skipped
    when it is a table of contents (目录, or three or more heading-like entries) — its bare headings
    would otherwise 'answer' questions about the sections they list."""
    parts = [s.line_start for s in getattr(document, "sections", None) or [] if getattr(s, "kind", "") == "part"]
    if not parts:
        return 1
    first = min(parts)
    front = [(getattr(l, "norm", None) or l.text or "").strip() for l in document.lines if l.no < first]
    toc = any("目录" in t.replace(" ", "") for t in front) or sum(bool(_TOC_ENTRY.match(t)) for t in front) >= 3
    return first if toc else 1


def split_sentences(doc: str, lines) -> list[Sentence]:
    out: list[Sentence] = []
    buf, first, last = "", None, None
    marks: list[tuple[int, int]] = []

    def flush():
        nonlocal buf, first, last, marks
        if buf and first is not None:
            if out and out[-1].doc == doc and (
                    (_CONTINUES.match(buf) and len(out[-1].text) < 600) or _HEADING.match(out[-1].text)):
                prev = out[-1]
                shifted = tuple((off + len(prev.text), no) for off, no in marks)
                out[-1] = Sentence(doc, prev.text + buf, prev.first, last, tuple(prev.marks) + shifted)
            else:
                out.append(Sentence(doc, buf, first, last, tuple(marks)))
        buf, first, last, marks = "", None, None, []

    def add(piece: str, no: int):
        nonlocal buf, first, last
        if first is None:
            first = no
        if not marks or marks[-1][1] != no:
            marks.append((len(buf), no))
        buf += piece
        last = no

    in_project = False  # between a 项目名称 line and the next section heading
    for line in lines:
        raw = (getattr(line, "norm", None) or line.text or "").strip()
        s = squeeze(raw.replace("\t", " "))
        s = re.sub(r"</?[a-zA-Z][^>]*>|\*\*", "", s)
        if not s:
            continue
        if re.match(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?项目名称", s):
            in_project = True
        elif re.match(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)", s):
            in_project = False
        if buf and (_ITEM_START.match(raw) or _FIELD_START.match(s) or (in_project and _FIELD_LABEL.match(s))
                    or len(buf) > 700):
            flush()
        pos = 0
        for m in re.finditer(r"[。！？；;]", s):
            add(s[pos : m.end()], line.no)
            flush()
            pos = m.end()
        rest = s[pos:]
        if rest:
            add(rest, line.no)
    flush()
    return out
