"""The benchmarks at tiny sizes: `python -m bench` (bench/suite.py, quality.py, scale.py), the
older speed benchmark (bench/speed.py) and the synthetic FAQs (bench/synth.py)."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import EVAL_CASES, FAQ_DIR, ROOT

from bench import quality, scale, speed, suite
from bench.synth import make_queries, synthetic_entries, write_synthetic_faq
from bot.engine.build import build_engine
from bot.engine.loading import load_faq
from bot.improve.evaluate import Case, evaluate, load_cases

HAN = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def report() -> dict:
    return speed.run(["shipped", 200], 30, cold_runs=1)


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_synthetic_faq_loads_without_problems(tmp_path: Path) -> None:
    written = write_synthetic_faq(tmp_path / "faq", 200, seed=3, per_file=50)
    faq = load_faq(tmp_path / "faq")  # raises FaqError on any problem
    assert [e.id for e in faq.entries] == [e.id for e in written]
    assert len(faq.entries) == 200 and len(faq.synonyms) > 0
    assert len(list((tmp_path / "faq").glob("synthetic-*.yaml"))) == 4
    langs = [next(iter(e.questions)) for e in faq.entries]
    assert langs.count("zh") == 80 and langs.count("en") == 120
    for entry in faq.entries:
        (lang, phrasings), = entry.questions.items()
        assert set(entry.answer) == {lang}
        assert 4 <= len(phrasings) <= 6 and len(set(phrasings)) == len(phrasings)
        assert all(HAN.search(q) for q in phrasings) == (lang == "zh")
    all_phrasings = [q for e in faq.entries for qs in e.questions.values() for q in qs]
    assert len(set(all_phrasings)) == len(all_phrasings)


def test_synthetic_faq_and_queries_are_deterministic(tmp_path: Path) -> None:
    write_synthetic_faq(tmp_path / "a", 120, seed=1)
    write_synthetic_faq(tmp_path / "b", 120, seed=1)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert synthetic_entries(120, seed=2) != synthetic_entries(120, seed=1)
    entries = synthetic_entries(120, seed=1)
    queries = make_queries(entries, 200, seed=1)
    assert queries == make_queries(entries, 200, seed=1)
    ids = {e.id for e in entries}
    assert {q.kind for q in queries} == {"typo", "drop", "swap", "oov"}
    assert all((q.expect is None) == (q.kind == "oov") and (q.expect is None or q.expect in ids) for q in queries)
    assert all(q.q.strip() for q in queries)


def test_report_has_every_figure(report: dict) -> None:
    assert [s["name"] for s in report["sizes"]] == ["shipped", "synthetic 200"]
    for size in report["sizes"]:
        assert size["entries"] > 0 and size["phrasings"] >= size["entries"] and size["queries"] == 30
        for key in ("load_s", "index_s", "build_s", "rss_after_mb", "naive_over_faqbot_p50"):
            assert size[key] > 0, key
        for who in ("faqbot", "naive"):
            for key in ("p50_ms", "p99_ms", "mean_ms", "max_ms", "qps"):
                assert size[who][key] > 0, (who, key)
            assert size[who]["p50_ms"] <= size[who]["p99_ms"] <= size[who]["max_ms"]
    assert report["sizes"][1]["entries"] == 200
    assert report["cold_start"]["median_s"] > 0 and len(report["cold_start"]["runs_s"]) == 1
    assert report["peak_rss_mb"] > 0 and report["total_s"] > 0
    json.dumps(report)


def test_table_has_a_row_per_size(report: dict) -> None:
    table = speed.format_table(report)
    assert table.startswith("| FAQ |")
    assert "\n| shipped | " in table
    assert "| synthetic 200 | 200 |" in table
    assert "Cold start" in table and "Peak RSS" in table


def test_command_line_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "speed.json"
    assert speed.main(["--sizes", "100", "--queries", "15", "--cold-runs", "0", "--quiet", "--json", str(out)]) == 0
    assert "| synthetic 100 | 100 |" in capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["sizes"][0]["faqbot"]["p50_ms"] > 0 and data["cold_start"] is None


def test_helpers() -> None:
    assert speed.parse_sizes("shipped, 1000,10k") == ["shipped", 1000, 10000]
    with pytest.raises(ValueError):
        speed.parse_sizes("0")
    assert speed.percentile([3, 1, 2], 50) == 2
    assert speed.percentile(range(101), 99) == 99
    assert len(speed.shipped_queries(5)) == 5


# --- python -m bench -------------------------------------------------------------------------

RATES = ("top1_accuracy", "wrong_answer_rate", "oos_false_answer_rate")
LATENCY = ("p50_ms", "p99_ms", "mean_ms", "max_ms", "qps")


def _write_cases(path: Path, in_scope: int = 22, out_of_scope: int = 8) -> Path:
    """A small eval file: the first cases of each kind from the shipped set."""
    raw = yaml.safe_load(EVAL_CASES.read_text(encoding="utf-8"))
    chosen = [c for c in raw if c["expect"] is not None][:in_scope] + [c for c in raw if c["expect"] is None][:out_of_scope]
    path.write_text(yaml.safe_dump(chosen, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One `python -m bench` run at tiny sizes: 30 cases, 20 queries, FAQs of 100 and 200 entries."""
    tmp = tmp_path_factory.mktemp("bench")
    cases = _write_cases(tmp / "cases.yaml")
    out, err = io.StringIO(), io.StringIO()
    argv = ["--cases", str(cases), "--sizes", "shipped,100,200", "--queries", "20", "--cold-runs", "1",
            "--naive-big", "150", "--naive-few", "3", "--results", str(tmp / "results")]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert suite.main(argv) == 0
    report = json.loads((tmp / "results" / "latest.json").read_text(encoding="utf-8"))
    return {"report": report, "stdout": out.getvalue(), "stderr": err.getvalue(), "cases": cases,
            "results": tmp / "results"}


