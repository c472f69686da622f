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
from dataclasses import astuple, dataclass, fields
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
from bot.engine.matcher import Candidate
from bot.engine.nearest import Segments, centres, closeness, exact
from bot.engine.text import has_han, sentences

BACKGROUND = Path(__file__).parent / "data" / "background.yaml"
log = logging.getLogger(__name__)
PROGRESS_FROM, PROGRESS_STEP = 4000, 1000  # phrasings: about two seconds of embedding, and half a second
PARAPHRASE = 0.7  # a cosine this high between two questions: they ask the same thing


@dataclass(frozen=True)
class Fusion:
    """A logistic model over the fused candidate's signals, and the probabilities that answer or suggest."""

    lexical_confidence: float = 1.50
    lexical_score: float = 0.59
    unknown: float = 0.31
    evidence: float = 1.59
    cosine: float = -0.07
    answer_cosine: float = 2.72
    cosine_lead: float = 2.16
    fused_lead: float = 3.44
    over_background: float = 3.98
    agree: float = 0.71
    answer_first: float = 1.01
    density: float = -0.60
    crosses: float = 1.25
    bias: float = -1.72
    answer: float = 0.85  # answer when the lexical stage did not and the probability is this high
    suggest: float = 0.55  # below this, nothing is worth a "did you mean"

    def probability(self, s: Signals) -> float:
        """Each signal times the weight of the same name, plus the bias."""
        z = self.bias + sum(getattr(self, f.name) * getattr(s, f.name) for f in fields(Signals))
        return 1 / (1 + math.exp(-z))


@dataclass(frozen=True)
class Signals:
    lexical_confidence: float  # the lexical confidence, when the lexical best is the fused candidate
    lexical_score: float
    unknown: float  # share of the question's weight the FAQ has never seen
    evidence: float
    cosine: float  # to the candidate's closest phrasing
    answer_cosine: float
    cosine_lead: float  # over the next entry's cosine
    fused_lead: float  # over the next entry's fused score
    over_background: float  # cosine minus the closest everyday background question's
    agree: float  # 1.0 when the lexical and the semantic ranking both put the candidate first
    answer_first: float  # 1.0 when no other entry's answer is closer to the question
    # log of the FAQ's phrasings per entry: a FAQ with two phrasings an entry leaves a right question
    # further from its entry than one with twenty, so the same cosine means more there
    density: float
    crosses: float  # 1.0 when the candidate has no phrasing in the question's language: cosines run lower

    def vector(self) -> list[float]:
        """The signals in field order, then 1.0 for the bias: what bench.fusion fits a Fusion on."""
        return [*astuple(self), 1.0]


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


_ARRAYS = tuple(f.name for f in fields(Embedded))
_OWNED = {"owners", "speakers"}


@dataclass(frozen=True)
class Fused:
    entry: int  # the candidate's position in the FAQ
    signals: Signals
    probability: float
    offered: tuple[int, ...]  # the best few by fused score, the candidate first
    phrasing: str  # the candidate's phrasing closest in meaning
    said: str | None = None  # the sentence of its answer, when one is closer than any phrasing


