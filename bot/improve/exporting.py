"""`faqbot export`: the FAQ as a QnA Maker / Custom Question Answering TSV, or as a CSV that `faqbot import`
reads back whole (entries, phrasings, tags, sources, follow-ups and their labels, context-only)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.engine.faq import Entry
from bot.improve.atomic import write_atomically
from bot.improve.importing.model import Format, counted
from bot.improve.importing.qnamaker import COLUMNS
from bot.improve.importing.spreadsheet import LABEL

_NUMBERED = re.compile(r"^entry-(\d+)$")


class CannotExport(Exception):
    """Nothing was written; the message says why."""


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    notes: tuple[str, ...]


def export(entries: Sequence[Entry], form: Format, out: Path, *, force: bool = False) -> Exported:
    if out.exists() and not force:
        raise CannotExport(f"{out} already exists: export never overwrites a file; give a new name, or pass --force")
    if out.exists() and not out.is_file():
        raise CannotExport(f"{out} is not a file")
    table, notes = (_qnamaker if form is Format.QNAMAKER else _csv)(entries)
    notes = _left_out(entries, form) + notes
    text = io.StringIO()
    writer = csv.writer(text, csv.excel_tab if form is Format.QNAMAKER else csv.excel)
    writer.writerows(table)
    try:
        write_atomically(out, text.getvalue().encode("utf-8-sig"))
    except OSError as err:
        raise CannotExport(f"cannot write {out}: {err.strerror}") from None
    return Exported(out, len(table) - 1, tuple(notes))


def _left_out(entries: Sequence[Entry], form: Format) -> list[str]:
    """What the file cannot hold: said before the entries' own notes, since an import of it loses them all."""
    said = []
    denying = [e.id for e in entries if e.not_questions]
    if denying:
        said.append(f"not_questions of {counted(len(denying), 'entry', 'entries')} "
                    f"({', '.join(denying[:3])}{', …' if len(denying) > 3 else ''}) are not in the file, which has "
                    "no place for them: they stay in the FAQ's YAML only")
    named = [e.id for e in entries if not _NUMBERED.match(e.id)]
    if form is Format.QNAMAKER and named:
        said.append("QnA Maker keeps no entry ids but numbers: an import of this file names each entry after its "
                    f"first question (or entry-N), not {named[0]}" + (" and the rest" if len(named) > 1 else ""))
    return said


def qna_ids(entries: Sequence[Entry]) -> dict[str, int]:
    """Each entry's QnaId: N for an id `entry-N` (as an import named it), else the next free number."""
    numbers: dict[str, int] = {}
    used: set[int] = set()  # numbers.values(), looked up in constant time
    for entry in entries:
        found = _NUMBERED.match(entry.id)
        if found and int(found.group(1)) not in used:
            numbers[entry.id] = int(found.group(1))
            used.add(numbers[entry.id])
    free = 1
    for entry in entries:
        if entry.id not in numbers:
            while free in used:
                free += 1
            numbers[entry.id] = free
            used.add(free)
            free += 1
    return numbers


def _qnamaker(entries: Sequence[Entry]) -> tuple[list[list[str]], list[str]]:
    numbers = qna_ids(entries)
    highest = max(numbers.values(), default=0)  # a second language's pair gets the next number after it
    by_id = {e.id: e for e in entries}
    table, notes = [list(COLUMNS)], []
    for entry in entries:
        prompts = json.dumps([{"displayOrder": n, "qnaId": numbers[r], "displayText": entry.related_labels.get(r)
                               or next(iter(e.questions.values()))[0]}
                              for n, r in enumerate(entry.related) if (e := by_id.get(r)) is not None],
                             ensure_ascii=False)
        if bad := [tag for tag in entry.tags if "|" in tag]:
            raise CannotExport(f"{entry.id}: its tag {bad[0]!r} holds '|', which separates QnA Maker's metadata "
                               "pairs: an import would read two tags; rename it")
        metadata = "|".join(tag if ":" in tag else f"tag:{tag}" for tag in entry.tags)
        for position, lang in enumerate(entry.questions):
            number = numbers[entry.id]
            if position:
                number = highest = highest + 1
                notes.append(f"{entry.id}: its '{lang}' answer is QnA pair {number} (a QnA pair has one answer)")
            phrasings = entry.questions[lang]
            if len(entry.sources) > len(phrasings):
                notes.append(f"{entry.id}: {len(entry.sources) - len(phrasings)} source(s) left out: one a row")
            for row, question in enumerate(phrasings):
                source = entry.sources[row] if row < len(entry.sources) else (entry.sources[0] if entry.sources
                                                                              else "Editorial")
                table.append([question, entry.answer[lang].replace("\n", "\\n"), source, metadata, "[]",
                              "true" if entry.context_only else "false", prompts, str(number)])
    return table, notes


def _csv(entries: Sequence[Entry]) -> tuple[list[list[str]], list[str]]:
    most = max((len(qs) for e in entries for qs in e.questions.values()), default=1)
    table = [["id", "lang", *["question"] * most, "answer", "tags", "related", "sources", "context_only"]]
    for entry in entries:
        related = [f"{r} {LABEL} {entry.related_labels[r]}" if r in entry.related_labels else r for r in entry.related]
        for lang, phrasings in entry.questions.items():
            cells = [*phrasings, *entry.tags, *entry.sources, *entry.related_labels.values()]
            if bad := [cell for cell in cells if "|" in cell]:
                raise CannotExport(f"{entry.id}: {bad[0]!r} holds '|', which separates the items of a CSV cell: "
                                   "reword it, or export --format qnamaker")
            table.append([entry.id, lang, *phrasings, *[""] * (most - len(phrasings)), entry.answer[lang],
                          "|".join(entry.tags), "|".join(related), "|".join(entry.sources),
                          "true" if entry.context_only else ""])
    return table, []
