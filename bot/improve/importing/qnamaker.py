"""QnA Maker and Custom Question Answering exports: one row per question, the rows of one QnA pair sharing
its QnaId, answer, source, metadata and prompts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.loading import is_link
from bot.improve.importing.model import (
    Draft,
    Finding,
    FollowUp,
    Read,
    control_character,
    counted,
)
from bot.improve.importing.rows import readable

COLUMNS = ("Question", "Answer", "Source", "Metadata", "SuggestedQuestions", "IsContextOnly", "Prompts", "QnaId")
REQUIRED = ("question", "answer", "qnaid")
IMPORTED = {"question", "answer", "source", "metadata", "iscontextonly", "prompts", "qnaid"}


@dataclass
class _Pair:
    line: int
    answer: str
    questions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    prompts: list[tuple[int, int, str]] = field(default_factory=list)  # (display order, QnaId, text)
    context_only: bool = False


def is_qnamaker(header: list[str]) -> bool:
    names = {cell.strip().casefold() for cell in header}
    return all(name in names for name in REQUIRED)


def read(path: Path, table: Iterable[tuple[int, list[str]]]) -> Read:
    name = str(path)
    errors: list[Finding] = []
    skipped: list[Finding] = []
    suggested: list[int] = []
    rows = iter(table)
    line, header = next(rows, (1, []))
    columns = {cell.strip().casefold(): n for n, cell in enumerate(header)}
    if not is_qnamaker(header):
        return Read(errors=(Finding(name, line, f"the header should name the columns {', '.join(COLUMNS)} "
                                    f"(it has: {', '.join(header) or 'nothing'})"),))
    pairs: dict[int, _Pair] = {}
    read_as = [title.strip().casefold() if title.strip().casefold() in IMPORTED else None for title in header]
    for line, cells in readable(name, rows, header, read_as, errors=errors, skipped=skipped, exact=True):

        def cell(column: str) -> str:
            position = columns.get(column.casefold())
            return "" if position is None else cells[position].strip()

        problem = _row(cell, line, pairs)
        if problem:
            errors.append(Finding(name, line, problem))
        if cell("SuggestedQuestions") not in ("", "[]"):
            suggested.append(line)
    known = set(pairs)
    drafts = []
    for number, pair in pairs.items():
        for _, target, _ in pair.prompts:
            if target not in known:
                errors.append(Finding(name, pair.line, f"a prompt leads to QnaId {target}, which is not in the file",
                                      row_kept=True))
        follow_ups = tuple(FollowUp(f"{name}#{target}", text or None)
                           for _, target, text in sorted(pair.prompts) if target in known and target != number)
        drafts.append(Draft(f"{name}#{number}", name, pair.line, tuple((None, q) for q in pair.questions),
                            ((None, pair.answer),), tuple(dict.fromkeys(pair.tags)), tuple(pair.sources), follow_ups,
                            pair.context_only, number=number))
    notes = ()
    if suggested:
        one = len(suggested) == 1
        notes = (Finding(name, None, f"{counted(len(suggested), 'row')} {'carries' if one else 'carry'} suggested "
                         f"questions (active learning's, {'line' if one else 'lines'} {_lines(suggested)}): not "
                         "imported; add the ones you want as phrasings"),)
    return Read(tuple(drafts), tuple(sorted(errors, key=lambda e: e.line or 0)), tuple(skipped), notes)


def _row(cell, line: int, pairs: dict[int, _Pair]) -> str | None:
    """Adds the row to its pair; what is wrong with it, if anything."""
    number_text, question, answer = cell("QnaId"), cell("Question"), cell("Answer").replace("\\n", "\n")
    if not number_text.isdigit():
        return f"QnaId {number_text!r} is not a whole number"
    if not question:
        return "has no question"
    if not answer.strip():
        return "has no answer"
    context = cell("IsContextOnly").casefold()
    if context not in ("", "true", "false"):
        return f"IsContextOnly is {cell('IsContextOnly')!r}: it should be true or false"
    try:
        prompts = _prompts(cell("Prompts"))
    except ValueError as err:
        return f"Prompts: {err}"
    number = int(number_text)
    pair = pairs.get(number)
    if pair is None:
        pair = pairs[number] = _Pair(line, answer.strip(), context_only=context == "true")
        pair.prompts = prompts
        pair.tags = [_tag(item) for item in cell("Metadata").split("|") if item.strip()]
    elif pair.answer != answer.strip():
        return f"QnaId {number} has another answer on line {pair.line}: one QnA pair has one answer"
    if question not in pair.questions:
        pair.questions.append(question)
    source = cell("Source")
    if is_link(source) and source not in pair.sources:
        pair.sources.append(source)
    return None


def _prompts(text: str) -> list[tuple[int, int, str]]:
    if not text:
        return []
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON ({err.msg} at character {err.pos})") from None
    if not isinstance(items, list):
        raise ValueError("should be a JSON list of prompts")
    out = []
    for position, item in enumerate(items):
        item = {str(k).casefold(): v for k, v in item.items()} if isinstance(item, dict) else {}
        target, order = item.get("qnaid"), item.get("displayorder", position)
        if isinstance(target, str) and target.isdigit():
            target = int(target)
        if not isinstance(target, int) or isinstance(target, bool):
            raise ValueError(f"prompt {position + 1} has no qnaId")
        label = item.get("displaytext")
        if isinstance(label, str) and (problem := control_character(f"prompt {position + 1}'s displayText", label)):
            raise ValueError(problem)
        out.append((order if isinstance(order, int) else position, target, label.strip() if isinstance(label, str) else ""))
    return out


def _tag(item: str) -> str:
    """`key:value` metadata as the tag `key:value`; faqbot's own `tag:x` (see export) as `x`."""
    key, _, value = (part.strip() for part in item.partition(":"))
    if not value:
        return key
    return value if key.casefold() == "tag" else f"{key}:{value}"


def _lines(numbers: list[int], most: int = 8) -> str:
    shown = ", ".join(map(str, numbers[:most]))
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")
