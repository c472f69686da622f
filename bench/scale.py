"""Speed and scale of faqbot and of the naive matcher, one fresh child process per measurement.

    python -m bench.scale SPEC.json    (run by bench.suite; not meant to be run by hand)

A child process builds one FAQ and times one matcher on it, then reports its own peak
RSS (VmHWM from /proc/self/status; ru_maxrss where there is no /proc), so one size's
memory never shows up in another's. Before timing, a child builds the shipped FAQ once
and answers one question (the naive role loads it and scans it once), so one-off costs
(imports, the OpenCC dictionary, word lists, regexes) are not counted as build time; the
cold start of `faqbot ask` measures those.

Roles:
- faqbot: build (load_faq + Engine, or build_engine with an IndexCache when bot
  has one and `cache` is "cold" or "warm"), then `engine.answer(q)` per query;
- naive: load_faq plus the list of every phrasing, then
  `rapidfuzz.process.extractOne(q, phrasings, scorer=fuzz.WRatio)` per query.
"""

from __future__ import annotations

import gc
import json
import math
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

WARMUP = 10  # untimed calls before timing starts (faqbot)
NAIVE_WARMUP = 2


def memory_mb() -> dict:
    """This process's current and peak resident set size, in MB."""
    status = Path("/proc/self/status")
    if status.exists():
        fields = {}
        for line in status.read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = round(int(value.split()[0]) / 1024, 1)
        return {"rss_mb": fields.get("VmRSS"), "peak_mb": fields.get("VmHWM"), "source": "/proc/self/status VmHWM"}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS, kilobytes elsewhere
    peak_mb = round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    return {"rss_mb": None, "peak_mb": peak_mb, "source": "getrusage(RUSAGE_SELF).ru_maxrss"}


def cache_parameter() -> dict:
    """How the engine builder takes an index cache, as the report shows it."""
    return {"name": "cache", "where": "build_engine", "default": "None"}


def _warm_up(role: str) -> None:
    """Pay the one-off costs of the role's code on the shipped FAQ: imports, regexes, OpenCC, word lists."""
    from bot.cli import shipped_faq_dir

    question = "Does buying Azure OpenAI give me ChatGPT?"
    if role == "faqbot":
        from bot.engine import build_engine

        build_engine(shipped_faq_dir()).answer(question)
    else:
        from rapidfuzz import fuzz, process

        from bot.engine.loading import load_faq

        phrasings = [q for e in load_faq(shipped_faq_dir()).entries for _, q in e.phrasings()]
        process.extractOne(question, phrasings, scorer=fuzz.WRatio)


def child(spec: dict) -> dict:
    """One measurement (see the module docstring). JSON-ready."""
    from bot.engine.loading import load_faq

    from .speed import latency, time_calls

    texts = [q["q"] for q in json.loads(Path(spec["queries"]).read_text(encoding="utf-8"))][: spec["limit"]]
    role = spec["role"]
    _warm_up(role)
    gc.collect()
    before = memory_mb()
    out: dict = {"role": role, "queries": len(texts), "rss_before_mb": before["rss_mb"]}
    if role == "faqbot":
        from bot.engine import Engine, build_engine

        start = time.perf_counter_ns()
        if spec.get("cache") in ("cold", "warm"):
            from bot.engine import IndexCache

            cache = IndexCache(spec["cache_dir"])
            engine = build_engine(spec["directory"], cache=cache)
            built = time.perf_counter_ns()
        else:
            faq = load_faq(spec["directory"])
            loaded = time.perf_counter_ns()
            engine = Engine(faq)
            built = time.perf_counter_ns()
            out["load_s"] = round((loaded - start) / 1e9, 4)
            out["index_s"] = round((built - loaded) / 1e9, 4)
            del faq
        out["build_s"] = round((built - start) / 1e9, 4)
        out["entries"] = len(engine.faq.entries)
        if spec.get("cache") in ("cold", "warm"):
            out["cache_state"] = cache.status  # hit or saved
        else:  # (a cached FAQ decodes entries lazily: counting phrasings would decode them all)
            out["phrasings"] = sum(len(e.phrasings()) for e in engine.faq.entries)
        memory = memory_mb()
        out["rss_built_mb"] = memory["rss_mb"]
        first = time.perf_counter_ns()
        engine.answer(texts[0])
        out["first_answer_ms"] = round((time.perf_counter_ns() - first) / 1e6, 4)
        timings, replies = time_calls(engine.answer, texts, min(spec.get("warmup", WARMUP), len(texts)))
        out["answers"] = [[r.kind, r.entry_id] for r in replies]
        out["offered"] = [[s.id for s in r.suggestions] for r in replies]
    elif role == "naive":
        from rapidfuzz import fuzz, process

        start = time.perf_counter_ns()
        faq = load_faq(spec["directory"])
        phrasings = [q for e in faq.entries for _, q in e.phrasings()]
        owners = [e.id for e in faq.entries for _ in e.phrasings()]
        built = time.perf_counter_ns()
        out["entries"], out["phrasings"] = len(faq.entries), len(phrasings)
        del faq
        out["build_s"] = round((built - start) / 1e9, 4)

        def scan(text: str):
            return process.extractOne(text, phrasings, scorer=fuzz.WRatio)

        timings, found = time_calls(scan, texts, min(spec.get("warmup", NAIVE_WARMUP), len(texts)))
        out["answers"] = [owners[f[2]] if f else None for f in found]
    else:
        raise ValueError(f"unknown role {role!r}")
    after = memory_mb()
    out |= latency(timings) | {"peak_rss_mb": after["peak_mb"], "rss_source": after["source"]}
    return out


def growth_exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) against log(x): y grows as x**slope. None with fewer
    than two distinct x or any value <= 0."""
    points = [(x, y) for x, y in points if x and y]
    if len({x for x, _ in points}) < 2 or any(x <= 0 or y <= 0 for x, y in points):
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs), 3)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.scale SPEC.json (written by bench.suite)", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    result = child(spec)
    Path(spec["out"]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
