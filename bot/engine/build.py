"""An Engine from a FAQ directory: loaded, validated and indexed, or restored from an index cache."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from bot.engine.answering import Engine
from bot.engine.encoder import available, require, shared_encoder
from bot.engine.gcpause import gc_paused
from bot.engine.index_cache import IndexCache
from bot.engine.loading import load_faq
from bot.engine.matcher import Matcher, Weights
from bot.engine.semantic import SemanticStage
from bot.engine.yamlsafe import Limits


def build_engine(directory: Path | str, *, limits: Limits = Limits(), cache: IndexCache | None = None,
                 weights: Weights = Weights(), semantic: str = "off",
                 progress: Callable[[int, int], None] | None = None, **settings) -> Engine:
    """With `cache`, the index is read from it while neither the FAQ files nor faqbot changed, else built
    and written there; `cache.status` tells which. `semantic`: "auto" adds the semantic stage when its
    encoder is installed, "on" requires it (SemanticUnavailable otherwise), "off" matches words alone.
    `progress(done, total)` is told how embedding a large FAQ goes. `settings` are the Engine's (thresholds, language...)."""
    directory = Path(directory)
    if semantic == "on":
        require()
    wanted = semantic == "on" or (semantic == "auto" and available())

    def stage(faq) -> SemanticStage | None:
        if not wanted:
            return None
        if cache is None:
            return SemanticStage(faq, progress=progress)
        return SemanticStage(faq, functools.partial(shared_encoder, cache.directory), keep=cache.path, progress=progress)

    with gc_paused():
        restored = cache.restore(directory, weights) if cache is not None else None
        if restored is not None:
            faq, matcher = restored
            matcher.warm_up()
            return Engine(faq, matcher=matcher, semantic=stage(faq), **settings)
        faq = load_faq(directory, limits)
        matcher = Matcher(faq, weights=weights)
        if cache is not None:
            cache.keep(matcher, faq, directory, weights)
        return Engine(faq, matcher=matcher, semantic=stage(faq), **settings)
