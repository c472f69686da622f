"""The whole benchmark in one run: answer quality against baselines, then speed and scale.

    python -m bench [--quick] [--cases FILE] [--sizes shipped,1000,10000,100000] [--results DIR]

Quality (bench/quality.py): an eval set (default tests/eval/cases.yaml) through faqbot and
through rapidfuzz WRatio, difflib and BM25 baselines built on the same FAQ, scored by
bot.improve.evaluate.evaluate.

Speed and scale (bench/scale.py): for the shipped FAQ and for synthetic FAQs
(bench/synth.py), index build time, per-question p50/p99 latency and questions per second
of faqbot and of the naive matcher (rapidfuzz extractOne WRatio over every phrasing), each
in a fresh child process that reports its own peak RSS; the cached load time (cold and
warm) when bot has an index cache; the growth exponent of p50 latency with FAQ size; the
cold start of `faqbot ask`.

Prints Markdown tables on stdout, writes every figure with machine info to
RESULTS/latest.json and, when matplotlib is installed, a log-log chart of p50 latency
against FAQ size to RESULTS/latency.png. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot.cli import shipped_faq_dir

from . import quality, scale, speed
from .synth import Query, make_queries, write_synthetic_faq

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
FULL_SIZES = "shipped,1000,10000,100000"
QUICK_SIZES = "shipped,1000"
FULL_QUERIES, QUICK_QUERIES = 300, 100
FULL_COLD_RUNS, QUICK_COLD_RUNS = 5, 1
NAIVE_FEW = 5  # queries the naive matcher is timed on for big FAQs...
NAIVE_BIG = 50_000  # ...of at least this many entries (it takes seconds per question there)
CHILD_TIMEOUT_S = 3600
CACHE_FLAG, CACHE_ENV = "--index-cache", "FAQBOT_INDEX_CACHE"  # bot's index cache on the command line
PACKAGES = ("faqbot", "rapidfuzz", "PyYAML", "OpenCC", "bm25s", "numpy", "scipy", "matplotlib")


# --- progress ---------------------------------------------------------------------------


class Progress:
    """A hand-written progress bar on stderr: redrawn in place (with a running clock) on a
    terminal, one line per step otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True, width: int = 24) -> None:
        self.total, self.done, self.label = max(total, 1), 0, "starting"
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.width = width
        self.started = time.perf_counter()
        self.live = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = None
        if self.live:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def step(self, label: str) -> None:
        """Start the next step (the previous one is done)."""
        with self._lock:
            if self.label != "starting":
                self.done = min(self.done + 1, self.total)
            self.label = label
            self._draw(final=not self.live)

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            self.done, self.label = self.total, "done"
            self._draw(final=True)

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self._lock:
                self._draw(final=False)

    def _draw(self, final: bool) -> None:
        if not self.enabled:
            return
        elapsed = int(time.perf_counter() - self.started)
        filled = round(self.width * self.done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"[{bar}] {self.done}/{self.total} {elapsed // 60}:{elapsed % 60:02d} {self.label}"
        if self.live:
            columns = shutil.get_terminal_size((100, 20)).columns
            self.stream.write("\r" + text[: columns - 1].ljust(columns - 1) + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


# --- machine ------------------------------------------------------------------------------


def machine_info() -> dict:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": versions,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "bot_digest": speed.bot_digest(),
    }


def _git_commit() -> str | None:
    try:  # read-only
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


# --- speed and scale -------------------------------------------------------------------------


def _write_queries(path: Path, queries: Sequence[Query]) -> Path:
    path.write_text(json.dumps([{"q": q.q, "expect": q.expect, "kind": q.kind} for q in queries],
                               ensure_ascii=False), encoding="utf-8")
    return path


_CHILDREN = itertools.count(1)


def run_child(spec: dict, workdir: Path) -> dict:
    """Run one bench.scale measurement in a fresh interpreter and return its figures."""
    name = f"{next(_CHILDREN):03d}-{spec['role']}-{spec.get('cache', 'off')}"
    spec_path, out_path = workdir / f"{name}.spec.json", workdir / f"{name}.out.json"
    spec = dict(spec, out=str(out_path))
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-m", "bench.scale", str(spec_path)], cwd=REPO, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=CHILD_TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"bench.scale {spec['role']} on {spec['directory']} exited with {done.returncode}:\n"
                           f"{done.stderr.strip()[-2000:]}")
    result = json.loads(out_path.read_text(encoding="utf-8"))
    out_path.unlink()
    spec_path.unlink()
    return result


