"""What an import reads, before it becomes FAQ entries: drafts of entries, and what was wrong or left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's control characters (category Cc)
_CONTROL_IN_ANSWER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab and line breaks


class Format(StrEnum):
    QNAMAKER = "qnamaker"  # QnA Maker / Custom Question Answering export: TSV or .xlsx
    CSV = "csv"  # a spreadsheet with a header row
    MARKDOWN = "markdown"  # a heading per question, the text under it the answer


@dataclass(frozen=True)
class FollowUp:
    target: str  # a draft's key (QnA Maker), or an id or canonical question (CSV)
    label: str | None = None  # the button's text


@dataclass(frozen=True)
class Draft:
    key: str  # unique in the import: the file and its QnaId, id or line
    file: str
    line: int
    questions: tuple[tuple[str | None, str], ...]  # (language given, phrasing); the first is canonical
    answers: tuple[tuple[str | None, str], ...]  # (language given, answer)
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    context_only: bool = False
    id: str | None = None  # as the input gives it
    number: int | None = None  # QnA Maker's QnaId: the `entry-N` id of a question without ASCII words


@dataclass(frozen=True)
class Finding:
    file: str
    line: int | None
    message: str
    row_kept: bool = False  # with --skip-bad, the row is imported all the same, without what the message names

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Read:
    """One input file, read: the drafts, the rows that could not be read (`errors`: nothing is written while
    there are any, unless they are skipped), rows left out on purpose (`skipped`), and what else to say."""

    drafts: tuple[Draft, ...] = ()
    errors: tuple[Finding, ...] = ()
    skipped: tuple[Finding, ...] = ()
    notes: tuple[Finding, ...] = ()


class CannotImport(Exception):
    """The import cannot go on (an unreadable file, a missing extra); nothing was written."""


def control_character(what: str, text: str, *, answer: bool = False) -> str | None:
    """Why `text` cannot be imported if it holds a control character (NUL, escape, ...), else None. Only an
    answer may hold tabs and line breaks."""
    found = (_CONTROL_IN_ANSWER if answer else _CONTROL).search(text)
    if found is None:
        return None
    allowed = "" if answer else " (only answers may hold tabs and line breaks)"
    if found.group() == "\n" and not answer:
        allowed += "; a quote opened and never closed runs a cell on over the lines after it"
    return (f"{what} holds the control character U+{ord(found.group()):04X} at character {found.start() + 1}"
            f"{allowed}: remove it")


def counted(count: int, one: str, many: str | None = None) -> str:
    """"1 entry", "2 entries": `many` defaults to `one` + "s"."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"
