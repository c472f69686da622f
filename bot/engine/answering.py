"""The answer engine: one question in, one platform-neutral `Reply` out. Never raises."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import islice

import numpy

from bot.engine.confidence import Calibration
from bot.engine.encoder import SemanticUnavailable
from bot.engine.faq import Entry, Faq
from bot.engine.matcher import Candidate, Matcher, Ranking, Weights
from bot.engine.reply import EntryRef, Kind, Reason, Reply
from bot.engine.semantic import Fused, SemanticStage
from bot.engine.smalltalk import classify
from bot.engine.text import bare, has_han, normalised
from bot.engine.view import plain_text, view_of

MAX_QUESTION_CHARS = 2000  # longer input is cut before matching; no FAQ question is that long
MAX_FOLLOW_UPS = 10  # labelled follow-ups offered under one answer


@dataclass(frozen=True)
class Thresholds:
    """When to answer, when to ask "did you mean", when to say the FAQ has no answer.

    `answer` and `suggest` are confidences (bot.engine.confidence); the others are matcher scores.
    """

    answer: float = 0.58  # confidence needed for a direct answer...
    margin: float = 0.09  # ...and the best entry's lead over the runner-up...
    evidence: float = 0.15  # ...and this much distinguishing evidence, unless it matches a phrasing exactly
    suggest: float = 0.3  # below this confidence nothing is plausible: fall back
    suggest_window: float = 0.2  # suggestions scoring this far below the best are left out
    closest: float = 0.3  # a fallback offers entries scoring at least this as closest topics
    max_suggestions: int = 3
    max_related: int = 3
    help_topics: int = 25

    def answers(self, confidence: float, lead: float, *, exact: bool, evidence: float) -> bool:
        """Whether the best entry is answered directly. A question made only of terms many
        entries share ("Azure OpenAI") is too broad for one, unless it is a phrasing exactly."""
        return confidence >= self.answer and lead >= self.margin and (exact or evidence >= self.evidence)


@dataclass(frozen=True)
class Context:
    lang: str | None = None  # reply in this language instead of the question's
    tags: frozenset[str] | None = None  # only entries with one of these tags may answer


class Engine:
    def __init__(self, faq: Faq, *, thresholds: Thresholds = Thresholds(), weights: Weights = Weights(),
                 calibration: Calibration = Calibration(), matcher: Matcher | None = None,
                 language: str = "en", semantic: SemanticStage | None = None) -> None:
        self.faq = faq
        self.language = language  # for questions written in neither language (emoji, numbers)
        self.thresholds = thresholds
        self.calibration = calibration
        self.matcher = matcher or Matcher(faq, weights=weights)
        self.semantic = semantic  # None: lexical matching alone
        self._matchable = None  # the semantic stage's mask of entries a question may reach; None: all of them
        if faq.context_only:
            self._matchable = numpy.ones(len(faq.entries), dtype=bool)
            self._matchable[[faq.position(entry_id) for entry_id in faq.context_only]] = False

    def answer(self, text: str, context: Context = Context()) -> Reply:
        text = text[:MAX_QUESTION_CHARS]
        lang = context.lang or detect_language(text, self.language)
        small_talk = classify(text)
        if small_talk is not None:
            return self._small_talk(small_talk, lang, text, context.tags)
        ranking = self.rank(text, context)
        return self._decide(ranking, lang, text, context.tags)

    def fuse(self, text: str, candidates: list[Candidate], confidence: float,
             tags: frozenset[str] | None = None) -> Fused | None:
        """The semantic stage's candidate for `text`; None without a semantic stage, or for a text with no letters."""
        if self.semantic is None or not says_something(text):
            return None
        try:
            return self.semantic.fuse(text[:MAX_QUESTION_CHARS], candidates, confidence, self.reachable(tags),
                                      offer=self.thresholds.max_suggestions)
        except SemanticUnavailable:
            return None  # said once in the log; the words alone answer

    def reachable(self, tags: frozenset[str] | None = None) -> numpy.ndarray | None:
        """The semantic stage's mask of the entries a question may reach: none context-only, and with `tags` (a
        scoped channel) only those inside them; None: all of them."""
        if tags is None:
            return self._matchable
        scoped = numpy.array([in_scope(e, tags) for e in self.faq.entries], dtype=bool)
        return scoped if self._matchable is None else scoped & self._matchable

    def rank(self, text: str, context: Context = Context(), *, limit: int = 5) -> Ranking:
        tags = context.tags
        allow = None if tags is None else (lambda entry: in_scope(entry, tags))
        return self.matcher.rank(text[:MAX_QUESTION_CHARS], limit=limit, allow=allow)

    def reply_for(self, entry_id: str, lang: str, *, asked: str = "", tags: frozenset[str] | None = None) -> Reply | None:
        """The answer of one entry, as when a person picks it from suggestions. With `tags` (a scoped
        channel), None for an entry outside them, and only related entries inside them."""
        entry = self.faq.get(entry_id)
        if entry is None or (tags is not None and not in_scope(entry, tags)):
            return None
        return self._answer(entry, lang, reason=Reason.PICKED, asked=asked, tags=tags)

    def topics(self, lang: str, limit: int | None = None, tags: frozenset[str] | None = None) -> tuple[EntryRef, ...]:
        """The FAQ's entries in file order, context-only ones aside; with `tags`, only those a scoped channel
        may answer."""
        faq = self.faq
        entries = (e for e in faq.entries if faq.matchable(e) and (tags is None or in_scope(e, tags)))
        return tuple(self._ref(e, lang) for e in islice(entries, limit))

    def assess(self, ranking: Ranking) -> tuple[list[Candidate], float, float]:
        """The candidates that may answer, the best one's lead over the next, and its confidence."""
        candidates = [c for c in ranking.candidates if not c.negative]
        if not candidates:
            return candidates, 0.0, 0.0
        best = candidates[0]
        lead = best.score - (candidates[1].score if len(candidates) > 1 else 0.0)
        return candidates, lead, self.calibration.confidence(best.signals, lead)

    def words_alone(self, ranking: Ranking, candidates: list[Candidate], lead: float, confidence: float) -> bool:
        """Whether the words answer without the semantic stage: they would answer, nothing they rank first is
        closer to a not_question, and the question is a phrasing of their first entry as written (its terms, stop
        words aside) or they are very sure of it (Fusion.words). Otherwise the words' confidence is one of the
        Fusion's signals, not a verdict of its own: fitted on FAQs with two phrasings an entry as well as forty,
        the Fusion is right more often and wrong less."""
        best = candidates[0] if candidates else None
        if best is None or ranking.candidates[0].negative or not self.thresholds.answers(
                confidence, lead, exact=best.signals.exact, evidence=best.signals.evidence):
            return False
        return best.signals.exact or self.semantic is None or confidence >= self.semantic.fusion.words

    def as_written(self, ranking: Ranking, candidates: list[Candidate], text: str) -> Candidate | None:
        """The one entry whose phrasing the question is, as written, when the words rank others as high: its
        maintainers' own wording tells "My bin wasn't collected" from "When is my bin collected?", which have
        the same words once stop words are set aside. Its `phrasing` is the one asked."""
        if not candidates or ranking.candidates[0].negative or not candidates[0].signals.exact:
            return None
        asked = normalised(text)
        tied = [c for c in candidates if c.signals.exact and c.score >= candidates[0].score - 1e-9]
        written = [replace(c, phrasing=phrasing) for c in tied for _, phrasing in c.entry.phrasings()
                   if normalised(phrasing) == asked]
        return written[0] if len(tied) > 1 and len({c.entry.id for c in written}) == 1 else None

    def too_broad(self, candidates: list[Candidate], text: str) -> bool:
        """A bare topic too broad for one entry ("Azure OpenAI", "invoice" in a FAQ with an entry on sending
        invoices and one on their status): a few words, every one the FAQ knows, none that tells the words' first
        entry apart, from every entry or from the next one. Meaning does not make it narrower: it gets a "did
        you mean", never an answer. A question around such words ("how do I book in with a doctor") is no topic."""
        if not candidates or not bare(text):
            return False
        best, t = candidates[0], self.thresholds
        tied = len(candidates) > 1 and best.score - candidates[1].score < t.margin
        return not best.signals.exact and best.signals.unknown == 0.0 and (best.signals.evidence < t.evidence or tied)

    def _decide(self, ranking: Ranking, lang: str, asked: str, tags: frozenset[str] | None) -> Reply:
        t = self.thresholds
        candidates, lead, confidence = self.assess(ranking)
        written = self.as_written(ranking, candidates, asked)
        if written is not None:
            return self._answer(written.entry, lang, reason=Reason.AS_WRITTEN, asked=asked, candidate=written,
                                score=confidence, tags=tags)
        best = candidates[0] if candidates else None
        words_answer = best is not None and t.answers(confidence, lead, exact=best.signals.exact,
                                                      evidence=best.signals.evidence)
        alone = self.words_alone(ranking, candidates, lead, confidence)
        fused = None if alone else self.fuse(asked, candidates, confidence, tags)
        # Closest in words to a question the maintainers marked as not the first entry's, and in meaning too (or
        # meaning is unavailable): that entry never answers, and only meaning may offer another
        first = ranking.candidates[0] if ranking.candidates else None
        refused = first is not None and first.negative and (
            fused is None or self.faq.position(first.entry.id) in fused.refused)
        if refused and fused is None:
            return self._reply(Kind.FALLBACK, lang, Reason.NO_MATCH, asked, suggestions=self._closest(candidates, lang))
        if words_answer and fused is None:
            return self._answer(best.entry, lang, reason=Reason.CONFIDENT, asked=asked, candidate=best,
                                score=confidence, tags=tags)
        if fused is not None and fused.probability >= self.semantic.fusion.suggest:
            entry, broad = self.faq.entries[fused.entry], self.too_broad(candidates, asked)
            if fused.probability >= self.semantic.fusion.answer and not broad:
                return self._answer(entry, lang, reason=Reason.CONFIDENT, asked=asked, matched=fused.phrasing,
                                    score=fused.probability, tags=tags)
            # a bare topic gets the best few whatever their odds: meaning does not narrow it to one
            offered = tuple(self._ref(self.faq.entries[i], lang) for i in (fused.ranked if broad else fused.offered))
            reason = Reason.AMBIGUOUS if confidence >= t.answer and len(offered) > 1 else Reason.UNSURE
            return self._reply(Kind.SUGGEST, lang, reason, asked, score=fused.probability, suggestions=offered)
        if confidence < t.suggest or refused:
            return self._reply(Kind.FALLBACK, lang, Reason.NO_MATCH, asked, score=confidence,
                               suggestions=self._closest(candidates, lang))
        floor = candidates[0].score - t.suggest_window
        offered = tuple(self._ref(c.entry, lang, c.score) for c in candidates[: t.max_suggestions] if c.score >= floor)
        reason = Reason.AMBIGUOUS if confidence >= t.answer else Reason.UNSURE
        return self._reply(Kind.SUGGEST, lang, reason, asked, score=confidence, suggestions=offered)

    def _closest(self, candidates: list[Candidate], lang: str) -> tuple[EntryRef, ...]:
        t = self.thresholds
        return tuple(self._ref(c.entry, lang, c.score) for c in candidates[: t.max_suggestions] if c.score >= t.closest)

    def _answer(self, entry: Entry, lang: str, *, reason: Reason, asked: str, candidate: Candidate | None = None,
                matched: str | None = None, score: float = 1.0, tags: frozenset[str] | None = None) -> Reply:
        asker_lang, lang = lang, entry.language_for(lang)
        related = [e for e in map(self.faq.get, entry.related) if e and (tags is None or in_scope(e, tags))]
        # follow-ups a maintainer labelled are a conversation's next steps: all of them are offered
        most = MAX_FOLLOW_UPS if entry.related_labels else self.thresholds.max_related
        labels = entry.related_labels
        related = tuple(EntryRef(e.id, labels.get(e.id) or e.question(lang)) for e in related[:most])
        body = entry.answer[lang]
        return _with_text(Reply(
            kind=Kind.ANSWER,
            lang=lang,
            text="",
            reason=reason,
            asked=asked,
            entry_id=entry.id,
            title=entry.question(lang),
            body=body,
            matched=candidate.phrasing if candidate else matched,
            score=score,
            related=related,
            sources=entry.sources_for(lang),
            asker_lang=asker_lang if asker_lang != lang else None,
        ))

    def help(self, lang: str, tags: frozenset[str] | None = None) -> Reply:
        """How to ask, and the topics (a scoped channel's only)."""
        return self._small_talk(Reason.HELP, lang, "", tags)

    def _small_talk(self, reason: Reason, lang: str, asked: str, tags: frozenset[str] | None) -> Reply:
        count = {Reason.HELP: self.thresholds.help_topics, Reason.THANKS: 0, Reason.CLOSING: 0}.get(reason, 3)
        return self._reply(Kind.FALLBACK, lang, reason, asked, suggestions=self.topics(lang, count, tags))

    def _reply(self, kind: Kind, lang: str, reason: Reason, asked: str, *, score: float = 0.0,
               suggestions: tuple[EntryRef, ...] = ()) -> Reply:
        return _with_text(Reply(kind=kind, lang=lang, text="", reason=reason, asked=asked, score=score,
                                suggestions=suggestions))

    def _ref(self, entry: Entry, lang: str, score: float = 0.0) -> EntryRef:
        return EntryRef(entry.id, entry.question(lang), round(score, 4))


def _with_text(reply: Reply) -> Reply:
    return replace(reply, text=plain_text(view_of(reply)))


def in_scope(entry: Entry, tags: frozenset[str]) -> bool:
    return not tags.isdisjoint(entry.tags)


def detect_language(text: str, default: str = "en") -> str:
    """Chinese characters anywhere in the question mean Chinese; Latin letters, English."""
    if has_han(text):
        return "zh"
    return "en" if any(c.isascii() and c.isalpha() for c in text) else default


def says_something(text: str) -> bool:
    """Whether `text` has a Chinese character or three letters. One without ("-1", "502", "x", "qq") means nothing
    to the encoder (its cosines are near 0, or near whatever short text the FAQ has), yet the Fusion, fitted on
    questions, would read it as surely as one: only the words may match it, to a phrasing that has it."""
    return has_han(text) or sum(c.isalpha() for c in text) >= 3
