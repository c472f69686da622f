"""Everything wrong with a FAQ directory at once: schema problems, and phrasings the engine
would not answer with their own entry. And notes, which fail nothing: phrasings of different entries
that mean nearly the same to the semantic stage, or that have the same words once stop words are set
aside yet are answered apart as written."""

from __future__ import annotations

from pathlib import Path

import numpy

from bot.engine.answering import Context, Engine
from bot.engine.build import build_engine
from bot.engine.faq import Entry
from bot.engine.loading import FaqError, Problem
from bot.engine.semantic import PARAPHRASE
from bot.engine.smalltalk import classify
from bot.engine.text import Synonyms, normalised, terms
from bot.engine.yamlsafe import Limits

CELLS = 8_000_000  # phrasing pairs compared at once by `near_duplicates`: 32 MB of cosines


def lint(directory: Path, limits: Limits = Limits(), *, semantic: str = "off", **settings) -> list[Problem]:
    """`semantic` and `settings` as for build_engine, so that the engine checked is the one that answers."""
    try:
        engine = build_engine(directory, limits=limits, semantic=semantic, **settings)
    except FaqError as err:
        return err.problems
    return check(engine)


def check(engine: Engine) -> list[Problem]:
    faq = engine.faq
    problems: list[Problem] = []
    matched = [entry for entry in faq.entries if faq.matchable(entry)]  # a context-only entry is only picked
    owners = _owners(matched, engine)
    for entry in matched:
        said: dict[str, tuple[str, str]] = {}  # normalised phrasing -> (field, phrasing) where the entry first has it
        for field, lang, phrasing in _phrasings(entry):

            def problem(message: str) -> None:
                problems.append(Problem(entry.file, entry.line, f"{phrasing!r} {message}", entry.id, field))

            first = said.setdefault(normalised(phrasing), (field, phrasing))
            if first[0] != field:
                problem(f"repeats {first[1]!r} ({first[0]}) of the same entry: keep one")
                continue
            if classify(phrasing) is not None:
                problem("reads as small talk (a greeting, thanks or help), so it is never matched: reword it")
                continue
            key = _key(phrasing, engine)
            if not key:
                problem("has no words the matcher can use (only stop words or punctuation): make it more specific")
                continue
            first = owners[key][0][0]
            if first is not entry:
                if not _told_apart(phrasing, lang, entry, owners[key], engine):
                    problem(f"means the same as a phrasing of '{first.id}' to the matcher (collision): "
                            f"keep it in one entry only{_folded_by(phrasing, owners[key][0][2], engine)}")
                continue  # else the words it leaves out tell them apart: a note (same_words)
            if not all(_told_apart(q, language, other, owners[key], engine) for other, language, q in owners[key][1:]):
                continue  # reported once, at the entry that repeats it
            reply = engine.answer(phrasing, Context(lang=lang))
            if reply.kind == "answer" and reply.entry_id != entry.id:
                problem(f"is answered with entry '{reply.entry_id}' (collision): make the two entries' "
                        "phrasings more distinct, or move the phrasing")
            elif reply.kind != "answer":
                others = [s.id for s in reply.suggestions if s.id != entry.id]
                rival = f" it is too close to {', '.join(others)}" if others else ""
                problem(f"gets '{reply.kind}' instead of a direct answer (confidence {reply.score:.2f});{rival} "
                        "— make it more specific")
        for lang, phrasings in entry.not_questions.items():
            for position, phrasing in enumerate(phrasings):
                reply = engine.answer(phrasing, Context(lang=lang))
                if reply.kind == "answer" and reply.entry_id == entry.id:
                    problems.append(Problem(entry.file, entry.line, f"{phrasing!r} is listed as a question this entry "
                                            "must not answer, yet it does: make it differ from the entry's phrasings",
                                            entry.id, f"not_questions.{lang}[{position}]"))
    return problems


