"""What replicas sharing one PostgreSQL must agree on while they answer: which Slack messages were already
taken (a redelivery may land on another replica) and how many questions each person asked lately (one flood
limit, not one per replica). Each is one atomic statement on the answering path.

When PostgreSQL cannot be reached, nothing waits for it: each call says "unknown" (None) and the Service falls
back on the replica's own memory, for a few seconds before the database is tried again. A question is never
dropped because the database is away; at worst, one is answered twice, or a person gets a little more than the
limit."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, delete, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from bot.improve.store.database import describe_error
from bot.improve.store.migrations import NewerSchema, migrate
from bot.improve.store.privacy import UserHasher
from bot.improve.store.schema import claims, flood
from bot.improve.store.url import database_url
from bot.serving.database_settings import USER_SALT, StoreConfigError
from bot.serving.flood import FloodRule, Verdict
from bot.serving.service import CONVERSATIONS_KEPT

log = logging.getLogger("faqbot.store")

CONNECT_TIMEOUT = 2  # seconds: the answering path waits at most this long for a database that is away
STATEMENT_TIMEOUT_MS = 500
TCP_USER_TIMEOUT_MS = 2000
AWAY_FOR = 5.0  # seconds without trying again after a failure
WARN_EVERY = 60.0  # seconds between two warnings that the database is away
CLAIMS_KEPT = 3600.0  # seconds: Slack redelivers within minutes
CONVERSATION = "conversation:"  # the prefix of a remembered conversation's key, beside the claims
FLOOD_TOLD = "flood-told:"  # the prefix of a person's "please wait" in one window, beside the claims
TIDY_EVERY = 60.0  # seconds between two clean-ups of old claims and windows
TIDY_BATCH = 10_000  # claims deleted at most in one clean-up
REACH = "check that PostgreSQL at database.url (FAQBOT_DB_URL) is running and reachable from here"


def open_shared(url: str, *, user_salt: str | None, rule: FloodRule = FloodRule()) -> SharedState | None:
    """The shared state for a PostgreSQL `url` (replicas may share it), None for SQLite (one process). Nothing
    is connected yet. StoreConfigError when PostgreSQL is used without the salt every replica needs."""
    parsed = database_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    if not user_salt:
        raise StoreConfigError(f"{USER_SALT} is not set: with PostgreSQL, every replica must hash user ids with the "
                               "same salt, and one kept in the database beside the hashes would protect nothing. "
                               f"Set {USER_SALT} to the same long random text on every replica (for example the "
                               "output of: python -c \"import secrets; print(secrets.token_urlsafe(32))\")")
    return SharedState(parsed, user_salt=user_salt, rule=rule)


class SharedState:
    """Thread-safe. `claim` and `flood` return None when the database could not say."""

    def __init__(self, url: URL, *, user_salt: str, rule: FloodRule = FloodRule(),
                 clock: Callable[[], float] = time.time) -> None:
        # A host that vanishes mid-call (a failover, a dead machine) must not hold the engine's thread for the
        # minutes TCP takes to give up: unacknowledged data and silent connections time out within seconds.
        self.engine: Engine = create_engine(
            url, pool_size=4, max_overflow=4, pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT, "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
                          "tcp_user_timeout": TCP_USER_TIMEOUT_MS, "keepalives": 1, "keepalives_idle": 5,
                          "keepalives_interval": 2, "keepalives_count": 2})
        self.hasher = UserHasher(user_salt)
        self.rule = rule
        self.clock = clock
        self._away_until = 0.0
        self._warned_at = -WARN_EVERY
        self._tidied_at = 0.0
        self._migrated = False  # the schema is brought up to date by the first call (or by the store's writer)
        self._lock = threading.Lock()

    def claim(self, key: str) -> bool | None:
        """True for the first replica to claim `key` (within CLAIMS_KEPT), False for every later claim."""
        now = self.clock()
        statement = (postgresql.insert(claims).values(key=key[:200], at=now)
                     .on_conflict_do_nothing().returning(claims.c.key))
        return self._run(lambda conn: conn.execute(statement).first() is not None, now)

    def remember(self, key: str) -> None:
        now = self.clock()
        statement = (postgresql.insert(claims).values(key=(CONVERSATION + key)[:200], at=now)
                     .on_conflict_do_update(index_elements=[claims.c.key], set_={"at": now}))
        self._run(lambda conn: conn.execute(statement), now)

    def known(self, key: str) -> bool | None:
        now = self.clock()
        query = select(claims.c.key).where(claims.c.key == (CONVERSATION + key)[:200],
                                           claims.c.at >= now - CONVERSATIONS_KEPT)
        return self._run(lambda conn: conn.execute(query).first() is not None, now)

    def flood(self, platform: str, user: str) -> Verdict | None:
        """Counts one question from the person and says whether to answer it. The window slides: the count is
        this window's questions plus the last window's, weighted by how much of it is still within the
        rule's span. Questions over the limit count too, so someone who keeps asking keeps waiting."""
        now, rule = self.clock(), self.rule
        person, window = self.hasher(platform, user), int(now // rule.per_seconds)
        left_of_last = 1.0 - (now % rule.per_seconds) / rule.per_seconds
        counted = (postgresql.insert(flood).values(person=person, slot=window, count=1)
                   .on_conflict_do_update(index_elements=[flood.c.person, flood.c.slot],
                                          set_={"count": flood.c.count + 1})
                   .returning(flood.c.count))

        def count(conn) -> Verdict:
            now_count = conn.execute(counted).scalar_one()
            last = conn.execute(select(flood.c.count).where(flood.c.person == person,
                                                           flood.c.slot == window - 1)).scalar() or 0
            asked = last * left_of_last + now_count
            if asked <= rule.questions:
                return Verdict.ANSWER
            # told at most once a window, by whichever replica gets there first
            told = (postgresql.insert(claims).values(key=f"{FLOOD_TOLD}{person}:{window}", at=now)
                    .on_conflict_do_nothing().returning(claims.c.key))
            return Verdict.WARN if conn.execute(told).first() is not None else Verdict.IGNORE

        return self._run(count, now)

    def close(self) -> None:
        self.engine.dispose()

    def _run(self, work, now: float):
        if time.monotonic() < self._away_until:
            return None
        try:
            if not self._migrated:
                with self.engine.begin() as conn:
                    migrate(conn)
                self._migrated = True
            with self.engine.begin() as conn:
                found = work(conn)
        except NewerSchema as err:  # an older replica during a rollout: it answers on its own memory
            self._away(f"its schema is newer than this replica's: {err}", fix="upgrade faqbot on this replica")
            return None
        except SQLAlchemyError as err:
            self._away(describe_error(err, self.engine.url))
            return None
        if now - self._tidied_at > TIDY_EVERY:
            self._tidy(now)
        return found

    def _away(self, why: str, *, fix: str = REACH) -> None:
        with self._lock:
            self._away_until = time.monotonic() + AWAY_FOR
            if time.monotonic() - self._warned_at >= WARN_EVERY:
                self._warned_at = time.monotonic()
                log.warning("the shared database is away (%s): each replica now remembers answered messages and "
                            "counts questions on its own until it is back; %s", why, fix)

    def _tidy(self, now: float) -> None:
        """Old claims, conversations and windows go, each in a transaction of its own and in bounded batches,
        so that a slow clean-up never costs a claim; a failed one is tried again next time."""
        self._tidied_at = now
        conversation = claims.c.key.startswith(CONVERSATION)
        old = ((~conversation) & (claims.c.at < now - CLAIMS_KEPT)) | (conversation & (claims.c.at < now - CONVERSATIONS_KEPT))
        batch = select(claims.c.key).where(old).limit(TIDY_BATCH)
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(claims).where(claims.c.key.in_(batch)))
            with self.engine.begin() as conn:
                conn.execute(delete(flood).where(flood.c.slot < int(now // self.rule.per_seconds) - 1))
        except SQLAlchemyError as err:
            log.debug("tidying the shared state: %s", type(err).__name__)
