"""Load on `faqbot run slack` in HTTP mode: signed /faq commands, mentions and button clicks at a given
concurrency, with Slack's Web API (the test suite's fake, on 127.0.0.1) healthy, slow or rate limiting; and on
`faqbot run discord`: /faq commands and clicks as gateway interactions, with Discord's fake healthy or slow
(`bench.load_discord`).

    python -m bench.load [--requests 1000] [--concurrency 50] [--slack healthy slow ratelimit]
                         [--discord healthy slow]
    python -m bench.load --quick     # 200 requests at concurrency 20, Slack in trouble for 3 s

Each scenario starts one `faqbot run` process. Slow: every Web API and response_url call that arrives
in the first --trouble seconds is answered after --delay seconds. Rate limiting: every call in that window gets
429 with Retry-After --retry-after (2 s by default, under the bot's 10 s cap: a longer one is given up, by design,
and the replies are then counted lost). It reports the acknowledgements (within Slack's 3 s, p50, p99), the
replies delivered once, twice or never, and the process's RSS growth. Everything stays on 127.0.0.1, and every
wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import aiohttp  # noqa: E402
from fake_slack import TEAM, FakeSlack, event_callback  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
ACK_DEADLINE = 3.0
QUESTIONS = ["What is GPT?", "azure openai", "How is Azure OpenAI billed?", "什么是 RLHF？", "how do I bake bread?"]


@dataclass(frozen=True)
class Request:
    key: str  # what its reply is found by: a response_url name, or the channel of a mention
    body: str
    content_type: str


@dataclass(frozen=True)
class Result:
    scenario: str
    requests: int
    concurrency: int
    acked: int  # 200 within 3 s
    errors: int  # anything else, a timeout or a refused connection included
    ack_p50_ms: float
    ack_p99_ms: float
    ack_max_ms: float
    delivered: int  # replies that arrived exactly once
    duplicates: int  # replies that arrived more than once
    lost: int  # replies that never arrived
    drain_s: float  # from the last acknowledgement to the last reply
    rss_growth_mb: float
    cpu_ms: float  # the bot's CPU time (user + system) per request, from the burst's start to its last reply
    semantic: bool
    replies_per_s: float  # replies delivered once, over the time from the burst's start to the last reply


def requests(fake: FakeSlack, count: int, prefix: str) -> list[Request]:
    """/faq, a mention and a 👍 in turn, each from its own person (the flood limit never applies)."""
    made = []
    for n in range(count):
        key, question, user = f"{prefix}{n}", QUESTIONS[n % len(QUESTIONS)], f"U{prefix}{n}"
        if n % 3 == 0:
            form = {"team_id": TEAM, "channel_id": "C1", "user_id": user, "command": "/faq", "text": question,
                    "response_url": fake.response_url(key), "trigger_id": "1.2.3", "api_app_id": "A1"}
            made.append(Request(key, urlencode(form), "application/x-www-form-urlencoded"))
        elif n % 3 == 1:
            event = {"type": "app_mention", "user": user, "text": f"<@UFAQBOT> {question}", "ts": f"{n}.000001",
                     "channel": key, "event_ts": f"{n}.000001"}
            made.append(Request(key, json.dumps(event_callback(event, f"Ev{key}")), "application/json"))
        else:
            payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user}, "api_app_id": "A1",
                       "response_url": fake.response_url(key), "trigger_id": "1.2.3",
                       "container": {"type": "message", "channel_id": "C1", "is_ephemeral": True},
                       "channel": {"id": "C1"}, "actions": [{"type": "button", "action_id": "faq_feedback_up",
                                                             "value": "what-is-gpt|en", "action_ts": "1.2"}]}
            made.append(Request(key, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"))
    return made


async def send_all(urls: list[str], batch: list[Request], concurrency: int) -> list[tuple[int, float]]:
    """(status, seconds) for each request, `concurrency` at a time, spread over `urls` (replicas); status 0 for
    no answer within 10 s."""
    verifier = SignatureVerifier(SECRET)
    results: list[tuple[int, float]] = []
    todo = iter(batch)
    timeout = aiohttp.ClientTimeout(total=10)

    async def worker(session: aiohttp.ClientSession, url: str) -> None:
        for request in todo:
            stamp = str(int(time.time()))
            headers = {"Content-Type": request.content_type, "X-Slack-Request-Timestamp": stamp,
                       "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=request.body)}
            start = time.perf_counter()
            try:
                async with session.post(url, data=request.body.encode(), headers=headers, timeout=timeout) as answer:
                    await answer.read()
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            results.append((status, time.perf_counter() - start))

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session, urls[n % len(urls)]) for n in range(concurrency)))
    return results


def deliveries(fake: FakeSlack, prefix: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for sent in fake.sent("/"):
        if sent.path.startswith(f"/respond/{prefix}"):
            counts[sent.path.removeprefix("/respond/")] += 1
        elif sent.path == "/api/chat.postMessage" and str(sent.body.get("channel", "")).startswith(prefix):
            counts[sent.body["channel"]] += 1
    return counts


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Bot:
    """One `faqbot run slack` process on 127.0.0.1, on a port of its own choosing."""

    def __init__(self, fake: FakeSlack, data: Path, semantic: bool = True, db_url: str | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FAQBOT_"))}
        env.update(FAQBOT_SEMANTIC="on" if semantic else "off", SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=fake.api_url, FAQBOT_DB_URL=db_url or f"sqlite:///{data}/faqbot.db",
                   FAQBOT_USER_SALT="bench-salt", PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "slack", "--host", "127.0.0.1",
                                         "--port", "0"], cwd=data, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self.semantic = False
        deadline = time.monotonic() + 120
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.semantic = self.semantic or "semantic matching on" in line
            if "listening on http://127.0.0.1:" in line:
                self.port = int(line.split("127.0.0.1:")[1].split("/")[0])
                break
            if time.monotonic() > deadline:
                break
        else:
            raise RuntimeError("faqbot run slack did not start")
        self.url = f"http://127.0.0.1:{self.port}/slack/events"

    def stop(self) -> None:
        stop(self.process)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, as a deployment stops it; killed if it has not ended 30 s later."""
    process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def wait_for_replies(fake: FakeSlack, prefix: str, expected: int, limit: float) -> float:
    """Seconds until `expected` replies arrived (or `limit` passed), then a quiet second for stragglers."""
    start = time.monotonic()
    while len(deliveries(fake, prefix)) < expected and time.monotonic() - start < limit:
        time.sleep(0.05)
    took = time.monotonic() - start
    time.sleep(1.0)
    return took


