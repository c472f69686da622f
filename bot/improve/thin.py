"""A note on a FAQ with fewer than two phrasings an entry (a QnA Maker export often has): meaning has one
or two wordings to go by, so a question worded otherwise is answered less surely and neighbouring entries are taken
for each other more often (README, "Answer quality": the imported FAQ's wrong answers)."""

from __future__ import annotations

from bot.engine.answering import Engine
from bot.engine.loading import Problem

FEWER_THAN = 2.0  # phrasings an entry, on average over the entries a question can reach


def thin_notes(engine: Engine) -> list[Problem]:
    faq = engine.faq
    reachable = [e for e in faq.entries if faq.matchable(e)]
    counts = [len(e.phrasings()) for e in reachable]
    if len(reachable) < 2 or sum(counts) / len(reachable) >= FEWER_THAN:
        return []
    fewest = sorted(reachable, key=lambda e: len(e.phrasings()))
    first = fewest[0]
    named = ", ".join(f"'{e.id}'" for e in fewest[:3]) + (", …" if len(fewest) > 3 else "")
    return [Problem(first.file, first.line,
                    f"note: the entries have {sum(counts) / len(reachable):.1f} phrasings each on average "
                    f"({counts.count(1)} have one: {named}): a question worded unlike them is answered less "
                    "surely, and neighbouring entries are taken for each other more often. Three or more "
                    "phrasings an entry, worded as people ask, help; `faqbot learn` proposes them from the "
                    "questions asked", first.id, "questions")]
