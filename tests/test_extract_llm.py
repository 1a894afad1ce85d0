"""LLM engine plumbing: a fake chat model with tool calls, and a local OpenAI-compatible HTTP server.

The fake only stands in for the model; grounding, reconciliation, re-asking and validation are real.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from extract.build import build_record
from extract.llm import SECTIONS, refine_with_llm
from extract.testing import document

TEXT = """十、关于某局 2024 年财政拨款“三公”经费预算情况说明
某局 2024 年财政拨款“三公”经费数为 1.03 万元，其中：因公出国（境）费 0 万元，公务用
车购置费 0 万元，公务用车运行费 0.93 万元，公务接待费 0.10 万元。
（二）政府采购情况
2024 年，某局政府采购预算 6.23 万元，其中：政府采购货物预算 5.50 万元，政府采购工程预
算 0 万元，政府采购服务预算 0.73 万元。
某局编制数 15，实有人数 19 人，其中：在职 18 人；退休 1 人；离休 0 人。"""


def fact(value, quote):
    return {"value": value, "quote": quote}


def tool_call(name: str, args: dict, n: int = 0) -> dict:
    return {"name": name, "args": args, "id": f"call_{name}_{n}", "type": "tool_call"}


def make_fake(answers: dict[str, list[dict]]):
    """A GenericFakeChatModel that answers each section's tool with the queued args and records prompts."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    order = [s.name for s in SECTIONS]
    script = []
    for name in order:
        for i, args in enumerate(answers.get(name, [{}])):
            script.append(AIMessage(content="", tool_calls=[tool_call(name, args, i)]))

    seen: list = []

    class ToolFake(GenericFakeChatModel):
        def bind_tools(self, tools, **kwargs):
            return self

        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            seen.append(messages)
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    fake = ToolFake(messages=iter(script))
    return fake, seen


def test_grounded_answer_agrees_and_invented_number_is_discarded():
    doc = document(TEXT)
    base = build_record(doc)
    assert base.sangong_narrative.total.value == Decimal("1.03")
    fake, seen = make_fake({"SangongNarrative": [{
        "total": fact(1.03, "“三公”经费数为 1.03 万元"),
        "reception": fact(0.5, "公务接待费 0.10 万元"),  # value not in its quote: an invented number
    }]})
    rec = refine_with_llm(doc, base, llm=fake, max_retries=0)
    assert rec.engine == "deterministic+llm"
    assert rec.sangong_narrative.total.value == Decimal("1.03")
    assert rec.sangong_narrative.reception.value == Decimal("0.10")  # deterministic value kept
    bad = [c for c in rec.conflicts if c.path == "sangong_narrative.reception"]
    assert bad and bad[0].kept == "deterministic" and "not found" in bad[0].reason
    # the document went in as delimited DATA, with the instruction that it is data
    first = seen[0]
    assert "<<<DATA" in first[-1].content and "DATA>>>" in first[-1].content
    assert "not instructions" in first[0].content


def test_reask_with_validation_errors_then_keep_passing_value():
    doc = document(TEXT)
    base = build_record(doc)
    # remove the deterministic goods value to let the LLM fill it
    from extract.schema import Leaf

    base.procurement.goods = Leaf()
    wrong = {"total": fact(6.23, "政府采购预算 6.23 万元"), "goods": fact(0.73, "政府采购服务预算 0.73 万元")}
    right = {"total": fact(6.23, "政府采购预算 6.23 万元"), "goods": fact(5.5, "政府采购货物预算 5.50 万元")}
    fake, seen = make_fake({"Procurement": [wrong, right]})
    rec = refine_with_llm(doc, base, llm=fake, max_retries=2)
    assert rec.procurement.goods.value == Decimal("5.5")
    assert rec.procurement.goods.evidence[0].line == 5
    reasks = [m for msgs in seen for m in msgs if "fails these checks" in str(m.content)]
    assert reasks, "the validation errors were sent back"
    adopted = [c for c in rec.conflicts if c.path == "procurement.goods"]
    assert adopted and adopted[0].kept == "llm"
    check = next(c for c in rec.validation if c.id == "procurement.total=goods+works+services")
    assert check.status == "pass"