def measure_size(size: str | int, workdir: Path, *, n_queries: int, seed: int, cases: Path, faq_dir: Path,
                 naive_few: int, naive_big: int, cache: dict | None, step: Callable[[str], None]) -> dict:
    generate_s = None
    if size == "shipped":
        name, directory = "shipped", faq_dir
        queries = speed.shipped_queries(n_queries, cases)
    else:
        name, directory = f"synthetic {size:,}", workdir / f"synthetic-{size}"
        step(f"{name}: writing the FAQ")
        started = time.perf_counter()
        entries = write_synthetic_faq(directory, int(size), seed)
        generate_s = round(time.perf_counter() - started, 3)
        queries = make_queries(entries, n_queries, seed)
    queries_file = _write_queries(workdir / f"queries-{size}.json", queries)
    naive_n = min(naive_few, len(queries)) if size != "shipped" and int(size) >= naive_big else len(queries)
    spec = {"directory": str(directory), "queries": str(queries_file), "limit": len(queries)}

    step(f"{name}: faqbot build + {len(queries)} queries")
    faqbot = run_child(spec | {"role": "faqbot", "warmup": scale.WARMUP}, workdir)
    step(f"{name}: naive matcher, {naive_n} queries")
    naive = run_child(spec | {"role": "naive", "warmup": scale.NAIVE_WARMUP, "limit": naive_n}, workdir)

    cached = None
    if cache is not None:
        cache_dir = workdir / f"cache-{size}"
        shutil.rmtree(cache_dir, ignore_errors=True)
        cache_dir.mkdir()
        cached = {}
        for mode in ("cold", "warm"):
            step(f"{name}: faqbot, {mode} index cache")
            cached[mode] = run_child(spec | {"role": "faqbot", "warmup": scale.WARMUP, "cache": mode,
                                             "cache_dir": str(cache_dir)}, workdir)
            cached[mode].pop("offered")
        reference = faqbot["answers"]
        cached["answers_differ"] = {mode: sum(a != b for a, b in zip(reference, cached[mode].pop("answers")))
                                    for mode in ("cold", "warm")}
        cached["compared"] = len(reference)
        cached["cache_bytes"] = sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file())
        shutil.rmtree(cache_dir, ignore_errors=True)

    suggested = faqbot.pop("offered")
    answered = [a[1] if a[0] == "answer" else None for a in faqbot.pop("answers")]
    offered = naive.pop("answers")
    in_scope = [i for i, q in enumerate(queries) if q.expect is not None]
    out_scope = [i for i, q in enumerate(queries) if q.expect is None]
    naive_in = [i for i in in_scope if i < naive_n]
    faqbot |= {
        "answered_right": speed._share(in_scope, lambda i: answered[i] == queries[i].expect),
        "answered_wrong": speed._share(in_scope, lambda i: answered[i] not in (None, queries[i].expect)),
        "found": speed._share(in_scope, lambda i: queries[i].expect in (answered[i], *suggested[i])),
        "oos_answered": speed._share(out_scope, lambda i: answered[i] is not None),
    }
    naive["top1"] = speed._share(naive_in, lambda i: offered[i] == queries[i].expect)
    result = {
        "name": name,
        "size": size,
        "entries": faqbot["entries"],
        "phrasings": faqbot["phrasings"],
        "files": sum(1 for p in Path(directory).rglob("*") if p.suffix in (".yaml", ".yml")),
        "queries": len(queries),
        "query_kinds": dict(Counter(q.kind for q in queries)),
        "generate_s": generate_s,
        "faqbot": faqbot,
        "naive": naive,
        "cache": cached,
        "naive_over_faqbot_p50": round(naive["p50_ms"] / faqbot["p50_ms"], 1) if faqbot["p50_ms"] > 0 else None,
    }
    if size != "shipped":
        shutil.rmtree(directory, ignore_errors=True)
    return result


