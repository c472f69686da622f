"""The Recorder that keeps events in a database without ever making an answer wait for it.

`asked` and `voted` append to a bounded in-memory buffer and return. One writer thread takes batches
from the front of the buffer and writes each in one transaction; a batch leaves the buffer only once it
is committed. When the database is locked, full, read-only or down, events stay buffered and the writer
retries with a growing pause. `close` writes what is left before the process exits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from itertools import islice

from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
    StatementError,
)

from bot.improve.store.database import Database, describe_error
from bot.improve.store.privacy import UserHasher
from bot.improve.store.url import database_url, shown
from bot.serving.events import Asked, Voted

log = logging.getLogger("faqbot.store")
MOST_ASKED_TIMEOUT_MS = 2000

BUFFER_SIZE = 50_000  # events: hours of a busy team's questions, some tens of MB at worst
BATCH_SIZE = 500  # events per transaction: one commit (an fsync) per batch, not per event
RETRY_FIRST = 0.5  # seconds before the first retry; doubles per failure...
RETRY_MAX = 30.0  # ...up to this, so a database back after an outage is written to within half a minute
CLOSE_TIMEOUT = 10.0
STILL_FAILING_EVERY = 600.0  # seconds between reminders while the database stays unwritable
DROPS_EVERY = 60.0  # seconds between warnings about dropped events
PURGE_EVERY = 86_400.0


def refused_as_data(err: Exception) -> bool:
    """Whether the database refused what was sent (it would refuse it again), rather than being unavailable."""
    if isinstance(err, (DataError, IntegrityError)):
        return True
    if isinstance(err, StatementError) and not isinstance(err, (OperationalError, InterfaceError)):
        err = err.orig if isinstance(err.orig, Exception) else err
    return isinstance(err, (UnicodeError, ValueError, TypeError, OverflowError))


def open_store(url: str, *, keep_text: bool = True, user_salt: str | None = None, buffer_size: int = BUFFER_SIZE,
               batch_size: int = BATCH_SIZE, retry_first: float = RETRY_FIRST, retry_max: float = RETRY_MAX,
               retention_seconds: float | None = None) -> Store:
    """Starts the writer. Raises StoreConfigError for a URL that is not allowed; a database that cannot be
    reached yet is only logged, and written to once it can be."""
    database = Database(database_url(url), user_salt=user_salt)
    return Store(database, keep_text=keep_text, buffer_size=buffer_size, batch_size=batch_size,
                 retry_first=retry_first, retry_max=retry_max, retention_seconds=retention_seconds)


class Store:
    def __init__(self, database: Database, *, keep_text: bool, buffer_size: int, batch_size: int,
                 retry_first: float, retry_max: float, retention_seconds: float | None) -> None:
        if buffer_size < 1 or batch_size < 1:
            raise ValueError("buffer_size and batch_size must be at least 1")
        self.database = database
        self.keep_text = keep_text
        self._buffer_size, self._batch_size = buffer_size, batch_size
        self._retry_first, self._retry_max = retry_first, retry_max
        self._retention = retention_seconds
        self._buffer: deque[tuple[int, Asked | Voted]] = deque()
        self._seq = 0  # numbers events so a committed batch can be removed even if older ones were dropped
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._deadline = float("inf")
        self._dropped = 0
        self._drop_warned = -DROPS_EVERY
        self._thread = threading.Thread(target=self._write_forever, name="faqbot-store", daemon=True)
        self._thread.start()

    def most_asked(self, *, days: float = 30, top: int = 5) -> list[tuple[str, int]]:
        """The entries answered most often in the last `days` (what is written so far), for the Slack Home
        tab; none when the database cannot be read."""
        from bot.improve.store import reading

        try:
            with self.database.engine.connect() as conn:
                if conn.dialect.name == "postgresql":  # the Home tab must not wait on a slow scan
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {MOST_ASKED_TIMEOUT_MS}")
                return reading.most_asked(conn, time.time() - days * 86400, top)
        except SQLAlchemyError as err:
            log.warning("could not read the most asked questions: %s", describe_error(err, self.database.url))
            return []

    # --- the answering path: never waits on the database --------------------------------------------

    def asked(self, event: Asked) -> None:
        self._put(event)

    def voted(self, event: Voted) -> None:
        self._put(event)

    def _put(self, event: Asked | Voted) -> None:
        with self._changed:
            if len(self._buffer) >= self._buffer_size:
                # The oldest goes: the newest events say what people ask now, and a newer vote replaces
                # an older one anyway.
                self._buffer.popleft()
                self._dropped += 1
                warn = time.monotonic() - self._drop_warned >= DROPS_EVERY
                if warn:
                    self._drop_warned = time.monotonic()
            else:
                warn = False
            self._seq += 1
            self._buffer.append((self._seq, event))
            self._changed.notify()
        if warn:
            log.warning("the store's buffer is full (%d events) because the database cannot be written: dropping "
                        "the oldest events to keep the newest (%d dropped so far)", self._buffer_size, self._dropped)

    @property
    def buffer_depth(self) -> int:
        return len(self._buffer)

    @property
    def dropped(self) -> int:
        return self._dropped

    # --- shutting down --------------------------------------------------------------------------------

    def flush(self, timeout: float) -> bool:
        """Waits until every event put so far is written; False if `timeout` seconds pass first."""
        with self._changed:
            target = self._seq
            return self._changed.wait_for(lambda: not self._buffer or self._buffer[0][0] > target, timeout)

    def close(self, timeout: float = CLOSE_TIMEOUT) -> int:
        """Writes what is buffered, retrying for up to `timeout` seconds; returns how many events were lost."""
        with self._changed:
            self._deadline = time.monotonic() + timeout
            self._stopping.set()
            self._changed.notify_all()
        self._thread.join(timeout + 1.0)
        left = len(self._buffer)
        if left:
            log.error("%d events could not be written to the store at %s before shutdown and are lost",
                      left, shown(self.database.url))
        if not self._thread.is_alive():
            self.database.close()
        return left

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the writer thread ----------------------------------------------------------------------------

    def _write_forever(self) -> None:
        hasher: UserHasher | None = None
        failures, failing_since, reminded = 0, 0.0, 0.0
        next_purge = 0.0
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._buffer or self._stopping.is_set() or hasher is None,
                                       self._idle_wait(next_purge))
                if self._stopping.is_set() and (not self._buffer or time.monotonic() >= self._deadline):
                    return
                batch = list(islice(self._buffer, self._batch_size))
            try:
                if hasher is None:
                    hasher = self.database.prepare()
                if self._retention is not None and time.monotonic() >= next_purge:
                    self.database.purge(time.time() - self._retention)
                    next_purge = time.monotonic() + PURGE_EVERY
                if batch:
                    self._write(batch, hasher)
            except Exception as err:  # whatever the database does, the writer keeps the events and goes on
                failures += 1
                now = time.monotonic()
                if failures == 1:
                    failing_since = reminded = now
                    log.warning("cannot write to the store at %s (%s): keeping events in memory (%d now, at most "
                                "%d) and retrying; answers are not affected", shown(self.database.url),
                                describe_error(err, self.database.url), len(self._buffer), self._buffer_size)
                elif now - reminded >= STILL_FAILING_EVERY:
                    reminded = now
                    log.warning("still cannot write to the store at %s (%s): %d events buffered",
                                shown(self.database.url), describe_error(err, self.database.url), len(self._buffer))
                self.database.engine.dispose()  # the next attempt opens new connections
                self._pause(failures)
                continue
            if failures:
                log.info("the store at %s is writable again after %.0f s; writing the buffered events",
                         shown(self.database.url), time.monotonic() - failing_since)
                failures = 0

    def _write(self, batch: list[tuple[int, Asked | Voted]], hasher: UserHasher) -> None:
        try:
            self._write_events([e for _, e in batch], hasher)
        except Exception as err:
            if not refused_as_data(err):
                raise
            self._write_one_by_one(batch, hasher)  # so one event the database refuses cannot hold up the rest
            return
        self._done(batch[-1][0])

    def _write_one_by_one(self, batch: list[tuple[int, Asked | Voted]], hasher: UserHasher) -> None:
        for seq, event in batch:
            try:
                self._write_events([event], hasher)
            except Exception as err:
                if not refused_as_data(err):
                    raise
                log.error("the store at %s refused one %s event, which is dropped: %s", shown(self.database.url),
                          type(event).__name__, describe_error(err, self.database.url))
            self._done(seq)

    def _write_events(self, events: list[Asked | Voted], hasher: UserHasher) -> None:
        self.database.write([e for e in events if isinstance(e, Asked)], [e for e in events if isinstance(e, Voted)],
                            hasher, keep_text=self.keep_text)

    def _done(self, last: int) -> None:
        with self._changed:
            while self._buffer and self._buffer[0][0] <= last:
                self._buffer.popleft()
            self._changed.notify_all()

    def _pause(self, failures: int) -> None:
        if self._stopping.wait(min(self._retry_max, self._retry_first * 2 ** (failures - 1))):
            time.sleep(min(0.2, max(0.0, self._deadline - time.monotonic())))  # closing: retry until the deadline

    def _idle_wait(self, next_purge: float) -> float | None:
        return None if self._retention is None else max(0.0, next_purge - time.monotonic())
