"""Grounding check, the optional LLM plumbing (scripted fake chat model) and the `gongkai ask` CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gongkai  # noqa: F401
from qa import grounding

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"


def test_grounding_accepts_quoted_and_computed_numbers():
    quotes = ["0.920.92教育支出205", "收 入 总 计 2,081.55 支 出 总 计 2,081.55", "数为 1.03 万元"]
    assert grounding.check("教育支出 0.92 万元，收入总计 2081.55 万元", quotes).ok
    assert grounding.check("三公经费 1.03 万元", quotes).ok
    assert grounding.check("合计 3.25 万元", quotes, computed=["3.25"]).ok


def test_grounding_rejects_an_invented_number():
    g = grounding.check("三公经费为 1.30 万元，比上年增加 5 万元", ["数为 1.03 万元"])
    assert not g.ok and g.unsupported == ["1.30", "5"]


@pytest.fixture(scope="module")
def qa_home(tmp_path_factory) -> Path:
    from extract.api import extract_and_store
    from ingest.pipeline import load_document
    from ingest.store import Store

    home = tmp_path_factory.mktemp("qa_llm_home")
    for path in sorted(CORPUS.glob("*.txt"))[:2]:
        doc = load_document(path)
        Store(home).put(doc, [])
        extract_and_store(doc, home)
    return home


class ScriptedChat:
    """A fake chat model returning scripted replies; records the messages it was sent."""

    def __init__(self, replies):
        from langchain_core.language_models.fake_chat_models import FakeListChatModel

        self.model = FakeListChatModel(responses=list(replies))
        self.sent = []

    def invoke(self, messages):
        self.sent.append(messages)
        return self.model.invoke(messages)


@pytest.fixture()
def llm(monkeypatch):
    from qa import llm as qa_llm

    monkeypatch.setenv("GONGKAI_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    holder = {}

    def install(replies):
        holder["chat"] = ScriptedChat(replies)
        monkeypatch.setattr(qa_llm, "chat_model_factory", lambda settings: holder["chat"])
        return holder["chat"]

    return install


def test_llm_phrasing_is_used_when_grounded(qa_home, llm):
    from qa.api import ask

    chat = llm(["轮台县医疗保障局2024年的“三公”经费预算是 1.03 万元。"])
    res = ask("轮台县医保局2024年三公经费是多少？", home=qa_home)
    assert res["route"] == "llm" and res["value"] == 1.03 and "1.03" in res["answer"]
    human = chat.sent[0][-1].content
    assert "<document>" in human and "</document>" in human and "1.03" in human  # quotes passed as data


def test_llm_answer_with_an_invented_number_is_rejected(qa_home, llm):
    from qa.api import ask

    llm(["轮台县医疗保障局三公经费为 3.5 万元，比上年增加 2 万元。"])
    res = ask("轮台县医保局2024年三公经费是多少？", home=qa_home)
    assert res["route"] == "structured" and res["value"] == 1.03
    assert "3.5" not in res["answer"] and any("rejected" in n for n in res["notes"])


def test_llm_not_found_keeps_extractive_answer(qa_home, llm):
    from qa.api import ask

    llm(["NOT_FOUND"])
    res = ask("伽师医保局公务接待费多少", home=qa_home)
    assert res["route"] == "structured" and res["value"] == 0.12


def test_cli_ask_json_is_the_contract_and_starts_light(qa_home):
    code = ("import sys, json\n"
            "from gongkai.cli import main\n"
            "rc = main(['ask', '伽师医保局公务接待费多少', '--json'])\n"
            "heavy = [m for m in ('gradio', 'sentence_transformers', 'torch', 'chromadb') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))\n")
    env = {"GONGKAI_HOME": str(qa_home), "PATH": "/usr/bin:/bin", "HOME": str(qa_home)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    body, heavy = out.stdout.rsplit("HEAVY=", 1)
    res = json.loads(body)
    assert set(res) >= {"question", "answer", "value", "unit", "declined", "citations", "confidence", "route"}
    assert res["value"] == 0.12 and res["citations"][0]["line"] in (283, 340, 472)
    assert heavy.strip() == ""
