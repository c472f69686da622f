"""`faqbot run slack discord`: one process, one engine, both platforms; stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import yaml

import adapters.discord
import adapters.slack
from bot import Engine
from bot.config import Config
from bot.runner import run
from fake_discord import APP_ID, BOT_USER, CHANNEL_ID, FakeDiscord, message_create, pointed_at
from fake_slack import SignedClient, get
from support import FAQ_DIR
from test_discord_client import long_answer

SLACK_TOKEN = "xoxb-both-token-1a1a"
SLACK_SECRET = "both-signing-secret"
DISCORD_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GbOtHx.both-processes-share-one-engine-abcdefg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(base: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if get(base + "/readyz").status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "never ready"
        time.sleep(0.05)


def test_one_process_answers_slack_and_discord_and_stops_cleanly_on_sigterm(fake, monkeypatch, engine):
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SLACK_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.delenv("DISCORD_GUILD_ID", raising=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    seen: dict[str, object] = {}
    discord_fake = FakeDiscord()

    def drive() -> None:
        try:
            wait_until_ready(base)
            slack = SignedClient(base + "/slack/events", SLACK_SECRET)
            slack.command("What is GPT?", response_url=fake.response_url("both"))
            seen["slack"] = fake.wait_for("/respond/both", timeout=10)[0].dump
            discord_fake.dispatch("MESSAGE_CREATE", message_create(discord_fake, f"<@{APP_ID}> what is rlhf?",
                                                                   mentions=(BOT_USER,)))
            seen["discord"] = discord_fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages", timeout=10)[0].dump
            seen["metrics"] = get(base + "/metrics").body
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    driver = threading.Thread(target=drive)
    try:
        with pointed_at(discord_fake):
            driver.start()
            code = run({"slack": adapters.slack.ADAPTER, "discord": adapters.discord.ADAPTER},
                       ["--host", "127.0.0.1", "--port", str(port)], engine=engine,
                       config=Config(reload_watch=False), faq_dir=FAQ_DIR,
                       load=lambda: Engine.from_directory(FAQ_DIR), lint=list, own_logging=False)
            driver.join(10)
    finally:
        discord_fake.close()
    assert code == 0
    assert "What is GPT?" in seen["slack"] and "What is RLHF?" in seen["discord"]
    assert 'faqbot_questions_total{kind="answer",platform="slack"} 1.0' in seen["metrics"]
    assert 'faqbot_questions_total{kind="answer",platform="discord"} 1.0' in seen["metrics"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # run() put the handlers back


def test_sigterm_lets_discord_finish_sending_a_long_answer_it_has_in_hand(monkeypatch, make_faq):
    """The answer takes several messages and Discord is slow; SIGTERM lands after the first. All arrive."""
    entry = {"id": "long", "questions": {"en": ["What is the long answer?"]}, "answer": {"en": long_answer(20000)}}
    faq_dir = make_faq({"faq.yaml": yaml.safe_dump([entry], allow_unicode=True)})
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.delenv("DISCORD_GUILD_ID", raising=False)
    port = free_port()
    discord_fake = FakeDiscord()
    discord_fake.delays["/channels/"] = 0.3

    def drive() -> None:
        try:
            wait_until_ready(f"http://127.0.0.1:{port}")
            discord_fake.dispatch("MESSAGE_CREATE", message_create(discord_fake, f"<@{APP_ID}> What is the long answer?",
                                                                   mentions=(BOT_USER,)))
            discord_fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages", timeout=10)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    driver = threading.Thread(target=drive)
    try:
        with pointed_at(discord_fake):
            driver.start()
            code = run({"discord": adapters.discord.ADAPTER}, [], engine=Engine.from_directory(faq_dir),
                       config=Config(reload_watch=False, host="127.0.0.1", status_port=port), faq_dir=faq_dir,
                       load=lambda: Engine.from_directory(faq_dir), lint=list, own_logging=False)
            driver.join(10)
    finally:
        discord_fake.close()
    assert code == 0
    sent = discord_fake.sent("POST", f"/channels/{CHANNEL_ID}/messages")
    assert len(sent) >= 2 and sent[-1].body.get("components"), [len(s.dump) for s in sent]


def test_reload_problems_are_posted_to_the_maintainers_discord_channel(monkeypatch, make_faq):
    faq_dir = make_faq({"faq.yaml": "- id: one\n  questions: {en: [What is one?]}\n  answer: {en: One.}\n"})
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.delenv("DISCORD_GUILD_ID", raising=False)
    port = free_port()
    discord_fake = FakeDiscord()
    told: list[str] = []

    def drive() -> None:
        try:
            wait_until_ready(f"http://127.0.0.1:{port}")
            (faq_dir / "broken.yaml").write_text("- id: Bad Id\n", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGHUP)
            (sent,) = discord_fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages", timeout=20)
            told.append(sent.body["content"])
            assert sent.body["allowed_mentions"]["parse"] == []
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    driver = threading.Thread(target=drive)
    try:
        with pointed_at(discord_fake):
            driver.start()
            code = run({"discord": adapters.discord.ADAPTER}, [], engine=Engine.from_directory(faq_dir),
                       config=Config(reload_watch=False, host="127.0.0.1", status_port=port,
                                     notify_discord=CHANNEL_ID), faq_dir=faq_dir,
                       load=lambda: Engine.from_directory(faq_dir), lint=list, own_logging=False)
            driver.join(30)
    finally:
        discord_fake.close()
    assert code == 0
    (text,) = told
    assert "broken.yaml:1" in text and "still serving the last good one" in text
