"""What the semantic stage costs, beside the words alone, at 31, 1,000 and 10,000 entries.

    python -m bench.semantic_cost [--sizes 31,1000,10000] [--queries 300]

Each figure comes from a fresh child process (so one size's memory never shows in another's):
- build: load the FAQ, index it and embed every phrasing, answer and the background set, with an
  index cache, from nothing (the cache is empty);
- cached start: the same with the cache written by the build: the embeddings are read back
  (float16, memory-mapped) and only the encoder is loaded;
- per question: `engine.answer` on noisy variants of the FAQ's phrasings and out-of-scope
  questions, and the words and the semantic stage together (`engine.rank` then `engine.fuse`, which
  every question goes through but a phrasing asked as written and one the words are very sure of,
  Fusion.words), p50 and p99 in ms;
- memory: peak RSS of the process, and the same FAQ with matching.semantic off.
31 entries is the shipped FAQ (its 1,149 phrasings); the larger FAQs are bench.synth's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(spec: dict) -> dict:
    from bench.scale import memory_mb
    from bench.synth import make_queries, synthetic_entries
    from bot.engine import build_engine, embedding
    from bot.engine.index_cache import IndexCache

    embedding.allow_helpers()  # as faqbot's commands do
    faq_dir, semantic = Path(spec["faq"]), spec["semantic"]
    started = time.perf_counter()
    cache = IndexCache(spec["cache"])
    engine = build_engine(faq_dir, cache=cache, semantic=semantic)
    if engine.semantic is not None:
        engine.semantic.warm_up()
    ready = time.perf_counter() - started
    if spec["size"] == 31:
        from bot.improve.evaluate import load_cases

        ids = {e.id for e in engine.faq.entries}
        questions = [c.q for p in ("shipped-a", "shipped-b") for c in load_cases(ROOT / f"tests/eval/blind/{p}.yaml", ids)]
    else:
        questions = [q.q for q in make_queries(synthetic_entries(spec["size"]), spec["queries"])]
    questions = questions[: spec["queries"]]
    answer, fuse = [], []
    for q in questions[:10]:
        engine.answer(q)
    for q in questions:
        t = time.perf_counter()
        engine.answer(q)
        answer.append((time.perf_counter() - t) * 1000)
        if engine.semantic is not None:
            t = time.perf_counter()
            candidates, _, confidence = engine.assess(engine.rank(q))
            engine.fuse(q, candidates, confidence)
            fuse.append((time.perf_counter() - t) * 1000)
    return {"ready_s": round(ready, 2), "cache": cache.status, "answer": percentiles(answer),
            "rank_and_fuse": percentiles(fuse) if fuse else None, **memory_mb()}


def percentiles(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"p50": round(statistics.median(ms), 2), "p99": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2)}


def run(spec: dict) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.semantic_cost", "--child", json.dumps(spec)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="31,1000,10000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    from bench.synth import write_synthetic_faq

    print("| entries | matching | build (s) | cached start (s) | answer p50 / p99 (ms) "
          "| words + semantic stage p50 / p99 (ms) | peak RSS (MB) |")
    print("|--:|---|--:|--:|--:|--:|--:|")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as work:
            faq = ROOT / "faq" if size == 31 else Path(work) / "faq"
            if size != 31:
                write_synthetic_faq(faq, size)
            for semantic in ("off", "on"):
                spec = {"faq": str(faq), "size": size, "queries": args.queries, "semantic": semantic,
                        "cache": str(Path(work) / f"cache-{semantic}")}
                built, cached = run(spec), run(spec)
                fused = cached["rank_and_fuse"]
                fused = f"{fused['p50']} / {fused['p99']}" if fused else "–"
                print(f"| {size:,} | {'words + meaning' if semantic == 'on' else 'words alone'} | {built['ready_s']} | "
                      f"{cached['ready_s']} ({cached['cache']}) | {cached['answer']['p50']} / {cached['answer']['p99']} | "
                      f"{fused} | {cached['peak_mb']} |", flush=True)


if __name__ == "__main__":
    main()
