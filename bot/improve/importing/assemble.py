"""Drafts into FAQ entries: ids, languages, follow-ups resolved to ids, and what the import had to decide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.answering import detect_language
from bot.engine.loading import ID_PATTERN
from bot.engine.text import has_han, normalised
from bot.improve.importing.model import Draft, Finding, counted
from bot.improve.importing.slugs import slug, unique


@dataclass(frozen=True)
class Assembled:
    entries: tuple[tuple[Draft, dict], ...]  # each draft with the entry it became, as the YAML writes it
    errors: tuple[Finding, ...]
    notes: tuple[Finding, ...]


def answer_language(text: str) -> str:
    """zh when the answer has more Chinese characters than Latin words."""
    han = sum(1 for c in text if has_han(c))
    latin = len([w for w in text.split() if any(c.isascii() and c.isalpha() for c in w)])
    return "zh" if han > latin else "en"


def assemble(drafts: Sequence[Draft], lang: str = "auto") -> Assembled:
    errors: list[Finding] = []
    notes: list[Finding] = []
    ids = _ids(drafts, errors, notes)
    by_key = {d.key: ids[d.key] for d in drafts}
    by_name = {d.id: ids[d.key] for d in drafts if d.id} | {i: i for i in ids.values()}
    by_question = {}
    for d in drafts:
        by_question.setdefault(normalised(d.questions[0][1]), ids[d.key])
    entries, filed = [], 0
    for draft in drafts:
        answer: dict[str, str] = {}
        for given, text in draft.answers:
            language = given or (lang if lang != "auto" else answer_language(text))
            if answer.setdefault(language, text) != text:
                errors.append(Finding(draft.file, draft.line, f"two different answers in '{language}' for one "
                                      "entry: keep one, or give each row its own id"))
        questions: dict[str, list[str]] = {}
        seen: set[tuple[str, str]] = set()
        for given, text in draft.questions:
            language = given or (lang if lang != "auto" else detect_language(text))
            if language not in answer:
                language, filed = next(iter(answer)), filed + 1
            if (language, normalised(text)) not in seen:
                seen.add((language, normalised(text)))
                questions.setdefault(language, []).append(text)
        for language in answer.keys() - questions.keys():
            errors.append(Finding(draft.file, draft.line, f"an answer in '{language}' but no question in it"))
        related = []
        for follow_up in draft.follow_ups:
            target = (by_key.get(follow_up.target) or by_name.get(follow_up.target)
                      or by_question.get(normalised(follow_up.target)))
            if target is None:
                errors.append(Finding(draft.file, draft.line, f"follow-up {follow_up.target!r} names no entry of "
                                      "the import: give an id or a question of another row"))
            elif target != ids[draft.key] and target not in [r if isinstance(r, str) else r["id"] for r in related]:
                related.append({"id": target, "label": follow_up.label} if follow_up.label else target)
        entry = {"id": ids[draft.key], "questions": questions, "answer": answer}
        entry |= {"tags": list(draft.tags)} if draft.tags else {}
        entry |= {"related": related} if related else {}
        entry |= {"sources": list(draft.sources)} if draft.sources else {}
        entry |= {"context_only": True} if draft.context_only else {}
        entries.append((draft, entry))
    if filed:
        notes.append(Finding("import", None, f"{filed} phrasing(s) in a language their entry's answer is not "
                             "written in were filed under the answer's language"))
    _reachable(entries, notes)
    return Assembled(tuple(entries), tuple(errors), tuple(notes))


def _ids(drafts: Sequence[Draft], errors: list[Finding], notes: list[Finding]) -> dict[str, str]:
    taken: set[str] = set()
    given: dict[str, Draft] = {}
    for draft in drafts:
        if draft.id is None:
            continue
        if not ID_PATTERN.match(draft.id):
            errors.append(Finding(draft.file, draft.line, f"id {draft.id!r} is not a valid id: lowercase letters, "
                                  "digits and single hyphens"))
        elif draft.id in given:
            first = given[draft.id]
            errors.append(Finding(draft.file, draft.line, f"id {draft.id!r} is also the id of {first.file}:"
                                  f"{first.line}"))
        else:
            given[draft.id] = draft
            taken.add(draft.id)
    ids, numbered = {}, 0
    for position, draft in enumerate(drafts, start=1):
        if draft.id is not None and given.get(draft.id) is draft:
            ids[draft.key] = draft.id
            continue
        base = slug(draft.questions[0][1])
        if base is None:
            numbered += 1
            base = f"entry-{draft.number if draft.number is not None else position}"
        ids[draft.key] = unique(base, taken)
    if numbered:
        notes.append(Finding("import", None, f"{counted(numbered, 'entry', 'entries')} asked in Chinese or without "
                             "ASCII words got entry-N ids (N: the QnaId, else the position): ids are ASCII and faqbot "
                             "does not romanise Chinese; rename them by hand if you like, before anything refers to "
                             "them"))
    return ids


def _reachable(entries: list[tuple[Draft, dict]], notes: list[Finding]) -> None:
    """A context-only entry that no follow-up leads to could never be reached: it is imported as an ordinary
    entry, and said so."""
    reached = {r if isinstance(r, str) else r["id"] for _, entry in entries for r in entry.get("related", ())}
    for draft, entry in entries:
        if entry.get("context_only") and entry["id"] not in reached:
            del entry["context_only"]
            notes.append(Finding(draft.file, draft.line, f"'{entry['id']}' is context-only but no prompt leads to "
                                 "it: imported as an ordinary entry, which questions can match"))
