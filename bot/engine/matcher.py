"""Rank FAQ entries against a question.

Every term (word or Chinese bigram) weighs by how rare it is across the FAQ's entries
(IDF) and in everyday language. Stage one adds up, per entry, the weight of the
question's terms that the entry holds, and keeps the best dozen. Stage two compares
the question with each phrasing of those entries that shares a term with it. A term
the FAQ has never seen counts against every entry; that is why "how is Azure Blob
Storage billed?" scores low against "How is Azure OpenAI billed?".
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.engine.faq import Entry, Faq
from bot.engine.text import (
    ENGLISH_STOP_WORDS,
    Synonyms,
    has_han,
    names,
    term_groups,
    terms,
    words,
)
from bot.engine.word_frequency import chinese_zipf, english_zipf, novelty


@dataclass(frozen=True)
class Weights:
    """How terms are weighed, and how stage two blends its signals into one score in [0, 1]."""

    entry_coverage: float = 0.3  # share of the question's weight found anywhere in the entry
    phrasing_f1: float = 0.2  # weighted F1 between the question and the best phrasing
    fuzzy: float = 0.5  # rapidfuzz similarity with the best phrasing
    unknown_word: float = 1.5  # how much an unseen word counts, relative to the rarest known one
    unknown_han: float = 1.5  # an unseen Chinese word counts this much of an unseen English one
    seam: float = 0.2  # a Chinese character pair that is no word (the seam of two words)
    general: float = 1.0  # how much a term's commonness in everyday language lowers its weight (0: not at all)
    fuzzy_scorer: Callable[..., float] = fuzz.ratio


@dataclass(frozen=True)
class Signals:
    """What stage two measured for one entry; each in [0, 1]."""

    entry_coverage: float  # share of the question's weight that the entry's phrasings contain
    phrasing_f1: float  # weighted F1 of the question against the entry's best phrasing
    fuzzy: float  # the fuzzy scorer's similarity with that phrasing
    evidence: float = 0.0  # weight shared with that phrasing, relative to the rarest possible term
    unknown: float = 0.0  # share of the question's weight that the FAQ has never seen

    @property
    def exact(self) -> bool:
        """The question has exactly the terms of a phrasing ("What is GPT?")."""
        return self.phrasing_f1 >= 0.999


def blend(w: Weights, coverage: float, f1: float, fuzzy: float) -> float:
    """The matcher's score: what candidates are ranked by, and the runner-up's lead is measured in."""
    return min(1.0, w.entry_coverage * coverage + w.phrasing_f1 * f1 + w.fuzzy * fuzzy)


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    phrasing: str  # the phrasing the question matched best
    negative: bool = False  # the question is closer to one of the entry's not_questions
    signals: Signals | None = None


@dataclass(frozen=True)
class Ranking:
    terms: tuple[str, ...]
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Phrasing:
    text: str
    terms: frozenset[str]
    weight: float
    surface: str
    negative: bool


@dataclass(frozen=True)
class Index:
    """What the matcher knows of a FAQ: made by analysing the FAQ, or read back from an index cache."""

    postings: DictPostings | ArrayPostings  # stage one: which entries hold each term
    idf: Mapping[str, float]
    term_weight: Mapping[str, float]  # IDF times everyday-language rarity
    unknown_idf: float
    vocabulary: frozenset[str]  # every word the FAQ spells: what a misspelling is corrected to
    phrasings: Sequence[list[Phrasing]]  # per entry
    holders: Sequence[dict[str, list[tuple[int, float]]]]  # per entry: term -> (phrasing, weight there)


class Matcher:
    def __init__(self, faq: Faq, *, weights: Weights = Weights(), shortlist: int = 12, index: Index | None = None,
                 stage_one: StageOne | None = None) -> None:
        """Analyses `faq`, unless `index` is what an earlier analysis of the same FAQ made."""
        self.entries = faq.entries
        self.weights = weights
        self.shortlist = shortlist
        self.synonyms = Synonyms(faq.synonyms)
        if index is None:
            self._analyse(faq, stage_one)
        else:
            self.postings, self.idf, self.term_weight = index.postings, index.idf, index.term_weight
            self.unknown_idf, self.phrasings, self.holders = index.unknown_idf, index.phrasings, index.holders
            self._set_vocabulary(index.vocabulary)

    @property
    def index(self) -> Index:
        return Index(self.postings, self.idf, self.term_weight, self.unknown_idf, self.vocabulary, self.phrasings,
                     self.holders)

    def _analyse(self, faq: Faq, stage_one: StageOne | None) -> None:
        # A context-only entry is indexed with no phrasings: no question can reach it, only a pick
        analysed = [[(q, terms(q, self.synonyms)) for _, q in e.phrasings()] if faq.matchable(e) else []
                    for e in self.entries]
        postings: dict[str, list[int]] = defaultdict(list)
        for index, phrasings in enumerate(analysed):
            for term in {t for _, ts in phrasings for t in ts}:
                postings[term].append(index)
        if stage_one is None:
            stage_one = ArrayPostings.from_postings if len(self.entries) >= ARRAYS_FROM else DictPostings
        self.postings = stage_one(postings)
        n = len(self.entries)
        self.idf = {t: idf(n, len(ids)) for t, ids in postings.items()}
        self.term_weight = {t: idf * self._general(t) for t, idf in self.idf.items()}
        self.unknown_idf = idf(n, 0)
        spelled = {w for phrasings in analysed for q, _ in phrasings for w in words(q)}
        spelled |= {w for group in faq.synonyms for term in group for w in words(term)}
        self._set_vocabulary(frozenset(w for w in spelled if w.isascii() and w.isalpha()) | ENGLISH_STOP_WORDS)
        self.phrasings: Sequence[list[Phrasing]] = []
        self.holders: Sequence[dict[str, list[tuple[int, float]]]] = []
        for entry, phrasings in zip(self.entries, analysed):
            self._add_phrasings(entry, phrasings)

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for (the everyday word lists)."""
        english_zipf("the"), chinese_zipf("问题")

    def _set_vocabulary(self, vocabulary: frozenset[str]) -> None:
        self.vocabulary = vocabulary
        self.words_by_length: dict[int, list[str]] = defaultdict(list)
        for word in vocabulary:
            if len(word) >= 4:
                self.words_by_length[len(word)].append(word)
        self._corrections: dict[str, str] = {}  # memo, emptied when it grows past CORRECTIONS_KEPT

    def _add_phrasings(self, entry: Entry, analysed: list[tuple[str, list[str]]]) -> None:
        positive = [
            (Phrasing(text, frozenset(ts), sum(self.term_weight[t] for t in dict.fromkeys(ts)), " ".join(ts), False),
             {t: self.term_weight[t] for t in ts})
            for text, ts in analysed
            if ts
        ]
        # A not_question is weighed exactly as the same text asked as a question would be.
        negative = [
            (Phrasing(text, frozenset(wt), sum(wt.values()), " ".join(wt), True), wt)
            for _, text in (entry.negative_phrasings() if analysed else ())  # none: context-only
            if (wt := self._weighted_terms(text))
        ]
        self.phrasings.append([phrasing for phrasing, _ in positive + negative])
        # Which of this entry's phrasings hold a term, and what the term weighs in each.
        holders: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, (phrasing, term_weights) in enumerate(positive + negative):
            for term in phrasing.terms:
                holders[term].append((position, term_weights[term]))
        self.holders.append(dict(holders))

    def rank(self, question: str, *, limit: int = 5, allow: Callable[[Entry], bool] | None = None) -> Ranking:
        query = self._weighted_terms(question)
        if not query:
            return Ranking((), ())
        total = sum(query.values())
        unknown = sum(w for t, w in query.items() if t not in self.idf) / total
        wanted = None if allow is None else (lambda index: allow(self.entries[index]))
        surface = " ".join(query)
        scored = [
            self._score(index, query, total, surface, covered / total)
            for index, covered in self.postings.top(query, self.shortlist, wanted)
        ]
        scored.sort(key=itemgetter(0), reverse=True)  # stable: equal scores keep stage one's order
        return Ranking(tuple(query), tuple(self._candidate(s, unknown) for s in scored[:limit]))

    def _candidate(self, scored: tuple, unknown: float) -> Candidate:
        score, index, best, f1, fuzzy, evidence, cover, negative = scored
        entry = self.entries[index]
        signals = Signals(cover, f1, fuzzy, evidence, unknown)
        return Candidate(entry, score, best.text if best else entry.question("en"), negative, signals)

    def _general(self, term: str) -> float:
        """1.0 for a term that is rare in everyday language, less for common words and seams."""
        w = self.weights
        if has_han(term[:1]):
            if len(term) != 2:
                return 0.5  # a lone character: seldom a word of its own
            zipf = chinese_zipf(term)
            return w.seam if zipf is None else novelty(zipf) ** w.general
        if term.isdigit():
            return 0.3
        return novelty(english_zipf(term)) ** w.general

    def _weighted_terms(self, question: str) -> dict[str, float]:
        """Each distinct term of the question with its weight: IDF for terms the FAQ knows;
        for unseen ones, a full weight scaled down by how common they are in general."""
        weights: dict[str, float] = {}
        # A name keeps its full weight however common the word is (Office, Windows, Word):
        # in Chinese text nearly every Latin word is one; in English, the capitalised ones.
        latin_names = has_han(question)
        capitalised = names(question, self.synonyms)
        for group in term_groups(question, self.synonyms, self.correct):
            for term in group:
                if term in weights:
                    continue
                han = has_han(term[:1])
                name = not han and (latin_names or term in capitalised)
                if term in self.idf:
                    weights[term] = self.idf[term] if name else self.term_weight[term]
                    continue
                if han:
                    # Two characters standing alone are a word even if no dictionary lists it
                    # (微条, a slip for 微调); inside a longer run they may be a seam.
                    general = 1.0 if len(group) == 1 and len(term) == 2 else self._general(term)
                    weights[term] = self.unknown_idf * self.weights.unknown_han * general
                else:
                    general = 1.0 if name else self._general(term)
                    weights[term] = self.unknown_idf * self.weights.unknown_word * general
        return weights

    def correct(self, word: str) -> str:
        """`word`, or the FAQ word one typo away (two for long words; swapping neighbours is one)
        when exactly one is closest. Real everyday words are left alone."""
        if word in self.vocabulary:
            return word
        if word not in self._corrections:
            if len(self._corrections) >= CORRECTIONS_KEPT:  # chat input is unbounded; memory is not
                self._corrections.clear()
            self._corrections[word] = self._closest(word)
        return self._corrections[word]

    def _closest(self, word: str) -> str:
        zipf = english_zipf(word)
        if zipf is not None and zipf >= 3.0:
            return word
        budget = 1 if len(word) < 8 else 2
        choices: list[str] = []
        for length in range(len(word) - budget, len(word) + budget + 1):
            # A slip seldom hits the first letter; keeping it also breaks most ties.
            choices.extend(w for w in self.words_by_length.get(length, ()) if w[0] == word[0])
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=budget, limit=2)
        if not found or (len(found) == 2 and found[0][1] == found[1][1]):
            return word
        return found[0][0]

    def _score(self, index: int, query: dict[str, float], total: float, surface: str, entry_cover: float) -> tuple:
        """(score, index, best phrasing, its F1, fuzzy, evidence, coverage, negative): plain values,
        since most of the shortlist is dropped before anyone looks at it."""
        best_f1, best_shared, negative_f1 = 0.0, 0.0, 0.0
        shared: dict[int, float] = defaultdict(float)  # phrasing -> weight it shares, as the question weighs it
        stored: dict[int, float] = defaultdict(float)  # ... and as the phrasing weighs the same terms
        holders = self.holders[index]
        for term, weight in query.items():
            for position, own in holders.get(term, ()):
                shared[position] += weight
                stored[position] += own
        phrasings = self.phrasings[index]
        tied: list[int] = []  # positions of the phrasings with the best F1 so far
        for position, common in shared.items():
            phrasing = phrasings[position]
            f1 = 2 * common / (total + common + max(phrasing.weight - stored[position], 0.0))
            if phrasing.negative:
                negative_f1 = max(negative_f1, f1)
            elif f1 > best_f1 + TIE:
                best_f1, best_shared, tied = f1, common, [position]
            elif f1 >= best_f1 - TIE:
                tied.append(position)
        w = self.weights
        # Phrasings with the same terms tie on F1; the one the question reads most like wins.
        closest = max(((w.fuzzy_scorer(surface, phrasings[p].surface) / 100, -p) for p in tied), default=None)
        fuzzy, best = (closest[0], phrasings[-closest[1]]) if closest else (0.0, None)
        cover = min(1.0, entry_cover)
        score = blend(w, cover, best_f1, fuzzy)
        evidence = min(1.0, best_shared / (2 * self.unknown_idf))
        return score, index, best, best_f1, fuzzy, evidence, cover, negative_f1 > best_f1


