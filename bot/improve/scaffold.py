"""`faqbot init DIR`: a folder for a team's own FAQ, with settings, two example entries, synonyms and eval cases."""

from __future__ import annotations

import shutil
from pathlib import Path

STARTER = Path(__file__).parent / "starter"
FILES = ("faqbot.yaml", "cases.yaml", "faq/team.yaml", "faq/synonyms.yaml")


class Refused(Exception):
    """Nothing was written; the message says why."""


def create(directory: Path) -> list[Path]:
    """Writes the starter files into `directory` (made if missing) and returns them. Never overwrites: if
    any of them exists, or `directory` is a file, raises Refused before writing anything."""
    if directory.exists() and not directory.is_dir():
        raise Refused(f"{directory} is a file: give the folder to create the FAQ project in")
    taken = [directory / name for name in FILES if (directory / name).exists()]
    if taken:
        raise Refused(f"{', '.join(map(str, taken))} already exist{'s' if len(taken) == 1 else ''}: "
                      "init never overwrites files; give a new folder, or move them away first")
    folders = sorted({(directory / name).parent for name in FILES})
    blocked = [f for f in folders for p in (f, *f.parents) if p.exists() and not p.is_dir()]
    if blocked:
        raise Refused(f"{blocked[0]} is a file where init needs a folder: move it away first")
    for folder in folders:  # every folder first: a failure here has written no file
        folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FILES:
        target = directory / name
        shutil.copyfile(STARTER / name, target)
        written.append(target)
    return written


def next_steps(directory: Path, written: list[Path]) -> str:
    into = "" if directory.resolve() == Path.cwd().resolve() else f"  cd {directory}\n"
    return ("created " + ", ".join(map(str, written)) + "\n\nnext:\n" + into
            + "  faqbot chat                 # ask it something; quit leaves\n"
              "  edit faq/team.yaml          # your own entries (and faq/synonyms.yaml, cases.yaml)\n"
              "  faqbot lint && faqbot eval  # check every phrasing, then score the cases\n")
