"""`faqbot import` and `faqbot export` as the command line runs them: the summary, the findings, the exit status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.engine.answering import Engine
from bot.engine.build import build_engine
from bot.engine.loading import SYNONYMS_FILE, FaqError
from bot.improve import importing
from bot.improve.exporting import CannotExport, export
from bot.improve.importing.model import CannotImport, Format, counted
from bot.improve.lint import check
from bot.improve.thin import thin_notes
from bot.serving.progress import progress_reporter

EXIT_PROBLEM, EXIT_USAGE = 1, 2
SHOWN = 20  # findings listed of each kind; the rest are counted


def add_import(commands) -> None:
    parser = commands.add_parser("import", help="make a FAQ folder from a QnA Maker export, a spreadsheet or a "
                                 "Markdown FAQ")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the FAQ folder to create; an existing one is replaced only with --force")
    parser.add_argument("--format", choices=[f.value for f in Format], default=None,
                        help="default: from the file (.md is markdown; a header with QnaId is qnamaker; else csv)")
    parser.add_argument("--lang", choices=("en", "zh", "auto"), default="auto",
                        help="the language of every phrasing and answer (default: auto, detected for each)")
    parser.add_argument("--force", action="store_true",
                        help="replace --out if it exists and holds only FAQ .yaml files")
    parser.add_argument("--skip-bad", action="store_true", help="import the rest when rows cannot be read, "
                        "listing them as skipped (default: write nothing)")


def add_export(commands, common) -> None:
    parser = commands.add_parser("export", parents=[common], help="write the FAQ as a QnA Maker TSV or a CSV")
    parser.add_argument("--format", choices=[f.value for f in Format if f is not Format.MARKDOWN], required=True)
    parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run_import(args: argparse.Namespace) -> int:
    progress = (lambda what: progress_reporter(what)) if sys.stderr.isatty() else None
    try:
        summary = importing.run(args.files, args.out, form=Format(args.format) if args.format else None,
                                lang=args.lang, force=args.force, skip_bad=args.skip_bad, progress=progress)
    except CannotImport as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return EXIT_USAGE
    except importing.BadInput as err:
        print(f"faqbot: nothing was imported: {counted(len(err.errors), 'row')} to fix", file=sys.stderr)
        _list(err.errors, sys.stderr)
        print("fix them and import again" + ("" if err.whole_file else ", or pass --skip-bad to import the rest "
                                             "without them"), file=sys.stderr)
        return EXIT_PROBLEM
    print(f"imported {counted(summary.entries, 'entry', 'entries')} ({counted(summary.phrasings, 'phrasing')}, "
          f"{counted(summary.follow_ups, 'follow-up')}, {summary.context_only:,} context-only) into {args.out}: "
          + ", ".join(p.name for p in summary.written))
    if summary.skipped:
        print(f"skipped {counted(len(summary.skipped), 'row')}:")
        _list(summary.skipped, sys.stdout)
    if summary.notes:
        print("notes:")
        _list(summary.notes, sys.stdout)
    try:
        imported = build_engine(args.out)
    except FaqError as err:  # written only after it loaded; another process may have changed it since
        problems = err.problems
    else:
        problems = check(imported)
        for note in thin_notes(imported):
            print(note)
    if problems:
        print(f"lint (words alone) finds {len(problems)} problem(s) for you to resolve, collisions mostly; "
              f"`faqbot lint --faq {args.out}` checks with meaning too:")
        _list(problems, sys.stdout)
    else:
        print(f"lint: no problems. Next: faqbot chat --faq {args.out}")
    return 0


def run_export(engine: Engine, args: argparse.Namespace) -> int:
    try:
        done = export(engine.faq.entries, Format(args.format), args.out, force=args.force)
    except CannotExport as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return EXIT_USAGE
    print(f"exported {counted(len(engine.faq.entries), 'entry', 'entries')} as {counted(done.rows, 'row')} to "
          f"{done.path}")
    groups = len(engine.faq.synonyms)
    synonyms = [f"{SYNONYMS_FILE} ({counted(groups, 'group')}) is not in the file: it stays beside the FAQ's "
                "YAML"] if groups else []
    _list([*synonyms, *done.notes], sys.stdout)
    return 0


def _list(findings, stream) -> None:
    for finding in list(findings)[:SHOWN]:
        print(f"  {finding}", file=stream)
    if len(findings) > SHOWN:
        print(f"  … and {len(findings) - SHOWN} more", file=stream)
