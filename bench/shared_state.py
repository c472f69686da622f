"""What the state replicas share costs on the answering path: one claim (a Slack message taken once) and one
flood count (a person's questions), each a statement on a local PostgreSQL started for the run.

    python -m bench.shared_state [--calls 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.postgres import PostgresServer
from bot.improve.store.shared import SharedState
from bot.improve.store.url import database_url


def timed(call, count: int) -> list[float]:
    took = []
    for n in range(count):
        start = time.perf_counter()
        call(n)
        took.append((time.perf_counter() - start) * 1000)
    return took


def summary(name: str, millis: list[float]) -> str:
    cuts = statistics.quantiles(millis, n=100, method="inclusive")
    return f"{name}: n={len(millis)} p50 {statistics.median(millis):.2f} ms, p90 {cuts[89]:.2f} ms, p99 {cuts[98]:.2f} ms"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(argv)
    calls = max(10, min(args.calls, 100_000))
    server = PostgresServer()
    server.start()
    try:
        shared = SharedState(database_url(server.url(server.create_database())), user_salt="bench-salt")
        shared.claim("warm-up")  # the first call brings the schema up to date
        claims = timed(lambda n: shared.claim(f"slack:T1:C1:{n}"), calls)
        floods = timed(lambda n: shared.flood("slack", f"U{n % 50}"), calls)
        shared.close()
    finally:
        server.close()
    print(summary("claim", claims))
    print(summary("flood count", floods))
    return {"claim_p50_ms": statistics.median(claims), "flood_p50_ms": statistics.median(floods)}


if __name__ == "__main__":
    main()
