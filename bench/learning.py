"""What the improvement loop buys a FAQ: questions asked in chat, the phrasings `faqbot learn` proposes from
them accepted, and other questions answered better.

    python -m bench.learning [--labelled]

For each FAQ with a blind question set, the in-scope questions of each entry are dealt alternately into two
halves: one is asked, the other held out; then the halves swap, and the two folds are summed. Each question
asked goes to the engine as a chat message would:
- answered with the right entry: nothing to learn;
- a "did you mean" offering the right entry: the asker picks it, and `faqbot learn` proposes the words asked
  as a phrasing of the entry picked (bot.improve.picked), which the maintainer accepts;
- not answered, or a "did you mean" without the right entry (the report's unanswered questions): with
  --labelled, the maintainer files it under the right entry in `faqbot learn`, else it teaches nothing;
- answered with a wrong entry: nobody learns of it.
The phrasings accepted are written into a copy of the FAQ by faqbot learn's own session (which refuses one in a
language the entry has no answer in, or one another entry has), the engine is built again, and the held-out half is scored by faqbot eval's code with every out-of-scope question of the
set. Top-1 / wrong / out of scope answered, before and after; the engine, its weights and thresholds as shipped.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
from pathlib import Path

from bot.engine import build_engine
from bot.engine.answering import Engine
from bot.improve import importing
from bot.improve.evaluate import Case, evaluate, load_cases
from bot.improve.learn import Session
from bot.improve.picked import phrasings_from_picks
from bot.improve.store.reading import Led
from bot.serving.config import Config
from bot.serving.service import Via

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
# name: (FAQ directory, blind questions); the FAQs no fit has seen first
SETS = {name: (EVAL / "foreign" / folder / "faq", EVAL / "foreign" / folder / "questions.yaml")
        for name, folder in (("property management", "property-management"), ("clinic", "clinic"),
                             ("library", "library"), ("transit", "transit"), ("recycling", "recycling"),
                             ("football club", "football"), ("IT helpdesk", "it-helpdesk"),
                             ("HR policies", "hr-policies"), ("SaaS support", "saas-support"),
                             ("office admin", "office-admin"), ("dev platform", "dev-platform"),
                             ("security", "security-compliance"), ("shop support", "shop-support"),
                             ("grad school", "grad-school"))}
NEVER_FITTED = 6  # the first SETS: no weight or threshold was fitted on them


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
        if reply.kind == "suggest" and case.expect in {s.id for s in reply.suggestions}:
            picks.append(Led(case.q, case.expect, str(Via.SUGGESTION), 1))
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


def measure(faq_dir: Path, questions: Path, *, labelled: bool, workdir: Path) -> tuple[dict, dict, int]:
    engine = build_engine(faq_dir, semantic="on")
    cases = load_cases(questions, {e.id for e in engine.faq.entries})
    outside = [c for c in cases if c.expect is None]
    first, second = halves(cases)
    before, after, added = _zero(), _zero(), 0
    for asked, held in ((first, second), (second, first)):
        learned, taken = learned_engine(faq_dir, taught(engine, asked, labelled=labelled), workdir)
        added += taken
        _add(before, evaluate(engine, held + outside))
        _add(after, evaluate(learned, held + outside))
    return _rates(before), _rates(after), added


def _zero() -> dict:
    return {"right": 0, "wrong": 0, "in": 0, "oos answered": 0, "oos": 0}


def _add(total: dict, scored: dict) -> None:
    inside, outside = scored["in_scope"], scored["out_of_scope"]
    total["right"] += round(scored["top1_accuracy"] * inside)
    total["wrong"] += round(scored["wrong_answer_rate"] * inside)
    total["in"] += inside
    total["oos answered"] += round(scored["oos_false_answer_rate"] * outside)
    total["oos"] += outside


def _rates(total: dict) -> dict:
    return {"top-1": total["right"] / total["in"], "wrong": total["wrong"] / total["in"],
            "oos": total["oos answered"] / total["oos"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labelled", action="store_true",
                        help="the maintainer also files the unanswered questions under their entries")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="faqbot-bench-learning-"))
    sets = dict(SETS)
    imported = workdir / "imported"
    importing.run([EVAL / "imported" / "makerspace.tsv"], imported)
    sets["imported"] = (imported, EVAL / "imported" / "questions.yaml")
    print("| FAQ | before: top-1 / wrong / oos answered | after | phrasings added a fold |")
    print("|---|---|---|--:|")
    try:
        for position, (name, (faq_dir, questions)) in enumerate(sets.items()):
            before, after, added = measure(faq_dir, questions, labelled=args.labelled, workdir=workdir)
            label = name + (" (never fitted)" if position < NEVER_FITTED else "")
            print(f"| {label} | {before['top-1']:.3f} / {before['wrong']:.3f} / {before['oos']:.3f} | "
                  f"{after['top-1']:.3f} / {after['wrong']:.3f} / {after['oos']:.3f} | {added / 2:.0f} |", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
