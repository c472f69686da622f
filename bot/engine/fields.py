"""How much of a question's words each entry's text holds: BM25 over one field (all an entry's phrasings, or
its answer), scaled by the score a text holding every word would get, so that 1.0 means "all of them,
often" whatever the question's length or the FAQ's size. The semantic stage ranks with it beside the
encoder's cosines: a FAQ with two phrasings an entry says most of its words in its answers, which the
lexical stage does not read.

The postings are flat arrays (a term's entries and weights between two offsets), so that a large FAQ keeps
them in a few arrays and a cached start reads them back without analysing any text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy

from bot.engine.matcher import idf
from bot.engine.text import terms

K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Field:
    vocabulary: dict[str, int]  # term -> its postings' number
    offsets: numpy.ndarray  # postings of term t: entries[offsets[t]:offsets[t + 1]]
    entries: numpy.ndarray
    weights: numpy.ndarray  # BM25's idf x saturated term frequency, per (term, entry)
    idf: numpy.ndarray  # per term
    size: int  # entries in the FAQ

    @classmethod
    def of(cls, texts: Sequence[str]) -> Field:
        """One text per entry."""
        vocabulary: dict[str, int] = {}
        held, entries, counts, lengths = [], [], [], numpy.zeros(len(texts))
        for entry, text in enumerate(texts):
            counted = Counter(terms(text))
            lengths[entry] = sum(counted.values())
            for term, count in counted.items():
                held.append(vocabulary.setdefault(term, len(vocabulary)))
                entries.append(entry)
                counts.append(count)
        held_by, by_entry, count = (numpy.asarray(a, dtype=numpy.int64) for a in (held, entries, counts))
        holding = numpy.bincount(held_by, minlength=len(vocabulary))
        rarity = numpy.log1p((len(texts) - holding + 0.5) / (holding + 0.5))  # idf() for every term at once
        norm = K1 * (1 - B + B * lengths[by_entry] / max(float(lengths.mean()) if len(texts) else 0.0, 1e-9))
        weights = rarity[held_by] * count * (K1 + 1) / (count + norm)
        order = numpy.argsort(held_by, kind="stable")  # postings term by term, entries in order
        offsets = numpy.concatenate(([0], numpy.cumsum(holding))).astype(numpy.int64)
        return cls(vocabulary, offsets, by_entry[order].astype(numpy.int32), weights[order].astype(numpy.float32),
                   rarity, len(texts))

    def scores(self, question: str) -> numpy.ndarray:
        """Each entry's share of the best score this question could get, from 0.0 to 1.0."""
        return self.scores_of(frozenset(terms(question)))

    def scores_of(self, asked: frozenset[str]) -> numpy.ndarray:
        """`scores` of a question given as its terms, when several fields read the same question."""
        found = numpy.zeros(self.size)
        if not asked:
            return found
        unknown = idf(self.size, 0)
        best = 0.0
        for term in asked:
            i = self.vocabulary.get(term)
            if i is None:
                best += unknown
                continue
            best += self.idf[i]
            start, end = self.offsets[i], self.offsets[i + 1]
            found[self.entries[start:end]] += self.weights[start:end]  # a term holds each entry once
        return found / (best * (K1 + 1))

    def save(self, where: Path, name: str) -> None:
        # UTF-8, a line a term: a fixed-width array would give every term the longest one's width
        numpy.save(where / f"{name}-terms.npy", numpy.frombuffer("\n".join(self.vocabulary).encode(), dtype=numpy.uint8))
        for part in ("offsets", "entries", "weights", "idf"):
            numpy.save(where / f"{name}-{part}.npy", getattr(self, part))

    @classmethod
    def load(cls, where: Path, name: str, size: int) -> Field:
        """Raises OSError or ValueError when the files are missing or do not fit together."""
        text = numpy.load(where / f"{name}-terms.npy").tobytes().decode()
        vocabulary = {term: i for i, term in enumerate(text.split("\n"))} if text else {}
        parts = {part: numpy.load(where / f"{name}-{part}.npy") for part in ("offsets", "entries", "weights", "idf")}
        field = cls(vocabulary, size=size, **parts)
        if len(field.offsets) != len(vocabulary) + 1 or len(field.idf) != len(vocabulary) \
                or len(field.entries) != len(field.weights) or int(field.offsets[-1]) != len(field.entries) \
                or (len(field.entries) and int(field.entries.max()) >= size):
            raise ValueError(f"the stored field {name} does not fit this FAQ")
        return field