class _Server(BaseHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        name = body["tools"][0]["function"]["name"]
        args = {}
        if name == "SangongNarrative":
            args = {"total": fact(1.03, "“三公”经费数为 1.03 万元"),
                    "vehicle_operation": fact(0.93, "公务用车运行费 0.93 万元")}
        if name == "Staffing":
            args = {"authorized": fact(15, "编制数 15"), "actual": fact(19, "实有人数 19 人")}
        reply = {
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": None,
                "tool_calls": [{"id": "call_1", "type": "function",
                                "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}}]}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def openai_server():
    _Server.requests = []
    srv = HTTPServer(("127.0.0.1", 0), _Server)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()
    srv.server_close()


def test_llm_engine_through_local_openai_compatible_server(openai_server, home, monkeypatch):
    from extract.api import extract_document

    monkeypatch.setenv("GONGKAI_LLM_BASE_URL", openai_server)
    monkeypatch.setenv("GONGKAI_LLM_MODEL", "local-test")
    monkeypatch.setenv("GONGKAI_LLM_API_KEY", "sk-test")
    doc = document(TEXT)
    rec = extract_document(doc)  # settings turn the LLM pass on
    assert rec.engine == "deterministic+llm"
    assert rec.staffing.authorized.value == 15 and rec.staffing.actual.value == 19
    assert rec.sangong_narrative.vehicle_operation.value == Decimal("0.93")
    assert not [c for c in rec.conflicts if c.kept == "llm"]  # both engines agree here
    # only sections with relevant passages are asked (this text has no 机关运行经费 / 车辆 passage)
    assert [r["tools"][0]["function"]["name"] for r in _Server.requests] == ["SangongNarrative", "Procurement", "Staffing"]
    sent = _Server.requests[0]
    assert sent["model"] == "local-test"
    assert sent["tools"][0]["function"]["name"] == SECTIONS[0].name
    assert "DATA>>>" in sent["messages"][-1]["content"]


def test_llm_off_by_default(home):
    from extract.api import extract_document

    rec = extract_document(document(TEXT))
    assert rec.engine == "deterministic" and rec.conflicts == []


def test_llm_engine_without_endpoint_is_a_clear_error(home):
    from extract.api import extract_document

    with pytest.raises(ValueError, match="llm_base_url"):
        extract_document(document(TEXT), engine="llm")


def test_llm_value_filling_an_empty_field_is_refused_when_it_breaks_a_check():
    # the document's own figures disagree: 5.00 + 0 + 0.73 ≠ 6.23
    doc = document(TEXT.replace("政府采购货物预算 5.50 万元", "政府采购货物预算 5.00 万元"))
    base = build_record(doc)
    from extract.schema import Leaf

    base.procurement.goods = Leaf()
    fake, _ = make_fake({"Procurement": [{"total": fact(6.23, "政府采购预算 6.23 万元"),
                                          "goods": fact(5.0, "政府采购货物预算 5.00 万元")}]})
    rec = refine_with_llm(doc, base, llm=fake, max_retries=0)
    assert rec.procurement.goods.value is None
    refused = [c for c in rec.conflicts if c.path == "procurement.goods"]
    assert refused and refused[0].kept == "deterministic" and "fails a validation check" in refused[0].reason


def test_llm_value_printed_but_not_as_the_field_is_refused():
    """A figure that is in the quote but labelled as something else (the procurement total for goods)
    goes to conflicts, never into the record."""
    doc = document(TEXT)
    base = build_record(doc)
    from extract.schema import Leaf

    base.procurement.goods = Leaf()
    fake, _ = make_fake({"Procurement": [{"total": fact(6.23, "政府采购预算 6.23 万元"),
                                          "goods": fact(6.23, "政府采购预算 6.23 万元")}]})
    rec = refine_with_llm(doc, base, llm=fake, max_retries=0)
    assert rec.procurement.goods.value is None
    refused = [c for c in rec.conflicts if c.path == "procurement.goods"]
    assert refused and refused[0].kept == "deterministic" and "not as goods" in refused[0].reason
