"""Embedding many texts, on more than one core when there are many: the encoder holds the GIL in many small
numpy steps, so threads do not help, but processes do. A FAQ of 10,000 entries is about 75,000 texts, a
minute and more on one core.

Helpers are fresh processes (spawned, never forked: a server has threads) that load their own encoder
with `loader` and embed every few chunks of `step` texts while this process embeds the rest. A helper
that fails leaves its chunks to this process. A spawned process imports the program's main module again,
so helpers start only in programs that said they may (`allow_helpers`: faqbot's own commands do), never
in a script that builds an engine at its top level.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

import numpy

from bot.engine.encoder import Encoder

log = logging.getLogger(__name__)
PARALLEL_FROM = 8000  # texts: about eight seconds on one core, several times what starting a helper costs
MOST_HELPERS = 3  # each holds its own encoder, about 150 MB

_helper_encoder: Encoder | None = None
_allowed = False


class EmbeddingStopped(Exception):
    """`encode` was told to stop: the texts were left unembedded."""


def allow_helpers() -> None:
    """This program's main module starts nothing when imported again: helper processes may be spawned."""
    global _allowed
    _allowed = True


def helpers_here() -> int:
    """Helper processes worth starting on this machine: one a core beyond the first, MOST_HELPERS at most."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, MOST_HELPERS))


def encode(texts: Sequence[str], encoder: Encoder, loader: Callable[[], Encoder], *, step: int,
           progress: Callable[[int], None] = lambda done: None, helpers: int | None = None,
           stop: threading.Event | None = None) -> numpy.ndarray:
    """`texts` embedded in order. `progress` is told how many are done after each chunk. `helpers`: how many
    helper processes (by default helpers_here() once allowed, and none below PARALLEL_FROM texts or when
    `loader` cannot be sent to another process). Once `stop` is set, EmbeddingStopped before the next chunk, the
    helpers' chunks not yet begun dropped: a process that is stopping need not wait a minute for a large FAQ."""
    if not texts:
        return numpy.asarray(encoder.encode([]), dtype=numpy.float32)
    chunks = [list(texts[start : start + step]) for start in range(0, len(texts), step)]
    if helpers is None:
        helpers = helpers_here() if _allowed and len(texts) >= PARALLEL_FROM else 0
    if helpers and not _can_send(loader):
        helpers = 0
    _unless(stop)
    done, parts = 0, [None] * len(chunks)
    if not helpers or len(chunks) < 2:
        for i, chunk in enumerate(chunks):
            _unless(stop)
            parts[i] = encoder.encode(chunk)
            done += len(chunk)
            progress(done)
        return numpy.concatenate(parts)
    share = helpers + 1  # chunk i goes to a helper unless i is a multiple of share: then it is ours
    pool = ProcessPoolExecutor(helpers, mp_context=get_context("spawn"), initializer=_start, initargs=(loader,))
    try:
        sent: dict[int, Future] = {i: pool.submit(_encode, chunk) for i, chunk in enumerate(chunks) if i % share}
        for i in range(0, len(chunks), share):
            _unless(stop)
            parts[i] = encoder.encode(chunks[i])
            done += len(chunks[i])
            progress(done)
        for i, future in sent.items():
            _unless(stop)
            try:
                parts[i] = future.result()
            except Exception as err:  # a helper that died (out of memory, killed): this process does its part
                log.warning("a helper process could not embed its part of the FAQ (%s); embedding it here. If this "
                            "repeats, give faqbot more memory: each helper holds its own encoder, about 150 MB", err)
                parts[i] = encoder.encode(chunks[i])
            done += len(chunks[i])
            progress(done)
    except BaseException:
        # the chunks the helpers have begun are finished, the rest dropped (a `with` block's own shutdown would
        # undo cancel_futures and leave the helpers running)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return numpy.concatenate(parts)


def _unless(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise EmbeddingStopped("told to stop")


def _can_send(loader: Callable[[], Encoder]) -> bool:
    try:
        pickle.dumps(loader)
    except Exception:  # a lambda or a local class: it cannot reach another process
        return False
    return True


def _start(loader: Callable[[], Encoder]) -> None:
    global _helper_encoder
    _helper_encoder = loader()


def _encode(texts: list[str]) -> numpy.ndarray:
    return numpy.asarray(_helper_encoder.encode(texts), dtype=numpy.float32)
