"""Follow-up questions keep the context a user expects: the year (or "the previous year"), the
operation, and the units of the previous question, unless the follow-up says its own.

Every expected figure is read by hand from data/corpus:
  001 伽师 2024: 三公 2.22, 公务用车运行费 2.10, 公务接待费 0.12 (l.472); 三公 比上年预算减少 0.01,
      公务接待费减少 0.01 (l.474); 基本支出 239.11 占 96.65% of 支出预算 247.40 (l.388)
  002 轮台 2024: 三公 1.03, 公务用车运行费 0.93, 公务接待费 0.10 (l.1164-1168); 三公 比上年预算减少 0.06,
      公务用车运行费减少 0.06, 公务接待费增加 0 (l.1172-1182); 机关运行经费 13.29, 比上年预算减少 10.21 (l.1246-1248)
  003 克州 2024: 三公 9.50, 公务用车运行费 8.00, 公务接待费 1.50 (l.1466-1470); 三公 比上年预算增加 4.00,
      增长 72.73%; 公务用车运行费增加 4.00, 增长 100.00%; 公务接待费增加 0.00 (l.1472-1486); 实有人数 30 人 (l.99-101)
  004 特克斯 (the 2023 budget only): 三公 0.80 (l.1307); 机关运行经费 9.22 (l.1339)
"""

from __future__ import annotations

import pytest


@pytest.fixture()
def conv(qa_home, monkeypatch):
    monkeypatch.delenv("GONGKAI_LLM_BASE_URL", raising=False)
    from qa.api import Conversation

    return lambda: Conversation(home=qa_home)


def _check(res: dict, value, op: str | None = None, year: int | None = None, previous_year: bool = False):
    assert not res["declined"], res
    assert res["value"] == value, res["answer"]
    if op is not None:
        assert res["intent"]["op"] == op, res["intent"]
    assert res["intent"].get("year") == year, res["intent"]
    assert bool(res["intent"].get("previous_year")) is previous_year, res["intent"]


# --- a follow-up naming only a unit keeps the year or the "previous year" sense --------------------

def test_unit_follow_up_keeps_a_stated_year(conv):
    c = conv()
    # 轮台's document is the 2024 budget: 2023 is derived, 1.03 + 0.06
    _check(c.ask("轮台医保局2023年三公经费是多少？"), 1.09, "lookup", 2023, previous_year=True)
    res = c.ask("那伽师呢？")
    _check(res, 2.23, "lookup", 2023, previous_year=True)  # 2.22 + 0.01, not 伽师's 2024 figure 2.22
    assert "2023" in res["answer"] and "推算" in res["answer"]
    # 特克斯 publishes the 2023 budget itself: read directly, not derived from the 2023 document
    _check(c.ask("那特克斯呢？"), 0.8, "lookup", 2023, previous_year=False)


def test_unit_follow_up_keeps_the_previous_year_sense(conv):
    c = conv()
    _check(c.ask("轮台医保局上年三公经费是多少？"), 1.09, "lookup", None, previous_year=True)
    res = c.ask("那伽师呢？")
    _check(res, 2.23, "lookup", None, previous_year=True)
    assert "2023" in res["answer"]


def test_unit_follow_up_of_a_year_another_document_does_not_print(conv):
    c = conv()
    _check(c.ask("特克斯医保局2023年机关运行经费？"), 9.22, "lookup", 2023)
    # 轮台 2023 = 13.29 + 10.21 (2024 budget and its stated decrease), said to be derived
    res = c.ask("那轮台呢？")
    _check(res, 23.5, "lookup", 2023, previous_year=True)
    assert "13.29" in res["answer"] and "10.21" in res["answer"]

    c = conv()
    _check(c.ask("伽师医保局2024年三公经费？"), 2.22, "lookup", 2024)
    res = c.ask("那特克斯呢？")  # as when asked directly: 特克斯 has only its 2023 budget
    assert res["declined"] and res["reason"] == "other_year" and "2024" in res["answer"], res


def test_a_year_the_follow_up_states_wins(conv):
    c = conv()
    _check(c.ask("轮台医保局上年三公经费是多少？"), 1.09, previous_year=True)
    _check(c.ask("公务用车运行费呢？"), 0.99, "lookup", None, previous_year=True)  # 0.93 + 0.06
    _check(c.ask("那伽师2024年呢？"), 2.1, "lookup", 2024, previous_year=False)

    c = conv()
    _check(c.ask("轮台医保局三公经费比上年增加了多少？"), -0.06, "change")
    _check(c.ask("那伽师上年呢？"), 2.23, "lookup", None, previous_year=True)  # the figure, not the change