def test_bench_json_has_every_key(bench_run: dict) -> None:
    report = bench_run["report"]
    for key in ("machine", "settings", "quality", "sizes", "growth", "cold_start", "cold_start_cached", "cache", "notes",
                "total_s", "files"):
        assert key in report, key
    machine = report["machine"]
    for key in ("cpu", "cores", "python", "platform", "packages", "date", "bot_digest"):
        assert machine[key], key
    assert machine["cores"] >= 1 and machine["packages"]["rapidfuzz"] and machine["packages"]["PyYAML"]
    assert report["settings"]["queries"] == 20 and report["settings"]["sizes"] == ["shipped", 100, 200]
    assert report["files"]["json"].endswith("latest.json")
    assert report["total_s"] > 0


def test_bench_quality_is_scored_like_bot_evaluate(bench_run: dict) -> None:
    q = bench_run["report"]["quality"]
    assert (q["cases"], q["in_scope"], q["out_of_scope"]) == (30, 22, 8)
    methods = {m["name"]: m for m in q["methods"]}
    assert {"faqbot", "rapidfuzz WRatio", "difflib"} <= set(methods)
    for m in methods.values():
        for key in RATES:
            assert 0.0 <= m[key] <= 1.0, (m["name"], key)
        assert m["top1_accuracy"] + m["wrong_answer_rate"] <= 1.0 + 1e-9
        assert m["cases"] == 30 and m["eval_s"] >= 0
    engine = build_engine(FAQ_DIR)
    direct = evaluate(engine, load_cases(bench_run["cases"], {e.id for e in engine.faq.entries}))
    for key in (*RATES, "suggest_hit_rate"):
        assert methods["faqbot"][key] == direct[key], key
    assert methods["faqbot"]["top1_accuracy"] > methods["rapidfuzz WRatio"]["top1_accuracy"]


