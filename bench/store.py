"""How fast the store writes, and how long `faqbot report` takes over 100,000 recorded questions.

    python -m bench.store [--events 20000] [--questions 100000] [--runs 3] [--no-postgres]

Write throughput: `--events` events (nine questions to one vote) put into a Store from one thread as fast
as it takes them, then `close()`, which returns once the last one is committed; events per second over
that whole time, the median of `--runs` fresh databases. The time `asked()` takes is reported too.

Report: `--questions` questions recorded over 30 days: about 92% answered, the rest fallbacks and "did
you mean" replies from a few hundred kinds of question, each asked in several phrasings; then the median
wall time of `--runs` runs of `faqbot report --json --since 30d` as a separate process (start-up and
loading the FAQ included), and of the report alone (reading and grouping) in this process.

SQLite in a temporary directory; PostgreSQL on a throwaway server started from the installed binaries.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.engine.answering import Engine
from bot.engine.build import build_engine
from bot.improve.report import build_report
from bot.improve.store import open_store
from bot.improve.store.database import Database
from bot.improve.store.url import database_url
from bot.serving.events import Asked, Voted, Where

from .postgres import PostgresServer, PostgresUnavailable

ROOT = Path(__file__).resolve().parents[1]
FAQ_DIR = ROOT / "faq"
SUBJECTS = ["kubernetes", "the vpn", "payroll", "expense reports", "the printer", "jira", "confluence",
            "the wiki", "parking", "badge access", "sso", "the staging cluster", "grafana", "the on-call rota",
            "laptop refresh", "github copilot", "the build server", "terraform", "the data lake", "snowflake",
            "our crm", "salesforce", "zoom rooms", "the guest wifi", "slack retention", "okta", "docker desktop",
            "the travel policy", "per diem", "the gpu cluster", "vector databases", "langchain", "llama 3",
            "prompt caching", "whisper", "dall-e", "sora", "the moderation api", "embeddings pricing",
            "the batch api", "assistants api", "function calling", "json mode", "gpt-4o mini", "o1 preview",
            "the realtime api", "fine-tuning gpt-4o", "azure ai search", "content filters", "quota increases",
            "private endpoints", "managed identity", "the eu data boundary", "model retirement dates",
            "token counting", "rate limit errors", "streaming responses", "semantic kernel", "copilot studio",
            "the hr portal"]
INTENTS = [
    ["how do I set up {s}?", "setting up {s}, how?", "what are the steps to set up {s}", "{s} setup guide"],
    ["how much does {s} cost?", "what is the price of {s}", "{s} pricing", "is {s} expensive"],
    ["who owns {s}?", "who is responsible for {s}", "{s} owner", "which team runs {s}"],
    ["where is the documentation for {s}?", "{s} docs", "link to the {s} documentation", "where can I read about {s}"],
    ["is {s} down right now?", "{s} not working today", "{s} outage?", "anyone else having problems with {s}"],
]
ANSWERED = [("What is GPT?", "what-is-gpt"), ("How is Azure OpenAI billed?", "azure-openai-billing"),
            ("What is RLHF?", "rlhf"), ("什么是 GPT？", "what-is-gpt"),
            ("Can we fine-tune the models?", "fine-tuning"),
            ("Does buying Azure OpenAI give me ChatGPT?", "azure-openai-includes-chatgpt")]


def events(count: int, *, start: float) -> list[Asked | Voted]:
    out: list[Asked | Voted] = []
    for i in range(count):
        where = Where("slack", "T0BENCH", f"C{i % 20}", f"U{i % 500:05d}")
        if i % 10 == 9:
            out.append(Voted(start + i, where, ANSWERED[i % len(ANSWERED)][1], up=i % 3 != 0))
        else:
            question, entry = ANSWERED[i % len(ANSWERED)]
            out.append(Asked(start + i, where, f"{question} ({i})", "answer", "confident", "en", entry, 0.9, 0.4))
    return out


def write_throughput(url: str, count: int) -> tuple[float, float]:
    """(events per second until all are committed, microseconds per put)"""
    batch = events(count, start=time.time() - count)
    store = open_store(url, buffer_size=count + 1)
    started = time.perf_counter()
    for event in batch:
        (store.asked if isinstance(event, Asked) else store.voted)(event)
    put = time.perf_counter() - started
    lost = store.close(timeout=600)
    elapsed = time.perf_counter() - started
    if lost:
        raise SystemExit(f"the store lost {lost} events")
    return count / elapsed, put / count * 1e6


def recorded_questions(count: int, seed: int = 7) -> list[Asked]:
    rng = random.Random(seed)
    now = time.time()
    kinds = [(s, phrasings) for s in SUBJECTS for phrasings in INTENTS]  # 300 kinds of unanswered question
    weights = [1 / (rank + 1) for rank in range(len(kinds))]  # a few are asked a lot, most rarely
    out = []
    for i in range(count):
        at = now - rng.random() * 29 * 86400  # all inside the report's 30 days
        where = Where("slack", "T0BENCH", f"C{rng.randrange(50)}", f"U{rng.randrange(2000):05d}")
        if rng.random() < 0.92:
            question, entry = rng.choice(ANSWERED)
            out.append(Asked(at, where, question, "answer", "confident", "en", entry, 0.9, 0.4))
            continue
        subject, phrasings = rng.choices(kinds, weights)[0]
        text = rng.choice(phrasings).format(s=subject)
        text = text.capitalize() if rng.random() < 0.5 else text
        kind = "suggest" if rng.random() < 0.3 else "fallback"
        out.append(Asked(at, where, text, kind, "unsure" if kind == "suggest" else "no_match", "en", None, 0.2, 0.5))
    return out


def report_times(url: str, count: int, runs: int, engine: Engine) -> dict:
    store = open_store(url, buffer_size=count + 1)
    for event in recorded_questions(count):
        store.asked(event)
    store.close(timeout=600)
    cli, inside = [], []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bot.cli", "report", "--db", url, "--json", "--since", "30d"],
                              capture_output=True, text=True, cwd=ROOT)
        cli.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        database = Database(database_url(url))
        started = time.perf_counter()
        report = build_report(database, engine, since=time.time() - 30 * 86400, top=20)
        inside.append(time.perf_counter() - started)
        database.close()
    summary = json.loads(done.stdout)
    return {"questions": summary["questions_total"], "unanswered_groups_top": [
        (g["count"], g["question"]) for g in summary["unanswered"][:3]],
        "unanswered": count - report.answered,
        "cli_s": statistics.median(cli), "cli_runs": cli, "report_s": statistics.median(inside),
        "report_runs": inside}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    engine = build_engine(FAQ_DIR)
    server = None
    if not args.no_postgres:
        try:
            server = PostgresServer()
            server.start()
        except PostgresUnavailable as err:
            print(f"PostgreSQL left out: {err}", file=sys.stderr)
            server = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            urls = {"sqlite": lambda n: f"sqlite:///{tmp}/{n}.db"}
            if server is not None:
                urls["postgresql"] = lambda n: server.url(server.create_database())
            print(f"| store | events/s (median of {args.runs}) | runs | µs per asked() |")
            print("|---|--:|---|--:|")
            for name, make in urls.items():
                results = [write_throughput(make(f"w{run}"), args.events) for run in range(args.runs)]
                rates = [r for r, _ in results]
                print(f"| {name} | {statistics.median(rates):,.0f} | {', '.join(f'{r:,.0f}' for r in rates)} | "
                      f"{statistics.median(p for _, p in results):.1f} |")
            print(f"\n| store | questions | unanswered | faqbot report s (median of {args.runs}) | runs | "
                  "report alone s | top groups |")
            print("|---|--:|--:|--:|---|--:|---|")
            for name, make in urls.items():
                r = report_times(make("report"), args.questions, args.runs, engine)
                print(f"| {name} | {r['questions']:,} | {r['unanswered']:,} | {r['cli_s']:.2f} | "
                      f"{', '.join(f'{t:.2f}' for t in r['cli_runs'])} | {r['report_s']:.2f} | "
                      f"{'; '.join(f'{c}x {q}' for c, q in r['unanswered_groups_top'])} |")
    finally:
        if server is not None:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
