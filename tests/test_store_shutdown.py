"""`faqbot run slack` as a real process with a real store: questions and votes asked while the database is
locked are all written when the process gets SIGTERM; store settings are checked at start."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

from fake_slack import FakeSlack, SignedClient, get
from store_support import count, rows
from support import ROOT, faqbot_command

from adapters.slack.blocks import FEEDBACK_DOWN

SECRET = "store-signing-secret-51aa"
TOKEN = "xoxb-store-token-0b0b"


def environment(fake: FakeSlack, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FAQBOT_"))}
    return {**env, "PYTHONIOENCODING": "utf-8", "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url, **settings}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.05)


def healthy(port: int) -> bool:
    try:
        return get(f"http://127.0.0.1:{port}/healthz").status == 200
    except OSError:
        return False


def test_sigterm_writes_every_event_buffered_while_the_database_was_locked(tmp_path: Path):
    db = tmp_path / "data" / "faqbot.db"
    fake = FakeSlack()
    port = free_port()
    process = subprocess.Popen([*faqbot_command(), "run", "slack", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env=environment(fake, FAQBOT_DB_URL=f"sqlite:///{db}"))
    holder = None
    try:
        wait_for(lambda: healthy(port), "faqbot run slack coming up", process)
        wait_for(lambda: db.exists() and count(f"sqlite:///{db}", "faqbot_meta") == 2, "the store's schema", process)
        holder = sqlite3.connect(db, isolation_level=None, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
        slack = SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET)
        questions = ["What is GPT?", "How is Azure OpenAI billed?", "what is kubernetes", "什么是 GPT？"]
        for i, question in enumerate(questions):
            assert slack.command(question, response_url=fake.response_url(f"q{i}"), user=f"U0SECRET{i}").status == 200
        assert slack.click(FEEDBACK_DOWN, "what-is-gpt|en", response_url=fake.response_url("vote"),
                           user="U0SECRET0").status == 200
        fake.wait_for("/respond/", count=len(questions) + 1)  # every answer went out, lock or not
        process.terminate()
        time.sleep(0.5)  # the process is flushing, against the lock, when the lock goes
        holder.execute("ROLLBACK")
        out, err = process.communicate(timeout=20)
    finally:
        if holder is not None:
            holder.close()
        if process.poll() is None:
            process.kill()
            process.communicate()
        fake.close()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "lost" not in err
    assert sorted(q for (q,) in rows(f"sqlite:///{db}", "SELECT question FROM faqbot_questions")) == sorted(questions)
    assert rows(f"sqlite:///{db}", "SELECT entry_id, up FROM faqbot_votes") == [("what-is-gpt", False)]
    data = b"".join(p.read_bytes() for p in db.parent.iterdir())
    assert b"U0SECRET" not in data


def test_question_text_can_be_turned_off_for_the_bot(tmp_path: Path):
    db = tmp_path / "faqbot.db"
    fake = FakeSlack()
    port = free_port()
    process = subprocess.Popen([*faqbot_command(), "run", "slack", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env=environment(fake, FAQBOT_DB_URL=f"sqlite:///{db}", FAQBOT_STORE_TEXT="0"))
    try:
        wait_for(lambda: healthy(port), "faqbot run slack coming up", process)
        slack = SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET)
        assert slack.command("What is GPT?", response_url=fake.response_url("q")).status == 200
        fake.wait_for("/respond/q")
        process.terminate()
        process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
        fake.close()
    assert rows(f"sqlite:///{db}", "SELECT question, entry_id FROM faqbot_questions") == [(None, "what-is-gpt")]


def test_a_bad_store_setting_stops_run_with_exit_2_naming_it(tmp_path: Path):
    fake = FakeSlack()
    try:
        for settings, named in [({"FAQBOT_DB_URL": "mysql://bot:hunter2@db/faqbot"}, "FAQBOT_DB_URL"),
                                ({"FAQBOT_STORE_TEXT": "maybe"}, "FAQBOT_STORE_TEXT"),
                                ({"FAQBOT_RETENTION": "90 days"}, "FAQBOT_RETENTION")]:
            done = subprocess.run([*faqbot_command(), "run", "slack"], capture_output=True, text=True, cwd=ROOT,
                                  env=environment(fake, **settings), timeout=60)
            assert done.returncode == 2 and named in done.stderr, done.stderr
            assert "Traceback" not in done.stderr and "hunter2" not in done.stderr
    finally:
        fake.close()
