"""What the report reads: counts per day, the unanswered questions, the picks, and the votes per entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, case, func, literal_column, select

from bot.engine.reply import SMALL_TALK as SMALL_TALK_REASONS
from bot.engine.reply import Reason
from bot.improve.store.schema import questions, votes

SMALL_TALK = tuple(sorted(SMALL_TALK_REASONS))  # replies to these are not FAQ answers, nor misses
PICKED = str(Reason.PICKED)
UNANSWERED = ("fallback", "suggest")
AUTOCOMPLETE = "autocomplete"  # bot.serving.service.Via


@dataclass(frozen=True)
class Day:
    day: dt.date
    questions: int  # small talk left out
    answered: int
    small_talk: int


@dataclass(frozen=True)
class Picks:
    suggested: int  # "did you mean" replies a pick can be traced to (recorded with a lead)
    picked: int  # of those, the ones a person picked an entry from
    top: tuple[tuple[str, int], ...]  # the entries picked from them most, and how often


@dataclass(frozen=True)
class Led:
    """Words a person asked, then the entry they picked."""

    asked: str
    entry_id: str
    via: str
    count: int


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


def picks(conn: Connection, since: float, top: int = 5) -> Picks:
    offered, pick = questions.alias("offered"), questions.alias("pick")
    did_you_mean = (offered.c.at >= since) & (offered.c.kind == "suggest") & offered.c.lead.isnot(None)
    linked = pick.join(offered, pick.c.led_by == offered.c.lead)
    chosen = did_you_mean & (pick.c.at >= since) & (pick.c.reason == PICKED)
    suggested = conn.execute(select(func.count()).select_from(offered).where(did_you_mean)).scalar_one()
    picked = conn.execute(select(func.count(offered.c.id.distinct())).select_from(linked).where(chosen)).scalar_one()
    most = conn.execute(select(pick.c.entry_id, func.count()).select_from(linked).where(chosen)
                        .group_by(pick.c.entry_id).order_by(func.count().desc(), pick.c.entry_id).limit(top))
    return Picks(suggested, picked, tuple((entry_id, count) for entry_id, count in most))


def most_asked(conn: Connection, since: float, top: int = 5) -> list[tuple[str, int]]:
    """(entry id, times answered, picks included) for the entries answered most often since `since`."""
    answered = (questions.c.at >= since) & (questions.c.kind == "answer") & questions.c.entry_id.isnot(None)
    rows = conn.execute(select(questions.c.entry_id, func.count()).where(answered).group_by(questions.c.entry_id)
                        .order_by(func.count().desc(), questions.c.entry_id).limit(top))
    return [(entry_id, count) for entry_id, count in rows]


def led_to(conn: Connection, since: float) -> list[Led]:
    """The picks made after a reply that answered nothing (from a "did you mean", or a no-answer's closest
    topics) and those typed into autocomplete, with the words that led to them, counted."""
    pick, offered = questions.alias("pick"), questions.alias("offered")
    # the words as the pick recorded them, else as their question was (the pick reached another replica)
    asked = func.coalesce(func.nullif(pick.c.question, literal_column("''")), offered.c.question)
    after_no_answer = offered.c.kind.in_(UNANSWERED) & offered.c.reason.notin_(SMALL_TALK)
    rows = conn.execute(
        select(asked, pick.c.entry_id, pick.c.via, func.count())
        .select_from(pick.outerjoin(offered, offered.c.lead == pick.c.led_by))
        .where((pick.c.at >= since) & (pick.c.reason == PICKED) & pick.c.entry_id.isnot(None)
               & (after_no_answer | (pick.c.via == AUTOCOMPLETE)))
        .group_by(asked, pick.c.entry_id, pick.c.via))
    return [Led(text, entry_id, via or "", count) for text, entry_id, via, count in rows if text and text.strip()]


def feedback(conn: Connection, since: float) -> list[Votes]:
    rows = conn.execute(
        select(votes.c.entry_id, func.sum(case((votes.c.up, 1), else_=0)), func.sum(case((votes.c.up, 0), else_=1)))
        .where(votes.c.at >= since).group_by(votes.c.entry_id))
    return [Votes(entry_id, up, down) for entry_id, up, down in rows]


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
