"""Embedding a large FAQ says how far it has got: a bar on a terminal, a log line each quarter otherwise."""

from __future__ import annotations

import io
import logging

import numpy

from bot.engine.faq import Entry, Faq
from bot.engine.semantic import PROGRESS_FROM, PROGRESS_STEP, SemanticStage
from bot.serving.progress import progress_reporter


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Hashing:
    """An encoder of the right shape: these tests count rows, not meanings."""

    def encode(self, texts):
        rows = numpy.array([[hash(t) % 97 + 1.0, len(t) + 1.0] for t in texts], dtype=numpy.float32).reshape(-1, 2)
        return rows / numpy.linalg.norm(rows, axis=1, keepdims=True) if len(rows) else rows


def big_faq(phrasings: int) -> Faq:
    return Faq(tuple(Entry(f"e{i}", {"en": (f"question number {i}",)}, {"en": f"answer {i}"}) for i in range(phrasings)))


def test_a_large_faq_is_embedded_in_steps_that_are_reported():
    told = []
    total = PROGRESS_FROM + PROGRESS_STEP // 2
    SemanticStage(big_faq(total), Hashing, progress=lambda done, of: told.append((done, of))).warm_up()
    done, of = told[-1]
    assert done == of >= total  # its phrasings, and its answers' sentences
    assert len(told) == -(-of // PROGRESS_STEP)
    assert [done for done, _ in told] == sorted(done for done, _ in told)


def test_a_small_faq_is_embedded_at_once_without_a_word():
    told = []
    SemanticStage(big_faq(50), Hashing, progress=lambda done, of: told.append(done)).warm_up()
    assert told == []


def test_a_terminal_gets_a_bar_that_ends_its_line():
    screen = Terminal()
    report = progress_reporter("embedding", stream=screen)
    report(500, 1000)
    report(1000, 1000)
    assert "[###############...............] 500/1,000" in screen.getvalue()
    assert screen.getvalue().endswith("1,000/1,000\n")


def test_anything_else_gets_a_log_line_each_quarter(caplog):
    report = progress_reporter("embedding", stream=io.StringIO())
    with caplog.at_level(logging.INFO, logger="faqbot"):
        for done in range(100, 1001, 100):
            report(done, 1000)
    assert [r.getMessage() for r in caplog.records] == [
        "embedding: 25% (300 of 1,000)", "embedding: 50% (500 of 1,000)",
        "embedding: 75% (800 of 1,000)", "embedding: 100% (1,000 of 1,000)"]
