"""`faqbot learn`: the report's unanswered questions, one group at a time; each accepted one is added as a
phrasing of an entry, in the entry's own file, and the FAQ is checked again."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from bot.engine.answering import Engine
from bot.engine.loading import FaqError, load_faq
from bot.improve.atomic import write_atomically
from bot.improve.lint import lint
from bot.improve.report import Missed, Unavailable, read_report
from bot.improve.yaml_edit import EditError, add_phrasing
from bot.serving.config import Config

HELP = "a = add as suggested, an entry id = add to that entry, s = skip, q = quit"


class Session:
    def __init__(self, engine: Engine, faq_dir: Path, config: Config, stdin: TextIO, stdout: TextIO) -> None:
        self.engine, self.faq_dir, self.config, self.stdin, self.stdout = engine, faq_dir, config, stdin, stdout
        self.added: list[tuple[str, str]] = []  # (entry id, phrasing)

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> str | None:
        print(prompt, end="", file=self.stdout, flush=True)
        line = self.stdin.readline()
        if not self.stdin.isatty():
            self.say(line.strip())  # piped answers show in the transcript as typed ones do
        return line.strip() if line else None

    def review(self, position: int, total: int, missed: Missed) -> bool:
        """Shows one group and acts on the answer; False when the maintainer quits."""
        self.say(f"\n[{position}/{total}] asked {missed.count} time(s): {missed.question}")
        for other in missed.phrasings[1:4]:
            self.say(f"    also: {other}")
        if len(missed.phrasings) > 4:
            self.say(f"    and {len(missed.phrasings) - 4} more similar")
        suggested = missed.suggested_id
        if missed.closest_id:
            entry = self.engine.faq.get(missed.closest_id)
            self.say(f"  closest: {missed.closest_id} ({missed.closest_score:.2f}): {entry.question(missed.lang)}")
        self.say(f"  suggested: {missed.action}")
        while True:
            choice = self.ask(f"  {'a/' if suggested else ''}id/s/q> ")
            if choice is None or choice.casefold() in ("q", "quit"):
                return False
            if choice.casefold() in ("s", "skip"):
                return True
            target = suggested if choice.casefold() in ("a", "accept") else choice
            if target is None or not choice:
                self.say(f"  {HELP}")
                continue
            if self.add(target, missed):
                return True

    def add(self, entry_id: str, missed: Missed) -> bool:
        entry = self.engine.faq.get(entry_id)
        if entry is None:
            self.say(f"  no entry '{entry_id}' (`faqbot list` shows the ids); {HELP}")
            return False
        if missed.lang not in entry.questions:
            self.say(f"  entry '{entry_id}' has no {missed.lang} questions and answer: pick another entry or skip")
            return False
        path = Path(entry.file)
        try:
            original = path.read_bytes()
            add_phrasing(path, entry_id, missed.lang, missed.question, self.config.limits)
            load_faq(self.faq_dir, self.config.limits)
        except EditError as err:
            self.say(f"  {path}: {err}")
            return False
        except OSError as err:
            self.say(f"  could not read or write {path} ({err.strerror}); the file is unchanged")
            return False
        except FaqError as err:
            write_atomically(path, original)
            self.say(f"  the FAQ would not load with this phrasing, so {path} is unchanged:\n{err}")
            return False
        self.added.append((entry_id, missed.question))
        self.say(f"  added to {entry_id} in {path} (questions.{missed.lang})")
        return True


def main(engine: Engine, args: argparse.Namespace, faq_dir: Path, *, stdin: TextIO = sys.stdin,
         stdout: TextIO = sys.stdout) -> int:
    try:
        report = read_report(engine, args)
    except Unavailable as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return err.exit_code
    session = Session(engine, faq_dir, args.config, stdin, stdout)
    if not report.unanswered:
        session.say("nothing to learn: no unanswered questions with text in this period")
        return 0
    session.say(f"{len(report.unanswered)} group(s) of unanswered questions, most asked first. {HELP}.")
    for position, missed in enumerate(report.unanswered, start=1):
        if not session.review(position, len(report.unanswered), missed):
            break
    if not session.added:
        session.say("\nnothing added")
        return 0
    session.say(f"\nadded {len(session.added)} phrasing(s); checking the FAQ (faqbot lint):")
    problems = lint(faq_dir, args.config.limits, semantic=args.config.semantic, thresholds=args.config.thresholds,
                    language=args.config.language)
    for problem in problems:
        session.say(str(problem))
    session.say(f"{len(problems)} problem(s): fix them before committing" if problems
                else f"ok: {faq_dir} has no problems")
    session.say("then run `faqbot eval` on your cases and commit the FAQ")
    return 1 if problems else 0
