"""Answering never waits on the store: a locked, read-only or full SQLite database and a stopped PostgreSQL
server each delay the writing, never the answer, and the buffered events are written once it recovers."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from store_support import count, rows

from bot.improve.store import open_store
from bot.serving import Service, Where

ACK_WINDOW = 3.0  # seconds Slack gives an app to acknowledge


@contextmanager
def database_callers(store) -> Iterator[set[str]]:
    """The names of the threads that connect to the database or run a statement on it while inside."""
    names: set[str] = set()

    def seen(*_args, **_kwargs) -> None:
        names.add(threading.current_thread().name)

    engine = store.database.engine
    for name in ("do_connect", "before_cursor_execute"):
        event.listen(engine, name, seen)
    try:
        yield names
    finally:
        for name in ("do_connect", "before_cursor_execute"):
            event.remove(engine, name, seen)


def answer_while_broken(service: Service, store, questions: list[str] | None = None) -> None:
    """Answers every question and votes once, and checks that no answer waited on the database: the
    answering thread never talked to it (whatever the machine's speed), and each answer came within
    Slack's acknowledgement window."""
    questions = questions or ["What is GPT?"] * 20
    with database_callers(store) as callers:
        for i, question in enumerate(questions):
            started = time.perf_counter()
            reply = service.answer(question, where=Where("slack", "T1", "C1", f"U{i}"))
            took = time.perf_counter() - started
            assert reply.text and took < ACK_WINDOW, f"an answer took {took:.3f} s with the database unusable"
        service.vote("what-is-gpt", up=True, where=Where("slack", "T1", "C1", "U1"))
    assert threading.current_thread().name not in callers, f"the answering thread used the database: {callers}"


def wait_until_failing(store, caplog) -> None:
    deadline = time.monotonic() + 10
    while not any("cannot write to the store" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "the writer never met the fault"
        time.sleep(0.02)


@pytest.fixture
def quick_retry() -> dict:
    return {"retry_first": 0.05, "retry_max": 0.2}


def test_a_locked_sqlite_database_delays_writing_not_answering(tmp_path, engine, caplog, quick_retry):
    url = f"sqlite:///{tmp_path / 'faqbot.db'}"
    store = open_store(url, **quick_retry)
    service = Service(engine, recorder=store)
    service.answer("warm up")
    assert store.flush(timeout=10)
    holder = sqlite3.connect(tmp_path / "faqbot.db", isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing, for as long as it likes
    with caplog.at_level(logging.WARNING, logger="faqbot.store"):
        answer_while_broken(service, store)
        wait_until_failing(store, caplog)
        assert store.buffer_depth == 21
    assert "database is locked" in caplog.text
    holder.execute("ROLLBACK")
    holder.close()
    assert store.flush(timeout=10)
    store.close()
    assert count(url) == 21 and count(url, "faqbot_votes") == 1


@contextmanager
def immutable(*paths: Path):
    """Read-only even for root: the immutable attribute (chmod does not stop root)."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o444)
        undo = lambda: [p.chmod(m) for p, m in modes.items()]  # noqa: E731
    else:
        done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot make a file read-only for root here (chattr +i: {done.stderr.strip()})")
        undo = lambda: subprocess.run(["chattr", "-i", *map(str, paths)], check=True)  # noqa: E731
    try:
        yield
    finally:
        undo()


def test_a_read_only_sqlite_file_delays_writing_not_answering(tmp_path, engine, caplog, quick_retry):
    url = f"sqlite:///{tmp_path / 'faqbot.db'}"
    with open_store(url) as store:
        Service(engine, recorder=store).answer("an earlier run")
    assert [p.name for p in tmp_path.iterdir()] == ["faqbot.db"]  # closed cleanly: no WAL left
    # The file is read-only from the start. (Not made so under an open connection: SQLite maps the -shm
    # file into memory, and a mapped file turned immutable kills the process with SIGBUS.)
    with caplog.at_level(logging.WARNING, logger="faqbot.store"), immutable(tmp_path / "faqbot.db"):
        store = open_store(url, **quick_retry)
        service = Service(engine, recorder=store)
        answer_while_broken(service, store)
        wait_until_failing(store, caplog)
        time.sleep(0.3)  # several retries, all refused
        assert store.buffer_depth == 21
    assert "readonly" in caplog.text
    assert store.flush(timeout=10)
    store.close()
    assert count(url) == 21 and count(url, "faqbot_votes") == 1  # 20 questions now, 1 before


@contextmanager
def tiny_disk(directory: Path, size_kb: int):
    """A tmpfs of `size_kb`; None where mounting is not allowed."""
    directory.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(directory)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        yield None
        return
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=True)


def filler(directory: Path) -> Path:
    path = directory / "filler"
    with open(path, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    return path


@contextmanager
def full_disk(how: str, tmp_path: Path):
    """Yields (directory for the database, fill, make room). `tmpfs`: a 512 KiB tmpfs filled to the last
    byte (needs mount rights); `page limit`: SQLite's max_page_count on the store's connections, which
    fails writes with the same SQLITE_FULL, for machines where mounting is not allowed."""
    if how == "page limit":
        limit = {}

        def cap(dbapi_connection, _record) -> None:
            if limit:
                dbapi_connection.execute(f"PRAGMA max_page_count = {limit['pages']}")

        def fill(store) -> None:
            (limit["pages"],) = rows(f"sqlite:///{tmp_path / 'faqbot.db'}", "PRAGMA page_count")[0]
            event.listen(store.database.engine, "connect", cap)
            store.database.engine.dispose()

        yield tmp_path, fill, lambda store: limit.clear()
        return
    with tiny_disk(tmp_path / "disk", 512) as disk:
        if disk is None:
            pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN); the page limit variant runs")
        yield disk, lambda store: filler(disk), lambda store: (disk / "filler").unlink()


@pytest.mark.parametrize("how", ["tmpfs", "page limit"])
def test_a_full_disk_delays_writing_not_answering(how, tmp_path, engine, caplog, quick_retry):
    with full_disk(how, tmp_path) as (directory, fill, make_room):
        url = f"sqlite:///{directory / 'faqbot.db'}"
        store = open_store(url, **quick_retry)
        service = Service(engine, recorder=store)
        service.answer("warm up")
        assert store.flush(timeout=10)
        fill(store)
        with caplog.at_level(logging.WARNING, logger="faqbot.store"):
            long = "How do I configure " + "a very long question " * 40
            answer_while_broken(service, store, [f"{long} {i}" for i in range(200)])  # enough text for new pages
            wait_until_failing(store, caplog)
            assert store.buffer_depth > 0
        assert "database or disk is full" in caplog.text
        make_room(store)
        assert store.flush(timeout=10)
        store.close()
        assert count(url) == 201


def test_a_stopped_postgresql_server_delays_writing_not_answering(postgres, engine, caplog, quick_retry):
    name = postgres.create_database()
    url = postgres.url(name, password="pg-secret-9f2e")  # the server trusts local users; the password is ignored
    store = open_store(url, **quick_retry)
    service = Service(engine, recorder=store)
    service.answer("warm up")
    assert store.flush(timeout=10)
    caplog.set_level(logging.INFO, logger="faqbot.store")
    postgres.stop()
    try:
        answer_while_broken(service, store)
        wait_until_failing(store, caplog)
        assert store.buffer_depth == 21
    finally:
        postgres.start()
    assert store.flush(timeout=20)
    store.close()
    assert count(url) == 21 and count(url, "faqbot_votes") == 1
    assert "pg-secret-9f2e" not in caplog.text and "***" in caplog.text
    assert "writable again" in caplog.text
    postgres.drop_database(name)


def test_a_store_unavailable_at_start_warns_once_and_answers(tmp_path, engine, caplog, quick_retry):
    (tmp_path / "not-a-dir").write_text("")
    url = f"sqlite:///{tmp_path / 'not-a-dir' / 'faqbot.db'}"
    with caplog.at_level(logging.WARNING, logger="faqbot.store"):
        store = open_store(url, **quick_retry)
        service = Service(engine, recorder=store)
        for _ in range(3):
            assert service.answer("What is GPT?").kind == "answer"
        time.sleep(0.5)  # several failed attempts
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(tmp_path / "not-a-dir") in warnings[0], warnings
    assert "answers are not affected" in warnings[0]
    assert store.buffer_depth == 3
    assert store.close(timeout=0.3) == 3


def test_a_postgresql_server_that_is_not_there_is_named_without_its_password(caplog, quick_retry):
    from port_for import get_port

    url = f"postgresql://faqbot:pw-never-shown@127.0.0.1:{get_port(None)}/faqbot"
    with caplog.at_level(logging.WARNING, logger="faqbot.store"):
        store = open_store(url, **quick_retry)
        store.asked(__import__("store_support").asked())
        time.sleep(0.5)
        assert store.close(timeout=0.2) == 1
    assert "pw-never-shown" not in caplog.text
    assert "faqbot:***@127.0.0.1" in caplog.text and "lost" in caplog.text
