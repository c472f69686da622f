"""`faqbot run slack discord`: one process, one engine, both platforms; stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fake_discord import (
    APP_ID,
    BOT_USER,
    CHANNEL_ID,
    FakeDiscord,
    message_create,
    pointed_at,
)
from fake_slack import SignedClient, get
from support import FAQ_DIR
from test_discord_client import long_answer

import adapters.discord
import adapters.slack
from bot.engine import build_engine
from bot.serving.config import Config
from bot.serving.runner import run

SLACK_TOKEN = "xoxb-both-token-1a1a"
SLACK_SECRET = "both-signing-secret"
DISCORD_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GbOtHx.both-processes-share-one-engine-abcdefg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def discord_token(monkeypatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.delenv("DISCORD_GUILD_ID", raising=False)


def serve_while(drive: Callable[[], None], platforms: dict, argv: list[str], *, faq_dir: Path, config: Config,
                discord_fake: FakeDiscord) -> int:
    """Runs `faqbot run` in this thread, as the command does, while `drive` talks to it from another thread;
    then SIGTERM ends it. What `drive` raises is raised here."""
    raised: list[BaseException] = []

    def driven() -> None:
        try:
            drive()
        except BaseException as err:
            raised.append(err)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    driver = threading.Thread(target=driven)
    try:
        with pointed_at(discord_fake):
            driver.start()
            code = run(platforms, argv, engine=build_engine(faq_dir), config=config, faq_dir=faq_dir,
                       load=lambda: build_engine(faq_dir), lint=lambda engine: [], own_logging=False)
            driver.join(30)
    finally:
        discord_fake.close()
    if raised:
        raise raised[0]
    return code


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


def test_one_process_answers_slack_and_discord_and_stops_cleanly_on_sigterm(fake, monkeypatch, discord_token):
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SLACK_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    seen: dict[str, object] = {}
    discord_fake = FakeDiscord()

    def drive() -> None:
        wait_until_ready(base)
        slack = SignedClient(base + "/slack/events", SLACK_SECRET)
        slack.command("What is GPT?", response_url=fake.response_url("both"))
        seen["slack"] = fake.wait_for("/respond/both")[0].dump
        discord_fake.dispatch("MESSAGE_CREATE", message_create(discord_fake, f"<@{APP_ID}> what is rlhf?",
                                                               mentions=(BOT_USER,)))
        seen["discord"] = discord_fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")[0].dump
        seen["metrics"] = get(base + "/metrics").body
        seen["threads"] = sorted(t.name for t in threading.enumerate() if t.name.startswith("faqbot-"))

    code = serve_while(drive, {"slack": adapters.slack.ADAPTER, "discord": adapters.discord.ADAPTER},
                       ["--host", "127.0.0.1", "--port", str(port)], faq_dir=FAQ_DIR,
                       config=Config(reload_watch=False), discord_fake=discord_fake)
    assert code == 0
    assert "What is GPT?" in seen["slack"] and "What is RLHF?" in seen["discord"]
    assert 'faqbot_questions_total{kind="answer",platform="slack"} 1.0' in seen["metrics"]
    assert 'faqbot_questions_total{kind="answer",platform="discord"} 1.0' in seen["metrics"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # run() put the handlers back
    # both platforms and the status paths on one event loop; one engine thread answers both
    assert [name for name in seen["threads"] if name not in ("faqbot-reload", "faqbot-semantic")] == [
        "faqbot-engine", "faqbot-loop"], seen["threads"]


def test_sigterm_lets_discord_finish_sending_a_long_answer_it_has_in_hand(make_faq, discord_token):
    """The answer takes several messages and Discord is slow; SIGTERM lands after the first. All arrive."""
    entry = {"id": "long", "questions": {"en": ["What is the long answer?"]}, "answer": {"en": long_answer(20000)}}
    faq_dir = make_faq({"faq.yaml": yaml.safe_dump([entry], allow_unicode=True)})
    port = free_port()
    discord_fake = FakeDiscord()
    discord_fake.delays["/channels/"] = 0.3

    def drive() -> None:
        wait_until_ready(f"http://127.0.0.1:{port}")
        discord_fake.dispatch("MESSAGE_CREATE", message_create(discord_fake, f"<@{APP_ID}> What is the long answer?",
                                                               mentions=(BOT_USER,)))
        discord_fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")

    code = serve_while(drive, {"discord": adapters.discord.ADAPTER}, [], faq_dir=faq_dir,
                       config=Config(reload_watch=False, host="127.0.0.1", status_port=port),
                       discord_fake=discord_fake)
    assert code == 0
    sent = discord_fake.sent("POST", f"/channels/{CHANNEL_ID}/messages")
    assert len(sent) >= 2 and sent[-1].body.get("components"), [len(s.dump) for s in sent]


def test_reload_problems_are_posted_to_the_maintainers_discord_channel(make_faq, discord_token):
    faq_dir = make_faq({"faq.yaml": "- id: one\n  questions: {en: [What is one?]}\n  answer: {en: One.}\n"})
    port = free_port()
    discord_fake = FakeDiscord()
    told: list[dict] = []

    def drive() -> None:
        wait_until_ready(f"http://127.0.0.1:{port}")
        (faq_dir / "broken.yaml").write_text("- id: Bad Id\n", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGHUP)
        (sent,) = discord_fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
        told.append(sent.body)

    code = serve_while(drive, {"discord": adapters.discord.ADAPTER}, [], faq_dir=faq_dir,
                       config=Config(reload_watch=False, host="127.0.0.1", status_port=port,
                                     notify_discord=CHANNEL_ID), discord_fake=discord_fake)
    assert code == 0
    (body,) = told
    assert body["allowed_mentions"]["parse"] == []
    assert "broken.yaml:1" in body["content"] and "still serving the last good one" in body["content"]
