"""`faqbot report`: the report read from the store, printed as text or JSON, or written as a page."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.engine import Engine
from bot.improve.atomic import write_atomically
from bot.improve.report import (
    EXIT_FAILED,
    EXIT_USAGE,
    Unavailable,
    read_report,
    render_text,
)
from bot.improve.report_html import GENERATOR, render_html


def main(engine: Engine, args: argparse.Namespace) -> int:
    try:
        report = read_report(engine, args)
    except Unavailable as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return err.exit_code
    if args.html is not None:
        if (other := _not_a_report(args.html)) is not None:
            print(f"faqbot: {args.html} {other}: --html overwrites only an earlier report; give another file",
                  file=sys.stderr)
            return EXIT_USAGE
        try:
            _write_text(args.html, render_html(report, engine))
        except OSError as err:
            print(f"faqbot: cannot write {args.html} (--html): {err.strerror}", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    elif args.html is None:
        print(render_text(report))
    return 0


def _not_a_report(path: Path) -> str | None:
    """What is at `path` if it is something other than nothing or a page `faqbot report --html` wrote."""
    if not path.exists():
        return None
    if not path.is_file():
        return "is no file"
    try:
        with path.open("rb") as page:
            head = page.read(2048)
    except OSError as err:
        return f"cannot be read ({err.strerror})"
    ours = (f'<meta name="generator" content="{GENERATOR}">'.encode(), b"<title>faqbot report</title>")  # now, before
    return None if any(mark in head for mark in ours) else "exists and is no faqbot report"


def _write_text(path: Path, text: str) -> None:
    write_atomically(path, text.encode("utf-8"))
