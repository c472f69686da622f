"""What the engine decides about one question; bot.engine.view turns it into what a platform shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.engine.faq import Source


class Kind(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"  # "did you mean"
    FALLBACK = "fallback"  # no answer: the FAQ has none, or the message was no question


class Reason(StrEnum):
    CONFIDENT = "confident"  # answered: the question matched this entry
    AS_WRITTEN = "as_written"  # answered: the question is this entry's phrasing, though the words tie it with others
    PICKED = "picked"  # answered: the person chose this entry
    AMBIGUOUS = "ambiguous"  # suggest: two entries are about equally likely
    UNSURE = "unsure"  # suggest: one entry is likely, not likely enough to answer
    NO_MATCH = "no_match"  # fallback: nothing in the FAQ answers it
    GREETING = "greeting"
    THANKS = "thanks"
    CLOSING = "closing"  # the person closes the exchange: ok, bye
    HELP = "help"
    EMPTY = "empty"  # nothing asked (a bare mention)


SMALL_TALK = frozenset({Reason.GREETING, Reason.THANKS, Reason.CLOSING, Reason.HELP, Reason.EMPTY})


@dataclass(frozen=True)
class EntryRef:
    id: str
    question: str  # the entry's canonical question, in the reply's language
    score: float = 0.0


@dataclass(frozen=True)
class Reply:
    kind: Kind
    lang: str
    text: str  # the whole reply as plain text, options numbered as in `options`
    reason: Reason
    asked: str = ""
    entry_id: str | None = None
    title: str | None = None  # the answered entry's canonical question
    body: str | None = None  # the answer itself
    matched: str | None = None  # the phrasing the question matched
    score: float = 0.0
    suggestions: tuple[EntryRef, ...] = ()  # "did you mean", closest topics, or topics to browse
    related: tuple[EntryRef, ...] = ()
    sources: tuple[Source, ...] = ()  # those in the answer's language first
    asker_lang: str | None = None  # the asker's language, when the answer is only in another

    @property
    def options(self) -> tuple[EntryRef, ...]:
        """Every entry the reply offers to open next, in the order the text numbers them."""
        return self.suggestions + self.related

    def to_json(self) -> dict:
        return {
            "kind": str(self.kind),
            "id": self.entry_id,
            "score": round(self.score, 4),
            "suggestions": [s.id for s in self.suggestions],
            "text": self.text,
        }
