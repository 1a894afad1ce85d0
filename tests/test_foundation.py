import json
import subprocess
import sys

from gongkai import settings
from ingest.document import Document, Line, Span


def test_cli_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "gongkai", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "gongkai" in out.stdout


def test_cli_without_command_is_usage_error():
    out = subprocess.run([sys.executable, "-m", "gongkai"], capture_output=True, text=True)
    assert out.returncode == 2


def test_home_follows_env(home):
    assert settings.home() == home.resolve()


def test_settings_env_overrides_file_and_masks_secret(home, monkeypatch):
    home.mkdir(parents=True)
    (home / "settings.json").write_text(json.dumps({"top_k": 9, "llm_api_key": "sk-secret"}))
    monkeypatch.setenv("GONGKAI_TOP_K", "3")
    s = settings.load()
    assert s.top_k == 3
    assert "sk-secret" not in json.dumps(s.public())


def test_document_span_cites_pdf_page_line_and_roundtrips():
    lines = [Line(no=1, text="表10", norm="表10", page=3, page_line=7),
             Line(no=2, text="合计 1.03", norm="合计 1.03", page=3, page_line=8)]
    doc = Document(doc="d", path="d.pdf", sha256="x", source_type="pdf", lines=lines)
    span = doc.span(1, 2)
    assert span.citation() == {"doc": "d", "page": 3, "line": 7, "quote": "表10\n合计 1.03"}
    assert Document.loads(doc.dumps()).span(2) == Span(doc="d", page=3, line=8, quote="合计 1.03")
