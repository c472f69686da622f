"""The semantic stage: what a multilingual sentence encoder and the words of each entry's phrasings and
answer say of a question, turned by two fitted models (bot.engine.fusion) into the entry it is about and
the probability that it is right.

The encoder (bot.engine.encoder) is loaded on first use and kept for the process. Every phrasing, every
answer whole and sentence by sentence, and the bundled background set of everyday questions (IT, HR,
office, small talk, other products: "none of these") are embedded once and kept in the index cache. The FAQ's
own texts are read through its map (bot.engine.contrast), which weighs what tells its entries apart over what
tells one entry's phrasings apart, and so is a question when it is compared with them; the everyday questions
and the not_questions are compared as the encoder gives them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

import numpy
import yaml

from bot.engine import embedding
from bot.engine.contrast import contrast_map, read, unread
from bot.engine.encoder import (
    Encoder,
    SemanticUnavailable,
    StillEmbedding,
    encoder_version,
    shared_encoder,
)
from bot.engine.faq import Entry, Faq
from bot.engine.fields import Field
from bot.engine.fusion import (
    ENTRY_FIELDS,
    Evidence,
    Fusion,
    Ranker,
    Signals,
    density,
    judge,
)
from bot.engine.matcher import Candidate
from bot.engine.nearest import (
    EXACT_ROWS,
    POOL,
    Segments,
    centres,
    closeness,
    exact,
    pool,
)
from bot.engine.text import has_han, sentences, terms

BACKGROUND = Path(__file__).parent / "data" / "background.yaml"
STOPPED = "the FAQ's embedding was stopped (stop_embedding): nobody will ask it now"
log = logging.getLogger(__name__)
# phrasings: about two seconds of embedding, and half a second (also the chunk a helper process embeds at once)
PROGRESS_FROM, PROGRESS_STEP = 4000, 1000
PARAPHRASE = 0.7  # a cosine this high between two questions: they ask the same thing


@dataclass(frozen=True)
class Embedded:
    """Unit vectors, row by row; phrasings and answer sentences are stored entry by entry."""

    owners: numpy.ndarray  # each phrasing's entry (its position in the FAQ)
    phrasings: numpy.ndarray
    answers: numpy.ndarray  # each entry's answer, whole, in its first language
    background: numpy.ndarray  # as the encoder gives them, not through the map
    # An answer's sentences count as phrasings the FAQ did not write: a FAQ with two phrasings an
    # entry says most of what an entry is about in its answer ("cab" in "taxis and cabs are refunded")
    speakers: numpy.ndarray  # each answer sentence's entry
    sentences: numpy.ndarray
    centres: numpy.ndarray  # each entry's phrasings and sentences summed, unit length (bot.engine.nearest)
    # each entry's phrasings' languages, _LANGUAGE_BITS: read from here, a large FAQ's entries stay undecoded
    languages: numpy.ndarray
    denied_by: numpy.ndarray  # each not_question's entry
    denied: numpy.ndarray  # the not_questions, entry by entry, as the encoder gives them (SemanticStage.refusing)
    # the phrasings, answers, sentences and centres are the encoder's read through this FAQ's map
    # (bot.engine.contrast), and so is a question's when it is compared with them
    contrast: numpy.ndarray
    words: dict[str, Field]  # by _WORDS name: the words of each entry's phrasings, and of its answer, by language


_FILE_UNSAFE = re.compile(r"[^\w.+-]")
_ARRAYS = tuple(f.name for f in fields(Embedded) if f.name != "words")
# A language's words apart from the other's: a translation appended would make each entry's text twice as long
_WORDS = {"en": ("words-asked-en", "words-answer-en"), "zh": ("words-asked-zh", "words-answer-zh")}
_OWNED = {"owners", "speakers", "languages", "denied_by"}
_LANGUAGE_BITS = {"en": 1, "zh": 2}


@dataclass(frozen=True)
class Fused:
    entry: int  # the candidate's position in the FAQ
    signals: Signals
    probability: float
    offered: tuple[int, ...]  # the best few by the Ranker's score worth offering, the candidate first
    ranked: tuple[int, ...]  # the best few by the Ranker's score, offered or not
    phrasing: str  # the candidate's phrasing closest in meaning
    said: str | None = None  # the sentence of its answer, when one is closer than any phrasing
    inputs: tuple[tuple[str, float], ...] = ()  # what the Ranker read of it: (field, value)
    refused: tuple[int, ...] = ()  # the entries left out: the question means one of their not_questions (refusing)


class SemanticStage:
    """Embeds the FAQ's phrasings and answers and the background set on first use (or warm_up). With
    `keep` (a directory of the index cache), the embeddings are stored there as float16 and read back,
    memory-mapped, by the next start over the same FAQ."""

    def __init__(self, faq: Faq, encoder: Callable[[], Encoder] = shared_encoder, *, ranker: Ranker = Ranker(),
                 fusion: Fusion = Fusion(), keep: Path | None = None, progress: Callable[[int, int], None] | None = None,
                 ranks_all_up_to: int = EXACT_ROWS, pool_size: int = POOL, paraphrase: float = PARAPHRASE,
                 patience: float | None = None) -> None:
        """`ranks_all_up_to`: phrasings and answer sentences up to which every entry is ranked; past it, the
        `pool_size` entries with the closest centres and the words' candidates (bot.engine.nearest).
        `paraphrase`: the encoder's cosine from which two questions ask the same thing.
        `patience`: the seconds after another thread began embedding the FAQ (warm_up) that a question waits for
        it; past them the words answer it alone (StillEmbedding). None: as long as the embedding takes."""
        self.faq = faq
        self._encoder = encoder  # loaded on first use, so that commands that never need it do not wait
        self.encoder: Encoder | None = None
        self.ranker = ranker
        self.fusion = fusion
        self.keep = keep
        self.progress = progress  # told (done, total) while a large FAQ is embedded
        self.ranks_all_up_to, self.pool_size = ranks_all_up_to, pool_size
        self.paraphrase = paraphrase
        self.failed: str | None = None  # why the encoder could not be used
        self._index: Embedded | None = None
        self._first: tuple[Segments, Segments] | None = None
        self._refusal: tuple | None = None
        self._building = threading.Lock()
        self.patience = patience
        self._told_still_embedding = False
        self._stop = threading.Event()
        self._embedding_since: float | None = None  # when the embedding under way began

    def stop_embedding(self) -> None:
        """Nobody will ask this FAQ now (the process is stopping, or a reload replaced it): an embedding of it
        under way ends before its next chunk and keeps nothing; the words answer the questions still in hand.
        A FAQ already embedded keeps answering with meaning."""
        self._stop.set()

    def warm_up(self) -> bool:
        """Loads the encoder and embeds the FAQ now; False (and one log line) when it cannot."""
        try:
            self._embedded()
        except SemanticUnavailable:
            return False
        return True

    def phrasing_vectors(self) -> tuple[numpy.ndarray, list[str], numpy.ndarray]:
        """Each phrasing's entry (its position in the FAQ), text and unit vector as the encoder gives it (not
        through the FAQ's map: a paraphrase is the encoder's notion, PARAPHRASE), in the order of
        `Entry.phrasings` entry by entry."""
        index = self._embedded()
        texts = [q for entry in self.faq.entries for _, q in entry.phrasings()]
        return index.owners, texts, unread(index.phrasings, index.contrast)

    def _embedded(self) -> Embedded:
        """Raises SemanticUnavailable, ever after, when the encoder cannot be loaded or run."""
        if self._index is None and self.failed is None:
            if self._stop.is_set():
                raise StillEmbedding(STOPPED)
            if not self._building.acquire(blocking=False) and not self._building.acquire(timeout=self._wait()):
                self._still_embedding()
            self._embedding_since = time.monotonic()
            try:
                if self._index is None and self.failed is None:
                    try:
                        self.encoder = self._encoder()
                        restored = self._restore()
                        if restored is not None:
                            self.encoder.encode(["warm up"])  # the encoder loads its weights on first use
                        self._index = restored or self._embed()
                    except embedding.EmbeddingStopped:  # no failure: nothing is kept, and nothing to say
                        raise StillEmbedding(STOPPED) from None
                    except (SemanticUnavailable, ImportError, OSError, ValueError, EOFError, RuntimeError,
                            MemoryError) as err:
                        self._give_up(str(err) or type(err).__name__)
            finally:
                self._embedding_since = None
                self._building.release()
        if self.failed is not None:
            raise SemanticUnavailable(self.failed)
        return self._index

    def _wait(self) -> float:
        """How long a question waits for the embedding under way: up to `patience` after it began, so that the
        questions queued behind one that waited are not kept waiting too."""
        if self.patience is None:
            return -1
        since = self._embedding_since
        return max(0.0, self.patience - (time.monotonic() - since)) if since is not None else self.patience

    def _still_embedding(self) -> None:
        """This question is answered by the words alone; said once, when the first question has to be."""
        if not self._told_still_embedding:
            self._told_still_embedding = True
            log.info("the FAQ is still being embedded: the words alone answer until it is done (%d entries)",
                     len(self.faq.entries))
        raise StillEmbedding("still embedding the FAQ")

    def _give_up(self, reason: str) -> None:
        """Meaning is off for this FAQ from now on (a reload tries again); said once."""
        self.failed = reason
        log.warning("semantic matching is off, words alone answer: %s. Reload the FAQ or restart to try again, "
                    "or set matching.semantic to off", reason)
        raise SemanticUnavailable(reason)

    def _embed(self) -> Embedded:
        if bare := _without_phrasings(self.faq):  # a FAQ built in code may hold one
            raise ValueError(bare)
        owners, texts, speakers, said, denied_by, denied = [], [], [], [], [], []
        for position, entry in enumerate(self.faq.entries):
            for _, question in entry.phrasings():
                owners.append(position)
                texts.append(question)
            lines = _said(entry)
            speakers += [position] * len(lines)
            said += lines
            for _, question in entry.negative_phrasings():
                denied_by.append(position)
                denied.append(question)
        everyday = yaml.safe_load(BACKGROUND.read_text(encoding="utf-8"))
        whole = [next(iter(e.answer.values())) for e in self.faq.entries]
        vectors = self._encode_all(texts + said + denied + whole)
        phrasings, spoken, refused, answers = numpy.split(
            vectors, numpy.cumsum([len(texts), len(said), len(denied)]))
        background = self.encoder.encode([q for questions in everyday.values() for q in questions])
        # An everyday question this FAQ itself answers (an HR FAQ's "how many vacation days")
        # is no "none of these": only the rest of the background counts against an entry.
        if len(phrasings):
            background = background[(background @ phrasings.T).max(axis=1) < self.paraphrase]
        # The map is drawn from each entry's phrasings and its answer (whole, in its first language); it is
        # rounded to float16 as the cache keeps it, so that a cached start answers exactly as this one
        contrast = contrast_map(numpy.concatenate([phrasings, answers]), numpy.concatenate([owners, numpy.arange(len(whole))]))
        contrast = contrast.astype(numpy.float16).astype(numpy.float32)
        phrasings, answers, spoken = (read(a, contrast).astype(numpy.float16).astype(numpy.float32)
                                      for a in (phrasings, answers, spoken))
        # closeness to everyday questions is the encoder's own: the map reads what tells this FAQ's entries apart
        background = background.astype(numpy.float16).astype(numpy.float32)
        refused = refused.astype(numpy.float16).astype(numpy.float32)  # a not_question is read as the encoder gives it
        owners, speakers = numpy.asarray(owners, dtype=numpy.int32), numpy.asarray(speakers, dtype=numpy.int32)
        entries = len(self.faq.entries)
        middle = centres([(phrasings, Segments.of(owners, entries)), (spoken, Segments.of(speakers, entries))],
                         entries, phrasings.shape[1]).astype(numpy.float16).astype(numpy.float32)
        if not exact(len(phrasings) + len(spoken)):  # read a few rows a question: half the memory
            phrasings, spoken = phrasings.astype(numpy.float16), spoken.astype(numpy.float16)
        languages = numpy.array([sum(bit for lang, bit in _LANGUAGE_BITS.items() if lang in e.questions)
                                 for e in self.faq.entries], dtype=numpy.int32)
        index = Embedded(owners, phrasings, answers, background, speakers, spoken, middle, languages,
                         numpy.asarray(denied_by, dtype=numpy.int32), refused, contrast, _words(self.faq))
        self._save(index)
        return index

    def _encode_all(self, texts: list[str]) -> numpy.ndarray:
        """Each text once, however often the FAQ repeats it (a sentence many answers end with); a large FAQ on
        every core (bot.engine.embedding)."""
        position = {text: i for i, text in enumerate(dict.fromkeys(texts))}
        unique = list(position)
        told = self.progress if self.progress is not None and len(unique) >= PROGRESS_FROM else None

        def progress(done: int) -> None:
            try:
                if told is not None:
                    told(done, len(unique))
            except Exception:  # a terminal gone away must not turn meaning off
                pass

        vectors = embedding.encode(unique, self.encoder, self._encoder, step=PROGRESS_STEP, progress=progress,
                                   stop=self._stop)
        return vectors[[position[text] for text in texts]] if len(unique) < len(texts) else vectors

    def _stored(self) -> Path | None:
        if self.keep is None:
            return None
        # an encoder that names itself keeps its own embeddings (one that wraps the bundled encoder reads its
        # files); the background questions kept depend on the paraphrase cosine (_embedded)
        name = _FILE_UNSAFE.sub("-", getattr(self.encoder, "name", None) or encoder_version())
        return self.keep / f"semantic-{name}-{self.paraphrase:g}"

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
            for name, words in index.words.items():
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
        except (OSError, ValueError, EOFError):  # EOFError: a file cut short
            return None
        try:
            words = {name: Field.load(where, name, entries) for names in _WORDS.values() for name in names}
        except (OSError, ValueError, EOFError):
            words = _words(self.faq)  # seconds to count again, where embedding again would take minutes
        if (len(stored["owners"]) != len(stored["phrasings"]) or len(stored["speakers"]) != len(stored["sentences"])
                or len(stored["denied_by"]) != len(stored["denied"])
                or any(len(stored[name]) != entries for name in ("answers", "centres", "languages"))
                or stored["contrast"].shape != (stored["answers"].shape[1],) * 2):
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

    def refusing(self, q: numpy.ndarray) -> tuple[int, ...]:
        """The entries (positions in the FAQ) the question `q` (its unit vector, as the encoder gives it) means one of
        the not_questions of at least as much as any of their phrasings: they never answer it. A not_question says
        what an entry is not about, not what the FAQ lacks: another entry may answer. Read as the encoder reads
        them, not through the FAQ's map: a not_question is a near paraphrase, which is the encoder's notion, and it
        is no text of its entry's for the map to draw the entry's phrasings towards."""
        index = self._embedded()
        if not len(index.denied):
            return ()
        entries, denied_from, own, own_from = self._refusals(index)
        denied = numpy.maximum.reduceat(index.denied @ q, denied_from)
        return tuple(entries[denied >= numpy.maximum.reduceat(own @ q, own_from)].tolist())

    def _refusals(self, index: Embedded) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """The entries with not_questions, where each one's not_questions begin, and their phrasings (and where each
        one's begin): read once an index."""
        if self._refusal is None or self._refusal[0] is not index:
            entries, denied_from = numpy.unique(index.denied_by, return_index=True)
            asked_by, _ = self._starts(index, len(self.faq.entries))
            rows, own_from = asked_by.rows(entries)
            own = unread(index.phrasings[rows], index.contrast)
            self._refusal = (index, entries, denied_from, own, own_from)
        return self._refusal[1:]

    def _question(self, question: str) -> numpy.ndarray:
        """The question's unit vector as the encoder gives it."""
        self._embedded()  # the encoder loads with the index
        try:
            return self.encoder.encode([question])[0].astype(numpy.float16).astype(numpy.float32)
        except (OSError, ValueError, RuntimeError, MemoryError) as err:
            self._give_up(f"the encoder failed on a question: {err}")

    def evidence(self, question: str, candidates: list[Candidate], allowed: numpy.ndarray | None = None) -> Evidence:
        """What the encoder and the words say of each entry for `question`, given the lexical candidates.
        `allowed`: a mask of the entries that may answer (a scoped channel's, context-only ones left out); the
        entries refusing it (SemanticStage.refusing) are left out too."""
        return self._evidence(question, self._question(question), candidates, allowed)[0]

    def _evidence(self, question: str, encoded: numpy.ndarray, candidates: list[Candidate],
                  allowed: numpy.ndarray | None) -> tuple[Evidence, tuple[int, ...]]:
        index = self._embedded()
        entries = self.faq.entries
        q = read(encoded, index.contrast).astype(numpy.float16).astype(numpy.float32)
        if refused := self.refusing(encoded):
            allowed = numpy.ones(len(entries), dtype=bool) if allowed is None else allowed.copy()
            allowed[list(refused)] = False
        asked_by, said_by = self._starts(index, len(entries))
        centre = index.centres @ q
        must = [self.faq.position(c.entry.id) for c in candidates]
        rows = slice(None)  # the entries ranked: all of them, or in a large FAQ those read row by row
        if len(index.owners) + len(index.speakers) > self.ranks_all_up_to:
            rows = pool(centre, must=must, allowed=allowed, size=self.pool_size)
        asked, said = closeness(q, (index.phrasings, asked_by), (index.sentences, said_by), index.centres,
                                must=must, allowed=allowed, coarse=centre,
                                read=None if isinstance(rows, slice) else rows)
        lexical = numpy.zeros(len(entries))
        for c in candidates:
            # the words' score speaks for the part of the question the FAQ knows ("pricing" of
            # "kubernetes pricing"), not for the rest
            lexical[self.faq.position(c.entry.id)] = c.score * (1.0 - c.signals.unknown)
        lang = "zh" if has_han(question) else "en"
        # each language's text apart, the better of the two: a Chinese answer names English products too
        asked_terms = frozenset(terms(question))
        words_asked, words_answer = (numpy.maximum(*(index.words[names[kind]].scores_of(asked_terms) for names in _WORDS.values()))
                                     for kind in (0, 1))
        crosses = (index.languages[rows] & _LANGUAGE_BITS[lang]) == 0  # no phrasing in the question's language
        evidence = Evidence.of(asked=asked[rows].astype(numpy.float64), said=said[rows].astype(numpy.float64),
                               answer=(index.answers[rows] @ q).astype(numpy.float64),
                               centre=centre[rows].astype(numpy.float64), lexical=lexical[rows],
                               words_asked=words_asked[rows], words_answer=words_answer[rows],
                               crosses=crosses.astype(numpy.float64), everyday=float((index.background @ encoded).max(initial=-1.0)),
                               density=density(len(index.owners), len(entries)),
                               allowed=None if allowed is None else allowed[rows], q=q,
                               positions=None if isinstance(rows, slice) else rows)
        return evidence, refused

    def fuse(self, question: str, candidates: list[Candidate], confidence: float,
             allowed: numpy.ndarray | None = None, *, offer: int = 3) -> Fused | None:
        """The Ranker's first entry for `question` and the Fusion's probability that it is right, given the
        lexical candidates (best first) and confidence.
        `allowed`: a mask of the entries that may answer."""
        if not self.faq.entries:
            return None
        evidence, refused = self._evidence(question, self._question(question), candidates, allowed)
        lexical_best = self.faq.position(candidates[0].entry.id) if candidates else -1
        judged = judge(evidence, self.ranker, self.fusion, lexical_best=lexical_best, confidence=confidence, offer=offer)
        if judged is None:
            return None
        index, best, row = self._embedded(), judged.entry, judged.row
        asked_by, said_by = self._starts(index, len(self.faq.entries))
        entry, q = self.faq.entries[best], evidence.q
        phrasing = entry.phrasings()[asked_by.closest(index.phrasings, best, q)][1]
        said = _said(entry)[said_by.closest(index.sentences, best, q)] if evidence.column("said")[row] > evidence.column("asked")[row] else None
        inputs = tuple(zip(ENTRY_FIELDS, map(float, evidence.entries[row])))
        return Fused(best, judged.signals, judged.probability, judged.offered, judged.ranked, phrasing, said, inputs,
                     refused)


def _without_phrasings(faq: Faq) -> str:
    """Which entries have no phrasing to embed, and what to do; "" when every entry has one."""
    bare = [e.id for e in faq.entries if not e.phrasings()]
    return f"entries without a phrasing: {', '.join(bare[:5])}{'…' if len(bare) > 5 else ''}: give each at least one" if bare else ""


def _words(faq: Faq) -> dict[str, Field]:
    found = {}
    for lang, (asked, answer) in _WORDS.items():
        found[asked] = Field.of([" ".join(e.questions.get(lang, ())) for e in faq.entries])
        found[answer] = Field.of([e.answer.get(lang, "") for e in faq.entries])
    return found


def _said(entry: Entry) -> list[str]:
    """The answer's sentences, in every language it has; at least one, so that each entry's rows can be found
    by where they start."""
    return [line for answer in entry.answer.values() for line in sentences(answer)] or [entry.phrasings()[-1][1]]
