"""A note on a FAQ with fewer than three phrasings an entry (a QnA Maker export, or a FAQ written in a hurry):
meaning has one or two wordings to go by, so a question worded otherwise is answered less surely and neighbouring
entries are taken for each other more often (README, "Answer quality": the imported FAQ's wrong answers)."""

from __future__ import annotations

from bot.engine.answering import Engine
from bot.engine.loading import Problem

# phrasings an entry, on average over the entries a question can reach: the FAQs no fit has seen with 2.0-2.6
# answer 0.55-0.80 of questions asked in other words directly, one with 4.1 0.79 (README, "Answer quality")
FEWER_THAN = 3.0


def thin_notes(engine: Engine) -> list[Problem]:
    faq = engine.faq
    reachable = [e for e in faq.entries if faq.matchable(e)]
    average = sum(len(e.phrasings()) for e in reachable) / max(len(reachable), 1)
    if len(reachable) < 2 or average >= FEWER_THAN:
        return []
    ones = [e for e in reachable if len(e.phrasings()) == 1]
    first = (ones or reachable)[0]
    named = ", ".join(f"'{e.id}'" for e in ones[:3]) + (", …" if len(ones) > 3 else "")
    single = f" ({len(ones)} {'has' if len(ones) == 1 else 'have'} one: {named})" if ones else ""
    return [Problem(first.file, first.line,
                    f"note: the entries have {average:.1f} phrasings each on average{single}: a question worded "
                    "unlike them is answered less "
                    "surely, and neighbouring entries are taken for each other more often. Three or more "
                    "phrasings an entry, worded as people ask, help; `faqbot learn` proposes them from the "
                    "questions asked", first.id, "questions")]
