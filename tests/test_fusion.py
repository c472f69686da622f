"""The semantic stage's models on evidence made by hand: what the Ranker fits is what it scores, the odds
do not depend on how many unrelated entries a FAQ has, and nothing to rank is no answer."""

from __future__ import annotations

import numpy
import pytest

from bot.engine.fusion import (
    ENTRY_FIELDS,
    NONE_FIELDS,
    OFFERED_SHARE,
    RIVALS,
    Evidence,
    Fusion,
    Ranker,
    judge,
)


def evidence(cosines: list[float], *, allowed: numpy.ndarray | None = None, everyday: float = 0.3) -> Evidence:
    asked = numpy.array(cosines)
    zeros = numpy.zeros(len(asked))
    return Evidence.of(asked=asked, said=asked - 0.1, answer=asked - 0.2, centre=asked - 0.05, lexical=zeros,
                       words_asked=zeros, words_answer=zeros, crosses=zeros, everyday=everyday, density=1.5,
                       allowed=allowed, q=numpy.zeros(4))


def test_the_rows_a_ranker_is_fitted_on_give_the_scores_it_ranks_by():
    e, ranker = evidence([0.8, 0.4, 0.1]), Ranker()
    design = e.design()
    assert design.shape == (4, len(ENTRY_FIELDS) + len(NONE_FIELDS))
    weights = numpy.array([getattr(ranker, name) for name in ENTRY_FIELDS + NONE_FIELDS])
    scores, none = e.scores(ranker)
    assert numpy.allclose(design @ weights, [*scores, none])


def test_unrelated_entries_beyond_the_closest_rivals_leave_the_odds_alone():
    small = judge(evidence([0.8, 0.5, 0.4]), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    large = judge(evidence([0.8, 0.5, 0.4] + [0.0] * 5_000), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    assert large.entry == small.entry == 0
    assert large.signals.odds == pytest.approx(small.signals.odds, abs=0.2)
    crowded = judge(evidence([0.8] + [0.5] * (RIVALS + 50)), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    within = judge(evidence([0.8] + [0.5] * (RIVALS - 1)), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    assert crowded.signals.odds == pytest.approx(within.signals.odds)


def test_nothing_allowed_is_nothing_judged_and_one_entry_leads_over_none():
    nothing = numpy.zeros(3, dtype=bool)
    assert judge(evidence([0.8, 0.5, 0.4], allowed=nothing), Ranker(), Fusion(), lexical_best=0, confidence=0.9) is None
    only = judge(evidence([0.6]), Ranker(), Fusion(), lexical_best=0, confidence=0.9)
    assert only.offered == (0,) and only.signals.lead == pytest.approx(only.signals.over_none)
    assert only.signals.agree == 1.0 and only.signals.lexical_confidence == 0.9


def test_an_everyday_question_closer_than_the_entry_is_less_likely_answered():
    near = judge(evidence([0.7, 0.3], everyday=0.3), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    everyday = judge(evidence([0.7, 0.3], everyday=0.9), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    assert everyday.probability < near.probability
    assert everyday.signals.over_none < near.signals.over_none


def test_votes_count_the_views_that_put_an_entry_first_among_those_that_may_be_ranked():
    asked = numpy.array([0.8, 0.6, 0.9])
    e = Evidence.of(asked=asked, said=numpy.array([0.2, 0.5, 0.9]), answer=numpy.array([0.7, 0.1, 0.9]),
                    centre=numpy.array([0.75, 0.5, 0.9]), lexical=numpy.array([0.0, 0.4, 0.9]),
                    words_asked=numpy.array([0.3, 0.3, 0.9]), words_answer=numpy.zeros(3), crosses=numpy.zeros(3),
                    everyday=0.3, density=1.5, allowed=numpy.array([True, True, False]), q=numpy.zeros(4))
    # entry 2 is first in every view but may not be ranked; of the others, entry 0 leads asked, answer and
    # centre, entry 1 said and lexical, both tie on words_asked, and all tie on words_answer
    assert e.votes(0) == pytest.approx(5 / 7) and e.votes(1) == pytest.approx(4 / 7)
    judged = judge(e, Ranker(), Fusion(), lexical_best=1, confidence=0.5)
    assert judged.entry == 0 and judged.signals.votes == pytest.approx(5 / 7)


def test_an_entry_far_behind_the_first_is_not_offered_beside_it():
    close = judge(evidence([0.8, 0.78, 0.76]), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    assert close.offered == (0, 1, 2)
    far = judge(evidence([0.8, 0.78, 0.2]), Ranker(), Fusion(), lexical_best=-1, confidence=0.0)
    assert far.offered == (0, 1) and far.ranked == (0, 1, 2)
    score, _ = evidence([0.8, 0.78, 0.2]).scores(Ranker())
    assert numpy.exp(score[2] - score[0]) < OFFERED_SHARE <= numpy.exp(score[1] - score[0])
