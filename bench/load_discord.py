"""The Discord half of `python -m bench.load`: /faq commands and 👍 clicks as gateway interactions at a given
concurrency, against one `faqbot run discord` process (`bench.discord_process`) and the test suite's fake of
Discord on 127.0.0.1, healthy or slow. An interaction counts as acknowledged when its callback reaches the fake
within Discord's 3 s of its dispatch on the gateway."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from fake_discord import FakeDiscord, click, person, slash

from adapters.discord.render import UP
from adapters.discord.views import custom_id

REPO = Path(__file__).resolve().parent.parent
TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.bench.not-a-secret"
ACK_DEADLINE = 3.0
GIVE_UP = 15.0  # seconds after which an interaction with no callback is counted lost
QUESTIONS = ["What is GPT?", "azure openai", "How is Azure OpenAI billed?", "什么是 RLHF？", "how do I bake bread?"]


class DiscordBot:
    """One `faqbot run discord` process talking to `fake`."""

    def __init__(self, fake: FakeDiscord, data: Path, semantic: bool = True) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FAQBOT_", "SLACK_"))}
        env.update(FAQBOT_SEMANTIC="on" if semantic else "off", DISCORD_TOKEN=TOKEN, FAQBOT_STATUS_PORT="0",
                   FAQBOT_DB_URL=f"sqlite:///{data}/faqbot.db", PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
        self.process = subprocess.Popen([sys.executable, "-m", "bench.discord_process", fake.api, fake.gateway],
                                        cwd=data, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.semantic = False
        deadline = time.monotonic() + 120
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.semantic = self.semantic or "semantic matching on" in line
            if "connected as" in line or time.monotonic() > deadline:
                break
        else:
            raise RuntimeError("faqbot run discord did not start")

    def stop(self) -> None:
        from bench.load import stop

        stop(self.process)


def interactions(fake: FakeDiscord, count: int, prefix: int) -> list[dict]:
    """/faq twice, then a 👍, in turn, each from its own person (the flood limit never applies)."""
    vote = custom_id(UP, "en", "what-is-gpt") or ""
    button = {"type": 2, "style": 2, "custom_id": vote, "emoji": {"name": "👍"}}
    # an answer the bot showed privately, with its 👍 (discord.py looks the clicked button up in the message)
    message = fake.message("1300000000000000001", {"content": "", "flags": 64,
                                                   "components": [{"type": 1, "components": [button]}]})
    made = []
    for n in range(count):
        user = person(str(prefix + n), f"asker{n}")
        if n % 3 == 2:
            made.append(click(fake, message, vote, user=user))
        else:
            made.append(slash(fake, "faq", {"question": QUESTIONS[n % len(QUESTIONS)]}, user=user))
    return made


def drive(fake: FakeDiscord, batch: list[dict], concurrency: int) -> dict[str, float]:
    """Dispatches `batch` keeping `concurrency` interactions unanswered at a time; returns when each was sent."""
    sent: dict[str, float] = {}
    waiting: dict[str, float] = {}
    todo = list(reversed(batch))
    seen = 0
    stop_by = time.monotonic() + GIVE_UP + len(batch)
    while (todo or waiting) and time.monotonic() < stop_by:
        while todo and len(waiting) < concurrency:
            payload = todo.pop()
            sent[payload["id"]] = waiting[payload["id"]] = time.perf_counter()
            fake.dispatch("INTERACTION_CREATE", payload)
        with fake._changed:
            fake._changed.wait(0.02)
            new, seen = fake.arrivals[seen:], len(fake.arrivals)
        for _, path, _ in new:
            if path.endswith("/callback"):
                waiting.pop(path.split("/")[2], None)
        now = time.perf_counter()
        for late in [key for key, at in waiting.items() if now - at > GIVE_UP]:
            del waiting[late]
    return sent


def scenario(name: str, args: argparse.Namespace, result: type) -> object:
    from bench.load import cpu_seconds, rss_mb  # the Slack half's helpers

    fake = FakeDiscord()
    with tempfile.TemporaryDirectory(prefix="faqbot-load-") as data:
        bot = DiscordBot(fake, Path(data), semantic=args.semantic == "on")
        try:
            drive(fake, interactions(fake, 30, 1_000_000), 10)
            before, cpu = rss_mb(bot.process.pid), cpu_seconds(bot.process.pid)
            if name == "slow":
                fake.troubled(args.trouble, delay=args.delay)
            batch = interactions(fake, args.requests, 2_000_000)
            sent = drive(fake, batch, args.concurrency)
            last = time.monotonic() + args.trouble + args.delay + 30
            while time.monotonic() < last and len(_callbacks(fake, sent)) < len(sent):
                time.sleep(0.05)
            time.sleep(1.0)
            after, cpu = rss_mb(bot.process.pid), cpu_seconds(bot.process.pid) - cpu
        finally:
            bot.stop()
            fake.close()
    callbacks = _callbacks(fake, sent)
    drain = max(callbacks.values(), default=0.0) - max(sent.values(), default=0.0)
    took = max(callbacks.values(), default=0.0) - min(sent.values(), default=0.0)
    counts = Counter(path.split("/")[2] for method, path, _ in fake.arrivals
                     if method == "POST" and path.startswith("/interactions/") and path.endswith("/callback")
                     and path.split("/")[2] in sent)
    millis = sorted((callbacks[key] - sent[key]) * 1000 for key in callbacks)
    acked = sum(ms < ACK_DEADLINE * 1000 for ms in millis)
    cut = statistics.quantiles(millis, n=100, method="inclusive")[98] if len(millis) > 1 else millis[0] if millis else 0.0
    return result(f"discord {name}", len(batch), args.concurrency, acked, len(batch) - acked,
                  round(statistics.median(millis), 1) if millis else 0.0, round(cut, 1),
                  round(millis[-1], 1) if millis else 0.0, sum(n == 1 for n in counts.values()),
                  sum(n > 1 for n in counts.values()), len(batch) - len(counts), round(max(drain, 0.0), 2), round(after - before, 1),
                  round(1000 * cpu / len(batch), 2),
                  bot.semantic, round(sum(n == 1 for n in counts.values()) / max(took, 1e-9), 1))


def _callbacks(fake: FakeDiscord, sent: dict[str, float]) -> dict[str, float]:
    """Interaction id -> when its first callback arrived."""
    first: dict[str, float] = {}
    for method, path, at in list(fake.arrivals):
        key = path.split("/")[2] if path.startswith("/interactions/") else ""
        if method == "POST" and key in sent and path.endswith("/callback"):
            first.setdefault(key, at)
    return first
