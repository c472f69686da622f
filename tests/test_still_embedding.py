"""A FAQ still being embedded when questions come, or when the process stops: the words answer meanwhile,
meaning once it is ready, and stopping neither waits for the embedding nor for a question in hand."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy
import pytest
from fake_slack import SignedClient, get
from support import FAQ_DIR, HELPDESK, ROOT

import adapters.slack
from bot.engine import Engine, build_engine
from bot.engine.embedding import EmbeddingStopped, encode
from bot.engine.encoder import shared_encoder
from bot.engine.faq import Entry, Faq
from bot.engine.fusion import Fusion
from bot.engine.matcher import Matcher
from bot.engine.reply import Kind
from bot.engine.semantic import PROGRESS_STEP, SemanticStage
from bot.serving import Service
from bot.serving.config import Config
from bot.serving.loop import EngineThread
from bot.serving.reload import Reloader
from bot.serving.runner import _warm_up, run
from bot.serving.status import Health

QUESTION = "how much paid time off do employees get each year"  # no word of it is the FAQ's
EAGER = Fusion(answer=0.0, suggest=0.0, words=1.01)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    directory = tmp_path_factory.mktemp("faq")
    (directory / "faq.yaml").write_text(HELPDESK, encoding="utf-8")
    return build_engine(directory)


@contextlib.contextmanager
def embedding_held_back(small, patience: float) -> Iterator[Engine]:
    """An engine whose FAQ another thread is embedding, its encoder held back until the block ends."""
    loading, go = threading.Event(), threading.Event()

    def slow_encoder():
        loading.set()
        go.wait(60)
        return shared_encoder()

    stage = SemanticStage(small.faq, slow_encoder, fusion=EAGER, patience=patience)
    warming = threading.Thread(target=stage.warm_up)
    warming.start()
    try:
        assert loading.wait(10)
        yield Engine(small.faq, matcher=small.matcher, semantic=stage)
    finally:
        go.set()
        warming.join(60)


def test_a_question_asked_while_the_faq_is_embedded_elsewhere_gets_the_words_then_meaning(small, caplog):
    with embedding_held_back(small, patience=0.1) as engine, caplog.at_level(logging.INFO):
        for _ in range(2):
            assert engine.answer(QUESTION).kind == Kind.FALLBACK  # the words alone know none of it
    said = [r.getMessage() for r in caplog.records if "still being embedded" in r.getMessage()]
    assert said == ["the FAQ is still being embedded: the words alone answer until it is done (2 entries)"]
    assert engine.semantic.failed is None
    assert engine.answer(QUESTION).entry_id == "vacation"


def numbered(entries: int) -> Faq:
    return Faq(tuple(Entry(f"e{i}", {"en": (f"question number {i}",)}, {"en": f"answer {i}"}) for i in range(entries)))


class Gated:
    """Embeds like the real encoder, but its first call waits for `go`; counts its calls."""

    def __init__(self) -> None:
        self.inner, self.calls = shared_encoder(), 0
        self.started, self.go = threading.Event(), threading.Event()

    def encode(self, texts):
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            self.go.wait(60)
        return self.inner.encode(texts)


def test_stopping_ends_an_embedding_at_its_next_chunk_keeps_nothing_and_leaves_meaning_on(caplog):
    encoder = Gated()
    stage = SemanticStage(numbered(3 * PROGRESS_STEP), lambda: encoder)
    result = []
    warming = threading.Thread(target=lambda: result.append(stage.warm_up()))
    warming.start()
    assert encoder.started.wait(30)
    stage.stop_embedding()
    encoder.go.set()
    warming.join(60)
    assert result == [False] and encoder.calls == 1  # of the six chunks, the one under way
    assert stage.failed is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


class Noting:
    """A helper process's encoder that leaves a file behind for each chunk it embeds."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self) -> Noting:
        return self

    def encode(self, texts):
        (self.folder / texts[0]).touch()
        return numpy.ones((len(texts), 2), dtype=numpy.float32) / numpy.sqrt(2)


class StopsAfterOne:
    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def encode(self, texts):
        self.stop.set()
        return numpy.ones((len(texts), 2), dtype=numpy.float32) / numpy.sqrt(2)


def test_a_stopped_embedding_drops_the_chunks_its_helpers_have_not_begun(tmp_path):
    texts = [f"text-{i}" for i in range(200)]
    stop = threading.Event()
    with pytest.raises(EmbeddingStopped):
        encode(texts, StopsAfterOne(stop), Noting(tmp_path), step=1, helpers=1, stop=stop)
    assert not multiprocessing.active_children()  # the helper is gone, not embedding the rest
    assert len(list(tmp_path.iterdir())) < 50  # of the hundred chunks it was given


def test_a_stage_told_to_stop_before_it_began_embeds_nothing():
    def never():
        raise AssertionError("the encoder was loaded")

    stage = SemanticStage(Faq((Entry("a", {"en": ("a question",)}, {"en": "an answer"}),)), never)
    stage.stop_embedding()
    assert stage.warm_up() is False and stage.failed is None


def test_questions_queued_behind_one_that_waited_for_meaning_do_not_wait_again(small):
    took = []
    with embedding_held_back(small, patience=3.0) as engine:
        for _ in range(2):
            started = time.monotonic()
            assert engine.answer(QUESTION).kind == Kind.FALLBACK
            took.append(time.monotonic() - started)
    assert took[1] < took[0] / 2  # the first waited out the patience, the second did not wait it again