def test_bench_sizes_have_sane_figures(bench_run: dict) -> None:
    sizes = bench_run["report"]["sizes"]
    assert [s["name"] for s in sizes] == ["shipped", "synthetic 100", "synthetic 200"]
    assert [s["entries"] for s in sizes[1:]] == [100, 200] and sizes[0]["entries"] == len(load_faq(FAQ_DIR).entries)
    for s in sizes:
        assert s["phrasings"] >= s["entries"] and s["files"] >= 1 and s["queries"] == 20
        f, n = s["faqbot"], s["naive"]
        for who in (f, n):
            for key in LATENCY:
                assert who[key] > 0, (s["name"], who["role"], key)
            assert who["p50_ms"] <= who["p99_ms"] <= who["max_ms"]
            assert who["build_s"] > 0 and who["peak_rss_mb"] >= who["rss_before_mb"] > 0
            assert who["entries"] == s["entries"]
        assert f["load_s"] > 0 and f["index_s"] > 0 and math.isclose(f["build_s"], f["load_s"] + f["index_s"], abs_tol=2e-4)
        assert f["queries"] == 20 and 0 <= f["answered_right"] <= 1 and s["naive_over_faqbot_p50"] > 0
    assert sizes[0]["generate_s"] is None and sizes[1]["generate_s"] > 0
    assert [s["naive"]["queries"] for s in sizes] == [20, 20, 3]  # 200 >= --naive-big: only --naive-few queries
    growth = bench_run["report"]["growth"]
    assert growth["over_entries"] == [100, 200]
    for key in ("faqbot_p50", "naive_p50", "faqbot_build"):
        assert isinstance(growth[key], float), key
    cold = bench_run["report"]["cold_start"]
    assert cold["median_s"] > 0 and len(cold["runs_s"]) == 1


def test_bench_measures_the_index_cache(bench_run: dict) -> None:
    report = bench_run["report"]
    assert report["cache"] == {"parameter": scale.cache_parameter(), "measured": True}
    for s in report["sizes"]:
        c = s["cache"]
        assert c["cold"]["build_s"] > 0 and c["warm"]["build_s"] > 0 and c["compared"] == 20
        assert (c["cold"]["cache_state"], c["warm"]["cache_state"]) == ("saved", "hit"), s["name"]
        assert c["answers_differ"] == {"cold": 0, "warm": 0}, s["name"]
        assert c["warm"]["entries"] == s["entries"] and c["warm"]["p50_ms"] > 0
    if suite.cli_has_cache_flag():
        assert report["cold_start_cached"]["median_s"] > 0


def test_bench_prints_both_tables_and_progress(bench_run: dict) -> None:
    out = bench_run["stdout"]
    assert "## Quality" in out and "## Speed and scale" in out
    assert "| faqbot | default thresholds |" in out and "| rapidfuzz WRatio |" in out and "| difflib |" in out
    assert "\n| shipped | " in out and "| synthetic 200 | 200 |" in out and "(3 q)" in out
    assert "Growth of p50 latency" in out and "Cold start" in out and "Machine:" in out
    progress = [line for line in bench_run["stderr"].splitlines() if line.startswith("[")]
    assert progress and re.match(r"\[#+\] (\d+)/\1 ", progress[-1]), progress[-1:]
    assert "wrote " in bench_run["stderr"]


def test_bench_bm25_baseline(bench_run: dict) -> None:
    pytest.importorskip("bm25s")
    methods = {m["name"]: m for m in bench_run["report"]["quality"]["methods"]}
    free, limited = methods["BM25 (bm25s)"], methods["BM25 (bm25s), faqbot's limits"]
    assert free["top1_accuracy"] >= limited["top1_accuracy"]
    assert limited["wrong_answer_rate"] <= 0.04 and limited["oos_false_answer_rate"] <= 0.08
    assert free["threshold"] <= limited["threshold"] and "favours" in free["tuned"]
    assert "BM25" in bench_run["stdout"] and "favours it" in bench_run["stdout"]


