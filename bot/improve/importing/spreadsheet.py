"""A spreadsheet FAQ (CSV, or .xlsx without QnA Maker's columns): a header row, then one entry per row, or
per id when rows share one (one row per language)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.engine.faq import LANGUAGES
from bot.engine.loading import is_link
from bot.improve.importing.model import Draft, Finding, FollowUp, Read
from bot.improve.importing.rows import readable

ALIASES = {
    "question": "question", "questions": "question", "answer": "answer", "id": "id", "tags": "tags", "tag": "tags",
    "related": "related", "follow-ups": "related", "sources": "sources", "source": "sources",
    "context_only": "context_only", "lang": "lang", "language": "lang",
}
LABEL = "=>"  # in a `related` cell: `target => button label`


def split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def read(path: Path, table: Iterable[tuple[int, list[str]]]) -> Read:
    name = str(path)
    rows = iter(table)
    line, header = next(rows, (1, []))
    columns = [ALIASES.get(cell.strip().casefold()) for cell in header]
    if "question" not in columns or "answer" not in columns:
        return Read(errors=(Finding(name, line, "the header row needs a `question` and an `answer` column "
                                    f"(it has: {', '.join(header) or 'nothing'})"),))
    ignored = [cell for cell, column in zip(header, columns) if column is None and cell.strip()]
    notes = [Finding(name, line, f"column(s) {', '.join(ignored)} not imported: the columns are "
                     f"{', '.join(sorted(set(ALIASES.values())))}")] if ignored else []
    errors: list[Finding] = []
    skipped: list[Finding] = []
    drafts: dict[str, Draft] = {}
    for line, cells in readable(name, rows, header, columns, errors=errors, skipped=skipped, exact=False):
        values: dict[str, list[str]] = {}
        for column, cell in zip(columns, cells):
            if column is not None:
                values.setdefault(column, []).append(cell.strip())
        draft, problem = _draft(name, line, values)
        if problem:
            errors.append(Finding(name, line, problem))
            continue
        others = [text for cell in values.get("sources", ()) for text in split(cell) if not is_link(text)]
        if others:
            notes.append(Finding(name, line, f"source(s) {', '.join(map(repr, others))} left out: a source is an "
                                             "http(s) link"))
        earlier = drafts.get(draft.key)
        if earlier is not None:
            draft = _merged(earlier, draft)
        drafts[draft.key] = draft
    return Read(tuple(drafts.values()), tuple(errors), tuple(skipped), tuple(notes))


def _draft(name: str, line: int, values: dict[str, list[str]]) -> tuple[Draft, str | None]:
    def one(column: str) -> str:
        return next((v for v in values.get(column, ()) if v), "")

    questions = [q for cell in values.get("question", ()) for q in split(cell)]
    answer, lang, entry_id = one("answer"), one("lang").casefold() or None, one("id") or None
    draft = Draft(f"{name}#{entry_id or line}", name, line, (), ())
    if not questions:
        return draft, "has no question"
    if not answer:
        return draft, "has no answer"
    if lang is not None and lang not in LANGUAGES:
        return draft, f"lang is {lang!r}: use one of {', '.join(LANGUAGES)}"
    context = one("context_only").casefold()
    if context not in ("", "true", "false", "yes", "no", "1", "0"):
        return draft, f"context_only is {context!r}: it should be true or false"
    follow_ups = []
    for item in split(one("related")):
        target, _, label = (part.strip() for part in item.partition(LABEL))
        follow_ups.append(FollowUp(target, label or None))
    return Draft(draft.key, name, line, tuple((lang, q) for q in dict.fromkeys(questions)), ((lang, answer),),
                 tuple(dict.fromkeys(split(one("tags")))), tuple(dict.fromkeys(s for s in split(one("sources")) if is_link(s))),
                 tuple(follow_ups), context in ("true", "yes", "1"), entry_id), None


def _merged(first: Draft, more: Draft) -> Draft:
    """Two rows of one id: its phrasings and answer in another language, usually."""
    return Draft(first.key, first.file, first.line, first.questions + more.questions, first.answers + more.answers,
                 tuple(dict.fromkeys(first.tags + more.tags)), tuple(dict.fromkeys(first.sources + more.sources)),
                 first.follow_ups + tuple(f for f in more.follow_ups if f not in first.follow_ups),
                 first.context_only or more.context_only, first.id)
