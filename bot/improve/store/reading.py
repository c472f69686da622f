"""What the report reads: counts per day, the unanswered questions, and the votes per entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, case, func, select

from bot.engine.reply import SMALL_TALK as SMALL_TALK_REASONS
from bot.engine.reply import Reason
from bot.improve.store.schema import questions, votes

SMALL_TALK = tuple(sorted(SMALL_TALK_REASONS))  # replies to these are not FAQ answers, nor misses
PICKED = str(Reason.PICKED)
UNANSWERED = ("fallback", "suggest")


@dataclass(frozen=True)
class Day:
    day: dt.date
    questions: int  # small talk left out
    answered: int
    small_talk: int


@dataclass(frozen=True)
class Votes:
    entry_id: str
    up: int
    down: int


def days(conn: Connection, since: float) -> list[Day]:
    small = questions.c.reason.in_(SMALL_TALK)
    rows = conn.execute(
        select(questions.c.day, func.count(),
               func.sum(case((small, 0), (questions.c.kind == "answer", 1), else_=0)),
               func.sum(case((small, 1), else_=0)))
        .where((questions.c.at >= since) & (questions.c.reason != PICKED))  # a pick is no question asked
        .group_by(questions.c.day).order_by(questions.c.day))
    return [Day(_date(day), total - small_talk, answered, small_talk) for day, total, answered, small_talk in rows]


def unanswered(conn: Connection, since: float) -> tuple[list[tuple[str, int]], int]:
    """(question text, times asked) for every distinct unanswered text, and how many had no text kept."""
    missed = (questions.c.at >= since) & questions.c.kind.in_(UNANSWERED) & questions.c.reason.notin_(SMALL_TALK)
    texts = conn.execute(select(questions.c.question, func.count()).where(missed & questions.c.question.isnot(None))
                         .group_by(questions.c.question))
    untold = conn.execute(select(func.count()).where(missed & questions.c.question.is_(None))).scalar_one()
    return [(text, count) for text, count in texts], untold


def feedback(conn: Connection, since: float) -> list[Votes]:
    rows = conn.execute(
        select(votes.c.entry_id, func.sum(case((votes.c.up, 1), else_=0)), func.sum(case((votes.c.up, 0), else_=1)))
        .where(votes.c.at >= since).group_by(votes.c.entry_id))
    return [Votes(entry_id, up, down) for entry_id, up, down in rows]


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
