"""The FAQ as the engine sees it: entries with their phrasings and answers, and synonyms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Source:
    url: str
    lang: str | None = None  # None: the FAQ does not say


@dataclass(frozen=True)
class Entry:
    id: str
    questions: Mapping[str, tuple[str, ...]]  # language -> phrasings, the first is canonical
    answer: Mapping[str, str]
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # ids of entries to offer next, in order
    sources: tuple[str, ...] = ()  # links
    not_questions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    file: str = ""
    line: int = 0
    source_langs: Mapping[str, str] = field(default_factory=dict)  # link -> its language, where the FAQ says
    related_labels: Mapping[str, str] = field(default_factory=dict)  # related id -> its button's label, where given
    context_only: bool = False  # never matched directly; reached only as another entry's follow-up

    def language_for(self, lang: str) -> str:
        """`lang` if the entry has an answer in it, else the entry's other language."""
        if lang in self.answer:
            return lang
        return next(iter(self.answer))

    def question(self, lang: str) -> str:
        phrasings = self.questions.get(lang) or next(iter(self.questions.values()))
        return phrasings[0]

    def sources_for(self, lang: str) -> tuple[Source, ...]:
        """The sources to show under the answer in `lang`: those in `lang`, or of no stated language, first."""
        found = [Source(url, self.source_langs.get(url)) for url in self.sources]
        return tuple(sorted(found, key=lambda source: source.lang not in (None, lang)))

    def phrasings(self) -> list[tuple[str, str]]:
        return [(lang, q) for lang, qs in self.questions.items() for q in qs]

    def negative_phrasings(self) -> list[tuple[str, str]]:
        return [(lang, q) for lang, qs in self.not_questions.items() for q in qs]


@dataclass(frozen=True)
class Faq:
    entries: Sequence[Entry]  # a tuple, or a lazy sequence restored from the index cache
    synonyms: tuple[tuple[str, ...], ...] = ()
    root: Path | None = None
    ids: Sequence[str] | None = None  # the entries' ids in order, when entries are lazy
    context_only: frozenset[str] | None = None  # ids of the entries never matched directly; given when lazy

    def __post_init__(self) -> None:
        ids = self.ids if self.ids is not None else [e.id for e in self.entries]
        object.__setattr__(self, "_position", {entry_id: i for i, entry_id in enumerate(ids)})
        if self.context_only is None:
            object.__setattr__(self, "context_only", frozenset(e.id for e in self.entries if e.context_only))

    def matchable(self, entry: Entry) -> bool:
        """Whether a question may be matched to `entry`: every entry but the context-only ones."""
        return entry.id not in self.context_only  # type: ignore[operator]

    def get(self, entry_id: str) -> Entry | None:
        position = self.position(entry_id)
        return None if position is None else self.entries[position]

    def position(self, entry_id: str) -> int | None:
        return self._position.get(entry_id)  # type: ignore[attr-defined]
