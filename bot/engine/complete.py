"""Question completion while someone types: the FAQ questions that best match the text so far.

Fuzzy and prefix-friendly, since the last word is usually half typed ("what is rl" → "What is RLHF?").
It runs on every keystroke, so a cheap C scorer makes a shortlist of phrasings and only those are
looked at word by word.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.engine.answering import Engine, detect_language, in_scope
from bot.engine.reply import EntryRef
from bot.engine.text import bigrams, has_han, stem, words
from bot.engine.wording import shorten

CANDIDATES = 400  # phrasings the C scorer passes on, best first...
PER_ENTRY = 3  # ...of which at most this many per entry...
SCORED = 90  # ...and this many in all are scored word by word


@dataclass(frozen=True)
class _Phrasing:
    text: str  # cleaned words joined by spaces
    tokens: tuple[str, ...]  # words; Chinese as its characters and their bigrams
    stems: frozenset[str]
    entry: int  # position in the FAQ


@dataclass(frozen=True)
class _Index:
    phrasings: tuple[_Phrasing, ...]
    texts: tuple[str, ...]  # the phrasings' texts, for rapidfuzz


class Completer:
    """Completes questions as they are typed, against one engine's FAQ. The index of each language is
    built on first use; a new FAQ gets a new Completer."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._indexes: dict[str, _Index] = {}
        self._building = threading.Lock()

    def complete(self, typed: str, *, lang: str | None = None, tags: frozenset[str] | None = None,
                 limit: int = 25, max_chars: int = 100) -> tuple[EntryRef, ...]:
        """Up to `limit` entries whose questions best match `typed`, best first, each question at most
        `max_chars` long, in `lang` (default: the language of `typed`). With `tags`, only entries with one
        of them (a scoped channel). With nothing typed, the FAQ's first topics."""
        engine = self.engine
        lang = lang or detect_language(typed, engine.language)
        found = words(typed)
        if not found:
            return tuple(_shorten(ref, max_chars) for ref in engine.topics(lang, limit, tags))
        return _ranked(engine, self._index(lang), lang, " ".join(found), _tokens(found), tags, limit, max_chars)

    def warm(self) -> None:
        """Builds the index of each language the FAQ is written in now (a second or more each at 10,000 entries),
        so that no keystroke waits; one typed in another language builds its own on first use."""
        for lang in sorted({lang for entry in self.engine.faq.entries for lang in entry.questions}):
            self._index(lang)

    def _index(self, lang: str) -> _Index:
        known = self._indexes.get(lang)
        if known is not None:
            return known
        with self._building:
            if lang not in self._indexes:
                phrasings = []
                faq = self.engine.faq
                for position, entry in enumerate(faq.entries):
                    if not faq.matchable(entry):
                        continue
                    for question in entry.questions.get(lang) or next(iter(entry.questions.values())):
                        found = words(question)
                        tokens = _tokens(found, chars=True)
                        phrasings.append(_Phrasing(" ".join(found), tokens, frozenset(map(stem, tokens)), position))
                self._indexes[lang] = _Index(tuple(phrasings), tuple(p.text for p in phrasings))
            return self._indexes[lang]


def _ranked(engine: Engine, index: _Index, lang: str, query: str, tokens: tuple[str, ...],
            tags: frozenset[str] | None, limit: int, max_chars: int) -> tuple[EntryRef, ...]:
    shortlist = process.extract(query, index.texts, scorer=fuzz.partial_ratio, processor=None,
                                limit=CANDIDATES, score_cutoff=50)
    best: dict[int, float] = {}
    seen: dict[int, int] = {}
    scored = 0
    for _, partial, position in shortlist:
        phrasing = index.phrasings[position]
        if seen.get(phrasing.entry, 0) >= PER_ENTRY or (tags is not None and not in_scope(
                engine.faq.entries[phrasing.entry], tags)):
            continue
        seen[phrasing.entry] = seen.get(phrasing.entry, 0) + 1
        best[phrasing.entry] = max(best.get(phrasing.entry, 0.0), _score(query, tokens, phrasing, partial / 100))
        scored += 1
        if scored == SCORED:
            break
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    entries = engine.faq.entries
    return tuple(_shorten(EntryRef(entries[i].id, entries[i].question(lang), round(score, 4)), max_chars)
                 for i, score in ranked)


def _score(query: str, tokens: tuple[str, ...], phrasing: _Phrasing, partial: float) -> float:
    """How much of what is typed the phrasing covers, word by word (the last word may be half typed),
    blended with the character-level match and a bonus for a phrasing that starts the same way."""
    last = len(tokens) - 1
    covered = sum(_word_match(token, phrasing, last=n == last) * len(token) for n, token in enumerate(tokens))
    coverage = covered / sum(len(t) for t in tokens)
    starts = 1.0 if phrasing.text.startswith(query) else 0.0
    return 0.6 * coverage + 0.3 * partial + 0.1 * starts


def _word_match(token: str, phrasing: _Phrasing, *, last: bool) -> float:
    if token in phrasing.tokens or stem(token) in phrasing.stems:
        return 1.0
    if (last or len(token) >= 3) and any(w.startswith(token) for w in phrasing.tokens):
        return 0.9
    if len(token) < 3:
        return 0.0
    # a typo: compare with each word, cut to the typed length when the word may be half typed
    best = max((fuzz.ratio(token, w[: len(token) + 1] if last else w) for w in phrasing.tokens), default=0.0)
    return best / 100 if best >= 75 else 0.0


def _tokens(found: list[str], *, chars: bool = False) -> tuple[str, ...]:
    """Words as they are; Chinese, which has no spaces, as character bigrams (and with `chars`, characters)."""
    tokens = []
    for word in found:
        if has_han(word):
            tokens += bigrams(word) + (list(word) if chars and len(word) > 1 else [])
        else:
            tokens.append(word)
    return tuple(tokens)


def _shorten(ref: EntryRef, max_chars: int) -> EntryRef:
    return EntryRef(ref.id, shorten(ref.question, max_chars), ref.score)
