"""How fast the Slack adapter acknowledges /faq (Slack allows 3 s).

    python -m bench.slack_ack [--requests 200]

Serves the real app (`adapters.slack.app.build_app` behind `SlackServer`) on 127.0.0.1,
with Slack's Web API and response_url played by the test suite's local fake, and times
signed /faq requests from sending to the HTTP response (the acknowledgement).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fake_slack import FakeSlack, SignedClient  # noqa: E402

from adapters.slack.app import build_app  # noqa: E402
from adapters.slack.server import SlackServer  # noqa: E402
from bot.cli import shipped_faq_dir  # noqa: E402
from bot.engine import build_engine  # noqa: E402

QUESTIONS = ["What is GPT?", "azure openai", "How is Azure OpenAI billed?", "什么是 RLHF？", "how do I bake bread?"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    fake = FakeSlack()
    app = build_app(build_engine(shipped_faq_dir()), token="xoxb-bench", signing_secret="bench",
                    api_url=fake.api_url)
    server = SlackServer(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    client = SignedClient(f"http://127.0.0.1:{server.port}/slack/events", "bench")
    try:
        for n in range(20):  # warm-up; every request from another person, so the flood limit never applies
            client.command(QUESTIONS[n % 5], user=f"W{n}", response_url=fake.response_url())
        times = []
        for n in range(args.requests):
            start = time.perf_counter()
            status = client.command(QUESTIONS[n % 5], user=f"U{n}", response_url=fake.response_url()).status
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200, status
        fake.wait_for("/respond/", 20 + args.requests, timeout=60)
    finally:
        server.shutdown()
        fake.close()
    cuts = statistics.quantiles(times, n=100)
    print(f"/faq acknowledged: n={len(times)} p50 {statistics.median(times):.1f} ms, p90 {cuts[89]:.1f} ms, "
          f"p99 {cuts[98]:.1f} ms, max {max(times):.1f} ms")


if __name__ == "__main__":
    main()
