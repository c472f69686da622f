"""The semantic stage: how close a question is to each entry in meaning, from a multilingual sentence
encoder, fused with the lexical signals into one calibrated probability.

The encoder (bot.engine.encoder) is loaded on first use and kept for the process. An entry is
as close as its closest phrasing; its answer counts as a weaker field. An everyday question closer to
the bundled background set (IT, HR, office, small talk, other products) than to any entry counts
against answering. The fused candidate is the entry with the best lexical score plus cosine; `Fusion`
turns its signals into the probability that it is the right answer (`python -m bench.fusion` fits it
on some eval sets and reports it on others).
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path

import numpy
import yaml

from bot.engine.encoder import (
    Encoder,
    SemanticUnavailable,
    encoder_version,
    shared_encoder,
)
from bot.engine.faq import Entry, Faq
from bot.engine.fields import Field
from bot.engine.matcher import Candidate
from bot.engine.nearest import Segments, centres, closeness, exact
from bot.engine.text import has_han, sentences

BACKGROUND = Path(__file__).parent / "data" / "background.yaml"
log = logging.getLogger(__name__)
PROGRESS_FROM, PROGRESS_STEP = 4000, 1000  # phrasings: about two seconds of embedding, and half a second
PARAPHRASE = 0.7  # a cosine this high between two questions: they ask the same thing


@dataclass(frozen=True)
class Ranker:
    """Which entry a question is about: a score per entry, linear in what the encoder and the words say of it,
    against one more rival, "none of these", scored from how close the question is to everyday questions.
    The scores' softmax is the first estimate that an entry is the one (`python -m bench.fusion` fits it)."""

    asked: float = 3.42  # cosine to the entry's closest phrasing
    said: float = 4.24  # ... to the closest sentence of its answer
    answer: float = 3.86  # ... to the whole answer
    centre: float = 7.56  # ... to the sum of its phrasings and sentences
    lexical: float = 4.33  # the lexical stage's score, for the part of the question the FAQ knows
    words_asked: float = 3.14  # share of the question's words in the entry's phrasings (BM25, bot.engine.fields)
    words_answer: float = 5.05  # ... in its answer
    # the FAQ's phrasings an entry (log): with twenty, the closest phrasing says more than with two
    asked_density: float = 1.25
    said_density: float = -0.46
    answer_density: float = -2.06
    centre_density: float = 1.93
    crosses: float = 0.18  # the entry has no phrasing in the question's language: cosines run lower
    crosses_cosine: float = 4.17
    none_everyday: float = 8.56  # "none of these": the closest everyday background question's cosine
    none_bias: float = 0.94
    none_density: float = 2.61

    def entry_weights(self) -> numpy.ndarray:
        return numpy.array([getattr(self, f.name) for f in fields(self)][:ENTRY_FEATURES])

    def none_weights(self) -> numpy.ndarray:
        return numpy.array([getattr(self, f.name) for f in fields(self)][ENTRY_FEATURES:])


ENTRY_FEATURES = 13  # Ranker's fields before the three of "none of these"
CROSSES = 11  # Ranker's field "crosses"


@dataclass(frozen=True)
class Fusion:
    """A logistic model over the ranked first entry's signals: how likely it is the right answer; and the
    probabilities that answer or suggest. The answer's bar rises with the FAQ's phrasings an entry: where
    each entry has many, the words have answered the easy questions before meaning is asked."""

    odds: float = 0.63
    lead: float = 0.20
    over_none: float = -0.01
    over_background: float = 2.01
    lexical_confidence: float = 0.11
    agree: float = 0.82
    density: float = -0.25
    crosses: float = 0.60
    bias: float = 0.06
    answer: float = 0.74  # answer when the lexical stage did not and the probability is this high ...
    answer_density: float = 0.02  # ... plus this much per unit of log(phrasings an entry)
    suggest: float = 0.60  # below this, nothing is worth a "did you mean"

    def probability(self, s: Signals) -> float:
        """Each signal times the weight of the same name, plus the bias."""
        z = self.bias + sum(getattr(self, f.name) * getattr(s, f.name) for f in fields(Signals))
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))

    def answer_at(self, density: float) -> float:
        """The probability that answers, in a FAQ of this log(phrasings an entry)."""
        return self.answer + self.answer_density * density


