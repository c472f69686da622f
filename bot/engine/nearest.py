"""How close a question is to each entry in meaning: its closest phrasing, and its closest answer sentence.

A FAQ of up to EXACT_ROWS phrasings and sentences is read row by row for every question. A larger one
would read most of a gigabyte a second under load (10,000 entries are about 80,000 rows of 512 numbers),
so each entry also has a centre (the normalised sum of its rows): the question is compared with every
centre, and only the POOL entries with the closest centres, and the words' candidates, are read row by
row, from float16 rows that stay on disk (memory-mapped) until a question needs them. The others keep
their centre's cosine; the semantic stage ranks only the entries read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy

EXACT_ROWS = 20_000
POOL = 64


@dataclass(frozen=True)
class Segments:
    """Where each entry's rows begin and end, in rows stored entry by entry."""

    first: numpy.ndarray
    end: numpy.ndarray

    @classmethod
    def of(cls, owners: numpy.ndarray, entries: int) -> Segments:
        first = numpy.searchsorted(owners, numpy.arange(entries))
        return cls(first, numpy.append(first[1:], len(owners)))

    def rows(self, pool: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The rows of the `pool` entries, one after the other, and where each entry's begin among them."""
        lengths = self.end[pool] - self.first[pool]
        starts = numpy.concatenate(([0], numpy.cumsum(lengths)[:-1]))
        return numpy.repeat(self.first[pool] - starts, lengths) + numpy.arange(int(lengths.sum())), starts

    def closest(self, rows: numpy.ndarray, entry: int, q: numpy.ndarray) -> int:
        """The position, within `entry`'s own rows, of the one closest to `q`."""
        return int(numpy.argmax(numpy.asarray(rows[self.first[entry] : self.end[entry]], dtype=numpy.float32) @ q))


def centres(parts: Iterable[tuple[numpy.ndarray, Segments]], entries: int, width: int) -> numpy.ndarray:
    """Each entry's rows (phrasings and sentences alike) summed, then scaled to unit length."""
    total = numpy.zeros((entries, width), dtype=numpy.float32)
    for vectors, segments in parts:
        if len(vectors):
            total += numpy.add.reduceat(numpy.asarray(vectors, dtype=numpy.float32), segments.first, axis=0)
    total /= numpy.maximum(numpy.linalg.norm(total, axis=1, keepdims=True), 1e-6)
    return total


def exact(rows: int) -> bool:
    """Whether a FAQ of this many phrasings and answer sentences is read row by row for every question."""
    return rows <= EXACT_ROWS


def pool(coarse: numpy.ndarray, *, must: Iterable[int] = (), allowed: numpy.ndarray | None = None,
         size: int = POOL) -> numpy.ndarray:
    """The entries a large FAQ reads row by row, given each entry's centre cosine (`coarse`): the `size`
    closest, and `must`."""
    ranked = coarse if allowed is None else numpy.where(allowed, coarse, -numpy.inf)
    return numpy.union1d(numpy.argpartition(-ranked, min(size, len(ranked)) - 1)[:size],
                         numpy.fromiter(must, dtype=numpy.int64))


def closeness(q: numpy.ndarray, asked: tuple[numpy.ndarray, Segments], said: tuple[numpy.ndarray, Segments],
              centre: numpy.ndarray, *, must: Iterable[int] = (), allowed: numpy.ndarray | None = None,
              coarse: numpy.ndarray | None = None, read: numpy.ndarray | None = None) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Each entry's cosine to its closest phrasing and to its closest answer sentence. `must`: entries read row
    by row whatever their centre (the words' candidates); `allowed`: the only entries worth reading. `coarse`
    and `read`: the centres' cosines and the pool, when the caller has them already."""
    (phrasings, by_entry), (sentences, spoken_by) = asked, said
    if exact(len(phrasings) + len(sentences)):
        return (numpy.maximum.reduceat(numpy.asarray(phrasings) @ q, by_entry.first),
                numpy.maximum.reduceat(numpy.asarray(sentences) @ q, spoken_by.first))
    coarse = centre @ q if coarse is None else coarse
    read = pool(coarse, must=must, allowed=allowed) if read is None else read
    found = []
    for vectors, segments in ((phrasings, by_entry), (sentences, spoken_by)):
        cosine = coarse.copy()
        rows, starts = segments.rows(read)
        cosine[read] = numpy.maximum.reduceat(numpy.asarray(vectors[rows], dtype=numpy.float32) @ q, starts)
        found.append(cosine)
    return found[0], found[1]