def test_next_year_stays_declined_for_the_next_unit(conv):
    c = conv()
    assert c.ask("轮台医保局明年三公经费是多少？")["reason"] == "other_year"
    res = c.ask("那伽师呢？")
    assert res["declined"] and res["reason"] == "other_year", res


# --- a bare figure follow-up keeps the operation ----------------------------------------------------

def test_bare_metric_follow_up_keeps_the_change(conv):
    c = conv()
    _check(c.ask("轮台医保局三公经费比上年增加了多少？"), -0.06, "change")
    _check(c.ask("那克州呢？"), 4.0, "change")
    res = c.ask("公务接待费呢？")  # 克州 公务接待费增加 0.00: the change, not the 1.50 budget
    _check(res, 0.0, "change")
    assert "1.50" not in res["answer"]
    _check(c.ask("公务用车运行费呢？"), 4.0, "change")

    c = conv()
    _check(c.ask("轮台医保局三公经费增长率是多少？"), -5.5, "change")
    _check(c.ask("那克州呢？"), 72.73, "change")
    res = c.ask("公务用车运行费呢？")
    _check(res, 100.0, "change")
    assert res["unit"] == "%"


def test_bare_unit_and_metric_follow_up_keeps_the_change(conv):
    c = conv()
    _check(c.ask("轮台医保局三公经费比上年增加了多少？"), -0.06, "change")
    _check(c.ask("那克州的公务用车运行费呢？"), 4.0, "change")


def test_a_full_question_is_not_a_bare_follow_up(conv):
    c = conv()
    _check(c.ask("轮台医保局三公经费比上年增加了多少？"), -0.06, "change")
    _check(c.ask("公务接待费是多少？"), 0.1, "lookup")  # asks how much: 轮台's 0.10, not a change
    c = conv()
    _check(c.ask("轮台医保局三公经费比上年增加了多少？"), -0.06, "change")
    _check(c.ask("克州医保局公务接待费"), 1.5, "lookup")  # a new question, not marked as a follow-up


def test_bare_metric_follow_up_keeps_other_operations(conv):
    c = conv()
    _check(c.ask("伽师医保局项目支出占总支出的比例？"), 3.35, "ratio")
    _check(c.ask("基本支出呢？"), 96.65, "ratio")  # 239.11 / 247.40, as 001 states

    c = conv()
    _check(c.ask("轮台和伽师的三公经费合计是多少？"), 3.25, "sum")  # 1.03 + 2.22
    _check(c.ask("公务接待费呢？"), 0.22, "sum")  # 0.10 + 0.12

    c = conv()
    _check(c.ask("克州医保局人均三公经费是多少？"), 0.32, "per")  # 9.50 / 30
    _check(c.ask("公务用车运行费呢？"), 0.27, "per")  # 8.00 / 30


# --- English ---------------------------------------------------------------------------------------

def test_english_follow_ups_keep_the_previous_year(conv):
    c = conv()
    # "last year" alone asks for last year's figure (no comparison word): 1.03 + 0.06
    _check(c.ask("How much did Luntai spend on 三公 last year?"), 1.09, "lookup", None, previous_year=True)
    _check(c.ask("And Jiashi?"), 2.23, "lookup", None, previous_year=True)
    _check(c.ask("What about reception?"), 0.13, "lookup", None, previous_year=True)  # 0.12 + 0.01
    _check(c.ask("And in 2024?"), 0.12, "lookup", 2024)

    c = conv()
    _check(c.ask("What was Luntai's 三公 budget in 2023?"), 1.09, "lookup", 2023, previous_year=True)
    _check(c.ask("And Jiashi?"), 2.23, "lookup", 2023, previous_year=True)
    _check(c.ask("And Tekes?"), 0.8, "lookup", 2023)


def test_english_follow_ups_keep_the_change(conv):
    c = conv()
    _check(c.ask("By how much did Kizilsu's 三公 budget change compared with last year?"), 4.0, "change")
    _check(c.ask("And Luntai?"), -0.06, "change")
    _check(c.ask("What about vehicle running costs?"), -0.06, "change")
    _check(c.ask("And reception?"), 0.0, "change")  # 轮台 公务接待费增加 0
    _check(c.ask("And Kizilsu's vehicle running costs?"), 4.0, "change")


def test_english_last_year_with_a_comparison_is_a_change(ask):
    assert ask("How does Luntai's 三公 compare with last year?")["value"] == -0.06
    assert ask("Luntai 三公 compared to the year before?")["value"] == -0.06


def test_history_argument_gives_the_same_context(ask):
    assert ask("那伽师呢？", history=["轮台医保局2023年三公经费是多少？"])["value"] == 2.23
    res = ask("公务接待费呢？", history=["轮台医保局三公经费比上年增加了多少？", "那克州呢？"])
    assert (res["value"], res["intent"]["op"]) == (0.0, "change")