class SemanticStage:
    """Embeds the FAQ's phrasings and answers and the background set on first use (or warm_up). With
    `keep` (a directory of the index cache), the embeddings are stored there as float16 and read back,
    memory-mapped, by the next start over the same FAQ."""

    def __init__(self, faq: Faq, encoder: Callable[[], Encoder] = shared_encoder, *, fusion: Fusion = Fusion(),
                 keep: Path | None = None, progress: Callable[[int, int], None] | None = None) -> None:
        self.faq = faq
        self._encoder = encoder  # loaded on first use, so that commands that never need it do not wait
        self.encoder: Encoder | None = None
        self.fusion = fusion
        self.keep = keep
        self.progress = progress  # told (done, total) while a large FAQ is embedded
        self.failed: str | None = None  # why the encoder could not be used
        self._index: Embedded | None = None
        self._first: tuple[Segments, Segments] | None = None
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
        index = Embedded(owners, phrasings, answers, background, speakers, spoken, middle)
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
        try:
            stored = {name: numpy.load(where / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
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
                           for name, array in stored.items()})

    def _starts(self, index: Embedded, entries: int) -> tuple[Segments, Segments]:
        """Where each entry's phrasings are, and its answer sentences (both are stored entry by entry)."""
        if self._first is None or len(self._first[0].first) != entries:
            if len(numpy.unique(index.owners)) != entries:  # a FAQ built in code may hold an entry with no phrasing
                self._give_up(_without_phrasings(self.faq) or "every entry needs at least one phrasing")
            self._first = (Segments.of(index.owners, entries), Segments.of(index.speakers, entries))
        return self._first

    def fuse(self, question: str, candidates: list[Candidate], confidence: float,
             allowed: numpy.ndarray | None = None, *, offer: int = 3) -> Fused | None:
        """The fused candidate for `question`, given the lexical candidates (best first) and confidence.
        `allowed`: a mask of the entries a scoped channel may answer."""
        index = self._embedded()
        entries = self.faq.entries
        if not len(entries):
            return None
        try:
            q = self.encoder.encode([question])[0].astype(numpy.float16).astype(numpy.float32)
        except (OSError, ValueError, RuntimeError, MemoryError) as err:
            self._give_up(f"the encoder failed on a question: {err}")
        by_answer = index.answers @ q
        asked_by, said_by = self._starts(index, len(entries))
        asked, by_sentence = closeness(q, (index.phrasings, asked_by), (index.sentences, said_by), index.centres,
                                       must=(self.faq.position(c.entry.id) for c in candidates), allowed=allowed)
        cosine = numpy.maximum(asked, by_sentence).astype(numpy.float64)
        lexical = numpy.zeros(len(entries))
        for c in candidates:
            # the words' score speaks for the part of the question the FAQ knows ("pricing" of
            # "kubernetes pricing"), not for the rest
            lexical[self.faq.position(c.entry.id)] = c.score * (1.0 - c.signals.unknown)
        fused = lexical + cosine
        if allowed is not None:
            fused = numpy.where(allowed, fused, -numpy.inf)
            cosine = numpy.where(allowed, cosine, -1.0)
            by_answer = numpy.where(allowed, by_answer, -1.0)
        order = _best_first(fused, max(offer, 2))
        best = int(order[0])
        if not numpy.isfinite(fused[best]):
            return None
        semantic_best = int(numpy.argmax(cosine))
        lexical_best = self.faq.position(candidates[0].entry.id) if candidates else -1
        chosen = next((c.signals for c in candidates if self.faq.position(c.entry.id) == best), None)
        # The everyday background is one more rival: "none of these" (and the only one in a one-entry FAQ).
        everyday = float((index.background @ q).max(initial=-1.0))
        runner_cosine = max((cosine[i] for i in _best_first(cosine, 2) if i != best), default=-1.0)
        runner_fused = fused[order[1]] if len(order) > 1 and numpy.isfinite(fused[order[1]]) else -1.0
        runner_cosine, runner_fused = max(runner_cosine, everyday), max(runner_fused, everyday)
        signals = Signals(
            lexical_confidence=confidence if lexical_best == best else 0.0,
            lexical_score=float(lexical[best]),
            unknown=candidates[0].signals.unknown if candidates else 1.0,
            evidence=chosen.evidence if chosen else 0.0,
            cosine=float(cosine[best]),
            answer_cosine=float(by_answer[best]),
            cosine_lead=float(cosine[best] - runner_cosine),
            fused_lead=float(fused[best] - runner_fused),
            over_background=float(cosine[best] - everyday),
            agree=float(lexical_best == best == semantic_best),
            answer_first=float(int(numpy.argmax(by_answer)) == best),
            density=math.log(len(index.owners) / len(entries)),
            crosses=float(("zh" if has_han(question) else "en") not in entries[best].questions),
        )
        phrasing = entries[best].phrasings()[asked_by.closest(index.phrasings, best, q)][1]
        said = _said(entries[best])[said_by.closest(index.sentences, best, q)] if by_sentence[best] > asked[best] else None
        offered = tuple(int(i) for i in order[:offer] if numpy.isfinite(fused[i]))
        return Fused(best, signals, self.fusion.probability(signals), offered, phrasing, said)


def _without_phrasings(faq: Faq) -> str:
    """Which entries have no phrasing to embed, and what to do; "" when every entry has one."""
    bare = [e.id for e in faq.entries if not e.phrasings()]
    return f"entries without a phrasing: {', '.join(bare[:5])}{'…' if len(bare) > 5 else ''}: give each at least one" if bare else ""


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