def test_a_warm_up_that_breaks_unexpectedly_is_logged_and_leaves_the_process_ready(small, caplog):
    def broken():
        raise KeyError("no such table")

    health = Health(("meaning",))
    _warm_up(SemanticStage(small.faq, broken), health)
    assert health.waiting_for() == []
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        "embedding the FAQ failed, the words alone answer: reload the FAQ (SIGHUP) or restart to try again, or set "
        "matching.semantic to off"]


def test_the_engine_thread_runs_work_in_order_and_hands_back_errors():
    thread = EngineThread("test-engine")
    done = []
    futures = [thread.submit(done.append, i) for i in range(5)]
    failed = thread.submit(lambda: 1 / 0)
    assert [f.result(10) for f in futures] == [None] * 5 and done == [0, 1, 2, 3, 4]
    with pytest.raises(ZeroDivisionError):
        failed.result(10)
    thread.shutdown()
    with pytest.raises(RuntimeError):
        thread.submit(done.append, 5)


def test_a_process_exits_while_its_engine_thread_is_still_answering():
    script = """
import threading
from bot.serving.loop import Loop

loop = Loop()
busy = threading.Event()
loop.submit(loop.answer(lambda: (busy.set(), threading.Event().wait(600))))
assert busy.wait(30)
loop.close(0.5)
print("closed", flush=True)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "closed\n", done.stderr


def test_faqbot_run_is_not_ready_while_meaning_loads_and_answers_with_the_words_meanwhile(fake, monkeypatch,
                                                                                          small):
    for name, value in (("SLACK_BOT_TOKEN", "xoxb-embedding-1b1b"), ("SLACK_SIGNING_SECRET", "embedding-secret"),
                        ("SLACK_API_URL", fake.api_url)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    go = threading.Event()

    def slow_encoder():
        go.wait(60)
        return shared_encoder()

    engine = Engine(small.faq, matcher=small.matcher, semantic=SemanticStage(small.faq, slow_encoder, fusion=EAGER))
    port = free_port()
    base, seen, raised = f"http://127.0.0.1:{port}", [], []

    def drive() -> None:
        try:
            seen.append(readiness(base, lambda said: "slack" not in said[1]))  # Slack is, meaning is not
            slack = SignedClient(base + "/slack/events", "embedding-secret")
            slack.command(QUESTION, response_url=fake.response_url("early"))
            seen.append(fake.wait_for("/respond/early")[0].dump)
            go.set()
            seen.append(readiness(base, lambda said: said[0] == 200))
            slack.command(QUESTION, response_url=fake.response_url("later"))
            seen.append(fake.wait_for("/respond/later")[0].dump)
        except BaseException as err:
            raised.append(err)
        finally:
            go.set()
            os.kill(os.getpid(), signal.SIGTERM)

    driver = threading.Thread(target=drive)
    driver.start()
    code = run({"slack": adapters.slack.ADAPTER}, ["--host", "127.0.0.1", "--port", str(port)], engine=engine,
               config=Config(reload_watch=False), faq_dir=FAQ_DIR, load=lambda: engine, lint=lambda e: [],
               own_logging=False)
    driver.join(30)
    if raised:
        raise raised[0]
    assert code == 0 and not driver.is_alive()
    not_ready, early, ready, later = seen
    assert not_ready == (503, "not ready: meaning")
    assert "25 days of paid vacation" not in early  # the words alone: nothing they know
    assert ready[0] == 200 and "25 days of paid vacation" in later


def test_faqbot_chat_waits_for_the_meaning_rather_than_answer_with_less(monkeypatch, small):
    import io

    import adapters.console

    def slow_encoder():
        time.sleep(3.0)  # longer than a server's patience
        return shared_encoder()

    engine = Engine(small.faq, matcher=small.matcher, semantic=SemanticStage(small.faq, slow_encoder, fusion=EAGER))
    monkeypatch.setattr(sys, "stdin", io.StringIO(QUESTION + "\n"))
    monkeypatch.setattr(sys, "stdout", said := io.StringIO())
    code = run({"console": adapters.console.ADAPTER}, [], engine=engine, config=Config(reload_watch=False,
               status_port=None), faq_dir=FAQ_DIR, load=lambda: engine, lint=lambda e: [], own_logging=False)
    assert code == 0 and "25 days of paid vacation" in said.getvalue()


def readiness(base: str, until: Callable[[tuple[int, str]], bool]) -> tuple[int, str]:
    """/readyz's status and text, once `until` them."""
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(OSError):  # not listening yet
            answered = get(base + "/readyz")
            if until(said := (answered.status, answered.body)):
                return said
        assert time.monotonic() < deadline, "/readyz never said it"
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_reload_stops_the_embedding_of_the_faq_it_replaces(make_faq):
    directory, encoder, large = make_faq({"faq.yaml": HELPDESK}), Gated(), numbered(3 * PROGRESS_STEP)
    first = Engine(large, matcher=Matcher(large), semantic=SemanticStage(large, lambda: encoder))
    service, results = Service(first), []
    warming = threading.Thread(target=lambda: results.append(first.semantic.warm_up()))
    warming.start()
    assert encoder.started.wait(30)
    reloader = Reloader(service, directory, lambda: build_engine(directory, semantic="on"), lint=lambda engine: [])
    try:
        assert reloader.reload().ok and service.engine is not first
    finally:
        encoder.go.set()
        warming.join(60)
    assert results == [False] and first.semantic.failed is None  # the start-up FAQ's embedding was dropped
    assert service.engine.semantic.warm_up()  # the new FAQ's was done
