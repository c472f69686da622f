"""Reading a large FAQ through its entries' centres against reading every row: same answers, how much faster.

    python -m bench.centres [--entries 10000] [--queries 300]

A synthetic FAQ (bench.synth) is built with an index cache; every query goes through the semantic stage
as it is (over 20,000 phrasings and sentences: the closest centres' entries and the words' candidates are
read row by row), then again with every row read. Reports how often the fused candidate is the same, how
far the probabilities are apart, and the stage's p50 / p99 both ways.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import bot.engine.nearest as nearest
from bench.synth import make_queries, synthetic_entries, write_synthetic_faq
from bot.engine import IndexCache, build_engine


def timed(engine, asked: list[tuple]) -> tuple[list[tuple[int, float]], float, float]:
    found, took = [], []
    for question, candidates, confidence in asked:
        started = time.perf_counter()
        fused = engine.semantic.fuse(question, candidates, confidence)
        took.append((time.perf_counter() - started) * 1000)
        found.append((fused.entry, fused.probability))
    took.sort()
    return found, took[len(took) // 2], took[min(len(took) - 1, int(len(took) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        faq = Path(work) / "faq"
        write_synthetic_faq(faq, args.entries)
        engine = build_engine(faq, semantic="on", cache=IndexCache(Path(work) / "cache"))
        engine.semantic.warm_up()
        embedded = engine.semantic._embedded()
        rows = len(embedded.phrasings) + len(embedded.sentences)
        asked = []
        for query in make_queries(synthetic_entries(args.entries), args.queries):
            candidates, _, confidence = engine.assess(engine.rank(query.q))
            asked.append((query.q, candidates, confidence))
        through_centres, p50, p99 = timed(engine, asked)
        nearest.EXACT_ROWS = 10**12  # every row, for every question: read back from the cache as float32
        engine = build_engine(faq, semantic="on", cache=IndexCache(Path(work) / "cache"))
        engine.semantic.warm_up()
        every_row, p50_all, p99_all = timed(engine, asked)
    same = sum(a[0] == b[0] for a, b in zip(through_centres, every_row))
    apart = max(abs(a[1] - b[1]) for a, b in zip(through_centres, every_row))
    print(f"{args.entries:,} entries, {rows:,} phrasings and answer sentences, {len(asked)} questions")
    print(f"same fused candidate: {same} / {len(asked)}; probabilities at most {apart:.4f} apart")
    print(f"semantic stage p50 / p99: through centres {p50:.2f} / {p99:.2f} ms, every row {p50_all:.2f} / {p99_all:.2f} ms")


if __name__ == "__main__":
    main()
