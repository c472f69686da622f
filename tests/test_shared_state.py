"""What replicas on one PostgreSQL share while answering: each message taken once, one flood limit per person;
and what happens when the database is away. A real PostgreSQL server (the `postgres` fixture)."""

from __future__ import annotations

import time

import pytest
from support import free_port

from bot.improve.store.shared import SharedState, open_shared
from bot.improve.store.url import database_url
from bot.serving import Service, Where
from bot.serving.database_settings import StoreConfigError
from bot.serving.flood import FloodRule, Verdict
from bot.serving.service import Question

SALT = "shared-state-test-salt"


class Clock:
    def __init__(self, now: float = 1_000_020.0) -> None:  # 1,000,020 is the start of a 60-s window
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def database(postgres):
    name = postgres.create_database()
    yield postgres.url(name)
    postgres.drop_database(name)


def replicas(url: str, count: int, clock: Clock, rule: FloodRule = FloodRule()) -> list[SharedState]:
    return [SharedState(database_url(url), user_salt=SALT, rule=rule, clock=clock) for _ in range(count)]


def test_a_message_is_taken_by_one_replica_only(database):
    first, second, third = replicas(database, 3, Clock())
    assert [first.claim("slack:T1:C1:1.1"), second.claim("slack:T1:C1:1.1"), third.claim("slack:T1:C1:1.1")] == [
        True, False, False]
    assert second.claim("slack:T1:C1:1.2") is True


def test_one_flood_limit_across_replicas(database):
    clock = Clock()
    shared = replicas(database, 3, clock)
    verdicts = [shared[n % 3].flood("slack", "U1") for n in range(15)]
    assert verdicts == [Verdict.ANSWER] * 10 + [Verdict.WARN] + [Verdict.IGNORE] * 4
    assert shared[0].flood("slack", "U2") is Verdict.ANSWER  # someone else


def test_the_window_slides(database):
    clock = Clock()
    (shared,) = replicas(database, 1, clock, FloodRule(questions=10, per_seconds=60))
    assert [shared.flood("slack", "U1") for _ in range(10)] == [Verdict.ANSWER] * 10
    clock.now += 61  # the next window has just begun: last window's 10 still count almost whole
    assert shared.flood("slack", "U1") is Verdict.WARN
    clock.now += 29  # half-way: half of the 10, plus the 1 just asked, plus this one
    assert shared.flood("slack", "U1") is Verdict.ANSWER


def test_a_person_is_kept_as_a_salted_hash(database):
    (shared,) = replicas(database, 1, Clock())
    shared.flood("slack", "U-visible-id")
    with shared.engine.connect() as conn:
        people = [row[0] for row in conn.exec_driver_sql("SELECT person FROM faqbot_flood")]
    assert len(people) == 1 and "U-visible-id" not in people[0] and len(people[0]) == 64


def test_a_database_that_is_away_is_asked_once_and_the_service_answers_on_its_own():
    shared = SharedState(database_url(f"postgresql://faqbot@127.0.0.1:{free_port()}/faqbot"), user_salt=SALT)
    started = time.monotonic()
    assert shared.claim("slack:T1:C1:1.1") is None
    assert shared.flood("slack", "U1") is None
    assert time.monotonic() - started < 3.0
    shared.close()


def test_the_service_falls_back_on_its_own_memory_when_the_database_is_away(engine, caplog):
    shared = SharedState(database_url(f"postgresql://faqbot@127.0.0.1:{free_port()}/faqbot"), user_salt=SALT)
    service = Service(engine, shared=shared, flood=FloodRule(questions=2))
    assert [service.first("k1"), service.first("k1")] == [True, False]
    asked = [service.ask(Question("What is GPT?", Where("slack", "T1", "C1", "U1"))) for _ in range(3)]
    assert [view is not None and view.shape.value for view in asked][:2] == ["answer", "answer"]
    assert asked[2] is not None and asked[2].shape.value == "notice"  # over the limit, counted here
    warnings = [r for r in caplog.records if "shared database is away" in r.getMessage()]
    assert len(warnings) == 1
    shared.close()


def test_postgresql_needs_the_salt_and_sqlite_shares_nothing(tmp_path):
    with pytest.raises(StoreConfigError, match="FAQBOT_USER_SALT is not set"):
        open_shared("postgresql://faqbot@127.0.0.1:5432/faqbot", user_salt=None)
    assert open_shared(f"sqlite:///{tmp_path / 'faqbot.db'}", user_salt=None) is None


def test_a_conversation_one_replica_took_part_in_is_known_to_the_others_for_a_day(database):
    clock = Clock()
    first, second = replicas(database, 2, clock)
    assert second.known("slack:T1:C1:1.0:U1") is False
    first.remember("slack:T1:C1:1.0:U1")
    assert second.known("slack:T1:C1:1.0:U1") is True
    assert first.claim("slack:T1:C1:1.0:U1") is True  # a conversation is no claim of a message
    clock.now += 86400 + 1
    assert second.known("slack:T1:C1:1.0:U1") is False


def test_a_replica_older_than_the_shared_schema_answers_on_its_own_memory(database, caplog):
    from sqlalchemy import create_engine, text

    from bot.improve.store.migrations import LATEST

    (shared,) = replicas(database, 1, Clock())
    assert shared.claim("first") is True  # brings the schema up to date
    with create_engine(database_url(database)).begin() as conn:
        conn.execute(text("UPDATE faqbot_meta SET value = :v WHERE key = 'schema_version'"), {"v": str(LATEST + 1)})
    (older,) = replicas(database, 1, Clock())  # a replica that started before the upgrade's
    assert older.claim("second") is None and older.flood("slack", "U1") is None
    assert [r for r in caplog.records if "newer than this replica" in r.getMessage()]
