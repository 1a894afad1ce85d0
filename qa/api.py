"""`ask(question, history=None, home=None) -> dict` and `Conversation` (follow-up questions).

The returned object is the `gongkai ask --json` contract: question, answer, value, unit, declined,
citations [{doc, page, line, quote}], confidence, route (structured | retrieval | llm), plus
`reason` when declined and `notes` (e.g. validator flags, LLM rejections).

A question is understood (`qa.understand`), read in the context of the previous one
(`qa.followups`), then answered (`qa.routes`).
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any

from qa.followups import follow_up
from qa.intent import Intent
from qa.records import Library, load_library
from qa.routes import _llm_session, answer_intent
from qa.understand import understand
from qa.vocabulary import Vocabulary

_VOCAB: dict[int, tuple[Library, Vocabulary]] = {}
_VLOCK = threading.Lock()


def _vocabulary(lib: Library) -> Vocabulary:
    with _VLOCK:
        hit = _VOCAB.get(id(lib))
        if hit and hit[0] is lib:
            return hit[1]
    vocab = Vocabulary(lib.function_names, lib.row_names)
    with _VLOCK:
        _VOCAB.clear()
        _VOCAB[id(lib)] = (lib, vocab)
    return vocab


def warm(home: Path | str | None = None) -> None:
    """Load records, the vocabulary and the catalogue's meaning vectors for `home` (the UI calls this at start)."""
    from qa import meaning

    lib = load_library(home)
    _vocabulary(lib)
    meaning.warm(lib.home)


class Conversation:
    """Keeps the previous question's units, year, metric and operation for follow-ups ("那X县呢？").

    A follow-up that names only units keeps the figure, the operation and the year (or the "previous
    year" sense); one that names only a figure keeps the units and the year, and — when it says
    nothing else ("公务接待费呢？", "What about reception?") — the operation too; whatever the follow-up
    states itself (a year, 上年, an operation) wins."""

    def __init__(self, home: Path | str | None = None, breaker=None):
        from extract.endpoint.budget import Breaker

        self.home = home
        self.last: Intent | None = None
        self.history: list[dict] = []
        # after an LLM timeout the rest of this conversation goes without the LLM (and says so)
        self.breaker = breaker if breaker is not None else Breaker("conversation")

    def observe(self, question: str) -> Intent:
        lib = load_library(self.home)
        intent = follow_up(self.last, understand(question, lib.units, _vocabulary(lib)))
        self.last = intent
        return intent

    def ask(self, question: str) -> dict:
        lib = load_library(self.home)
        intent = follow_up(self.last, understand(question, lib.units, _vocabulary(lib)))
        # answering may note what it inferred (a year before a document's budget year read as "the
        # previous year"); the next follow-up continues from what was asked, not from that inference
        asked = copy.copy(intent)
        with _llm_session(self.breaker) as llm_on:
            result = answer_intent(lib, intent)
            if result.declined and llm_on is not None:
                from qa import llm_intent

                result, understood = llm_intent.resolve(lib, intent, result, answer_intent)
                if understood is not None:
                    asked = copy.copy(understood)
        if not (result.declined and result.reason in ("not_understood",)):
            self.last = asked
        out = result.to_dict()
        self.history.append(out)
        return out


def ask(question: str, history: list | None = None, home: Path | str | None = None, breaker=None) -> dict:
    """Answer one question; `history` holds earlier questions (strings or ask() dicts) for follow-ups.
    `breaker` (extract.endpoint.budget.Breaker) lets a batch of questions share one LLM circuit breaker."""
    conv = Conversation(home=home, breaker=breaker)
    for turn in history or []:
        q = turn.get("question") if isinstance(turn, dict) else str(turn)
        if q:
            conv.observe(q)
    return conv.ask(question)


def to_json(obj: Any) -> Any:
    return obj
