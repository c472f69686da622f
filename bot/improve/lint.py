"""Everything wrong with a FAQ directory at once: schema problems, and phrasings the engine
would not answer with their own entry."""

from __future__ import annotations

from pathlib import Path

from bot.engine.answering import Context, Engine
from bot.engine.faq import Entry
from bot.engine.gcpause import gc_paused
from bot.engine.loading import FaqError, Problem, load_faq
from bot.engine.smalltalk import classify
from bot.engine.text import terms
from bot.engine.yamlsafe import Limits


def lint(directory: Path, limits: Limits = Limits(), **settings) -> list[Problem]:
    try:
        with gc_paused():
            faq = load_faq(directory, limits)
            engine = Engine(faq, **settings)
    except FaqError as err:
        return err.problems
    problems: list[Problem] = []
    owners: dict[tuple[str, ...], list[str]] = {}  # matcher terms -> ids of the entries phrasing them so
    for entry in faq.entries:
        for _, phrasing in entry.phrasings():
            ids = owners.setdefault(_key(phrasing, engine), [])
            if entry.id not in ids:
                ids.append(entry.id)
    for entry in faq.entries:
        for field, lang, phrasing in _phrasings(entry):

            def problem(message: str) -> None:
                problems.append(Problem(entry.file, entry.line, f"{phrasing!r} {message}", entry.id, field))

            if classify(phrasing) is not None:
                problem("reads as small talk (a greeting, thanks or help), so it is never matched: reword it")
                continue
            key = _key(phrasing, engine)
            if not key:
                problem("has no words the matcher can use (only stop words or punctuation): make it more specific")
                continue
            if owners[key][0] != entry.id:
                problem(f"means the same as a phrasing of '{owners[key][0]}' to the matcher (collision): "
                        "keep it in one entry only")
                continue
            if len(owners[key]) > 1:
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


def _phrasings(entry: Entry):
    for lang, phrasings in entry.questions.items():
        for position, phrasing in enumerate(phrasings):
            yield f"questions.{lang}[{position}]", lang, phrasing


def _key(phrasing: str, engine: Engine) -> tuple[str, ...]:
    return tuple(sorted(set(terms(phrasing, engine.matcher.synonyms))))
