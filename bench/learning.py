"""What the improvement loop buys a FAQ: questions asked in chat, the phrasings `faqbot learn` proposes from
them accepted, and other questions answered better.

    python -m bench.learning [--labelled]

For each FAQ with a blind question set, the in-scope questions of each entry are dealt alternately into two
halves: one is asked, the other held out; then the halves swap, and the two folds are summed. Each question
asked goes to the engine as a chat message would:
- answered with the right entry: nothing to learn;
- a "did you mean", or no answer with the closest topics, offering the right entry: the asker picks it, and
  `faqbot learn` proposes the words asked as a phrasing of the entry picked (bot.improve.picked), which the
  maintainer accepts;
- otherwise not answered (the report's unanswered questions): with --labelled, the maintainer files each
  under the right entry in `faqbot learn` (an upper bound: the report offers one question of a group alike),
  else it teaches nothing;
- answered with a wrong entry: nobody learns of it.
The phrasings accepted are written into a copy of the FAQ by faqbot learn's own session (which refuses one in a
language the entry has no answer in, or one another entry has), the engine is built again, and the held-out
half is scored by faqbot eval's code with every out-of-scope question of the set. Top-1 / wrong / out of scope
answered before and after, and the held-out questions answered right after and not before, and the reverse;
the engine, its weights and thresholds as shipped.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench import fusion
from bot.engine import build_engine
from bot.engine.answering import Engine
from bot.improve import importing
from bot.improve.evaluate import Case, evaluate, load_cases
from bot.improve.learn import Session
from bot.improve.picked import phrasings_from_picks
from bot.improve.store.reading import Led
from bot.serving.config import Config
from bot.serving.service import Via

# name: (FAQ directory, blind questions): the FAQs no fit has seen (bench.fusion.CHECKS), then the other teams'
NEVER_FITTED = {name: how[:2] for name, how in fusion.CHECKS.items()}
SETS = {**NEVER_FITTED, **{name: how[:2] for name, how in fusion.SETS.items()
                          if how[0].parent.parent == fusion.EVAL / "foreign"}}


def halves(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    """Each entry's questions dealt alternately, so both halves ask about every entry with two or more."""
    dealt: dict[str, int] = {}
    first, second = [], []
    for case in cases:
        if case.expect is not None:
            turn = dealt.get(case.expect, 0)
            dealt[case.expect] = turn + 1
            (first if turn % 2 == 0 else second).append(case)
    return first, second


def taught(engine: Engine, asked: list[Case], *, labelled: bool) -> list[tuple[str, str, str]]:
    """(entry id, language, phrasing) that the maintainer accepts after these questions were asked."""
    picks, filed = [], []
    for case in asked:
        reply = engine.answer(case.q)
        if reply.kind == "answer":
            continue  # right, or wrong and unnoticed
        if case.expect in {s.id for s in reply.suggestions}:
            picks.append(Led(case.q, case.expect, str(Via.SUGGESTION if reply.kind == "suggest" else Via.TOPIC), 1))
        elif labelled:
            filed.append(Led(case.q, case.expect, "learn", 1))
    # faqbot learn proposes both the same way: never a phrasing the entry has, in the language it is written in
    return [(p.entry_id, p.lang, p.asked) for p in phrasings_from_picks(picks + filed, engine)]


def learned_engine(faq_dir: Path, added: list[tuple[str, str, str]], workdir: Path) -> tuple[Engine, int]:
    """The engine over a copy of the FAQ given the phrasings by faqbot learn's own session, and how many it took
    (it refuses a phrasing in a language the entry has no answer in, or one another entry has)."""
    copy = workdir / "faq"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(faq_dir, copy)
    session = Session(build_engine(copy, semantic="off"), copy, Config(), io.StringIO(), io.StringIO())
    for entry_id, lang, phrasing in added:
        session.add(entry_id, phrasing, lang)
    return build_engine(copy, semantic="on"), len(session.added)


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    inside: int = 0
    outside_answered: int = 0
    outside: int = 0

    def add(self, scored: dict) -> None:
        """Counted from faqbot eval's failures: an answer among them is a wrong one, or one no entry should give."""
        failed = scored["failures"]
        answered = [f["expect"] for f in failed if f["kind"] == "answer"]
        self.right += scored["in_scope"] - sum(f["expect"] is not None for f in failed)
        self.wrong += sum(expect is not None for expect in answered)
        self.inside += scored["in_scope"]
        self.outside_answered += answered.count(None)
        self.outside += scored["out_of_scope"]

    def __str__(self) -> str:
        return (f"{self.right / self.inside:.3f} / {self.wrong / self.inside:.3f} / "
                f"{self.outside_answered / self.outside:.3f}")


@dataclass
class Learned:
    before: Tally = field(default_factory=Tally)
    after: Tally = field(default_factory=Tally)
    added: int = 0  # phrasings, both folds
    gained: int = 0  # held-out questions answered right after, not before
    lost: int = 0  # ...and the reverse
    lost_to_wrong: int = 0  # of those, answered with a wrong entry after


def measure(faq_dir: Path, questions: Path, *, labelled: bool, workdir: Path) -> Learned:
    engine = build_engine(faq_dir, semantic="on")
    cases = load_cases(questions, {e.id for e in engine.faq.entries})
    outside = [c for c in cases if c.expect is None]
    first, second = halves(cases)
    learned = Learned()
    for asked, held in ((first, second), (second, first)):
        after, taken = learned_engine(faq_dir, taught(engine, asked, labelled=labelled), workdir)
        learned.added += taken
        before_scored, after_scored = evaluate(engine, held + outside), evaluate(after, held + outside)
        learned.before.add(before_scored)
        learned.after.add(after_scored)
        right_before, right_after = (_right(held, scored) for scored in (before_scored, after_scored))
        learned.gained += len(right_after - right_before)
        learned.lost += len(right_before - right_after)
        learned.lost_to_wrong += sum(f["kind"] == "answer" and f["q"] in right_before and f["expect"] is not None
                                     for f in after_scored["failures"])
    return learned


def _right(held: list[Case], scored: dict) -> set[str]:
    failed = {f["q"] for f in scored["failures"]}
    return {c.q for c in held if c.q not in failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labelled", action="store_true",
                        help="the maintainer also files the unanswered questions under their entries")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="faqbot-bench-learning-"))
    sets = dict(SETS)
    imported = workdir / "imported"
    importing.run([fusion.EVAL / "imported" / "makerspace.tsv"], imported)
    sets["imported"] = (imported, fusion.EVAL / "imported" / "questions.yaml")
    print("| FAQ | before: top-1 / wrong / oos answered | after | held-out questions gained / lost (to a wrong "
          "answer) | phrasings added a fold |")
    print("|---|---|---|--:|--:|")
    try:
        for name, (faq_dir, questions) in sets.items():
            learned = measure(faq_dir, questions, labelled=args.labelled, workdir=workdir)
            label = name + (" (never fitted)" if name in NEVER_FITTED else "")
            print(f"| {label} | {learned.before} | {learned.after} | {learned.gained} / {learned.lost} "
                  f"({learned.lost_to_wrong}) | {learned.added / 2:.1f} |", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