def test_bench_chart(bench_run: dict) -> None:
    pytest.importorskip("matplotlib")
    chart = bench_run["results"] / "latency.png"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert bench_run["report"]["files"]["chart"] == str(chart)


def test_bench_without_optional_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bench_run: dict) -> None:
    monkeypatch.setitem(sys.modules, "bm25s", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    q = quality.run_quality(bench_run["cases"], FAQ_DIR)
    assert [m["name"] for m in q["methods"]] == ["faqbot", "rapidfuzz WRatio", "difflib"]
    assert q["notes"] == [quality.BM25_INSTALL]
    report = json.loads(json.dumps(bench_run["report"]))
    notices = suite.write_results(report, tmp_path)
    assert len(notices) == 1 and "matplotlib is not installed" in notices[0] and "\n" not in notices[0]
    assert report["files"]["chart"] is None and not (tmp_path / "latency.png").exists()
    assert json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))["files"]["chart"] is None


def test_python_dash_m_bench_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "--quick" in done.stdout and "--cases" in done.stdout


def test_baselines_and_helpers() -> None:
    assert quality.tokenize("GPT-4 和ChatGPT 有什麼區別? ＡＰＩ") == [
        "gpt", "4", "和", "chatgpt", "有什", "什麼", "麼區", "區別", "api"]
    assert quality.tokenize("...") == []
    faq = load_faq(FAQ_DIR)
    phrasings, owners = quality.all_phrasings(faq)
    assert len(phrasings) == len(owners) == sum(len(e.phrasings()) for e in faq.entries)
    entry = faq.entries[0]
    canonical = entry.question("en")
    assert quality.FuzzBaseline(faq).answer(canonical).entry_id == entry.id
    assert quality.DifflibBaseline(faq).answer(canonical).entry_id == entry.id
    assert quality.DifflibBaseline(faq).answer("zzzz qqqq").kind == "fallback"
    assert scale.growth_exponent([(10, 3.0), (100, 30.0), (1000, 300.0)]) == 1.0
    assert scale.growth_exponent([(10, 5.0), (1000, 5.0)]) == 0.0
    assert scale.growth_exponent([(10, 5.0)]) is None and scale.growth_exponent([]) is None
    memory = scale.memory_mb()
    assert memory["peak_mb"] > 0


def test_threshold_tuning() -> None:
    cases = [Case("a", "x"), Case("b", "y"), Case("c", "z"), Case("d", None), Case("e", None)]
    best = [("x", 5.0), ("q", 2.0), ("z", 1.0), ("x", 3.0), None]
    # Unlimited: top-1 2/3 needs threshold <= 1.0; of those, 1.0 has the fewest false answers.
    assert quality.tune_threshold(cases, best) == 1.0
    # At most one wrong answer in three and no out-of-scope answer: only thresholds above 3.0 qualify.
    assert quality.tune_threshold(cases, best, max_wrong=0.34, max_oos=0.0) == 5.0
    assert quality.tune_threshold(cases, [None] * 5) > 0
    top1, wrong, oos = quality.rates(cases, ["x", "q", None, "x", None])
    assert (top1, wrong, oos) == (1 / 3, 1 / 3, 0.5)


def test_load_bench_acks_everything_and_delivers_each_reply_once_whatever_slack_does(capsys) -> None:
    from bench.load import main as load

    results = load(["--quick", "--requests", "45", "--concurrency", "8", "--trouble", "1.5", "--delay", "1.5",
                    "--semantic", "off"])
    assert [r.scenario for r in results] == ["slack healthy", "slack slow", "slack ratelimit", "discord healthy",
                                             "discord slow"]
    for r in results:
        assert (r.acked, r.errors, r.delivered, r.duplicates, r.lost) == (45, 0, 45, 0, 0), r
    assert "| slack ratelimit | 45 | 8 | 100.0% |" in capsys.readouterr().out


