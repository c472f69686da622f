"""Picks as phrasings: the words a person asked before picking an entry are a phrasing the entry lacks,
unless it has them already (in the engine's normalisation: case, width, punctuation and script aside)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.answering import Engine, detect_language
from bot.engine.faq import Entry
from bot.engine.text import normalised
from bot.improve.store.reading import AUTOCOMPLETE, Led


@dataclass(frozen=True)
class PickedAfter:
    asked: str  # the spelling used most often
    entry_id: str
    count: int
    lang: str


def has_phrasing(entry: Entry, text: str) -> bool:
    said = normalised(text)
    return any(normalised(phrasing) == said for _, phrasing in entry.phrasings())


def phrasings_from_picks(led: Iterable[Led], engine: Engine) -> list[PickedAfter]:
    """One proposal per entry and wording, repeats counted, most picked first. Text typed into autocomplete
    that starts one of the entry's phrasings is left out: completing it was all it needed."""
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in led:
        entry, key = engine.faq.get(row.entry_id), normalised(row.asked)
        if entry is None or not key or has_phrasing(entry, row.asked):
            continue
        if row.via == AUTOCOMPLETE and any(normalised(p).startswith(key) for _, p in entry.phrasings()):
            continue
        spellings[row.entry_id, key][row.asked.strip()] += row.count
    found = []
    for (entry_id, _), counted in spellings.items():
        asked = min(counted, key=lambda text: (-counted[text], text))
        found.append(PickedAfter(asked, entry_id, counted.total(), detect_language(asked, engine.language)))
    return sorted(found, key=lambda p: (-p.count, p.entry_id, p.asked))
