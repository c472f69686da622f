"""The semantic stage's two fitted models (`python -m bench.fusion` fits them, leave one set out).

The Ranker scores every entry the stage read, linear in what the encoder and the words say of it, against
one more rival, "none of these", scored from the question's closeness to everyday questions; the scores'
softmax over the best RIVALS and none is its odds that an entry is the one. The Fusion turns the first
entry's standing into the probability that it is the right answer.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass, fields

import numpy

# log(phrasings an entry) of the FAQs the models were fitted on: from one or two phrasings an entry to about
# forty. A FAQ outside it is read as the nearest end: a linear model extrapolated to a FAQ with one phrasing
# an entry grows eager exactly where the encoder knows least.
FITTED_DENSITY = (0.53, 3.61)
# The FAQs the models were fitted on have about thirty entries: in a larger one, the first entry's odds are
# taken against its thirty-two closest rivals and none, so that a thousand unrelated entries do not dilute them
RIVALS = 32
# An entry the Ranker gives less than this share of the first entry's odds is not offered beside it: on the fitting
# sets, a did-you-mean offers 2.6 entries instead of 3, and leaves the right one out once in 251 (bench.fusion)
OFFERED_SHARE = 0.05


@dataclass(frozen=True)
class Ranker:
    asked: float = 3.88  # cosine to the entry's closest phrasing
    said: float = 4.26  # ... to the closest sentence of its answer
    answer: float = 3.61  # ... to the whole answer
    centre: float = 5.59  # ... to the sum of its phrasings and sentences
    lexical: float = 2.98  # the lexical stage's score, for the part of the question the FAQ knows
    words_asked: float = 1.11  # share of the question's words in the entry's phrasings (BM25, bot.engine.fields)
    words_answer: float = 4.83  # ... in its answer
    # the same cosines times log(phrasings an entry): with forty, the closest phrasing says a lot; with two,
    # the centre and the answer say more
    asked_density: float = 1.88
    said_density: float = -0.35
    answer_density: float = -0.90
    centre_density: float = 3.82
    crosses: float = 0.73  # the entry has no phrasing in the question's language: cosines run lower
    crosses_cosine: float = 3.61
    none_everyday: float = 8.69  # "none of these": the closest everyday background question's cosine
    none_bias: float = 1.41
    none_density: float = 2.81

    def weights(self, names: tuple[str, ...]) -> numpy.ndarray:
        return numpy.array([getattr(self, name) for name in names])


ENTRY_FIELDS = tuple(f.name for f in fields(Ranker) if not f.name.startswith("none_"))
# Each says on its own which entry the question is about; an entry most of them put first is seldom wrong
VIEWS = ("asked", "said", "answer", "centre", "lexical", "words_asked", "words_answer")
NONE_FIELDS = tuple(f.name for f in fields(Ranker) if f.name.startswith("none_"))


@dataclass(frozen=True)
class Signals:
    """What decides whether the Ranker's first entry answers."""

    odds: float  # log odds of the Ranker's softmax for it, among its closest rivals and none
    lead: float  # its Ranker score over the next entry's (over none's, in a one-entry FAQ)
    over_none: float  # its Ranker score over none's
    over_background: float  # its cosine minus the closest everyday background question's
    lexical_confidence: float  # the lexical confidence, when the lexical best is this entry
    agree: float  # 1.0 when the lexical ranking puts it first too
    votes: float  # share of the Ranker's views of an entry (VIEWS) that put it first on their own
    density: float  # log of the FAQ's phrasings per entry
    crosses: float  # 1.0 when it has no phrasing in the question's language

    def vector(self) -> list[float]:
        """The signals in field order, then 1.0 for the bias: what bench.fusion fits a Fusion on."""
        return [*astuple(self), 1.0]


