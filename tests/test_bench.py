"""The speed benchmark (bench/speed.py) and its synthetic FAQs (bench/synth.py), at a tiny size."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import speed
from bench.synth import make_queries, synthetic_entries, write_synthetic_faq
from bot.loading import load_faq

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
