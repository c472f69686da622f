"""`faqbot list` and `faqbot show`: the entries as aligned columns or JSON, and "did you mean" for a name
that is not there."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence

from bot.engine.faq import Entry


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the closest known name, or "" when none is close."""
    close = difflib.get_close_matches(name.casefold(), sorted(set(known)), n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""


def tagged(entries: Sequence[Entry], tag: str | None) -> list[Entry]:
    """The entries with `tag`, compared without regard to case; all of them for None."""
    if tag is None:
        return list(entries)
    wanted = tag.casefold()
    return [e for e in entries if wanted in (t.casefold() for t in e.tags)]


FOLLOW_UP_ONLY = "(follow-up only)"


def rows(entries: Sequence[Entry], lang: str) -> list[dict]:
    return [{"id": e.id, "question": e.question(lang), "tags": list(e.tags), "context_only": e.context_only}
            for e in entries]


def columns(entries: Sequence[Entry], lang: str) -> list[str]:
    """id, canonical question and tags, each column as wide as its widest cell (a Chinese character is two).
    An entry reached only as another's follow-up (context_only) is marked after its question."""
    cells = [(r["id"], r["question"] + (f" {FOLLOW_UP_ONLY}" if r["context_only"] else ""), ", ".join(r["tags"]))
             for r in rows(entries, lang)]
    id_width = max((width(c[0]) for c in cells), default=0)
    question_width = max((width(c[1]) for c in cells), default=0)
    return [(pad(i, id_width) + "  " + (pad(q, question_width) + "  " + t if t else q)).rstrip()
            for i, q, t in cells]


def related_line(entry: Entry) -> str:
    """The entry's follow-ups, each with its button's label where one is given: `a ("Label"), b`."""
    return ", ".join(f'{r} ("{entry.related_labels[r]}")' if r in entry.related_labels else r for r in entry.related)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, to: int) -> str:
    return text + " " * (to - width(text))
