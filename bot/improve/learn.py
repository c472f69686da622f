"""`faqbot learn`: the report's unanswered questions, one group at a time, then the words people asked before
picking an entry; each accepted one is added as a phrasing of an entry, in the entry's own file, and the FAQ
is checked again."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from bot.engine.answering import Engine
from bot.engine.loading import FaqError, load_faq
from bot.engine.text import normalised
from bot.improve.atomic import write_atomically
from bot.improve.lint import lint
from bot.improve.picked import PickedAfter
from bot.improve.report import Missed, Unavailable, read_report
from bot.improve.yaml_edit import EditError, add_phrasing
from bot.serving.config import Config

HELP = "a = add as suggested, an entry id = add to that entry, s = skip, q = quit"


class Session:
    def __init__(self, engine: Engine, faq_dir: Path, config: Config, stdin: TextIO, stdout: TextIO) -> None:
        self.engine, self.faq_dir, self.config, self.stdin, self.stdout = engine, faq_dir, config, stdin, stdout
        self.added: list[tuple[str, str]] = []  # (entry id, phrasing)
        self.holders: dict[str, set[str]] = {}  # normalised phrasing -> the entries that have it, added ones too
        for entry in engine.faq.entries:
            for _, phrasing in entry.phrasings():
                self.holders.setdefault(normalised(phrasing), set()).add(entry.id)

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> str | None:
        try:
            print(prompt, end="", file=self.stdout, flush=True)
            line = self.stdin.readline()
        except KeyboardInterrupt:  # Ctrl-C at a prompt quits, as q does: what was added is checked
            self.say()
            return None
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
        if missed.closest_id:
            entry = self.engine.faq.get(missed.closest_id)
            self.say(f"  closest: {missed.closest_id} ({missed.closest_score:.2f}): {entry.question(missed.lang)}")
        self.say(f"  suggested: {missed.action}")
        return self.decide(missed.suggested_id, missed.question, missed.lang)

    def review_pick(self, position: int, total: int, picked: PickedAfter) -> bool:
        """Shows words asked before a pick and acts on the answer; False when the maintainer quits."""
        entry = self.engine.faq.get(picked.entry_id)
        self.say(f"\n[{position}/{total}] asked '{picked.asked}' then picked {picked.entry_id} — {picked.count} "
                 "time(s)")
        self.say(f"  {picked.entry_id}: {entry.question(picked.lang)}")
        self.say(f"  suggested: add as a phrasing of entry {picked.entry_id}")
        return self.decide(picked.entry_id, picked.asked, picked.lang)

    def decide(self, suggested: str | None, phrasing: str, lang: str) -> bool:
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
            if self.add(target, phrasing, lang):
                return True

    def has(self, phrasing: str) -> set[str]:
        """The entries that have the phrasing, in the engine's normalisation, or were given it in this session."""
        return self.holders.get(normalised(phrasing), set())

    def add(self, entry_id: str, phrasing: str, lang: str) -> bool:
        entry = self.engine.faq.get(entry_id)
        if entry is None:
            self.say(f"  no entry '{entry_id}' (`faqbot list` shows the ids); {HELP}")
            return False
        if entry_id in self.has(phrasing):
            self.say(f"  entry '{entry_id}' has this phrasing already: pick another entry or skip")
            return False
        if self.has(phrasing):
            self.say(f"  entry '{min(self.has(phrasing))}' has this phrasing already, and a phrasing of two entries "
                     "answers neither: pick that entry, or skip")
            return False
        # An entry written in one language answers a question in the other with what it has: the phrasing is
        # filed with its questions, as `faqbot import` files one
        filed = lang if lang in entry.questions or not entry.questions else next(iter(entry.questions))
        path = Path(entry.file)
        try:
            original = path.read_bytes()
            add_phrasing(path, entry_id, filed, phrasing, self.config.limits)
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
        self.added.append((entry_id, phrasing))
        self.holders.setdefault(normalised(phrasing), set()).add(entry_id)
        self.say(f"  added to {entry_id} in {path} (questions.{filed}"
                 f"{'' if filed == lang else f': the entry has no {lang} questions'})")
        return True


def main(engine: Engine, args: argparse.Namespace, faq_dir: Path, *, stdin: TextIO = sys.stdin,
         stdout: TextIO = sys.stdout) -> int:
    try:
        report = read_report(engine, args)
    except Unavailable as err:
        print(f"faqbot: {err}", file=sys.stderr)
        return err.exit_code
    session = Session(engine, faq_dir, args.config, stdin, stdout)
    missed = [m for m in report.unanswered if not m.has_it]  # those the FAQ has taken in since
    picked = report.picked_after
    if not missed and not picked:
        session.say("nothing to learn: no unanswered questions with text, nor picks after asking, in this period")
        return 0
    session.say(f"{len(missed)} group(s) of unanswered questions, most asked first, then {len(picked)} wording(s) "
                f"people asked before picking an entry. {HELP}.")
    total = len(missed) + len(picked)
    for position, group in enumerate(missed, start=1):
        if session.has(group.question):
            continue  # an entry has it, or was given it above from a group worded alike
        if not session.review(position, total, group):
            break
    else:
        for position, after in enumerate(picked, start=len(missed) + 1):
            if session.has(after.asked):
                continue  # added above, as an unanswered question
            if not session.review_pick(position, total, after):
                break
    if not session.added:
        session.say("\nnothing added")
        return 0
    session.say(f"\nadded {len(session.added)} phrasing(s); checking the FAQ (faqbot lint):")
    # with the index cache: the encoder loads from it, and the edited FAQ's index is kept for the next command
    problems = lint(faq_dir, args.config.limits, semantic=args.config.semantic, thresholds=args.config.thresholds,
                    language=args.config.language, cache=getattr(args, "cache", None))
    for problem in problems:
        session.say(str(problem))
    session.say(f"{len(problems)} problem(s): fix them before committing" if problems
                else f"ok: {faq_dir} has no problems")
    session.say("then run `faqbot eval` on your cases and commit the FAQ")
    return 1 if problems else 0
