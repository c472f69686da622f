"""`faqbot report`: what people asked, what the FAQ answered, what it missed, what they picked when it was unsure,
and which answers they disliked."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from bot.engine.answering import Engine, detect_language
from bot.engine.encoder import Encoder
from bot.engine.reply import Kind, Reply
from bot.engine.text import normalised
from bot.improve.decision import entry_for
from bot.improve.picked import PickedAfter, has_phrasing, phrasings_from_picks
from bot.improve.question_groups import group_questions
from bot.improve.store import StoreConfigError
from bot.improve.store.database import Database, describe_error, exists
from bot.improve.store.reading import (
    Day,
    Picks,
    Votes,
    days,
    feedback,
    led_to,
    picks,
    unanswered,
)
from bot.improve.store.url import database_url, shown
from bot.serving.config import Config
from bot.serving.database_settings import DB_URL

TEXT_OFF = "database.keep_text is false (FAQBOT_STORE_TEXT=0): turn it on to list them"
EXIT_FAILED, EXIT_USAGE = 1, 2


@dataclass(frozen=True)
class Missed:
    question: str  # the phrasing asked most often
    count: int
    phrasings: tuple[str, ...]
    lang: str
    closest_id: str | None  # the entry whose words come closest
    closest_score: float
    suggested_id: str | None  # the entry to add the question to: the one the engine gives it with confidence
    has_it: bool = False  # the suggested entry has the question as a phrasing already (the FAQ changed since)
    picked_id: str | None = None  # the entry people picked most often after asking it, when the engine suggests none

    @property
    def action(self) -> str:
        if self.suggested_id is None and self.picked_id is not None:
            return f"needs a new entry, unless entry {self.picked_id} answers it (picked after asking it)"
        if self.suggested_id is None:
            return "needs a new entry"
        return f"{'already' if self.has_it else 'add as'} a phrasing of entry {self.suggested_id}"


@dataclass(frozen=True)
class Report:
    source: str  # the database, password masked
    since: float
    until: float
    days: tuple[Day, ...]
    unanswered: tuple[Missed, ...]  # most asked first
    untold: int  # unanswered questions whose text was not kept
    feedback: tuple[Votes, ...]  # most 👎 first
    picks: Picks
    picked_after: tuple[PickedAfter, ...]  # words asked, then an entry picked that lacks them: most first

    @property
    def questions_total(self) -> int:
        return sum(d.questions for d in self.days)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.days)

    @property
    def small_talk(self) -> int:
        return sum(d.small_talk for d in self.days)

    @property
    def answer_rate(self) -> float:
        return round(self.answered / self.questions_total, 4) if self.questions_total else 0.0

    @property
    def pick_rate(self) -> float:
        """Of the "did you mean" replies, the share that ended in a pick."""
        return round(self.picks.picked / self.picks.suggested, 4) if self.picks.suggested else 0.0

    def to_json(self) -> dict:
        return {
            "since": iso(self.since),
            "until": iso(self.until),
            "source": self.source,
            "questions_total": self.questions_total,
            "answered": self.answered,
            "answer_rate": self.answer_rate,
            "small_talk": self.small_talk,
            "per_day": [{"day": d.day.isoformat(), "questions": d.questions, "answered": d.answered,
                         "answer_rate": rate(d)} for d in self.days],
            "unanswered": [{"question": m.question, "count": m.count, "closest_id": m.closest_id,
                            "closest_score": round(m.closest_score, 4), "suggested_id": m.suggested_id,
                            "picked_id": m.picked_id, "action": m.action,
                            "phrasings": list(m.phrasings)} for m in self.unanswered],
            "unanswered_without_text": self.untold,
            "did_you_mean": self.picks.suggested,
            "picked": self.picks.picked,
            "pick_rate": self.pick_rate,
            "most_picked": [{"id": entry_id, "count": count} for entry_id, count in self.picks.top],
            "picked_after_asking": [{"asked": p.asked, "id": p.entry_id, "count": p.count}
                                    for p in self.picked_after],
            "feedback": [{"id": v.entry_id, "up": v.up, "down": v.down} for v in self.feedback],
        }


def rate(day: Day) -> float:
    return round(day.answered / day.questions, 4) if day.questions else 0.0


def build_report(database: Database, engine: Engine, *, since: float, top: int | None = None,
                 now: float | None = None) -> Report:
    until = time.time() if now is None else now
    with database.engine.connect() as conn:
        per_day = days(conn, since)
        texts, untold = unanswered(conn, since)
        votes = feedback(conn, since)
        picked, led = picks(conn, since), led_to(conn, since)
    groups = group_questions(texts, engine.matcher.synonyms, encoder=_encoder(engine))[:top]
    picked_after: dict[str, Counter[str]] = defaultdict(Counter)
    for row in led:
        picked_after[normalised(row.asked)][row.entry_id] += row.count
    missed = tuple(_missed(g.question, g.count, g.phrasings, engine, picked_after) for g in groups)
    votes.sort(key=lambda v: (-v.down, v.up, v.entry_id))
    return Report(shown(database.url), since, until, tuple(per_day), missed, untold, tuple(votes), picked,
                  tuple(phrasings_from_picks(led, engine)[:top]))


def _encoder(engine: Engine) -> Encoder | None:
    if engine.semantic is None:
        return None
    return engine.semantic.encoder if engine.semantic.warm_up() else None  # words alone group, as they answer


def _missed(question: str, count: int, phrasings: tuple[str, ...], engine: Engine,
            picked_after: dict[str, Counter[str]] | None = None) -> Missed:
    """`picked_after`: by the words asked (normalised), the entries picked after asking them, and how often."""
    reply = engine.answer(question)
    suggested = entry_for(engine, question, reply)
    has_it = suggested is not None and has_phrasing(engine.faq.get(suggested), question)
    closest, score = _closest(question, reply, engine)
    picked = sum((picked_after.get(key, Counter()) for key in {normalised(p) for p in phrasings}), Counter()
                 ) if picked_after else Counter()
    here = [entry_id for entry_id in picked if engine.faq.get(entry_id) is not None]
    # people's picks do not override the engine: a pick can be a guess ("kubernetes pricing" -> billing)
    picked_id = min(here, key=lambda e: (-picked[e], e)) if here and suggested is None else None
    return Missed(question, count, phrasings, detect_language(question), closest, score, suggested, has_it, picked_id)


def _closest(question: str, reply: Reply, engine: Engine) -> tuple[str | None, float]:
    """The entry the bot itself puts first for `question` (`reply` its answer) and its confidence in it: the one a
    "did you mean" offers first (by meaning too, where the words know none of the question), else the words' best."""
    if reply.kind != Kind.FALLBACK and (reply.entry_id or reply.suggestions):
        return reply.entry_id or reply.suggestions[0].id, reply.score
    candidates = [c for c in engine.rank(question).candidates if not c.negative]
    return (candidates[0].entry.id, candidates[0].score) if candidates else (None, 0.0)