@dataclass(frozen=True)
class Signals:
    """What decides whether the Ranker's first entry answers."""

    odds: float  # log odds of the Ranker's softmax for it, "none of these" among the rivals
    lead: float  # its Ranker score over the next entry's (over none's, in a one-entry FAQ)
    over_none: float  # its Ranker score over none's
    over_background: float  # its cosine minus the closest everyday background question's
    lexical_confidence: float  # the lexical confidence, when the lexical best is this entry
    agree: float  # 1.0 when the lexical ranking puts it first too
    density: float  # log of the FAQ's phrasings per entry
    crosses: float  # 1.0 when it has no phrasing in the question's language

    def vector(self) -> list[float]:
        """The signals in field order, then 1.0 for the bias: what bench.fusion fits a Fusion on."""
        return [*astuple(self), 1.0]


@dataclass(frozen=True)
class Evidence:
    """What the stage knows of one question, entry by entry: the Ranker's inputs."""

    entries: numpy.ndarray  # (entries, ENTRY_FEATURES), in Ranker's field order
    none: numpy.ndarray  # "none of these": everyday cosine, 1.0, density
    allowed: numpy.ndarray | None
    cosine: numpy.ndarray  # closest phrasing or sentence
    asked: numpy.ndarray
    said: numpy.ndarray
    everyday: float
    density: float
    q: numpy.ndarray  # the question's unit vector

    def scores(self, ranker: Ranker) -> tuple[numpy.ndarray, float]:
        """Each entry's score (-inf outside `allowed`) and none's."""
        score = self.entries @ ranker.entry_weights()
        if self.allowed is not None:
            score = numpy.where(self.allowed, score, -numpy.inf)
        return score, float(self.none @ ranker.none_weights())


@dataclass(frozen=True)
class Embedded:
    """Unit vectors, row by row; phrasings and answer sentences are stored entry by entry."""

    owners: numpy.ndarray  # each phrasing's entry (its position in the FAQ)
    phrasings: numpy.ndarray
    answers: numpy.ndarray  # each entry's answer, whole, in its first language
    background: numpy.ndarray
    # An answer's sentences count as phrasings the FAQ did not write: a FAQ with two phrasings an
    # entry says most of what an entry is about in its answer ("cab" in "taxis and cabs are refunded")
    speakers: numpy.ndarray  # each answer sentence's entry
    sentences: numpy.ndarray
    centres: numpy.ndarray  # each entry's phrasings and sentences summed, unit length (bot.engine.nearest)
    words: tuple[Field, Field]  # the words of each entry's phrasings, and of its answer


_ARRAYS = tuple(f.name for f in fields(Embedded) if f.name != "words")
_OWNED = {"owners", "speakers"}


@dataclass(frozen=True)
class Fused:
    entry: int  # the candidate's position in the FAQ
    signals: Signals
    probability: float
    offered: tuple[int, ...]  # the best few by fused score, the candidate first
    phrasing: str  # the candidate's phrasing closest in meaning
    said: str | None = None  # the sentence of its answer, when one is closer than any phrasing
    inputs: dict[str, float] = field(default_factory=dict)  # what the Ranker read of it, by Ranker field


