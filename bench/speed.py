"""How fast faqbot builds its index and answers, next to a naive rapidfuzz full scan.

    python -m bench.speed [--sizes shipped,1000,10000] [--queries 300] [--json FILE]

For the shipped FAQ (questions: tests/eval/cases.yaml) and for synthetic FAQs of each
size (bench/synth.py, written to a temporary directory), it measures:

- build: loading the FAQ directory (bot.engine.loading.load_faq) plus building the Engine;
- faqbot: the latency of `engine.answer(q)` per question, p50/p99 and questions/second
  (queries / the sum of their latencies), timed one call at a time with
  time.perf_counter_ns after a short untimed warm-up;
- naive: `rapidfuzz.process.extractOne(q, phrasings, scorer=fuzz.WRatio)` over every
  phrasing of every entry (raw strings), timed the same way, and naive p50 / faqbot p50;
- how often each one finds the entry a query was made from (context, not the point);

then the cold start of a whole `faqbot ask "..."` process (median wall time of
--cold-runs runs) and the peak RSS of this process. Prints a Markdown table; --json
writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import rapidfuzz
import yaml
from rapidfuzz import fuzz, process

from bot.cli import shipped_faq_dir
from bot.engine.answering import Engine
from bot.engine.build import build_engine
from bot.engine.loading import load_faq

from .synth import Query, make_queries, write_synthetic_faq

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "eval" / "cases.yaml"
COLD_QUESTION = "Does buying Azure OpenAI give me ChatGPT?"
WARMUP = 10  # untimed calls before timing starts
NAIVE_WARMUP = 2


def parse_sizes(text: str) -> list[str | int]:
    """"shipped,1000,10k" -> ["shipped", 1000, 10000]."""
    sizes: list[str | int] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part == "shipped":
            sizes.append(part)
            continue
        number = int(float(part[:-1]) * 1000) if part.endswith("k") else int(part)
        if number < 1:
            raise ValueError(f"a size must be 'shipped' or a positive number of entries, not {part!r}")
        sizes.append(number)
    return sizes


def shipped_queries(limit: int | None = None, cases: Path = CASES) -> list[Query]:
    """The questions of the eval cases, in file order, with the entry each expects."""
    raw = yaml.safe_load(cases.read_text(encoding="utf-8")) or []
    queries = [Query(str(c["q"]), c.get("expect"), "case") for c in raw if isinstance(c, dict) and c.get("q")]
    return queries[:limit] if limit is not None else queries


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_calls(fn: Callable[[str], object], texts: Sequence[str], warmup: int) -> tuple[list[int], list[object]]:
    """Call `fn` on the first `warmup` texts untimed, then time every text; nanoseconds and results."""
    for text in texts[:warmup]:
        fn(text)
    gc.collect()
    timings, results = [], []
    clock = time.perf_counter_ns
    for text in texts:
        start = clock()
        result = fn(text)
        timings.append(clock() - start)
        results.append(result)
    return timings, results


def latency(timings_ns: Sequence[int]) -> dict:
    ms = [t / 1e6 for t in timings_ns]
    return {
        "p50_ms": round(percentile(ms, 50), 4),
        "p99_ms": round(percentile(ms, 99), 4),
        "mean_ms": round(statistics.fmean(ms), 4),
        "max_ms": round(max(ms), 4),
        "qps": round(len(ms) / (sum(ms) / 1000), 1),
    }


def bench_faq(directory: Path | str, queries: Sequence[Query], *, warmup: int = WARMUP, naive: bool = True) -> dict:
    """Build time, faqbot latency and (with `naive`) the rapidfuzz full-scan latency on one FAQ directory."""
    gc.collect()
    start = time.perf_counter_ns()
    faq = load_faq(directory)
    loaded = time.perf_counter_ns()
    engine = Engine(faq)
    built = time.perf_counter_ns()
    entries = faq.entries
    files = sum(1 for p in Path(directory).rglob("*") if p.suffix in (".yaml", ".yml"))
    texts = [q.q for q in queries]
    in_scope = [i for i, q in enumerate(queries) if q.expect is not None]
    out_scope = [i for i, q in enumerate(queries) if q.expect is None]

    timings, replies = time_calls(engine.answer, texts, warmup)
    answered = [r.entry_id if r.kind == "answer" else None for r in replies]
    offered = [{r.entry_id, *(s.id for s in r.suggestions)} for r in replies]
    result = {
        "entries": len(entries),
        "phrasings": sum(len(qs) for e in entries for qs in e.questions.values()),
        "files": files,
        "queries": len(queries),
        "query_kinds": dict(Counter(q.kind for q in queries)),
        "load_s": round((loaded - start) / 1e9, 4),
        "index_s": round((built - loaded) / 1e9, 4),
        "build_s": round((built - start) / 1e9, 4),
        "faqbot": latency(timings) | {
            "answered_right": _share(in_scope, lambda i: answered[i] == queries[i].expect),
            "answered_wrong": _share(in_scope, lambda i: answered[i] not in (None, queries[i].expect)),
            "found": _share(in_scope, lambda i: queries[i].expect in offered[i]),
            "oos_answered": _share(out_scope, lambda i: answered[i] is not None),
        },
    }
    del engine, replies
    if naive:
        phrasings = [q for e in entries for qs in e.questions.values() for q in qs]
        owners = [e.id for e in entries for qs in e.questions.values() for _ in qs]

        def scan(text: str):
            return process.extractOne(text, phrasings, scorer=fuzz.WRatio)

        timings, found = time_calls(scan, texts, min(warmup, NAIVE_WARMUP))
        result["naive"] = latency(timings) | {
            "top1": _share(in_scope, lambda i: found[i] is not None and owners[found[i][2]] == queries[i].expect),
        }
        faqbot_p50 = result["faqbot"]["p50_ms"]
        result["naive_over_faqbot_p50"] = round(result["naive"]["p50_ms"] / faqbot_p50, 1) if faqbot_p50 > 0 else None
    return result


def _share(indices: Sequence[int], ok: Callable[[int], bool]) -> float | None:
    return round(sum(1 for i in indices if ok(i)) / len(indices), 3) if indices else None


def faqbot_command(question: str = COLD_QUESTION) -> list[str]:
    """The installed `faqbot` script next to this interpreter, else on PATH, else `python -m bot.cli`."""
    beside = Path(sys.executable).with_name("faqbot")
    script = str(beside) if beside.exists() else shutil.which("faqbot")
    return [script, "ask", question] if script else [sys.executable, "-m", "bot.cli", "ask", question]


def cold_start(runs: int = 5, question: str = COLD_QUESTION, *, extra_args: Sequence[str] = (),
               env: dict[str, str] | None = None) -> dict:
    """Wall time of whole `faqbot ask` processes, one after the other."""
    command = faqbot_command(question) + list(extra_args)
    walls = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
        walls.append((time.perf_counter_ns() - start) / 1e9)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    return {
        "command": ["faqbot", *command[1:]] if Path(command[0]).name == "faqbot" else command[1:],
        "runs_s": [round(w, 4) for w in walls],
        "median_s": round(statistics.median(walls), 4),
        "answer_first_line": done.stdout.strip().splitlines()[0] if done.stdout.strip() else "",
    }


def shown(path: str | Path) -> str:
    """A path as the report shows it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def bot_digest() -> str:
    """A short hash of bot/**/*.py, to tell which version of the code the figures belong to."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "bot").rglob("*.py")):
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def peak_rss_mb() -> float:
    """This process's peak RSS. (Not RUSAGE_CHILDREN: on Linux a child inherits the parent's
    high-water mark through fork/exec, so it would report this process's peak, not faqbot's.)"""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux, bytes on macOS
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def run(sizes: Sequence[str | int], n_queries: int = 300, *, cold_runs: int = 5, seed: int = 0,
        warmup: int = WARMUP, naive: bool = True, log: Callable[[str], None] | None = None) -> dict:
    """Every figure, as a JSON-ready dict."""
    say = log or (lambda _: None)
    started = time.perf_counter()
    report: dict = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "rapidfuzz": rapidfuzz.__version__},
        "bot_digest": bot_digest(),
        "settings": {"sizes": list(sizes), "queries": n_queries, "seed": seed, "warmup": warmup,
                     "cold_runs": cold_runs, "naive": naive},
        "sizes": [],
    }
    # One untimed build and answer so the first measured size does not pay one-off costs
    # (lazy imports, regex compilation, the OpenCC dictionary); cold_start measures those.
    build_engine(shipped_faq_dir()).answer(COLD_QUESTION)
    with tempfile.TemporaryDirectory(prefix="faqbot-bench-") as tmp:
        for size in sizes:
            generate_s = None
            if size == "shipped":
                name, directory = "shipped", shipped_faq_dir()
                queries = shipped_queries(n_queries)
            else:
                name, directory = f"synthetic {size}", Path(tmp) / f"synthetic-{size}"
                say(f"{name}: writing the FAQ")
                t = time.perf_counter()
                entries = write_synthetic_faq(directory, int(size), seed)
                generate_s = round(time.perf_counter() - t, 3)
                queries = make_queries(entries, n_queries, seed)
            say(f"{name}: building and timing {len(queries)} queries")
            result = {"name": name, "generate_s": generate_s} | bench_faq(directory, queries, warmup=warmup, naive=naive)
            result["rss_after_mb"] = peak_rss_mb()
            report["sizes"].append(result)
            if size != "shipped":
                shutil.rmtree(directory, ignore_errors=True)
    if cold_runs > 0:
        say(f"cold start: {cold_runs} runs")
        report["cold_start"] = cold_start(cold_runs)
    else:
        report["cold_start"] = None
    report["peak_rss_mb"] = peak_rss_mb()
    if bot_digest() != report["bot_digest"]:
        report["bot_digest_end"] = bot_digest()  # bot/ was edited during the run: figures may mix versions
    report["total_s"] = round(time.perf_counter() - started, 2)
    return report


def fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def format_table(report: dict) -> str:
    lines = [
        "| FAQ | entries | phrasings | queries | build s | faqbot p50 ms | faqbot p99 ms | faqbot q/s "
        "| naive p50 ms | naive p99 ms | naive/faqbot p50 | faqbot right / naive top-1 |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in report["sizes"]:
        f, n = s["faqbot"], s.get("naive")
        accuracy = f"{fmt(f['answered_right'])} / {fmt(n['top1'] if n else None)}"
        lines.append(
            f"| {s['name']} | {fmt(s['entries'])} | {fmt(s['phrasings'])} | {s['queries']} | {fmt(s['build_s'])} "
            f"| {fmt(f['p50_ms'], 3)} | {fmt(f['p99_ms'], 3)} | {fmt(f['qps'], 0)} "
            f"| {fmt(n['p50_ms'] if n else None, 3)} | {fmt(n['p99_ms'] if n else None, 3)} "
            f"| {fmt(s.get('naive_over_faqbot_p50'), 1)}x | {accuracy} |"
        )
    lines.append("")
    lines.append("build = load_faq + Engine(faq); right = share of in-scope queries answered directly with the expected "
                 "entry (faqbot) or whose best phrasing belongs to it (naive, which never declines).")
    cold = report.get("cold_start")
    if cold:
        runs = ", ".join(f"{r:.3f}" for r in cold["runs_s"])
        lines.append(f"Cold start `faqbot ask \"{COLD_QUESTION}\"`: median {cold['median_s']:.3f} s "
                     f"over {len(cold['runs_s'])} runs ({runs} s).")
    lines.append(f"Peak RSS of this process: {fmt(report['peak_rss_mb'], 1)} MB. "
                 f"Whole run {report['total_s']:.1f} s on {report['machine']['cpus']} CPUs, "
                 f"Python {report['machine']['python']}, rapidfuzz {report['machine']['rapidfuzz']}, "
                 f"bot/**/*.py digest {report['bot_digest']}.")
    if report.get("bot_digest_end"):
        lines.append(f"WARNING: bot/**/*.py changed during the run (digest {report['bot_digest_end']} at the end): "
                     "the rows may measure different versions of the code; run again.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="shipped,1000,10000",
                        help="comma-separated: 'shipped' and/or numbers of synthetic entries (default: %(default)s)")
    parser.add_argument("--queries", type=int, default=300, help="questions per FAQ (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument("--cold-runs", type=int, default=5, help="`faqbot ask` processes to time; 0 skips (default: 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic FAQs and queries")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="untimed calls before timing (default: %(default)s)")
    parser.add_argument("--no-naive", action="store_true", help="skip the rapidfuzz full-scan baseline")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as err:
        parser.error(str(err))
    if not sizes or args.queries < 1:
        parser.error("give at least one size and one query")
    log = None if args.quiet else (lambda message: print(f"[bench] {message}", file=sys.stderr, flush=True))
    report = run(sizes, args.queries, cold_runs=args.cold_runs, seed=args.seed, warmup=args.warmup,
                 naive=not args.no_naive, log=log)
    print(format_table(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
