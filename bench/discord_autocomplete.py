"""How fast the Discord adapter answers /faq autocomplete, keystroke by keystroke (Discord allows 3 s).

    python -m bench.discord_autocomplete [--keystrokes 200]

Runs the real client (`adapters.discord.client.build_client`, driven by `adapters.discord.run`)
against the test suite's local fake of Discord on 127.0.0.1, types real FAQ questions one character
at a time as autocomplete interactions, and times each from its dispatch on the gateway to the
callback arriving at the fake. Then times `Completer.complete` alone on the same keystrokes.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fake_discord import FakeDiscord, Running, pointed_at, typing_question  # noqa: E402

from adapters.discord.client import build_client  # noqa: E402
from bot.cli import shipped_faq_dir  # noqa: E402
from bot.engine import build_engine  # noqa: E402
from bot.engine.complete import Completer  # noqa: E402
from bot.engine.text import has_han  # noqa: E402
from bot.serving import Service  # noqa: E402

QUESTIONS = [
    "How is Azure OpenAI billed?",
    "Can we fine-tune the models on our own data?",
    "What is the difference between ChatGPT and GPT?",
    "How much text can GPT take at once?",
    "Azure OpenAI 怎么收费？",
    "可以用我们自己的数据微调模型吗？",
    "本地部署大模型需要什么显卡？",
    "ChatGPT 能记住多轮对话的上下文吗？",
]
TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.bench.not-a-secret"


def at_least_two(text: str) -> int:
    if not text.isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least 2 keystrokes, so that there are percentiles")
    return int(text)


def keystrokes(count: int) -> list[str]:
    """Progressive prefixes of the questions, in turn, until there are `count`."""
    typed = [q[:end] for q in QUESTIONS for end in range(1, len(q) + 1)]
    return list(itertools.islice(itertools.cycle(typed), count))


def summary(name: str, times_ms: list[float]) -> str:
    cuts = statistics.quantiles(times_ms, n=100)
    return (f"{name}: n={len(times_ms)} p50 {statistics.median(times_ms):.2f} ms, p90 {cuts[89]:.2f} ms, "
            f"p99 {cuts[98]:.2f} ms, max {max(times_ms):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", type=at_least_two, default=200)
    args = parser.parse_args()
    typed = keystrokes(args.keystrokes)
    engine = build_engine(shipped_faq_dir())
    fake = FakeDiscord()
    with pointed_at(fake):
        bot = Running(build_client(Service(engine)), TOKEN)
        try:
            fake.wait_until_connected()
            for text in typed[:20]:  # warm-up
                _round_trip(fake, text)
            through_discord = [_round_trip(fake, text) for text in typed]
        finally:
            bot.stop()
            fake.close()
    engine_only, completer = [], Completer(engine)
    for text in typed:
        started = time.perf_counter()
        completer.complete(text)
        engine_only.append((time.perf_counter() - started) * 1000)
    print(summary("autocomplete through the fake (dispatch → callback)", through_discord))
    print(summary("Completer.complete() alone", engine_only))


def _round_trip(fake: FakeDiscord, text: str) -> float:
    event = typing_question(fake, text, locale="zh-CN" if has_han(text) else "en-US")
    started = time.perf_counter()
    fake.dispatch("INTERACTION_CREATE", event)
    (answered,) = fake.wait_for("POST", f"/interactions/{event['id']}/", timeout=10)
    assert answered.body["type"] == 8 and len(answered.body["data"]["choices"]) <= 25, answered.body
    return (answered.at - started) * 1000


if __name__ == "__main__":
    main()