def near_duplicates(engine: Engine, cells: int = CELLS) -> list[Problem]:
    """Notes on phrasings that mean as much as a paraphrase of another entry's phrasing, and no less
    than any other phrasing of their own entry: by meaning, a question worded like them is as likely
    to go to the other entry. Each pair once, at the later entry; none without a semantic stage."""
    if engine.semantic is None or not engine.semantic.warm_up():
        return []
    owners, texts, vectors = engine.semantic.phrasing_vectors()
    count = len(texts)
    partner, cosine = numpy.full(count, -1), numpy.full(count, -1.0)
    rows = max(1, cells // max(count, 1))
    for start in range(0, count, rows):
        block = vectors[start:start + rows] @ vectors.T
        same = owners[start:start + rows, None] == owners[None, :]
        others = numpy.where(same, -numpy.inf, block)
        block[numpy.arange(len(block)), numpy.arange(start, start + len(block))] = -numpy.inf
        own = numpy.where(same, block, -numpy.inf).max(axis=1)
        nearest = others.argmax(axis=1)
        closest = others[numpy.arange(len(block)), nearest]
        flagged = (closest >= PARAPHRASE) & (closest >= own)
        partner[start:start + len(block)] = numpy.where(flagged, nearest, -1)
        cosine[start:start + len(block)] = closest
    where = [(entry, field) for entry in engine.faq.entries for field, _, _ in _phrasings(entry)]
    notes = []
    for i in map(int, numpy.flatnonzero(partner >= 0)):
        j = int(partner[i])
        if partner[j] == i and owners[j] > owners[i]:
            continue  # noted at j, the later entry
        (entry, field), other = where[i], where[j][0]
        notes.append(Problem(entry.file, entry.line, f"note: {texts[i]!r} means nearly what {texts[j]!r} of "
                             f"'{other.id}' means (cosine {cosine[i]:.2f}): a question worded like either may "
                             "get the other entry or a did-you-mean; word them apart, or merge the entries",
                             entry.id, field))
    return notes


def same_words(engine: Engine) -> list[Problem]:
    """Notes on a phrasing with the same words to the matcher as another entry's once the words it leaves out are
    set aside ("My bin wasn't collected", "When is my bin collected?"), which the bot still answers with its own
    entry as written: a question worded otherwise is told apart by meaning alone, or not at all."""
    faq = engine.faq
    matched = [entry for entry in faq.entries if faq.matchable(entry)]
    owners = _owners(matched, engine)
    notes = []
    for entry in matched:
        for field, lang, phrasing in _phrasings(entry):
            key = _key(phrasing, engine)
            if key and owners[key][0][0] is not entry and _told_apart(phrasing, lang, entry, owners[key], engine):
                named = [f"{words!r} of '{owner.id}'" for owner, _, words in owners[key] if owner is not entry]
                others = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
                folded = _folded_by(phrasing, owners[key][0][2], engine)
                notes.append(Problem(entry.file, entry.line, f"note: {phrasing!r} has the words of {others} once those "
                                     "the matcher leaves out are set aside; the bot tells them apart as written, but "
                                     f"other wordings by meaning alone, if at all: word it with a word of its own{folded}",
                                     entry.id, field))
    return notes


def _owners(matched: list[Entry], engine: Engine) -> dict[tuple[str, ...], list[tuple[Entry, str, str]]]:
    """Matcher terms -> (entry, language, phrasing) of the first phrasing of each entry with those terms."""
    owners: dict[tuple[str, ...], list[tuple[Entry, str, str]]] = {}
    for entry in matched:
        for _, lang, phrasing in _phrasings(entry):
            found = owners.setdefault(_key(phrasing, engine), [])
            if all(owner is not entry for owner, _, _ in found):
                found.append((entry, lang, phrasing))
    return owners


def _told_apart(phrasing: str, lang: str, entry: Entry, rivals: list[tuple[Entry, str, str]], engine: Engine) -> bool:
    """Whether the bot answers `phrasing` with its own entry although the `rivals` (their entries) have its words."""
    text = normalised(phrasing)
    if any(text == normalised(q) for rival, _, _ in rivals if rival is not entry for _, q in rival.phrasings()):
        return False  # the same question twice: no wording tells them apart
    reply = engine.answer(phrasing, Context(lang=lang))
    return reply.kind == "answer" and reply.entry_id == entry.id


def _phrasings(entry: Entry):
    for lang, phrasings in entry.questions.items():
        for position, phrasing in enumerate(phrasings):
            yield f"questions.{lang}[{position}]", lang, phrasing


def _folded_by(phrasing: str, other: str, engine: Engine) -> str:
    """When the synonyms are what make two phrasings' words the same, which groups do ("; the synonyms group
    [cancel, change] makes ..."): a group that folds words which tell entries apart; else ""."""
    if _words(phrasing) == _words(other):
        return ""
    groups = [g for g in engine.faq.synonyms if any(_words(t, Synonyms([g])) != _words(t) for t in (phrasing, other))]
    if not groups:
        return ""
    shown = "; ".join(f"[{', '.join(g)}]" for g in groups[:2])
    return (f"; the synonyms group{'s' if len(groups) > 1 else ''} {shown} make{'' if len(groups) > 1 else 's'} "
            "their words the same: if the terms do not mean the same in this FAQ, take one out of its group")


def _key(phrasing: str, engine: Engine) -> tuple[str, ...]:
    return _words(phrasing, engine.matcher.synonyms)


def _words(phrasing: str, synonyms: Synonyms | None = None) -> tuple[str, ...]:
    """The matcher's terms of `phrasing`, each once, in order: what makes two phrasings the same to it."""
    return tuple(sorted(set(terms(phrasing, synonyms))))