def growth(sizes: Sequence[dict]) -> dict:
    """Exponents of p50 latency (and build time) in the number of entries, over the synthetic sizes."""
    synthetic = [s for s in sizes if s["size"] != "shipped"]

    def fit(who: str, key: str) -> float | None:
        return scale.growth_exponent([(s["entries"], s[who][key]) for s in synthetic])

    return {
        "over_entries": [s["entries"] for s in synthetic],
        "faqbot_p50": fit("faqbot", "p50_ms"),
        "naive_p50": fit("naive", "p50_ms"),
        "faqbot_build": fit("faqbot", "build_s"),
        "faqbot_peak_rss": fit("faqbot", "peak_rss_mb"),
    }


def cli_has_cache_flag() -> bool:
    """Whether `faqbot ask` takes --index-cache (bot's index cache, from the command line)."""
    command = speed.faqbot_command()[:-1] + ["--help"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and CACHE_FLAG in done.stdout


# --- the run ------------------------------------------------------------------------------------


def run(*, cases: Path = speed.CASES, faq_dir: Path | None = None, sizes: Sequence[str | int] = (),
        queries: int = FULL_QUERIES, cold_runs: int = FULL_COLD_RUNS, seed: int = 0, naive_few: int = NAIVE_FEW,
        naive_big: int = NAIVE_BIG, bm25: bool = True, use_cache: bool = True, progress: bool = True,
        stream: TextIO | None = None) -> dict:
    """Every figure, as a JSON-ready dict."""
    started = time.perf_counter()
    faq_dir = Path(faq_dir) if faq_dir is not None else shipped_faq_dir()
    try:
        import bm25s  # noqa: F401
        has_bm25 = bm25
    except ImportError:
        has_bm25 = False
    cache = scale.cache_parameter() if use_cache else None
    cli_cache = use_cache and cold_runs > 0 and cli_has_cache_flag()
    steps = (3 + has_bm25 + sum((s != "shipped") + 2 + 2 * (cache is not None) for s in sizes)
             + (cold_runs > 0) + cli_cache)
    bar = Progress(steps, stream=stream, enabled=progress)
    report: dict = {
        "machine": machine_info(),
        "settings": {"cases": speed.shown(cases), "faq_dir": speed.shown(faq_dir), "sizes": list(sizes), "queries": queries,
                     "cold_runs": cold_runs, "seed": seed, "naive_few": naive_few, "naive_big": naive_big,
                     "warmup": scale.WARMUP, "naive_warmup": scale.NAIVE_WARMUP},
        "notes": [],
    }
    try:
        report["quality"] = quality.run_quality(cases, faq_dir, bm25=bm25, say=bar.step)
        report["cache"] = {"parameter": cache, "measured": cache is not None}
        report["sizes"] = []
        with tempfile.TemporaryDirectory(prefix="faqbot-bench-") as tmp:
            for size in sizes:
                report["sizes"].append(measure_size(size, Path(tmp), n_queries=queries, seed=seed, cases=cases,
                                                    faq_dir=faq_dir, naive_few=naive_few, naive_big=naive_big,
                                                    cache=cache, step=bar.step))
        report["growth"] = growth(report["sizes"])
        report["cold_start"] = report["cold_start_cached"] = None
        if cold_runs > 0:
            bar.step(f"cold start of `faqbot ask`: {cold_runs} run{'s' * (cold_runs > 1)}")
            env = {k: v for k, v in os.environ.items() if k != CACHE_ENV}  # no index cache unless asked
            report["cold_start"] = speed.cold_start(cold_runs, env=env)
            if cli_cache:
                bar.step(f"cold start of `faqbot ask {CACHE_FLAG} DIR`, warm cache: {cold_runs} "
                         f"run{'s' * (cold_runs > 1)}")
                with tempfile.TemporaryDirectory(prefix="faqbot-bench-cache-") as cache_dir:
                    args = [CACHE_FLAG, cache_dir]
                    speed.cold_start(1, extra_args=args, env=env)  # fills the cache
                    report["cold_start_cached"] = speed.cold_start(cold_runs, extra_args=args, env=env)
    finally:
        bar.close()
    report["notes"].extend(report["quality"].get("notes", []))
    digest_end = speed.bot_digest()
    if digest_end != report["machine"]["bot_digest"]:
        report["bot_digest_end"] = digest_end
        report["notes"].append(f"WARNING: bot/**/*.py changed during the run (digest {report['machine']['bot_digest']} "
                               f"-> {digest_end}): figures may mix versions of the code; run again")
    report["total_s"] = round(time.perf_counter() - started, 2)
    return report


# --- output -----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def quality_table(q: dict) -> str:
    lines = ["| matcher | setup | top-1 | wrong answers | out-of-scope answered |", "|---|---|--:|--:|--:|"]
    for m in q["methods"]:
        setup = m["how"]
        if m["name"] == "faqbot":
            setup = "default thresholds"
        elif m.get("threshold") is not None:
            setup = f"top-1 phrasing, score ≥ {m['threshold']:.2f}"
        elif m["name"] == "rapidfuzz WRatio":
            setup = f"extractOne, score_cutoff={quality.FUZZ_CUTOFF}"
        elif m["name"] == "difflib":
            setup = "get_close_matches, n=1, cutoff 0.6"
        lines.append(f"| {m['name']} | {setup} | {_pct(m['top1_accuracy'])} | {_pct(m['wrong_answer_rate'])} "
                     f"| {_pct(m['oos_false_answer_rate'])} |")
    lines.append("")
    lines.append(f"{q['cases']} cases ({q['in_scope']} in scope, {q['out_of_scope']} out of scope) from "
                 f"`{speed.shown(q['cases_file'])}`, on a FAQ of {q['entries']} entries / {q['phrasings']} phrasings. "
                 "Rates as `bot/improve/evaluate.py` computes them: top-1 and wrong answers over the in-scope cases, "
                 "out-of-scope answered over the out-of-scope cases. A baseline answers with the entry owning "
                 "the phrasing it finds (every phrasing, raw text), and does not answer when it finds none.")
    if q.get("bm25"):
        lines.append("BM25: `bm25s`, one document per phrasing; tokens are NFKC + lowercased words plus "
                     "Chinese character bigrams (no stop words, stemming or synonyms). Its score thresholds are "
                     "tuned on this same eval set, which favours it: the first row maximises top-1 with no limit "
                     "on wrong or out-of-scope answers, the second keeps to faqbot's tuning limits "
                     "(≤ 4% wrong, ≤ 8% out of scope).")
    return "\n".join(lines)


def speed_table(report: dict) -> str:
    lines = [
        "| FAQ | entries | phrasings | build s | cached build cold / warm s | faqbot peak RSS MB "
        "| faqbot p50 ms | faqbot p99 ms | faqbot q/s | naive p50 ms | naive p99 ms | naive q/s "
        "| naive peak RSS MB | naive ÷ faqbot p50 |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    few = []
    for s in report["sizes"]:
        f, n, c = s["faqbot"], s["naive"], s.get("cache")
        cached = f"{c['cold']['build_s']:.2f} / {c['warm']['build_s']:.2f}" if c else "–"
        naive_name = ""
        if n["queries"] < s["queries"]:
            naive_name = f" ({n['queries']} q)"
            few.append(f"{n['queries']} queries at {s['entries']:,} entries")
        lines.append(
            f"| {s['name']} | {s['entries']:,} | {s['phrasings']:,} | {speed.fmt(f['build_s'])} | {cached} "
            f"| {speed.fmt(f['peak_rss_mb'], 0)} | {speed.fmt(f['p50_ms'], 3)} | {speed.fmt(f['p99_ms'], 3)} | {speed.fmt(f['qps'], 0)} "
            f"| {speed.fmt(n['p50_ms'], 1)}{naive_name} | {speed.fmt(n['p99_ms'], 1)} | {speed.fmt(n['qps'], 1)} "
            f"| {speed.fmt(n['peak_rss_mb'], 0)} | {speed.fmt(s['naive_over_faqbot_p50'], 0)}× |"
        )
    lines.append("")
    settings = report["settings"]
    lines.append(f"faqbot is timed on {settings['queries']} questions per FAQ (the eval cases on the shipped FAQ; "
                 "noisy phrasings and out-of-scope questions on the synthetic ones), one `Engine.answer` call at a "
                 "time after a short warm-up; the naive matcher is `rapidfuzz.process.extractOne(q, phrasings, "
                 "scorer=fuzz.WRatio)` over every phrasing"
                 + (f", timed on only the first {', '.join(few)} to keep the run short"
                    if few else "") + ". build = load the YAML + build the index (naive: load + list the phrasings). "
                 "Each cell comes from a fresh child process; peak RSS is its VmHWM (interpreter and imports "
                 "included).")
    synthetic = [s for s in report["sizes"] if s["size"] != "shipped"]
    if synthetic:
        lines.append("On the synthetic in-scope queries faqbot answered directly (right / wrong / right entry "
                     "answered or suggested): "
                     + "; ".join(f"{s['entries']:,}: {_pct(s['faqbot']['answered_right'])} / "
                                 f"{_pct(s['faqbot']['answered_wrong'])} / {_pct(s['faqbot']['found'])}"
                                 for s in synthetic) + ".")
    g = report.get("growth") or {}
    if g.get("faqbot_p50") is not None:
        lines.append(f"Growth of p50 latency with FAQ size (least-squares slope of log p50 on log entries over "
                     f"{', '.join(f'{e:,}' for e in g['over_entries'])} entries): faqbot "
                     f"n^{g['faqbot_p50']:.2f}, naive n^{g['naive_p50']:.2f}; faqbot build n^{g['faqbot_build']:.2f}.")
    else:
        lines.append("Growth exponent: needs at least two synthetic sizes.")
    cold = report.get("cold_start")
    if cold:
        runs = ", ".join(f"{r:.2f}" for r in cold["runs_s"])
        lines.append(f"Cold start of `faqbot ask \"{speed.COLD_QUESTION}\"` on the shipped FAQ: median "
                     f"{cold['median_s']:.2f} s over {len(cold['runs_s'])} run{'s' * (len(cold['runs_s']) > 1)} "
                     f"({runs} s).")
    warm = report.get("cold_start_cached")
    if warm:
        lines.append(f"With `{CACHE_FLAG} DIR` and the cache already filled: median {warm['median_s']:.2f} s.")
    cache = report.get("cache") or {}
    if cache.get("measured"):
        p = cache["parameter"]
        differ = [f"{s['name']}: {s['cache']['answers_differ']}" for s in report["sizes"]
                  if any(s["cache"]["answers_differ"].values())]
        states = sorted({f"{mode} {s['cache'][mode].get('cache_state')}" for s in report["sizes"]
                         for mode in ("cold", "warm")})
        lines.append(f"Cached build: `{p['where']}(..., {p['name']}=DIR)`, cold = empty DIR (build and write), "
                     "warm = DIR filled by the cold run; each in its own process (cache status: "
                     f"{', '.join(states)}). "
                     + ("Cached engines gave the same answers as uncached ones." if not differ
                        else f"WARNING: cached engines answered differently: {'; '.join(differ)}."))
    return "\n".join(lines)


def machine_line(report: dict) -> str:
    m = report["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v and k != "faqbot")
    memory = f", {m['memory_gb']:g} GB RAM" if m.get("memory_gb") else ""
    return (f"Machine: {m['cpu']}, {m['cores']} cores{memory}, {m['platform']}, {m['python']}; {packages}. "
            f"{m['date']}, commit {(m['git_commit'] or 'unknown')[:10]}, bot/**/*.py digest {m['bot_digest']}. "
            f"Whole run {report['total_s']:.0f} s.")


def format_report(report: dict) -> str:
    parts = ["## Quality", "", quality_table(report["quality"]), "", "## Speed and scale", "", speed_table(report),
             "", machine_line(report)]
    notes = report["notes"]
    if notes:
        parts += [""] + [f"- {n}" for n in notes]
    return "\n".join(parts)


def plot_latency(report: dict, path: Path) -> str | None:
    """Write the log-log chart of p50 latency against FAQ size; the reason when it cannot."""
    try:
        import matplotlib
    except ImportError:
        return "matplotlib is not installed (pip install \".[bench]\"): chart skipped"
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(report["sizes"], key=lambda s: s["entries"])
    synthetic = [s for s in sizes if s["size"] != "shipped"]
    shipped = [s for s in sizes if s["size"] == "shipped"]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for who, label, color in (("faqbot", "faqbot", "tab:blue"), ("naive", "naive: rapidfuzz extractOne WRatio",
                                                                   "tab:orange")):
        if synthetic:
            ax.plot([s["entries"] for s in synthetic], [s[who]["p50_ms"] for s in synthetic], marker="o",
                    color=color, label=f"{label} (synthetic FAQs)")
            for s in synthetic:
                if s[who]["queries"] < s["queries"]:
                    ax.annotate(f"{s[who]['queries']} queries", (s["entries"], s[who]["p50_ms"]),
                                textcoords="offset points", xytext=(-8, -4), ha="right", va="top", fontsize=8)
        if shipped:
            ax.plot([s["entries"] for s in shipped], [s[who]["p50_ms"] for s in shipped], marker="s",
                    linestyle="none", markerfacecolor="none", color=color, label=f"{label} (shipped FAQ)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("FAQ entries")
    ax.set_ylabel("p50 latency per question (ms)")
    ax.set_title("Latency against FAQ size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return None


def write_results(report: dict, results: Path, *, chart: bool = True) -> list[str]:
    """latest.json and latency.png in `results`; returns one-line notices (e.g. chart skipped)."""
    results.mkdir(parents=True, exist_ok=True)
    notices = []
    report["files"] = {"json": speed.shown(results / "latest.json")}
    if chart:
        reason = plot_latency(report, results / "latency.png")
        if reason is None:
            report["files"]["chart"] = speed.shown(results / "latency.png")
        else:
            notices.append(reason)
            report["files"]["chart"] = None
            report["notes"].append(reason)
    (results / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return notices


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"a run under a minute: sizes {QUICK_SIZES}, {QUICK_QUERIES} queries, "
                             f"{QUICK_COLD_RUNS} cold-start run")
    parser.add_argument("--cases", type=Path, default=speed.CASES, help="eval set (default: tests/eval/cases.yaml)")
    parser.add_argument("--faq", type=Path, help="FAQ directory for quality and the 'shipped' row "
                                                 "(default: the shipped FAQ)")
    parser.add_argument("--sizes", help=f"comma-separated: 'shipped' and/or numbers of synthetic entries "
                                        f"(default: {FULL_SIZES}; --quick: {QUICK_SIZES})")
    parser.add_argument("--queries", type=int, help=f"questions per FAQ (default: {FULL_QUERIES}; "
                                                    f"--quick: {QUICK_QUERIES})")
    parser.add_argument("--cold-runs", type=int, help=f"`faqbot ask` processes to time; 0 skips "
                                                      f"(default: {FULL_COLD_RUNS}; --quick: {QUICK_COLD_RUNS})")
    parser.add_argument("--naive-few", type=int, default=NAIVE_FEW,
                        help="queries the naive matcher is timed on for big FAQs (default: %(default)s)")
    parser.add_argument("--naive-big", type=int, default=NAIVE_BIG,
                        help="FAQs of at least this many entries time the naive matcher on --naive-few queries "
                             "(default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic FAQs and queries")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where latest.json and latency.png go "
                                                                       "(default: bench/results)")
    parser.add_argument("--no-chart", action="store_true", help="do not draw latency.png")
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    args = parser.parse_args(argv)
    try:
        sizes = speed.parse_sizes(args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES))
    except ValueError as err:
        parser.error(str(err))
    queries = args.queries if args.queries is not None else QUICK_QUERIES if args.quick else FULL_QUERIES
    cold_runs = args.cold_runs if args.cold_runs is not None else QUICK_COLD_RUNS if args.quick else FULL_COLD_RUNS
    if queries < 1 or args.naive_few < 1 or cold_runs < 0:
        parser.error("--queries and --naive-few must be at least 1, --cold-runs at least 0")
    if not args.cases.is_file():
        parser.error(f"no eval set at {args.cases}")
    report = run(cases=args.cases, faq_dir=args.faq, sizes=sizes, queries=queries, cold_runs=cold_runs,
                 seed=args.seed, naive_few=args.naive_few, naive_big=args.naive_big, progress=not args.quiet)
    report["settings"]["quick"] = args.quick
    notices = write_results(report, args.results, chart=not args.no_chart)
    print(format_report(report))
    for notice in notices:
        print(notice, file=sys.stderr)
    print(f"wrote {report['files']['json']}" + (f" and {report['files']['chart']}" if report["files"].get("chart")
                                                 else ""), file=sys.stderr)
    return 0
