"""`faqbot report`: the report read from the store, printed as text or JSON, or written as a page."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.engine import Engine
from bot.improve.atomic import write_atomically
from bot.improve.report import EXIT_FAILED, Unavailable, read_report, render_text
from bot.improve.report_html import render_html


def main(engine: Engine, args: argparse.Namespace) -> int:
    try:
        report = read_report(engine, args)
    except Unavailable as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return err.exit_code
    if args.html is not None:
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


def _write_text(path: Path, text: str) -> None:
    write_atomically(path, text.encode("utf-8"))
