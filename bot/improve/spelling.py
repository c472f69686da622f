"""Notes on a term the FAQ writes in several ways ("oncall", "on-call", "on call") that the matcher reads as
different words: a question worded one way may miss the phrasings worded the other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.engine.answering import Engine
from bot.engine.faq import Entry
from bot.engine.loading import SYNONYMS_FILE, Problem
from bot.engine.text import ENGLISH_STOP_WORDS, clean, terms

_WORD = re.compile(r"[a-z]+")
# A link or an address is no way of writing a word: riverton.example/newbin is no "newbin" for "new bin". A link
# starts with a scheme, www. or a host and a slash, and runs on in ASCII up to a space or a bracket (Markdown's
# "[text](url)", text in Chinese right after it)
_LINK_CHARS = r"[^\s()<>\[\]|\u0080-\U0010ffff]"
_ADDRESS = re.compile(rf"(?<![a-z0-9.-])(?:(?:[a-z][a-z0-9+.-]*://|www\.|(?:[a-z0-9-]+\.)+[a-z]{{2,}}/){_LINK_CHARS}*"
                      r"|[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)")
_JOINS = ("-", " ")  # what may stand between the two halves of a term written apart


@dataclass(frozen=True)
class Place:
    entry: Entry
    field: str


def spelling_notes(engine: Engine) -> list[Problem]:
    """One note per term written both as one word and as two, unless the matcher reads the ways alike (a
    synonyms group folds them). Each note sits where the way written last first appears."""
    ways: dict[str, dict[str, Place]] = {}  # the term as one word -> each way it is written -> where first
    for entry in engine.faq.entries:
        for field, text in _texts(entry):
            for joined, written in _ways(_ADDRESS.sub(" ", clean(text))):
                ways.setdefault(joined, {}).setdefault(written, Place(entry, field))
    notes = []
    synonyms = engine.matcher.synonyms
    for joined, written in ways.items():
        if len(written) < 2:
            continue
        if len({tuple(terms(way, synonyms)) for way in written}) < 2:
            continue  # the matcher reads every way alike
        *others, (last, place) = written.items()
        elsewhere = ", ".join(f"'{way}' (entry '{p.entry.id}', {p.field})" for way, p in others)
        notes.append(Problem(place.entry.file, place.entry.line,
                             f"note: '{last}' is also written {elsewhere}, and the matcher reads them as different "
                             f"words: if they mean the same, {_fix(list(written), engine.faq.synonyms)}, or write it "
                             "one way", place.entry.id, place.field))
    return notes


def _fix(ways: list[str], groups: tuple[tuple[str, ...], ...]) -> str:
    """The synonyms group to add the ways to: the one holding one of them already (a term may be in one group
    only), else a new one."""
    for group in groups:
        have = {clean(term) for term in group}
        if have & set(ways):
            missing = ", ".join(f"'{way}'" for way in sorted(ways, key=len) if way not in have)
            return f"add {missing} to the group [{', '.join(group)}] in {SYNONYMS_FILE}"
    return f"add `- [{', '.join(sorted(ways, key=len))}]` to {SYNONYMS_FILE}"


def _ways(text: str) -> Iterator[tuple[str, str]]:
    """(the term as one word, as written) for every word, and every two words joined by a hyphen or a space."""
    found = list(_WORD.finditer(text))
    for word in found:
        yield word.group(), word.group()
    for first, second in zip(found, found[1:]):
        between = text[first.end():second.start()]
        if between in _JOINS and _worth_a_note(first.group(), second.group()):
            yield first.group() + second.group(), first.group() + between + second.group()


def _worth_a_note(first: str, second: str) -> bool:
    return min(len(first), len(second)) >= 2 and first + second not in ENGLISH_STOP_WORDS


def _texts(entry: Entry) -> Iterator[tuple[str, str]]:
    for lang, phrasings in entry.questions.items():
        for position, phrasing in enumerate(phrasings):
            yield f"questions.{lang}[{position}]", phrasing
    for lang, answer in entry.answer.items():
        yield f"answer.{lang}", answer
