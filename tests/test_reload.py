"""Hot reload: a valid change is swapped in, a broken one keeps the last good FAQ, and no question
in flight is dropped or answered by half of each."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.engine import Engine, build_engine
from bot.improve.lint import check
from bot.serving import Service
from bot.serving.reload import Reloaded, Reloader

ONE = """\
- id: billing
  questions:
    en: [How is it billed?, What does it cost?]
  answer:
    en: By the token.
"""
TWO = ONE + """\
- id: refunds
  questions:
    en: [Can I get a refund?, How do refunds work?]
  answer:
    en: Within 30 days.
"""


@pytest.fixture
def setup(make_faq):
    directory = make_faq({"faq.yaml": ONE})
    service = Service(build_engine(directory))
    results: list[Reloaded] = []
    done = threading.Event()

    def kept(result: Reloaded) -> None:
        results.append(result)
        done.set()

    reloader = Reloader(service, directory, lambda: build_engine(directory),
                        lint=check, interval=0.05, on_result=kept)
    yield directory, service, reloader, results, done
    reloader.stop()


def wait(done: threading.Event) -> None:
    assert done.wait(10), "no reload happened"
    done.clear()


def test_a_valid_change_is_picked_up_without_a_restart(setup):
    directory, service, reloader, results, done = setup
    reloader.start()
    assert service.answer("can I get a refund?").kind == "fallback"
    (directory / "faq.yaml").write_text(TWO, encoding="utf-8")
    wait(done)
    assert results[-1].ok and results[-1].entries == 2
    assert service.answer("can I get a refund?").entry_id == "refunds"


def test_a_broken_change_keeps_the_last_good_faq_and_says_what_to_fix(setup, caplog):
    directory, service, reloader, results, done = setup
    reloader.start()
    (directory / "faq.yaml").write_text(ONE.replace("  answer:\n    en: By the token.\n", ""), encoding="utf-8")
    wait(done)
    (result,) = results
    assert not result.ok and result.entries == 1
    assert any("faq.yaml:1" in p and "billing" in p and "answer" in p for p in result.problems), result.problems
    assert "still serving the last good one" in caplog.text
    assert service.answer("how is it billed?").entry_id == "billing"


@pytest.mark.parametrize("hostile", [
    "a: &a [x, x]\n" + "".join(f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i - 1}'}, *{'a' if i == 0 else f'b{i - 1}'}]\n"
                               for i in range(40)),
    "[" * 60_000 + "]" * 60_000,
    "- !!python/object/apply:os.system ['touch /tmp/faqbot-pwned']\n",
])
def test_a_hostile_file_arriving_by_reload_is_refused_and_the_process_lives(setup, hostile):
    directory, service, reloader, results, done = setup
    (directory / "evil.yaml").write_text(hostile, encoding="utf-8")
    result = reloader.reload()
    assert not result.ok and any("evil.yaml" in p for p in result.problems)
    assert service.answer("how is it billed?").entry_id == "billing"
    assert not Path("/tmp/faqbot-pwned").exists()


def test_a_25_megabyte_file_is_refused_by_size_before_it_is_read(setup):
    directory, service, reloader, results, done = setup
    with open(directory / "huge.yaml", "wb") as huge:
        huge.truncate(25 * 1024 * 1024)
    result = reloader.reload()
    assert not result.ok and any("huge.yaml" in p and "limits.max_file_bytes" in p for p in result.problems)


def test_a_request_reloads_even_when_nothing_changed(setup):
    directory, service, reloader, results, done = setup
    reloader.start()
    before = service.engine
    reloader.request()
    wait(done)
    assert results[-1].ok and service.engine is not before


def test_lint_findings_are_reported_but_do_not_block_a_valid_faq(setup):
    directory, service, reloader, results, done = setup
    (directory / "faq.yaml").write_text(ONE.replace("What does it cost?", "hello"), encoding="utf-8")
    result = reloader.reload()
    assert result.ok and any("small talk" in f for f in result.findings)


def test_questions_keep_flowing_while_reloads_happen(make_faq):
    """Several threads ask without pause while the FAQ is swapped back and forth: every question gets a
    complete reply from one FAQ or the other, and none waits for a reload: each reload holds its load
    open until the askers have been answered 20 more times."""
    directory = make_faq({"faq.yaml": TWO})
    service = Service(build_engine(directory))
    stop = threading.Event()
    replies, errors = [], []

    def load_while_answering() -> Engine:
        engine = build_engine(directory)
        before, deadline = len(replies), time.monotonic() + 60
        while len(replies) < before + 20 and not errors:
            if time.monotonic() > deadline:
                errors.append("no question was answered while the FAQ was being reloaded")
            time.sleep(0.001)
        return engine

    def ask() -> None:
        try:
            while not stop.is_set():
                replies.append(service.answer("how is it billed?"))
        except BaseException as err:  # seen by the test, not lost with the thread
            errors.append(repr(err))

    reloader = Reloader(service, directory, load_while_answering)
    askers = [threading.Thread(target=ask) for _ in range(3)]
    for thread in askers:
        thread.start()
    try:
        for text in (ONE, TWO, ONE, TWO, ONE):
            (directory / "faq.yaml").write_text(text, encoding="utf-8")
            assert reloader.reload().ok and not errors, errors
    finally:
        stop.set()
        for thread in askers:
            thread.join()
    assert not errors, errors
    assert len(replies) >= 100 and all(r.entry_id == "billing" and r.kind == "answer" for r in replies)



def test_a_pipe_among_the_faq_files_is_refused_not_waited_on(setup):
    import os

    directory, service, reloader, results, done = setup
    os.mkfifo(directory / "stuck.yaml")  # opening it to read would wait for a writer for ever
    finished: list[Reloaded] = []
    worker = threading.Thread(target=lambda: finished.append(reloader.reload()), daemon=True)
    worker.start()
    worker.join(20)
    assert finished, "the reload waited on the pipe"
    assert not finished[0].ok and any("stuck.yaml" in p and "not a regular file" in p for p in finished[0].problems)
    assert service.answer("What does it cost?").entry_id == "billing"


def test_stopping_does_not_wait_for_a_slow_lint(make_faq):
    directory = make_faq({"faq.yaml": ONE})
    service, linting = Service(build_engine(directory)), threading.Event()

    def slow_lint(engine):
        linting.set()
        time.sleep(30)
        return []

    reloader = Reloader(service, directory, lambda: build_engine(directory), lint=slow_lint, interval=0.05)
    reloader.start()
    (directory / "faq.yaml").write_text(TWO, encoding="utf-8")
    assert linting.wait(10)
    assert service.answer("can I get a refund?").entry_id == "refunds"  # swapped in before lint ran
    started = time.monotonic()
    reloader.stop()
    assert time.monotonic() - started < 5


def test_an_unexpected_failure_while_swapping_keeps_the_last_good_faq_and_the_reloader_watching(setup, caplog):
    from bot.engine.semantic import SemanticStage

    directory, service, _, _, _ = setup
    failures = iter([True])

    def load() -> Engine:
        engine = build_engine(directory, semantic="off")
        if next(failures, False):  # the first reload's encoder fails in a way no one foresaw
            def broken():
                raise KeyError("no such weight")

            engine = Engine(engine.faq, matcher=engine.matcher, semantic=SemanticStage(engine.faq, broken))
        return engine

    results: list[Reloaded] = []
    done = threading.Event()
    reloader = Reloader(service, directory, load, lint=check, interval=0.05,
                        on_result=lambda result: (results.append(result), done.set()))
    reloader.start()
    try:
        (directory / "faq.yaml").write_text(TWO, encoding="utf-8")
        wait(done)
        assert not results[-1].ok and "KeyError" in results[-1].problems[0]
        assert [e.id for e in service.engine.faq.entries] == ["billing"]
        (directory / "faq.yaml").write_text(TWO + "\n", encoding="utf-8")  # the next change is still seen
        wait(done)
        assert results[-1].ok and [e.id for e in service.engine.faq.entries] == ["billing", "refunds"]
    finally:
        reloader.stop()
