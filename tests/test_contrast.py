import numpy
import pytest

from bot.engine.contrast import contrast_map, read, unread


def unit(*rows):
    rows = numpy.array(rows, dtype=numpy.float32)
    return rows / numpy.linalg.norm(rows, axis=1, keepdims=True)


def test_one_entrys_phrasings_come_closer_and_two_entries_move_apart():
    # both entries' phrasings differ along the third axis (how they are worded), the entries along the first two
    texts = unit([1, 0, 1, 0], [1, 0, -1, 0], [0, 1, 1, 0], [0, 1, -1, 0])
    mapped = read(texts, contrast_map(texts, numpy.array([0, 0, 1, 1])))
    before, after = texts @ texts.T, mapped @ mapped.T
    assert after[0, 1] > before[0, 1] + 0.3  # one entry's two wordings
    assert after[0, 2] < before[0, 2] - 0.2  # the two entries worded alike
    assert numpy.allclose(numpy.linalg.norm(mapped, axis=1), 1.0, atol=1e-5)


def test_a_faq_of_one_text_an_entry_is_read_as_the_encoder_gives_it():
    texts = unit([1, 0, 1], [0, 1, 1], [1, 1, 0])
    assert numpy.array_equal(contrast_map(texts, numpy.array([0, 1, 2])), numpy.eye(3, dtype=numpy.float32))
    assert numpy.array_equal(contrast_map(texts[:0], numpy.array([], dtype=int)), numpy.eye(3, dtype=numpy.float32))


def test_entries_need_not_be_stored_together():
    texts = unit([1, 0, 1, 0], [0, 1, 1, 0], [1, 0, -1, 0], [0, 1, -1, 0], [0, 0, 0, 1])
    apart = contrast_map(texts, numpy.array([0, 1, 0, 1, 2]))
    together = contrast_map(texts[[0, 2, 1, 3, 4]], numpy.array([0, 0, 1, 1, 2]))
    assert numpy.allclose(apart, together, atol=1e-6)
    assert numpy.allclose(apart, apart.T, atol=1e-6)


@pytest.mark.parametrize("shrink", [0.3, 1.0, 3.0])
def test_the_encoders_own_vectors_come_back(shrink):
    rng = numpy.random.default_rng(7)
    texts = unit(*rng.normal(size=(40, 16)))
    contrast = contrast_map(texts, numpy.repeat(numpy.arange(20), 2), shrink=shrink)
    assert numpy.allclose(unread(read(texts, contrast), contrast), texts, atol=1e-5)


def test_the_more_shrink_the_closer_to_the_encoders_reading():
    texts = unit([1, 0, 1, 0], [1, 0, -1, 0], [0, 1, 1, 0], [0, 1, -1, 0])
    owners = numpy.array([0, 0, 1, 1])
    moved = [numpy.abs(read(texts, contrast_map(texts, owners, shrink=s)) - texts).max() for s in (0.3, 3.0, 300.0)]
    assert moved[0] > moved[1] > moved[2] and moved[2] < 0.01
