"""The encoder kept in a cache directory loads from it and embeds exactly as the package's own loader;
a damaged cache is dropped, never trusted. And faqbot keeps its cache in the user's cache directory
unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import numpy
import pytest
from support import SMALL_FAQ, run_faqbot

from bot.engine import build_engine
from bot.engine.encoder import _Usem, available, encoder_version
from bot.engine.index_cache import KEPT, IndexCache
from bot.serving.config import default_cache_dir, load_config

pytestmark = pytest.mark.skipif(not available(), reason="the encoder's package is not installed")
TEXTS = ["Can I expense a cab to the airport?", "我的密码忘了怎么办", "", "x" * 3000, "emoji 🎉 and ＦＵＬＬ width"]


def test_a_kept_encoder_loads_from_the_cache_and_embeds_as_the_package_does(tmp_path: Path) -> None:
    first = _Usem(tmp_path)
    assert first.loaded_from == "package"
    assert (tmp_path / f"encoder-{encoder_version()}" / "probes.npy").is_file()
    second = _Usem(tmp_path)
    assert second.loaded_from == "cache"
    assert isinstance(second._model._backend.table, numpy.memmap)  # only the rows in use take memory
    assert numpy.array_equal(first.encode(TEXTS), second.encode(TEXTS))
    assert numpy.array_equal(_Usem(None).encode(TEXTS), second.encode(TEXTS))


def test_a_damaged_encoder_cache_is_dropped_and_written_again(tmp_path: Path, caplog) -> None:
    _Usem(tmp_path)
    kept = tmp_path / f"encoder-{encoder_version()}"
    probes = numpy.load(kept / "probes.npy")
    numpy.save(kept / "probes.npy", probes[::-1])  # embeddings that the cached parts do not reproduce
    damaged = _Usem(tmp_path)
    assert damaged.loaded_from == "package"
    assert "unusable" in caplog.text
    assert _Usem(tmp_path).loaded_from == "cache"
    (kept / "tokenizer.npz").write_bytes(b"not an archive")
    assert _Usem(tmp_path).loaded_from == "package"
    assert _Usem(tmp_path).loaded_from == "cache"


def test_a_folder_without_probes_is_debris_and_replaced(tmp_path: Path) -> None:
    kept = tmp_path / f"encoder-{encoder_version()}"
    kept.mkdir()
    (kept / "tokenizer.npz").write_bytes(b"half of something")
    assert _Usem(tmp_path).loaded_from == "package"
    assert _Usem(tmp_path).loaded_from == "cache"


def test_an_unwritable_encoder_cache_is_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    encoder = _Usem(blocker)
    assert encoder.loaded_from == "package"
    assert encoder.encode(["hello"]).shape == (1, 512)


def test_the_default_cache_is_the_users_cache_directory(tmp_path: Path) -> None:
    assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "faqbot"
    assert default_cache_dir({}) == Path.home() / ".cache" / "faqbot"
    assert load_config(environ={"FAQBOT_INDEX_CACHE": "off"}).index_cache_off
    assert load_config(environ={"FAQBOT_INDEX_CACHE": str(tmp_path)}).index_cache == tmp_path
    config = tmp_path / "faqbot.yaml"
    config.write_text("index_cache: off\n")
    assert load_config(config, environ={}).index_cache_off


def test_commands_keep_their_index_and_encoder_in_the_users_cache_unless_it_is_off(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "home-cache")}
    done = run_faqbot("ask", "can my manager read what I ask the bot?", "--json", env=env)
    assert done.returncode == 0, done.stderr
    kept = tmp_path / "home-cache" / "faqbot"
    assert (kept / f"encoder-{encoder_version()}").is_dir()
    assert [p for p in kept.iterdir() if len(p.name) == 32]  # an index, under its fingerprint
    off = {"XDG_CACHE_HOME": str(tmp_path / "off-cache")}
    assert run_faqbot("ask", "What is RLHF?", "--index-cache", "off", env=off).returncode == 0
    assert run_faqbot("ask", "What is RLHF?", env={**off, "FAQBOT_INDEX_CACHE": "off"}).returncode == 0
    assert not (tmp_path / "off-cache").exists()


def test_a_default_cache_that_cannot_be_written_is_no_news(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = run_faqbot("ask", "What is RLHF?", env={"XDG_CACHE_HOME": str(blocker)})
    assert done.returncode == 0
    assert "index cache" not in done.stderr
    assert done.stderr == "" and "RLHF" in done.stdout


def test_only_the_most_recently_used_indexes_stay(tmp_path: Path, make_faq) -> None:
    cache = tmp_path / "cache"
    faqs = [make_faq({"fruit.yaml": SMALL_FAQ.replace("crisp", f"crisp ({i})")}, name=f"faq{i}") for i in range(KEPT + 2)]
    for faq in faqs:
        build_engine(faq, cache=IndexCache(cache))
    first = IndexCache(cache)
    build_engine(faqs[-1], cache=first)
    assert first.status == "hit"
    indexes = [p for p in cache.iterdir() if len(p.name) == 32]
    assert len(indexes) == KEPT
    assert first.path in indexes
    os.utime(first.path, (1, 1))  # the least recently used of all now, yet the one just built is kept
    newest = IndexCache(cache)
    build_engine(faqs[0], cache=newest)
    assert newest.status == "saved" and newest.path.is_dir()
