"""One database, SQLite or PostgreSQL, through SQLAlchemy Core: opening it (schema, salt) and writing batches."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, create_engine, delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from bot.engine.answering import MAX_QUESTION_CHARS
from bot.improve.store.migrations import migrate
from bot.improve.store.privacy import SALT_KEY, UserHasher, new_salt
from bot.improve.store.schema import meta, questions, votes
from bot.improve.store.url import sqlite_file
from bot.serving.events import Asked, Voted

SQLITE_BUSY_TIMEOUT = 0.25  # seconds; the writer retries on its own schedule, and close() must not hang on a lock
PG_CONNECT_TIMEOUT = 5  # seconds


class Database:
    def __init__(self, url: URL, *, user_salt: str | None = None) -> None:
        self.url = url
        self.engine = _engine(url)  # connects lazily: nothing here fails when the database is down
        self._user_salt = user_salt

    def prepare(self) -> UserHasher:
        """Creates the file or migrates the schema as needed; returns the hasher for user ids."""
        path = sqlite_file(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        with self.engine.begin() as conn:
            migrate(conn)
            salt = self._user_salt or _stored_salt(conn)
        return UserHasher(salt)

    def write(self, asked: Sequence[Asked], voted: Sequence[Voted], hasher: UserHasher, *, keep_text: bool) -> None:
        """One transaction: every question inserted, every vote upserted (the last click wins)."""
        with self.engine.begin() as conn:
            if asked:
                conn.execute(questions.insert(), [_question_row(e, hasher, keep_text) for e in asked])
            if voted:
                _upsert_votes(conn, voted, hasher)

    def purge(self, before: float) -> tuple[int, int]:
        """Deletes questions asked and votes last clicked before `before`; returns how many of each."""
        with self.engine.begin() as conn:
            gone_questions = conn.execute(delete(questions).where(questions.c.at < before)).rowcount
            gone_votes = conn.execute(delete(votes).where(votes.c.at < before)).rowcount
        return gone_questions, gone_votes

    def close(self) -> None:
        self.engine.dispose()


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT}, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the report) never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
    cursor.close()


def dialect_insert(conn: Connection, table):
    """INSERT with ON CONFLICT, which SQLite and PostgreSQL spell alike."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def _stored_salt(conn: Connection) -> str:
    conn.execute(dialect_insert(conn, meta).values(key=SALT_KEY, value=new_salt()).on_conflict_do_nothing())
    return conn.execute(select(meta.c.value).where(meta.c.key == SALT_KEY)).scalar_one()


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(table: Table, row: dict) -> dict:
    """The row with text both databases take: lone surrogates (valid in JSON, not in UTF-8) become U+FFFD,
    NULs (which PostgreSQL refuses) are dropped, and each text is cut to its column's size."""
    for name, value in row.items():
        if isinstance(value, str):
            limit = getattr(table.c[name].type, "length", None) or MAX_QUESTION_CHARS
            row[name] = _SURROGATE.sub("\ufffd", value).replace("\x00", "")[:limit]
    return row


def _question_row(e: Asked, hasher: UserHasher, keep_text: bool) -> dict:
    return storable(questions, {
        "at": e.at, "day": utc_day(e.at), "platform": e.where.platform, "workspace": e.where.workspace,
        "channel": e.where.channel, "user_hash": hasher(e.where.platform, e.where.user),
        "question": e.question if keep_text else None, "kind": e.kind, "reason": e.reason, "lang": e.lang,
        "entry_id": e.entry_id, "score": float(e.score), "latency_ms": float(e.latency_ms),
        "lead": e.lead, "led_by": e.led_by, "via": e.via,
    })


def _upsert_votes(conn: Connection, voted: Sequence[Voted], hasher: UserHasher) -> None:
    latest: dict[tuple[str, str, str], dict] = {}  # one row per key: ON CONFLICT may touch a row once per statement
    for e in voted:
        row = storable(votes, {"user_hash": hasher(e.where.platform, e.where.user), "platform": e.where.platform,
                               "entry_id": e.entry_id, "workspace": e.where.workspace, "channel": e.where.channel,
                               "up": e.up, "at": e.at})
        key = (row["user_hash"], row["platform"], row["entry_id"])
        if key not in latest or latest[key]["at"] <= e.at:
            latest[key] = row
    insert = dialect_insert(conn, votes)
    changed = {c: insert.excluded[c] for c in ("workspace", "channel", "up", "at")}
    # A click from another replica that was written first must not be overwritten by an older one.
    conn.execute(insert.on_conflict_do_update(index_elements=["user_hash", "platform", "entry_id"], set_=changed,
                                              where=insert.excluded.at >= votes.c.at), list(latest.values()))


def utc_day(at: float) -> dt.date:
    return dt.datetime.fromtimestamp(at, dt.timezone.utc).date()


def exists(url: URL) -> bool:
    """False only for a SQLite file that is not there (nothing was ever recorded)."""
    path = sqlite_file(url)
    return path is None or Path(path).exists()


def describe_error(err: Exception, url: URL) -> str:
    """The error in one line, without SQL, parameters or a password."""
    cause = err.orig if isinstance(err, DBAPIError) and err.orig is not None else err
    text = (str(cause).strip().splitlines() or [""])[0]
    if url.password:
        text = text.replace(str(url.password), "***")
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__
