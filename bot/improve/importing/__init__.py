"""`faqbot import`: a QnA Maker / Custom Question Answering export, a spreadsheet or a Markdown FAQ into a FAQ
folder. Everything is read and checked before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.improve.importing import markdown_faq, qnamaker, spreadsheet
from bot.improve.importing.assemble import assemble
from bot.improve.importing.keeping import Kept, carry, kept_from
from bot.improve.importing.model import CannotImport, Finding, Format, Read
from bot.improve.importing.rows import rows, text_encoding
from bot.improve.importing.writing import check_target, files_for, write

PROGRESS_FROM = 1_000_000  # bytes: smaller files are read before a bar would show
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Summary:
    written: tuple[Path, ...]
    entries: int
    phrasings: int
    follow_ups: int
    context_only: int
    skipped: tuple[Finding, ...]
    notes: tuple[Finding, ...]


class BadInput(Exception):
    """Rows that cannot be read; nothing was written."""

    def __init__(self, errors: Sequence[Finding], *, whole_file: bool = False) -> None:
        self.errors = tuple(errors)
        self.whole_file = whole_file  # nothing could be imported however many rows were skipped
        super().__init__("\n".join(map(str, errors)))


def read_file(path: Path, form: Format | None, progress: Callable[[int, int], None] | None = None) -> Read:
    if not path.is_file():
        raise CannotImport(f"{path}: no such file")
    encoding = "utf-8-sig" if path.suffix.lower() == ".xlsx" else text_encoding(path)
    if form is Format.MARKDOWN or (form is None and path.suffix.lower() in MARKDOWN_SUFFIXES):
        return _said_of(markdown_faq.read(path, encoding), path, encoding)
    tabs = True if path.suffix.lower() == ".tsv" else None
    table = rows(path, tabs=tabs, progress=progress, encoding=encoding)
    first = next(table, None)
    if first is None:
        return Read(errors=(Finding(str(path), None, "is empty"),))
    qna = qnamaker.is_qnamaker(first[1])
    if form is Format.QNAMAKER or (form is None and qna):
        return _said_of(qnamaker.read(path, _again(first, table)), path, encoding)
    return _said_of(spreadsheet.read(path, _again(first, table)), path, encoding)


def _said_of(read: Read, path: Path, encoding: str) -> Read:
    if encoding == "utf-8-sig":
        return read
    why = ", as Excel saves CSV on Chinese Windows" if path.suffix.lower() in (".csv", ".tsv") else ""
    note = Finding(str(path), None, f"is not UTF-8: read as GB18030 (GBK){why}; check that the Chinese text came "
                   "through, and save the file as UTF-8 to be sure")
    return replace(read, notes=(note, *read.notes))


def _again(first, rest):
    yield first
    yield from rest


def run(files: Sequence[Path], out: Path, *, form: Format | None = None, lang: str = "auto", force: bool = False,
        skip_bad: bool = False, progress: Callable[[str], Callable[[int, int], None]] | None = None) -> Summary:
    """Raises CannotImport (nothing to do) or BadInput (rows to fix; nothing written, unless `skip_bad`)."""
    check_target(out, force)  # said before a long read, and again just before writing
    reads = []
    for path in files:
        big = progress is not None and path.is_file() and path.stat().st_size >= PROGRESS_FROM
        reads.append(read_file(path, form, progress(f"reading {path.name}") if big else None))
    errors = [e for r in reads for e in r.errors]
    drafts = [d for r in reads for d in r.drafts]
    if errors and not skip_bad:
        raise BadInput(errors, whole_file=not drafts)
    if not drafts:
        raise BadInput(errors or [Finding(str(files[0]), None, "holds no question and answer to import")],
                       whole_file=True)
    assembled = assemble(drafts, lang)
    if assembled.errors and not skip_bad:
        raise BadInput(assembled.errors)
    broken = {(e.file, e.line) for e in assembled.errors}
    kept = [(d, entry) for d, entry in assembled.entries if (d.file, d.line) not in broken]
    dropped_ids = {entry["id"] for d, entry in assembled.entries if (d.file, d.line) in broken}
    groups: dict[str, list[dict]] = {}
    for draft, entry in kept:
        if dropped_ids and "related" in entry:
            entry["related"] = [r for r in entry["related"] if (r if isinstance(r, str) else r["id"]) not in dropped_ids]
            if not entry["related"]:
                del entry["related"]
        groups.setdefault(draft.file, []).append(entry)
    if not kept:
        raise BadInput(assembled.errors)
    origins = {entry["id"]: f"{draft.file}:{draft.line}" for draft, entry in kept}
    entries = [entry for _, entry in kept]
    previous = kept_from(out) if force else Kept()
    keeping = carry(previous, entries, out)
    written = write(out, files_for(groups) | previous.files(), force=force, origins=origins)
    skipped = [s for r in reads for s in r.skipped] + [
        Finding(e.file, e.line, f"{'imported without it' if e.row_kept else 'not imported'}: {e.message}")
        for e in errors + list(assembled.errors)]
    return Summary(
        written=tuple(written),
        entries=len(entries),
        phrasings=sum(len(qs) for e in entries for qs in e["questions"].values()),
        follow_ups=sum(len(e.get("related", ())) for e in entries),
        context_only=sum(1 for e in entries if e.get("context_only")),
        skipped=tuple(skipped),
        notes=tuple(n for r in reads for n in r.notes) + assembled.notes + tuple(keeping),
    )
