"""The on-disk index: a restored engine behaves exactly like a freshly built one, and a
stale, corrupt or unwritable cache never changes an answer or stops the bot."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from support import EVAL_CASES, FAQ_DIR, SMALL_FAQ, run_faqbot

from bot.engine.build import build_engine
from bot.engine.index_cache import IndexCache
from bot.engine.loading import FaqError
from bot.improve.evaluate import load_cases


@pytest.fixture
def faq_copy(tmp_path):
    copy = tmp_path / "faq"
    shutil.copytree(FAQ_DIR, copy)
    return copy


def test_a_restored_index_ranks_and_answers_exactly_like_a_fresh_one(faq_copy, tmp_path, engine):
    cache = IndexCache(tmp_path / "cache")
    assert build_engine(faq_copy, cache=cache) and cache.status == "saved"
    restored = build_engine(faq_copy, cache=cache)
    assert cache.status == "hit"
    for case in load_cases(EVAL_CASES, {e.id for e in engine.faq.entries}):
        fresh, again = engine.rank(case.q), restored.rank(case.q)
        assert [(c.entry.id, c.score, c.phrasing) for c in fresh.candidates] == [
            (c.entry.id, c.score, c.phrasing) for c in again.candidates
        ], case.q
        assert engine.answer(case.q) == restored.answer(case.q), case.q
    entry = restored.faq.get("rlhf")
    assert entry == dataclasses.replace(engine.faq.get("rlhf"), file=str(faq_copy / "gpt-basics.yaml"))
    assert restored.topics("zh", 5) == engine.topics("zh", 5)
    assert len(restored.faq.entries) == len(engine.faq.entries)


def test_changing_a_faq_file_makes_a_new_index(faq_copy, tmp_path):
    cache = IndexCache(tmp_path / "cache")
    build_engine(faq_copy, cache=cache)
    billing = faq_copy / "azure-openai.yaml"
    billing.write_text(billing.read_text(encoding="utf-8").replace(
        "How is Azure OpenAI billed?", "How is Azure OpenAI priced and billed?"), encoding="utf-8")
    changed = build_engine(faq_copy, cache=cache)
    assert cache.status == "saved"
    assert changed.faq.get("azure-openai-billing").question("en") == "How is Azure OpenAI priced and billed?"
    assert len(list(cache.directory.iterdir())) == 2


@pytest.mark.parametrize("damage", ["terms.marshal", "entries.bin", "offsets.npy", "missing"])
def test_a_damaged_index_is_rebuilt(faq_copy, tmp_path, damage, engine):
    cache = IndexCache(tmp_path / "cache")
    build_engine(faq_copy, cache=cache)
    (place,) = cache.directory.iterdir()
    if damage == "missing":
        (place / "entry-offsets.npy").unlink()
    else:
        (place / damage).write_bytes(b"\x00garbage")
    rebuilt = build_engine(faq_copy, cache=cache)
    assert cache.status == "saved"
    question = "Does buying Azure OpenAI give me ChatGPT?"
    assert rebuilt.answer(question) == engine.answer(question)
    assert build_engine(faq_copy, cache=cache) and cache.status == "hit"


def test_a_broken_faq_is_still_refused_and_nothing_is_saved(make_faq, tmp_path):
    directory = make_faq({"fruit.yaml": SMALL_FAQ.replace("- id: fruit-pear", "- id: Fruit Pear")})
    cache = IndexCache(tmp_path / "cache")
    with pytest.raises(FaqError, match="not a valid id"):
        build_engine(directory, cache=cache)
    assert not cache.directory.exists() or not any(p for p in cache.directory.iterdir() if not p.name.startswith("."))
    assert cache.status == "unused"


def test_an_unwritable_cache_directory_only_means_no_cache(make_faq, tmp_path):
    directory = make_faq({"fruit.yaml": SMALL_FAQ})
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    cache = IndexCache(blocker)
    engine = build_engine(directory, cache=cache)
    assert cache.status == "unwritable"
    assert engine.answer("What is an apple?").entry_id == "fruit-apple"


def test_the_cli_uses_the_cache_from_the_environment(faq_copy, tmp_path):
    cache = tmp_path / "cache"
    env = {"FAQBOT_INDEX_CACHE": str(cache)}
    for _ in range(2):
        done = run_faqbot("ask", "What is RLHF?", "--json", "--faq", faq_copy, env=env)
        assert done.returncode == 0, done.stderr
        assert '"id": "rlhf"' in done.stdout
    assert len(list(cache.iterdir())) == 1


def test_the_cli_says_when_the_cache_cannot_be_written(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    done = run_faqbot("ask", "What is RLHF?", "--json", "--index-cache", blocker)
    assert done.returncode == 0, done.stderr
    assert '"id": "rlhf"' in done.stdout
    assert f"could not write the index cache in {blocker}: make it a writable directory" in done.stderr


def test_an_index_built_while_a_file_changed_is_not_kept_under_either_fingerprint(faq_copy, tmp_path):
    from bot.engine.matcher import Matcher, Weights

    cache = IndexCache(tmp_path / "cache")
    assert cache.restore(faq_copy, Weights()) is None  # nothing yet: the build reads the files next
    faq = build_engine(faq_copy).faq
    target = next(faq_copy.glob("*.yaml"))
    target.write_text(target.read_text(encoding="utf-8") + "\n# edited while it was read\n", encoding="utf-8")
    cache.keep(Matcher(faq), faq, faq_copy, Weights())
    assert (cache.status, cache.path) == ("changed", None)
    assert not list((tmp_path / "cache").glob("*"))
    again = IndexCache(tmp_path / "cache")
    build_engine(faq_copy, cache=again)
    assert again.status == "saved"