class SemanticStage:
    """Embeds the FAQ's phrasings and answers and the background set on first use (or warm_up). With
    `keep` (a directory of the index cache), the embeddings are stored there as float16 and read back,
    memory-mapped, by the next start over the same FAQ."""

    def __init__(self, faq: Faq, encoder: Callable[[], Encoder] = shared_encoder, *, ranker: Ranker = Ranker(),
                 fusion: Fusion = Fusion(), keep: Path | None = None, progress: Callable[[int, int], None] | None = None) -> None:
        self.faq = faq
        self._encoder = encoder  # loaded on first use, so that commands that never need it do not wait
        self.encoder: Encoder | None = None
        self.ranker = ranker
        self.fusion = fusion
        self.keep = keep
        self.progress = progress  # told (done, total) while a large FAQ is embedded
        self.failed: str | None = None  # why the encoder could not be used
        self._index: Embedded | None = None
        self._first: tuple[Segments, Segments] | None = None
        self._crosses: dict[str, numpy.ndarray] = {}
        self._building = threading.Lock()

    def warm_up(self) -> bool:
        """Loads the encoder and embeds the FAQ now; False (and one log line) when it cannot."""
        try:
            self._embedded()
        except SemanticUnavailable:
            return False
        return True

    def phrasing_vectors(self) -> tuple[numpy.ndarray, list[str], numpy.ndarray]:
        """Each phrasing's entry (its position in the FAQ), text and unit vector, in the order of
        `Entry.phrasings` entry by entry."""
        index = self._embedded()
        texts = [q for entry in self.faq.entries for _, q in entry.phrasings()]
        return index.owners, texts, numpy.asarray(index.phrasings, dtype=numpy.float32)

    def _embedded(self) -> Embedded:
        """Raises SemanticUnavailable, ever after, when the encoder cannot be loaded or run."""
        if self._index is None and self.failed is None:
            with self._building:
                if self._index is None and self.failed is None:
                    try:
                        self.encoder = self._encoder()
                        restored = self._restore()
                        if restored is not None:
                            self.encoder.encode(["warm up"])  # the encoder loads its weights on first use
                        self._index = restored or self._embed()
                    except (SemanticUnavailable, ImportError, OSError, ValueError, RuntimeError, MemoryError) as err:
                        self._give_up(str(err) or type(err).__name__)
        if self.failed is not None:
            raise SemanticUnavailable(self.failed)
        return self._index

    def _give_up(self, reason: str) -> None:
        """Meaning is off for this FAQ from now on (a reload tries again); said once."""
        self.failed = reason
        log.warning("semantic matching is off, words alone answer: %s. Reload the FAQ or restart to try again, "
                    "or set matching.semantic to off", reason)
        raise SemanticUnavailable(reason)

    def _embed(self) -> Embedded:
        if bare := _without_phrasings(self.faq):  # a FAQ built in code may hold one
            raise ValueError(bare)
        owners, texts, speakers, said = [], [], [], []
        for position, entry in enumerate(self.faq.entries):
            for _, question in entry.phrasings():
                owners.append(position)
                texts.append(question)
            lines = _said(entry)
            speakers += [position] * len(lines)
            said += lines
        everyday = yaml.safe_load(BACKGROUND.read_text(encoding="utf-8"))
        whole = [next(iter(e.answer.values())) for e in self.faq.entries]
        vectors = self._encode_all(texts + said + whole)
        phrasings, spoken, answers = numpy.split(vectors, [len(texts), len(texts) + len(said)])
        background = self.encoder.encode([q for questions in everyday.values() for q in questions])
        # An everyday question this FAQ itself answers (an HR FAQ's "how many vacation days")
        # is no "none of these": only the rest of the background counts against an entry.
        if len(phrasings):
            background = background[(background @ phrasings.T).max(axis=1) < PARAPHRASE]
        # Rounded to float16 as the cache keeps them, so that a cached start answers exactly as this one
        phrasings, answers, background, spoken = (a.astype(numpy.float16).astype(numpy.float32)
                                                  for a in (phrasings, answers, background, spoken))
        owners, speakers = numpy.asarray(owners, dtype=numpy.int32), numpy.asarray(speakers, dtype=numpy.int32)
        entries = len(self.faq.entries)
        middle = centres([(phrasings, Segments.of(owners, entries)), (spoken, Segments.of(speakers, entries))],
                         entries, phrasings.shape[1]).astype(numpy.float16).astype(numpy.float32)
        if not exact(len(phrasings) + len(spoken)):  # read a few rows a question: half the memory
            phrasings, spoken = phrasings.astype(numpy.float16), spoken.astype(numpy.float16)
        index = Embedded(owners, phrasings, answers, background, speakers, spoken, middle, _words(self.faq))
        self._save(index)
        return index

    def _encode_all(self, texts: list[str]) -> numpy.ndarray:
        """Each text once, however often the FAQ repeats it (a sentence many answers end with)."""
        position = {text: i for i, text in enumerate(dict.fromkeys(texts))}
        unique = list(position)
        if self.progress is None or len(unique) < PROGRESS_FROM:
            vectors = self.encoder.encode(unique)
        else:
            parts = []
            for start in range(0, len(unique), PROGRESS_STEP):
                parts.append(self.encoder.encode(unique[start : start + PROGRESS_STEP]))
                try:
                    self.progress(min(start + PROGRESS_STEP, len(unique)), len(unique))
                except Exception:  # a terminal gone away must not turn meaning off
                    pass
            vectors = numpy.concatenate(parts)
        return vectors[[position[text] for text in texts]] if len(unique) < len(texts) else vectors

    def _stored(self) -> Path | None:
        return None if self.keep is None else self.keep / f"semantic-{encoder_version()}"

    def _save(self, index: Embedded) -> None:
        where = self._stored()
        if where is None or not where.parent.is_dir():
            return
        try:
            staging = Path(tempfile.mkdtemp(prefix=".semantic-", dir=where.parent))
        except OSError:
            return
        try:
            for name in _ARRAYS:
                array = getattr(index, name)
                numpy.save(staging / f"{name}.npy", array if name in _OWNED else array.astype(numpy.float16))
            for name, words in zip(_WORDS, index.words):
                words.save(staging, name)
            shutil.rmtree(where, ignore_errors=True)
            os.replace(staging, where)
        except OSError:
            pass  # a read-only or full disk: the next start embeds again
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _restore(self) -> Embedded | None:
        where = self._stored()
        if where is None:
            return None
        entries = len(self.faq.entries)
        try:
            stored = {name: numpy.load(where / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
            words = tuple(Field.load(where, name, entries) for name in _WORDS)
        except (OSError, ValueError):
            return None
        if (len(stored["owners"]) != len(stored["phrasings"]) or len(stored["speakers"]) != len(stored["sentences"])
                or len(stored["answers"]) != len(self.faq.entries) or len(stored["centres"]) != len(self.faq.entries)):
            return None
        # float32 once, in memory, for what every question reads whole: a float16 product would be converted
        # again each time. A large FAQ's rows stay memory-mapped float16: a question reads a few of them.
        rows = exact(len(stored["phrasings"]) + len(stored["sentences"]))
        return Embedded(**{name: array if name in ("phrasings", "sentences") and not rows
                           else numpy.asarray(array, dtype=numpy.int32 if name in _OWNED else numpy.float32)
                           for name, array in stored.items()}, words=words)

    def _starts(self, index: Embedded, entries: int) -> tuple[Segments, Segments]:
        """Where each entry's phrasings are, and its answer sentences (both are stored entry by entry)."""
        if self._first is None or len(self._first[0].first) != entries:
            if len(numpy.unique(index.owners)) != entries:  # a FAQ built in code may hold an entry with no phrasing
                self._give_up(_without_phrasings(self.faq) or "every entry needs at least one phrasing")
            self._first = (Segments.of(index.owners, entries), Segments.of(index.speakers, entries))
        return self._first

    def evidence(self, question: str, candidates: list[Candidate], allowed: numpy.ndarray | None = None) -> Evidence:
        """What the encoder and the words say of each entry for `question`, given the lexical candidates."""
        index = self._embedded()
        entries = self.faq.entries
        try:
            q = self.encoder.encode([question])[0].astype(numpy.float16).astype(numpy.float32)
        except (OSError, ValueError, RuntimeError, MemoryError) as err:
            self._give_up(f"the encoder failed on a question: {err}")
        asked_by, said_by = self._starts(index, len(entries))
        asked, said = closeness(q, (index.phrasings, asked_by), (index.sentences, said_by), index.centres,
                                must=(self.faq.position(c.entry.id) for c in candidates), allowed=allowed)
        asked, said = asked.astype(numpy.float64), said.astype(numpy.float64)
        by_answer, centre = (index.answers @ q).astype(numpy.float64), (index.centres @ q).astype(numpy.float64)
        lexical = numpy.zeros(len(entries))
        for c in candidates:
            # the words' score speaks for the part of the question the FAQ knows ("pricing" of
            # "kubernetes pricing"), not for the rest
            lexical[self.faq.position(c.entry.id)] = c.score * (1.0 - c.signals.unknown)
        words_asked, words_answer = (field.scores(question) for field in index.words)
        density = _density(len(index.owners), len(entries))
        lang = "zh" if has_han(question) else "en"
        crosses = self._crosses.get(lang)
        if crosses is None:  # entries with no phrasing in the question's language
            crosses = self._crosses[lang] = numpy.fromiter((lang not in e.questions for e in entries),
                                                           dtype=numpy.float64, count=len(entries))
        cosine = numpy.maximum(asked, said)
        everyday = float((index.background @ q).max(initial=-1.0))
        features = numpy.stack([asked, said, by_answer, centre, lexical, words_asked, words_answer, asked * density,
                                said * density, by_answer * density, centre * density, crosses, crosses * cosine], axis=1)
        return Evidence(features, numpy.array([everyday, 1.0, density]), allowed, cosine, asked, said, everyday,
                        density, q)

    def fuse(self, question: str, candidates: list[Candidate], confidence: float,
             allowed: numpy.ndarray | None = None, *, offer: int = 3) -> Fused | None:
        """The fused candidate for `question`, given the lexical candidates (best first) and confidence.
        `allowed`: a mask of the entries a scoped channel may answer."""
        if not self.faq.entries:
            return None
        evidence = self.evidence(question, candidates, allowed)
        lexical_best = self.faq.position(candidates[0].entry.id) if candidates else -1
        judged = judge(evidence, self.ranker, self.fusion, lexical_best=lexical_best, confidence=confidence, offer=offer)
        if judged is None:
            return None
        best, signals, probability, offered = judged
        index = self._embedded()
        asked_by, said_by = self._starts(index, len(self.faq.entries))
        entry, q = self.faq.entries[best], evidence.q
        phrasing = entry.phrasings()[asked_by.closest(index.phrasings, best, q)][1]
        said = _said(entry)[said_by.closest(index.sentences, best, q)] if evidence.said[best] > evidence.asked[best] else None
        inputs = dict(zip((f.name for f in fields(Ranker)), map(float, evidence.entries[best])))
        return Fused(best, signals, probability, offered, phrasing, said, inputs)

    def answer_at(self) -> float:
        """The probability at which this FAQ's fused candidate answers."""
        index = self._embedded()
        return self.fusion.answer_at(_density(len(index.owners), len(self.faq.entries)))


def judge(evidence: Evidence, ranker: Ranker, fusion: Fusion, *, lexical_best: int, confidence: float,
          offer: int = 3) -> tuple[int, Signals, float, tuple[int, ...]] | None:
    """The Ranker's first entry, its signals and the Fusion's probability that it is right, and the
    best few to offer; None when no entry may answer."""
    score, none = evidence.scores(ranker)
    order = _best_first(score, max(offer, 2))
    best = int(order[0])
    if not numpy.isfinite(score[best]):
        return None
    top = max(float(score[best]), none)
    finite = score[numpy.isfinite(score)]
    share = math.exp(score[best] - top) / (float(numpy.exp(finite - top).sum()) + math.exp(none - top))
    share = min(max(share, 1e-9), 1 - 1e-9)
    runner = float(score[order[1]]) if len(order) > 1 and numpy.isfinite(score[order[1]]) else none
    signals = Signals(
        odds=math.log(share) - math.log1p(-share),
        lead=float(score[best]) - runner,
        over_none=float(score[best]) - none,
        over_background=float(evidence.cosine[best]) - evidence.everyday,
        lexical_confidence=confidence if lexical_best == best else 0.0,
        agree=float(lexical_best == best),
        density=evidence.density,
        crosses=float(evidence.entries[best][CROSSES]),
    )
    offered = tuple(int(i) for i in order[:offer] if numpy.isfinite(score[i]))
    return best, signals, fusion.probability(signals), offered


def _without_phrasings(faq: Faq) -> str:
    """Which entries have no phrasing to embed, and what to do; "" when every entry has one."""
    bare = [e.id for e in faq.entries if not e.phrasings()]
    return f"entries without a phrasing: {', '.join(bare[:5])}{'…' if len(bare) > 5 else ''}: give each at least one" if bare else ""


# log(phrasings an entry) of the FAQs the models were fitted on (bench.fusion): from one or two phrasings
# an entry to about forty. A FAQ outside it is read as the nearest end: a linear model extrapolated to a
# FAQ with one phrasing an entry grows eager exactly where the encoder knows least.
FITTED_DENSITY = (0.53, 3.61)


def _density(phrasings: int, entries: int) -> float:
    low, high = FITTED_DENSITY
    return min(max(math.log(max(phrasings, 1) / max(entries, 1)), low), high)


_WORDS = ("words-asked", "words-answer")


def _words(faq: Faq) -> tuple[Field, Field]:
    return (Field.of([" ".join(q for _, q in e.phrasings()) for e in faq.entries]),
            Field.of([" ".join(e.answer.values()) for e in faq.entries]))


def _said(entry: Entry) -> list[str]:
    """The answer's sentences, in every language it has; at least one, so that each entry's rows can be found
    by where they start."""
    return [line for answer in entry.answer.values() for line in sentences(answer)] or [entry.phrasings()[-1][1]]


def _best_first(scores: numpy.ndarray, count: int) -> numpy.ndarray:
    """The positions of the `count` highest scores, highest first (the lower position first on a tie)."""
    if len(scores) > count:
        cut = scores[numpy.argpartition(-scores, count - 1)[count - 1]]
        top = numpy.flatnonzero(scores >= cut)  # every score tied at the cut, so that the lower position wins
    else:
        top = numpy.arange(len(scores))
    return top[numpy.lexsort((top, -scores[top]))][:count]
