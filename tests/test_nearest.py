"""A large FAQ is read row by row only for the entries whose centres are closest (and the words'
candidates): what it finds agrees with reading every row."""

from __future__ import annotations

import numpy

from bot.engine.nearest import EXACT_ROWS, POOL, Segments, centres, closeness

ENTRIES, ROWS_EACH, WIDTH = 2_000, 7, 512


def unit(rows: numpy.ndarray) -> numpy.ndarray:
    return (rows / numpy.linalg.norm(rows, axis=-1, keepdims=True)).astype(numpy.float32)


def large(seed: int = 7):
    rng = numpy.random.default_rng(seed)
    owners = numpy.repeat(numpy.arange(ENTRIES), ROWS_EACH)
    speakers = numpy.repeat(numpy.arange(ENTRIES), 4)
    phrasings, sentences = unit(rng.normal(size=(len(owners), WIDTH))), unit(rng.normal(size=(len(speakers), WIDTH)))
    asked, said = (phrasings, Segments.of(owners, ENTRIES)), (sentences, Segments.of(speakers, ENTRIES))
    assert len(phrasings) + len(sentences) > EXACT_ROWS
    return rng, asked, said, centres([asked, said], ENTRIES, WIDTH)


def every_row(q, asked, said):
    (phrasings, by_entry), (sentences, spoken_by) = asked, said
    return (numpy.maximum.reduceat(phrasings @ q, by_entry.first), numpy.maximum.reduceat(sentences @ q, spoken_by.first))


def test_the_closest_entry_is_the_one_every_row_finds():
    rng, asked, said, middle = large()
    for row in rng.choice(len(asked[0]), 40, replace=False):
        q = unit(asked[0][row] + rng.normal(scale=0.02, size=WIDTH))  # a paraphrase of one phrasing
        near, near_said = closeness(q, asked, said, middle)
        full, full_said = every_row(q, asked, said)
        assert numpy.argmax(near) == numpy.argmax(full) == row // ROWS_EACH
        read = numpy.flatnonzero(near != middle @ q)
        assert POOL // 2 <= len(read) <= POOL and numpy.allclose(near[read], full[read], atol=1e-5)


def test_the_words_candidates_are_read_whatever_their_centre_and_a_scope_limits_what_is_read():
    rng, asked, said, middle = large(seed=11)
    q = unit(rng.normal(size=WIDTH))
    far = int(numpy.argmin(middle @ q))
    near, _ = closeness(q, asked, said, middle, must=[far])
    assert near[far] == numpy.float32(every_row(q, asked, said)[0][far])
    allowed = numpy.zeros(ENTRIES, dtype=bool)
    allowed[:10] = True
    scoped, _ = closeness(q, asked, said, middle, allowed=allowed)
    full = every_row(q, asked, said)[0]
    assert numpy.allclose(scoped[:10], full[:10], atol=1e-5)  # every entry in scope is read


def test_a_float16_store_is_read_as_it_would_be_in_float32():
    rng, (phrasings, by_entry), (sentences, spoken_by), middle = large(seed=3)
    q = unit(phrasings[5] + rng.normal(scale=0.05, size=WIDTH))
    halves = ((phrasings.astype(numpy.float16), by_entry), (sentences.astype(numpy.float16), spoken_by))
    rounded = ((phrasings.astype(numpy.float16).astype(numpy.float32), by_entry),
               (sentences.astype(numpy.float16).astype(numpy.float32), spoken_by))
    assert numpy.array_equal(closeness(q, *halves, middle)[0], closeness(q, *rounded, middle)[0])


def test_a_small_faq_is_read_row_by_row():
    rng = numpy.random.default_rng(5)
    owners = numpy.repeat(numpy.arange(30), 3)
    phrasings = unit(rng.normal(size=(90, WIDTH)))
    asked = said = (phrasings, Segments.of(owners, 30))
    q = unit(rng.normal(size=WIDTH))
    near, _ = closeness(q, asked, said, numpy.zeros((30, WIDTH), dtype=numpy.float32))  # centres never used
    assert numpy.allclose(near, every_row(q, asked, said)[0])