def scenario(name: str, args: argparse.Namespace) -> Result:
    fake = FakeSlack()
    postgres = None
    with tempfile.TemporaryDirectory(prefix="faqbot-load-") as data:
        bots: list[Bot] = []
        try:
            db_url = None
            if args.replicas > 1:  # replicas share one PostgreSQL, as they must
                from bench.postgres import PostgresServer

                postgres = PostgresServer()
                postgres.start()
                db_url = postgres.url(postgres.create_database())
            bots = [Bot(fake, Path(data), semantic=args.semantic == "on", db_url=db_url) for _ in range(args.replicas)]
            urls = [bot.url for bot in bots]
            warm = requests(fake, 30 * len(bots), "w")
            asyncio.run(send_all(urls, warm, 10))
            wait_for_replies(fake, "w", len(warm), 60)
            before = sum(rss_mb(bot.process.pid) for bot in bots)
            cpu = sum(cpu_seconds(bot.process.pid) for bot in bots)
            if name == "slow":
                fake.troubled(args.trouble, delay=args.delay)
            elif name == "ratelimit":
                fake.troubled(args.trouble, retry_after=args.retry_after)
            batch = requests(fake, args.requests, "q")
            started = time.monotonic()
            timings = asyncio.run(send_all(urls, batch, args.concurrency))
            drain = wait_for_replies(fake, "q", len(batch), args.trouble + args.delay + 120)
            took = time.monotonic() - started - 1.0  # wait_for_replies' quiet second
            after = sum(rss_mb(bot.process.pid) for bot in bots)
            cpu = sum(cpu_seconds(bot.process.pid) for bot in bots) - cpu
        finally:
            for bot in bots:
                bot.stop()
            fake.close()
            if postgres is not None:
                postgres.close()
    counts = deliveries(fake, "q")
    millis = sorted(seconds * 1000 for _, seconds in timings)
    acked = sum(status == 200 and seconds < ACK_DEADLINE for status, seconds in timings)
    return Result(f"slack {name}" + (f" x{args.replicas}" if args.replicas > 1 else ""), args.requests, args.concurrency, acked, sum(status != 200 for status, _ in timings),
                  round(statistics.median(millis), 1), round(statistics.quantiles(millis, n=100, method="inclusive")[98], 1),
                  round(millis[-1], 1), sum(n == 1 for n in counts.values()), sum(n > 1 for n in counts.values()),
                  len(batch) - len(counts), round(drain, 2), round(after - before, 1),
                  round(1000 * cpu / len(batch), 2), all(bot.semantic for bot in bots),
                  round(sum(n == 1 for n in counts.values()) / took, 1))


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--slack", nargs="*", choices=("healthy", "slow", "ratelimit"),
                        default=["healthy", "slow", "ratelimit"])
    parser.add_argument("--discord", nargs="*", choices=("healthy", "slow"), default=["healthy", "slow"],
                        help="interactions through the gateway; slow: Discord's REST API answers --delay s late")
    parser.add_argument("--trouble", type=float, default=10.0, help="seconds Slack is slow or rate limiting")
    parser.add_argument("--delay", type=float, default=10.0, help="slow: seconds each call takes")
    parser.add_argument("--retry-after", type=float, default=2.0, help="rate limiting: the Retry-After sent")
    parser.add_argument("--semantic", choices=("on", "off"), default="on", help="the engine's semantic stage")
    parser.add_argument("--replicas", type=int, default=1,
                        help="Slack: this many `faqbot run slack` processes on one PostgreSQL, the requests spread "
                             "over them (as a balancer would)")
    parser.add_argument("--quick", action="store_true", help="200 requests at concurrency 20, 3 s of trouble")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.concurrency = min(args.requests, 200), min(args.concurrency, 20)
        args.trouble, args.delay, args.retry_after = min(args.trouble, 3.0), min(args.delay, 3.0), min(
            args.retry_after, 1.0)
    args.requests = max(3, min(args.requests, 20_000))
    args.concurrency = max(1, min(args.concurrency, 500))
    results = [scenario(name, args) for name in args.slack]
    if args.discord:
        from bench.load_discord import scenario as discord_scenario

        results += [discord_scenario(name, args, Result) for name in args.discord]  # type: ignore[misc]
    print("| platform | requests | concurrency | acked < 3 s | errors | ack p50 / p99 / max ms | delivered once "
          "| twice or more | lost | last reply after s | RSS growth MB | bot CPU ms a request | replies a second |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        print(f"| {r.scenario} | {r.requests} | {r.concurrency} | {100 * r.acked / r.requests:.1f}% | {r.errors} | "
              f"{r.ack_p50_ms} / {r.ack_p99_ms} / {r.ack_max_ms} | {r.delivered} | {r.duplicates} | {r.lost} | "
              f"{r.drain_s} | {r.rss_growth_mb} | {r.cpu_ms} | {r.replies_per_s} |")
    print(f"semantic matching {'on' if results and results[0].semantic else 'off'}; slow: {args.delay:g} s a call "
          f"and rate limiting: Retry-After {args.retry_after:g} s, for the first {args.trouble:g} s of the burst")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
