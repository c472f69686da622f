"""bot.serving.flood: the per-person question limit the service applies on every platform."""

from __future__ import annotations

from bot.serving.flood import FloodLimit, FloodRule, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_ten_a_minute_then_one_warning_then_quiet():
    limit = FloodLimit(clock=Clock())
    verdicts = [limit.check("U1") for _ in range(13)]
    assert verdicts == [Verdict.ANSWER] * 10 + [Verdict.WARN, Verdict.IGNORE, Verdict.IGNORE]


def test_people_are_counted_separately():
    limit = FloodLimit(FloodRule(questions=1), clock=Clock())
    assert [limit.check("U1"), limit.check("U2"), limit.check("U1")] == [Verdict.ANSWER, Verdict.ANSWER, Verdict.WARN]


def test_the_window_slides_and_a_new_flood_is_warned_again():
    clock = Clock()
    limit = FloodLimit(FloodRule(questions=2, per_seconds=60), clock=clock)
    assert [limit.check("U1") for _ in range(3)] == [Verdict.ANSWER, Verdict.ANSWER, Verdict.WARN]
    clock.now += 59.9
    assert limit.check("U1") is Verdict.IGNORE
    clock.now += 0.1
    assert [limit.check("U1") for _ in range(3)] == [Verdict.ANSWER, Verdict.ANSWER, Verdict.WARN]


def test_memory_is_bounded_by_forgetting_the_least_recent_people():
    limit = FloodLimit(FloodRule(questions=1), clock=Clock(), max_people=2)
    limit.check("U1")
    limit.check("U2")
    limit.check("U3")
    assert limit.check("U1") is Verdict.ANSWER  # forgotten, so counted afresh
    assert limit.check("U3") is Verdict.WARN
