"""A large FAQ is embedded on more than one core: helper processes give the same vectors, in order, and a
helper that cannot start leaves its part to this process."""

from __future__ import annotations

import functools

import numpy

from bot.engine import embedding
from bot.engine.encoder import shared_encoder

TEXTS = [f"how do I request item number {i} from the store?" for i in range(45)] + ["重置密码", "VPN 连不上"]


def test_helpers_embed_the_same_vectors_in_the_same_order(caplog):
    encoder = shared_encoder()
    told = []
    both = embedding.encode(TEXTS, encoder, functools.partial(shared_encoder, None), step=10, progress=told.append,
                            helpers=1)
    assert numpy.allclose(both, encoder.encode(TEXTS), atol=1e-6)
    assert told[-1] == len(TEXTS) and len(told) == 5 and told == sorted(told)
    assert "embedding it here" not in caplog.text  # the helper did its part: nothing fell back to this process


def test_a_loader_that_cannot_reach_another_process_embeds_here():
    encoder = shared_encoder()
    alone = embedding.encode(TEXTS, encoder, lambda: encoder, step=10, helpers=2)  # a lambda cannot be sent
    assert numpy.allclose(alone, encoder.encode(TEXTS), atol=1e-6)


def test_a_helper_that_fails_leaves_its_part_here(caplog):
    encoder = shared_encoder()
    broken = functools.partial(shared_encoder, "/nonexistent/\0bad")  # a path no process can use
    got = embedding.encode(TEXTS, encoder, broken, step=10, helpers=1)
    assert numpy.allclose(got, encoder.encode(TEXTS), atol=1e-6)
    assert "embedding it here" in caplog.text


def test_one_core_starts_no_helper(monkeypatch):
    monkeypatch.setattr(embedding.os, "sched_getaffinity", lambda _: {0})
    assert embedding.helpers_here() == 0
    monkeypatch.setattr(embedding.os, "sched_getaffinity", lambda _: set(range(16)))
    assert embedding.helpers_here() == embedding.MOST_HELPERS
