"""What tells a FAQ's entries apart, read from the FAQ alone.

The texts of one entry (its phrasings, in either language, and its answer) differ from each other in ways
that say nothing about which entry a question is about: how a question is worded, which language it is in,
a question against a statement. The map shrinks the directions of the encoder's space in which they
differ, and so weighs more the directions in which entries differ: it is the inverse square root of the
scatter of the entries' texts about their own entry's mean, with the identity added (SHRINK) so that a
direction no entry varies in keeps its weight. Nothing in it is fitted on questions: it is computed when
the FAQ is embedded, from that FAQ's texts, and a FAQ whose entries each have one text gets the identity.
"""

from __future__ import annotations

import numpy

# The identity added to the scatter, as a share of its mean variance: 0.3 to 3 read alike (bench.fusion); the
# smaller, the more a FAQ with few phrasings an entry is read by the few directions its phrasings happen to differ in
SHRINK = 1.0


def contrast_map(vectors: numpy.ndarray, owners: numpy.ndarray, *, shrink: float = SHRINK) -> numpy.ndarray:
    """A symmetric (width, width) matrix for `read`; `vectors`: unit rows, `owners`: each row's entry."""
    width = vectors.shape[1]
    owners = numpy.asarray(owners)
    if not len(owners):
        return numpy.eye(width, dtype=numpy.float32)
    _, group, counts = numpy.unique(owners, return_inverse=True, return_counts=True)
    rows = numpy.asarray(vectors, dtype=numpy.float64)
    means = numpy.zeros((len(counts), width))
    numpy.add.at(means, group, rows)
    means /= counts[:, None]
    shared = counts[group] > 1  # an entry with one text says nothing of how its texts differ
    if not shared.any():
        return numpy.eye(width, dtype=numpy.float32)
    spread = rows[shared] - means[group[shared]]
    scatter = spread.T @ spread / len(spread)
    scatter += shrink * numpy.trace(scatter) / width * numpy.eye(width)
    variances, axes = numpy.linalg.eigh(scatter)
    # scaled so that an average direction keeps its length: the map is stored as float16 beside the vectors
    return ((axes * (variances / variances.mean()) ** -0.5) @ axes.T).astype(numpy.float32)


def read(vectors: numpy.ndarray, contrast: numpy.ndarray) -> numpy.ndarray:
    """Unit rows mapped, then made unit again."""
    mapped = numpy.asarray(vectors, dtype=numpy.float32) @ contrast
    return mapped / numpy.maximum(numpy.linalg.norm(mapped, axis=-1, keepdims=True), 1e-12)


def unread(vectors: numpy.ndarray, contrast: numpy.ndarray) -> numpy.ndarray:
    """The encoder's own unit rows back from mapped ones (the map is invertible: the identity is in it)."""
    raw = numpy.linalg.solve(contrast.astype(numpy.float64), numpy.asarray(vectors, dtype=numpy.float64).T).T
    return (raw / numpy.maximum(numpy.linalg.norm(raw, axis=-1, keepdims=True), 1e-12)).astype(numpy.float32)