ARRAYS_FROM = 2000  # entries; from this size stage one adds up numpy arrays instead of dicts
CORRECTIONS_KEPT = 10_000
TIE = 1e-9  # F1 values closer than this are equal: they differ only by the order of a float sum


class DictPostings:
    """Stage one for small FAQs: which entries hold each term, added up in a dict."""

    def __init__(self, postings: dict[str, list[int]]) -> None:
        self.ids = {t: tuple(ids) for t, ids in postings.items()}

    def ids_of(self, term: str) -> tuple[int, ...]:
        return self.ids.get(term, ())

    def top(self, query: dict[str, float], k: int, wanted: Callable[[int], bool] | None) -> list[tuple[int, float]]:
        coverage: dict[int, float] = defaultdict(float)
        for term, weight in query.items():
            for index in self.ids.get(term, ()):
                coverage[index] += weight
        found = sorted(coverage.items() if wanted is None else ((i, c) for i, c in coverage.items() if wanted(i)))
        return heapq.nlargest(k, found, key=itemgetter(1))  # equal sums: the earlier entry first


StageOne = Callable[[dict[str, list[int]]], "DictPostings | ArrayPostings"]  # term -> entries holding it


class ArrayPostings:
    """Stage one for large FAQs: the same sums over numpy arrays (imported only when needed),
    so a term held by tens of thousands of entries costs one vector add, not a Python loop.
    All postings live in one flat array; a term's are flat[offsets[row]:offsets[row + 1]]."""

    def __init__(self, rows: dict[str, int], offsets, flat, size: int) -> None:
        import numpy

        self.np, self.rows, self.offsets, self.flat, self.size = numpy, rows, offsets, flat, size

    @classmethod
    def from_postings(cls, postings: dict[str, list[int]]) -> ArrayPostings:
        import numpy

        rows = list(postings)
        lengths = numpy.fromiter((len(postings[t]) for t in rows), dtype=numpy.int64, count=len(rows))
        offsets = numpy.zeros(len(rows) + 1, dtype=numpy.int64)
        numpy.cumsum(lengths, out=offsets[1:])
        flat = numpy.fromiter((i for t in rows for i in postings[t]), dtype=numpy.int32, count=int(offsets[-1]))
        size = int(flat.max()) + 1 if len(flat) else 0  # entries past the last that holds a term score nothing
        return cls({t: r for r, t in enumerate(rows)}, offsets, flat, size)

    def ids_of(self, term: str):
        row = self.rows.get(term)
        return () if row is None else self.flat[int(self.offsets[row]) : int(self.offsets[row + 1])]

    def top(self, query: dict[str, float], k: int, wanted: Callable[[int], bool] | None) -> list[tuple[int, float]]:
        np = self.np
        scores = np.zeros(self.size)
        for term, weight in query.items():
            ids = self.ids_of(term)
            if len(ids):
                scores[ids] += weight
        hit = np.flatnonzero(scores)
        room = k if wanted is None else 8 * k  # scoped questions filter after the cut
        if len(hit) > room:
            # Equal sums: the earlier entry first, as in DictPostings (a vanishing nudge by index).
            keys = scores[hit] - hit * 1e-12
            hit = hit[np.argpartition(keys, -room)[-room:]]
        hit = hit[np.lexsort((hit, -scores[hit]))]
        found = [(int(i), float(scores[i])) for i in hit]
        return found[:k] if wanted is None else [f for f in found if wanted(f[0])][:k]


def idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))
