"""The store on a real SQLite file and a real PostgreSQL server: what is written, votes, privacy, volume,
the bounded buffer and retention. Every test runs against both."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, inspect, text
from store_support import asked, count, rows, voted

from bot.improve.store import StoreConfigError, open_store
from bot.improve.store.database import Database
from bot.improve.store.migrations import LATEST, MIGRATIONS, VERSION_KEY
from bot.improve.store.schema import meta, questions
from bot.improve.store.url import database_url
from bot.serving import Service, Where
from bot.serving.config import Config
from bot.serving.service import Question, Via

RAW_USER = "U0RAWUSER1"


def test_an_answered_question_is_recorded_with_every_field_and_a_hashed_user(store_url, engine):
    with open_store(store_url) as store:
        reply = Service(engine, recorder=store).answer("What is GPT?", where=Where("slack", "T1", "C1", RAW_USER))
        assert store.flush(timeout=10)
    (row,) = rows(store_url, "SELECT platform, workspace, channel, user_hash, question, kind, reason, lang, "
                             "entry_id, score, latency_ms, at, day FROM faqbot_questions")
    platform, workspace, channel, user_hash, question, kind, reason, lang, entry_id, score, latency, at, day = row
    assert (platform, workspace, channel, question) == ("slack", "T1", "C1", "What is GPT?")
    assert (kind, reason, lang, entry_id) == (reply.kind, reply.reason, "en", "what-is-gpt")
    assert score == pytest.approx(reply.score) and latency > 0 and abs(at - time.time()) < 60
    assert len(user_hash) == 64 and RAW_USER not in user_hash
    assert str(day) == time.strftime("%Y-%m-%d", time.gmtime(at))
    assert rows(store_url, "SELECT value FROM faqbot_meta WHERE key = 'schema_version'") == [(str(LATEST),)]


def test_question_text_is_left_out_when_keep_text_is_off(store_url):
    with open_store(store_url, keep_text=False) as store:
        store.asked(asked("How is Azure OpenAI billed?", kind="fallback", entry_id=None, reason="no_match"))
    assert rows(store_url, "SELECT question, kind FROM faqbot_questions") == [(None, "fallback")]


def test_the_last_click_wins_and_a_double_click_does_not_duplicate(store_url):
    start = time.time()
    with open_store(store_url) as store:
        store.voted(voted(up=True, at=start))
        store.voted(voted(up=True, at=start + 0.1))  # double click
        store.voted(voted(up=False, at=start + 1))  # changed their mind
        store.voted(voted(up=True, user="U0OTHER", at=start + 1))
    assert sorted(rows(store_url, "SELECT entry_id, up FROM faqbot_votes")) == [("what-is-gpt", False),
                                                                              ("what-is-gpt", True)]
    with open_store(store_url) as store:  # a later run: the same salt, the same person, one row still
        store.voted(voted(up=True, at=start + 2))
        store.voted(voted(up=False, at=start + 1.5))  # an older click arriving late (another replica)
    assert sorted(rows(store_url, "SELECT up FROM faqbot_votes")) == [(True,), (True,)]
    assert count(store_url, "faqbot_votes") == 2


def test_votes_clicked_many_times_in_one_batch_keep_the_last(store_url):
    with open_store(store_url) as store:
        for i in range(101):
            store.voted(voted(up=i % 2 == 0, at=1_000_000 + i))
    assert rows(store_url, "SELECT up, at FROM faqbot_votes") == [(True, 1_000_100.0)]


def test_eight_threads_writing_10000_events_lose_none(store_url):
    def write(thread: int) -> None:
        for i in range(1250):
            store.asked(asked(f"question {thread}-{i}", user=f"U{thread}"))

    with open_store(store_url) as store:
        threads = [threading.Thread(target=write, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert store.flush(timeout=60)
        assert store.dropped == 0
    assert count(store_url) == 10_000
    assert rows(store_url, "SELECT count(DISTINCT question), count(DISTINCT user_hash) FROM faqbot_questions") == [
        (10_000, 8)]


def test_no_raw_user_id_is_stored_anywhere(store_url, tmp_path):
    with open_store(store_url) as store:
        for i in range(50):
            store.asked(asked(f"question {i}", user=RAW_USER))
            store.voted(voted(f"entry-{i}", up=True, user=RAW_USER))
        assert store.flush(timeout=10)
        if store_url.startswith("sqlite"):
            files = list(tmp_path.glob("faqbot.db*"))
            assert any(f.name.endswith("-wal") for f in files)  # the WAL is read while the store is open
            for f in files:
                assert RAW_USER.encode() not in f.read_bytes(), f
    texts = rows(store_url, "SELECT user_hash, platform, workspace, channel, coalesce(question, ''), kind "
                            "FROM faqbot_questions UNION ALL SELECT user_hash, platform, workspace, channel, "
                            "entry_id, '' FROM faqbot_votes "
                            "UNION ALL SELECT key, value, '', '', '', '' FROM faqbot_meta")
    assert len(texts) > 100
    assert not [t for t in texts if any(RAW_USER in value for value in t)]


def test_every_text_column_of_every_table_is_free_of_the_raw_user_id(store_url):
    with open_store(store_url) as store:
        store.asked(asked(user=RAW_USER))
        store.voted(voted(up=False, user=RAW_USER))
    if store_url.startswith("sqlite"):
        tables = [t for (t,) in rows(store_url, "SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = [(t, c) for t in tables for (_, c, *_) in rows(store_url, f"PRAGMA table_info({t})")]
    else:
        columns = rows(store_url, "SELECT table_name, column_name FROM information_schema.columns "
                                  "WHERE table_schema = 'public'")
    assert {t for t, _ in columns} == {"faqbot_meta", "faqbot_questions", "faqbot_votes", "faqbot_claims", "faqbot_flood"}
    for table, column in columns:
        found = rows(store_url, f"SELECT count(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE '%{RAW_USER}%'")
        assert found == [(0,)], (table, column)


def test_the_salt_from_the_environment_gives_the_same_hash_in_two_databases(store_url, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    for url in (store_url, other):
        with open_store(url, user_salt="a-team-wide-secret") as store:
            store.asked(asked(user=RAW_USER))
    (mine,), (theirs,) = rows(store_url, "SELECT user_hash FROM faqbot_questions"), rows(
        other, "SELECT user_hash FROM faqbot_questions")
    assert mine == theirs
    assert rows(store_url, "SELECT count(*) FROM faqbot_meta WHERE key = 'user_salt'") == [(0,)]
    settings = Config().store_settings({"FAQBOT_USER_SALT": "a-team-wide-secret"})
    assert settings.user_salt == "a-team-wide-secret"
    assert "a-team-wide-secret" not in repr(settings) + repr(Database(database_url(other)).prepare())


def test_a_full_buffer_drops_the_oldest_events_counts_them_and_says_so(caplog, tmp_path):
    blocked = f"sqlite:///{tmp_path / 'file' / 'faqbot.db'}"
    (tmp_path / "file").write_text("a file where the database's directory should be")
    store = open_store(blocked, buffer_size=10, retry_first=0.05, retry_max=0.05)
    with caplog.at_level(logging.WARNING, logger="faqbot.store"):
        for i in range(25):
            store.asked(asked(f"question {i}"))
        assert store.buffer_depth == 10 and store.dropped == 15
    assert any("dropping the oldest" in r.getMessage() for r in caplog.records)
    (tmp_path / "file").unlink()  # now the directory can be made
    assert store.flush(timeout=10)
    store.close()
    assert [q for (q,) in rows(blocked, "SELECT question FROM faqbot_questions ORDER BY id")] == [
        f"question {i}" for i in range(15, 25)]


def test_purge_deletes_rows_older_than_the_cutoff(store_url):
    now = time.time()
    with open_store(store_url) as store:
        store.asked(asked("old", at=now - 100 * 86400))
        store.asked(asked("new", at=now - 86400))
        store.voted(voted("old-entry", up=False, at=now - 100 * 86400))
        store.voted(voted("new-entry", up=True, at=now))
        assert store.flush(timeout=10)
        assert store.database.purge(now - 90 * 86400) == (1, 1)
    assert rows(store_url, "SELECT question FROM faqbot_questions") == [("new",)]
    assert rows(store_url, "SELECT entry_id FROM faqbot_votes") == [("new-entry",)]


def test_automatic_retention_purges_at_start(store_url):
    now = time.time()
    with open_store(store_url) as store:
        store.asked(asked("old", at=now - 40 * 86400))
    with open_store(store_url, retention_seconds=30 * 86400) as store:
        store.asked(asked("new"))
    assert rows(store_url, "SELECT question FROM faqbot_questions") == [("new",)]


@pytest.mark.parametrize(("url", "says"), [
    ("mysql://u:hunter2@db/faqbot", "does not support"),
    ("not a url", "not a database URL"),
    ("sqlite://", "needs a file"),
    ("sqlite:///:memory:", "needs a file"),
])
def test_a_bad_url_names_the_setting_and_what_is_allowed_without_the_password(url, says):
    with pytest.raises(StoreConfigError) as caught:
        open_store(url)
    message = str(caught.value)
    assert "FAQBOT_DB_URL" in message and says in message and "hunter2" not in message
    assert "sqlite:///" in message


def test_the_sqlite_file_and_its_directory_are_created_in_wal_mode(tmp_path):
    path = tmp_path / "a" / "b" / "faqbot.db"
    with open_store(f"sqlite:///{path}") as store:
        store.asked(asked())
    assert path.exists()
    assert rows(f"sqlite:///{path}", "PRAGMA journal_mode") == [("wal",)]


def test_any_text_a_platform_can_send_is_stored_and_never_holds_up_the_buffer(store_url):
    """JSON can carry lone surrogates, which UTF-8 cannot; PostgreSQL refuses NUL; ids can be any length."""
    odd = ["lone \ud800 surrogate", "nul \x00 byte", "x" * 1_000_000, "\u202eRTL\u200b zero-width 👩🏽‍💻"]
    with open_store(store_url) as store:
        for n, text in enumerate(odd):
            store.asked(asked(text, where=Where("slack\ud800", "T" * 500, f"C{n}\x00", "U\udfff")))
        store.voted(voted(up=True, where=Where("discord", "G\x00", "C" * 300, "U\ud800")))
        store.asked(asked("after them", where=Where("slack", "T1", "C9", "U1")))
        assert store.flush(timeout=10)
    stored = [q for (q,) in rows(store_url, "SELECT question FROM faqbot_questions ORDER BY id")]
    assert stored[0] == "lone \ufffd surrogate" and stored[1] == "nul  byte" and len(stored[2]) == 2000
    assert stored[3] == odd[3] and stored[4] == "after them"
    assert count(store_url, "faqbot_votes") == 1


def test_an_event_the_database_refuses_is_dropped_alone_and_the_rest_are_written(store_url, caplog):
    with open_store(store_url) as store:
        store.asked(asked("before"))
        store.asked(asked("from the far future", at=1e20))  # no calendar day: refused every time
        store.asked(asked("after"))
        assert store.flush(timeout=10)
    assert [q for (q,) in rows(store_url, "SELECT question FROM faqbot_questions ORDER BY id")] == ["before", "after"]
    assert "refused one Asked event, which is dropped" in caplog.text


@pytest.mark.parametrize("cut_short", [False, True], ids=["whole", "cut short"])
def test_a_version_1_database_gets_the_pick_links_and_keeps_its_rows(store_url, cut_short):
    old = create_engine(database_url(store_url))
    with old.begin() as conn:  # a database the first faqbot wrote
        meta.create(conn)
        MIGRATIONS[0](conn)
        conn.execute(meta.insert().values(key=VERSION_KEY, value="1"))
        if cut_short:  # SQLite commits each ALTER alone: a locked file can stop the upgrade after one column
            conn.execute(text("ALTER TABLE faqbot_questions ADD COLUMN lead VARCHAR(16)"))
        conn.execute(text("INSERT INTO faqbot_questions (at, day, platform, workspace, channel, user_hash, question, "
                          "kind, reason, lang, entry_id, score, latency_ms) VALUES (1e9, '2001-09-09', 'slack', "
                          "'T1', 'C1', 'h', 'before', 'suggest', 'unsure', 'en', NULL, 0.4, 1.0)"))
    old.dispose()
    with open_store(store_url) as store:
        store.asked(replace(asked("after", kind="answer", reason="picked", entry_id="rlhf"), led_by="Ab_9-x",
                            via="topic"))
    assert rows(store_url, "SELECT question, lead, led_by, via FROM faqbot_questions ORDER BY id") == [
        ("before", None, None, None), ("after", None, "Ab_9-x", "topic")]
    assert rows(store_url, "SELECT value FROM faqbot_meta WHERE key = 'schema_version'") == [(str(LATEST),)]


def test_a_new_database_has_the_columns_the_schema_declares(store_url):
    with open_store(store_url) as store:
        store.asked(asked())
    engine = create_engine(database_url(store_url))
    try:
        found = inspect(engine)
        assert [c["name"] for c in found.get_columns("faqbot_questions")] == [c.name for c in questions.columns]
        assert {i["name"] for i in found.get_indexes("faqbot_questions")} == {i.name for i in questions.indexes}
    finally:
        engine.dispose()


def test_a_pick_is_stored_with_the_words_that_led_to_it_and_linked_to_their_reply(store_url, engine):
    with open_store(store_url) as store:
        service = Service(engine, recorder=store)
        view = service.ask(Question("azure openai", Where("slack", "T1", "C1", RAW_USER)))
        service.pick(view.choices[1].id, "en", Where("slack", "T1", "C1", "U0OTHER"), via=Via.SUGGESTION,
                     lead=view.lead)
    (asked_row, pick_row) = rows(store_url, "SELECT question, kind, reason, entry_id, lead, led_by, via "
                                            "FROM faqbot_questions ORDER BY id")
    assert asked_row == ("azure openai", "suggest", "ambiguous", None, view.lead, None, None)
    assert pick_row[:4] == ("azure openai", "answer", "picked", view.choices[1].id)
    assert pick_row[5:] == (view.lead, "suggestion") and pick_row[4] is not None


def test_the_most_asked_entries_of_the_last_days_are_read_back_for_the_home_tab(store_url):
    month_ago = time.time() - 31 * 86400
    with open_store(store_url) as store:
        for entry_id, times in (("rlhf", 3), ("what-is-gpt", 2)):
            for _ in range(times):
                store.asked(asked(entry_id=entry_id))
        store.asked(asked(entry_id="old", at=month_ago))
        store.asked(asked(entry_id=None, kind="fallback", reason="no_match"))
        store.asked(asked(entry_id="maybe", kind="suggest", reason="unsure"))
    with open_store(store_url) as store:
        assert store.most_asked(days=30, top=5) == [("rlhf", 3), ("what-is-gpt", 2)]