class Unavailable(Exception):
    """The store cannot be read; the message says why and what to do."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def open_database(url: str | None, config: Config) -> Database:
    """The store named by --db, else database.url (FAQBOT_DB_URL), else the default. Raises Unavailable."""
    try:
        settings = config.store_settings()
        database = Database(database_url(url or settings.url, setting="--db" if url else DB_URL),
                            user_salt=settings.user_salt)
    except StoreConfigError as err:
        raise Unavailable(str(err), EXIT_USAGE) from None
    if not exists(database.url):
        raise Unavailable(f"there is no database at {shown(database.url)}: nothing has been recorded there yet; "
                          f"give the one `faqbot run` writes with --db or {DB_URL}")
    try:
        database.prepare()
    except SQLAlchemyError as err:
        raise Unavailable(f"cannot open the store at {shown(database.url)}: {describe_error(err, database.url)}"
                          ) from None
    return database


def read_report(engine: Engine, args: argparse.Namespace) -> Report:
    """The report `args` ask for (--db, --since, --top), after --purge-older-than if given. Raises Unavailable."""
    database = open_database(args.db, args.config)
    try:
        purge = getattr(args, "purge_older_than", None)
        if purge is not None:
            gone_questions, gone_votes = database.purge(time.time() - purge)
            print(f"deleted {gone_questions} question(s) and {gone_votes} vote(s) older than {_span(purge)}",
                  file=sys.stderr)
        return build_report(database, engine, since=time.time() - args.since, top=args.top)
    except SQLAlchemyError as err:
        raise Unavailable(f"cannot read the store at {shown(database.url)}: {describe_error(err, database.url)}"
                          ) from None
    finally:
        database.close()


def render_text(report: Report) -> str:
    period = f"{iso(report.since)[:10]} to {iso(report.until)[:10]} (UTC days)"
    lines = [f"faqbot report {period}, from {report.source}", ""]
    lines.append(f"questions  {report.questions_total:,}  (plus {report.small_talk:,} greetings, thanks and "
                 "help requests)")
    lines.append(f"answered   {report.answered:,}  ({report.answer_rate:.1%})")
    lines.append(f'"did you mean" replies {report.picks.suggested:,}, ended in a pick {report.picks.picked:,}  '
                 f"({report.pick_rate:.1%})")
    if report.picks.top:
        lines.append("  most picked: " + ", ".join(f"{entry_id} ({count})" for entry_id, count in report.picks.top))
    if report.days:
        lines += ["", "day         questions  answered"]
        lines += [f"{d.day}  {d.questions:>9,}  {rate(d):>8.1%}" for d in report.days]
    lines += ["", 'unanswered questions (fallbacks and "did you mean"), grouped by similarity:']
    if not report.unanswered and not report.untold:
        lines.append("  none")
    for m in report.unanswered:
        similar = f"   (+{len(m.phrasings) - 1} similar)" if len(m.phrasings) > 1 else ""
        closest = f"{m.closest_id} ({m.closest_score:.2f})" if m.closest_id else "none"
        lines.append(f"  {m.count:>5}x  {_line(m.question)}{similar}")
        lines.append(f"          closest: {closest}; suggested: {m.action}")
    if report.untold:
        more = " more" if report.unanswered else ""
        lines.append(f"  {report.untold:,}{more} unanswered question(s) without text: {TEXT_OFF}")
    if report.picked_after:
        lines += ["", "picked after asking (the words are new phrasings of the entry picked):"]
        lines += [f"  {p.count:>5}x  {_line(p.asked)}  ->  {p.entry_id}" for p in report.picked_after[:10]]
    lines += ["", "entries with the most thumbs down:"]
    disliked = [v for v in report.feedback if v.down][:10]
    lines += [f"  {v.entry_id}  down {v.down}  up {v.up}" for v in disliked] or ["  none"]
    if report.unanswered or report.picked_after:
        lines += ["", "`faqbot learn` walks through the suggestions and adds the phrasings you accept."]
    return "\n".join(lines)


def _line(question: str, most: int = 160) -> str:
    """A question on one line of a terminal's report, cut to `most` characters (JSON and the page have it whole)."""
    flat = " ".join(question.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


def _span(seconds: float) -> str:
    for unit, size in (("w", 7 * 86400), ("d", 86400), ("h", 3600)):
        if seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:.0f}s"


def iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