def test_bench_fusion_decides_every_question_as_the_engine_does(tmp_path: Path) -> None:
    """The figures bench.fusion fits thresholds on are the engine's own: with the shipped models, its decision for
    each question (words alone, a not_question's entry left out, a bare topic, the Fusion) is the answer the engine
    gives, on the shipped FAQ and on it cut to Chinese and asked in English."""
    from dataclasses import fields

    import numpy

    from bench import fusion
    from bench.crosslingual import cut, engine_for
    from bot.engine.fusion import Fusion, Ranker, Signals
    from bot.engine.reply import Kind

    asked = yaml.safe_load((EVAL_CASES.parent / "blind" / "shipped-a.yaml").read_text(encoding="utf-8"))
    # bare topics, and questions closest to a not_question (of learn-llm-development), refused or not by meaning
    odd = [{"q": q, "expect": None} for q in ("azure openai", "OpenAI", "模型", "GPT or LLM?",
                                             "how do i learn python from zero", "Python 零基础怎么学比较快")]
    cases = tmp_path / "cases.yaml"
    cases.write_text(yaml.safe_dump(asked + odd, allow_unicode=True), encoding="utf-8")
    shipped = Fusion()
    w = numpy.array([getattr(shipped, f.name) for f in fields(Signals)] + [shipped.bias])
    paths = {"broad": 0, "refused": 0, "answered past a not_question": 0}
    for faq_lang, asked_lang in ((None, None), ("zh", "en")):
        ids, questions, faq_density = fusion.questions_of(FAQ_DIR, cases, faq_lang, asked_lang)
        faq = build_engine(FAQ_DIR).faq
        engine = engine_for(faq if faq_lang is None else cut(faq, faq_lang), semantic=True)
        rows = fusion.rows_of((ids, questions, faq_density), Ranker())
        kept = [c for c in load_cases(cases, {e.id for e in faq.entries})
                if asked_lang is None or fusion.detect_language(c.q) == asked_lang]
        for row, case in zip(rows, kept, strict=True):
            reply = engine.answer(case.q)
            got = reply.entry_id if reply.kind == Kind.ANSWER else None
            assert fusion.answered(row, w, shipped.answer, shipped.words) == got, case.q
            paths["broad"] += row.question.broad
            paths["refused"] += row.question.evidence.allowed is not None and not row.question.evidence.allowed.all()
            first = engine.rank(case.q).candidates[:1]
            paths["answered past a not_question"] += bool(first and first[0].negative and got)
    assert all(paths.values()), paths  # every path is exercised


def test_bench_learning_teaches_the_engine_each_pick_it_accepts(tmp_path: Path) -> None:
    from bench import learning

    faq_dir, questions = learning.SETS["football club"]
    engine = build_engine(faq_dir, semantic="on")
    cases = load_cases(questions, {e.id for e in engine.faq.entries})
    asked, held = learning.halves(cases)
    assert {c.expect for c in asked} == {c.expect for c in held}  # three questions an entry: both halves ask of each
    assert not {c.q for c in asked} & {c.q for c in held}
    accepted = learning.taught(engine, asked, labelled=False)
    learned, taken = learning.learned_engine(faq_dir, accepted, tmp_path)
    assert accepted and 0 < taken <= len(accepted)
    # each phrasing faqbot learn took is a question now answered with the entry it was picked from, asked again
    said = {(e.id, q) for e in learned.faq.entries for _, q in e.phrasings()}
    kept = [(entry_id, phrasing) for entry_id, _, phrasing in accepted if (entry_id, phrasing) in said]
    assert len(kept) == taken
    for entry_id, phrasing in kept:
        reply = learned.answer(phrasing)
        assert (reply.kind, reply.entry_id) == ("answer", entry_id), phrasing