@dataclass(frozen=True)
class Fusion:
    """A logistic model over the Signals; and the probabilities that answer or suggest."""

    odds: float = 0.85
    lead: float = -0.13
    over_none: float = -0.06
    over_background: float = 2.49
    lexical_confidence: float = -0.16
    agree: float = 0.88
    votes: float = 0.85
    density: float = -0.12
    crosses: float = 0.62
    bias: float = 0.06
    answer: float = 0.69  # answer when the probability is this high...
    words: float = 0.85  # ...unless the words answer alone: their confidence this high, or a phrasing asked as written
    suggest: float = 0.40  # below this, nothing is worth a "did you mean"

    def probability(self, s: Signals) -> float:
        """Each signal times the weight of the same name, plus the bias."""
        z = self.bias + sum(getattr(self, f.name) * getattr(s, f.name) for f in fields(Signals))
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class Evidence:
    """What the semantic stage knows of one question, entry by entry: the Ranker's inputs."""

    entries: numpy.ndarray  # (entries, ENTRY_FIELDS)
    none: numpy.ndarray  # NONE_FIELDS: everyday cosine, 1.0, density
    allowed: numpy.ndarray | None  # the entries that may be ranked; None: all of them
    q: numpy.ndarray  # the question's unit vector
    positions: numpy.ndarray | None = None  # each row's entry (its position in the FAQ); None: row i is entry i

    @classmethod
    def of(cls, *, asked: numpy.ndarray, said: numpy.ndarray, answer: numpy.ndarray, centre: numpy.ndarray,
           lexical: numpy.ndarray, words_asked: numpy.ndarray, words_answer: numpy.ndarray, crosses: numpy.ndarray,
           everyday: float, density: float, allowed: numpy.ndarray | None, q: numpy.ndarray,
           positions: numpy.ndarray | None = None) -> Evidence:
        """From each entry's cosines, words and crossing, a row an entry; `density` as read within FITTED_DENSITY."""
        columns = {"asked": asked, "said": said, "answer": answer, "centre": centre, "lexical": lexical,
                   "words_asked": words_asked, "words_answer": words_answer, "asked_density": asked * density,
                   "said_density": said * density, "answer_density": answer * density,
                   "centre_density": centre * density, "crosses": crosses,
                   "crosses_cosine": crosses * numpy.maximum(asked, said)}
        return cls(numpy.stack([columns[name] for name in ENTRY_FIELDS], axis=1),
                   numpy.array([{"none_everyday": everyday, "none_bias": 1.0, "none_density": density}[name]
                                for name in NONE_FIELDS]), allowed, q, positions)

    @property
    def everyday(self) -> float:
        """The closest everyday background question's cosine."""
        return float(self.none[NONE_FIELDS.index("none_everyday")])

    @property
    def density(self) -> float:
        return float(self.none[NONE_FIELDS.index("none_density")])

    def cosine(self, row: int) -> float:
        """To the entry's closest phrasing or answer sentence."""
        return float(max(self.column("asked")[row], self.column("said")[row]))

    def position(self, row: int) -> int:
        return row if self.positions is None else int(self.positions[row])

    def column(self, name: str) -> numpy.ndarray:
        return self.entries[:, ENTRY_FIELDS.index(name)]

    def votes(self, row: int) -> float:
        """The share of VIEWS in which `row` scores highest of the entries that may be ranked (ties count)."""
        views = self.entries[:, [ENTRY_FIELDS.index(name) for name in VIEWS]]
        if self.allowed is not None:
            views = numpy.where(self.allowed[:, None], views, -numpy.inf)
        return float(numpy.mean(views[row] >= views.max(axis=0)))

    def design(self) -> numpy.ndarray:
        """One row an entry, then none's, over ENTRY_FIELDS + NONE_FIELDS: what bench.fusion fits a Ranker on."""
        rows = numpy.zeros((len(self.entries) + 1, len(ENTRY_FIELDS) + len(NONE_FIELDS)))
        rows[:-1, : len(ENTRY_FIELDS)], rows[-1, len(ENTRY_FIELDS) :] = self.entries, self.none
        return rows

    def scores(self, ranker: Ranker) -> tuple[numpy.ndarray, float]:
        """Each entry's score (-inf where it may not be ranked) and none's."""
        score = self.entries @ ranker.weights(ENTRY_FIELDS)
        if self.allowed is not None:
            score = numpy.where(self.allowed, score, -numpy.inf)
        return score, float(self.none @ ranker.weights(NONE_FIELDS))


@dataclass(frozen=True)
class Judged:
    entry: int  # the Ranker's first entry (its position in the FAQ)
    row: int  # ... and its row in the Evidence
    signals: Signals
    probability: float
    offered: tuple[int, ...]  # the best few worth offering, first entry first
    ranked: tuple[int, ...]  # the best few, first entry first, whatever their odds


def judge(evidence: Evidence, ranker: Ranker, fusion: Fusion, *, lexical_best: int, confidence: float,
          offer: int = 3) -> Judged | None:
    """The Ranker's first entry, its signals and the Fusion's probability that it is right, and the best few
    to offer (those with at least OFFERED_SHARE of the first's odds); None when no entry may be ranked."""
    score, none = evidence.scores(ranker)
    order = best_first(score, max(offer, RIVALS))
    order = order[numpy.isfinite(score[order])]
    if not len(order):
        return None
    best, rivals = int(order[0]), score[order]
    entry = evidence.position(best)
    top = max(float(rivals[0]), none)
    share = math.exp(rivals[0] - top) / (float(numpy.exp(rivals - top).sum()) + math.exp(none - top))
    share = min(max(share, 1e-9), 1 - 1e-9)
    runner = float(rivals[1]) if len(rivals) > 1 else none
    signals = Signals(
        odds=math.log(share) - math.log1p(-share),
        lead=float(rivals[0]) - runner,
        over_none=float(rivals[0]) - none,
        over_background=evidence.cosine(best) - evidence.everyday,
        lexical_confidence=confidence if lexical_best == entry else 0.0,
        agree=float(lexical_best == entry),
        votes=evidence.votes(best),
        density=evidence.density,
        crosses=float(evidence.column("crosses")[best]),
    )
    offered = [int(i) for i in order[:offer] if score[i] - rivals[0] >= math.log(OFFERED_SHARE)]
    return Judged(entry, best, signals, fusion.probability(signals), tuple(evidence.position(i) for i in offered),
                  tuple(evidence.position(int(i)) for i in order[:offer]))


def density(phrasings: int, entries: int, *, within: bool = True) -> float:
    """log(phrasings an entry); `within`: read within FITTED_DENSITY."""
    raw = math.log(max(phrasings, 1) / max(entries, 1))
    low, high = FITTED_DENSITY
    return min(max(raw, low), high) if within else raw


def best_first(scores: numpy.ndarray, count: int) -> numpy.ndarray:
    """The positions of the `count` highest scores, highest first (the lower position first on a tie)."""
    if len(scores) > count:
        cut = scores[numpy.argpartition(-scores, count - 1)[count - 1]]
        top = numpy.flatnonzero(scores >= cut)  # every score tied at the cut, so that the lower position wins
    else:
        top = numpy.arange(len(scores))
    return top[numpy.lexsort((top, -scores[top]))][:count]
