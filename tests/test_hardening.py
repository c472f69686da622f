"""The whole answering path under hostile input: any Unicode, through the service, the metrics and a real
SQLite store, gets a valid reply and is recorded; nothing raises and nothing is held up."""

from __future__ import annotations

import sqlite3

from hypothesis import HealthCheck, given, settings
from test_engine import KINDS, QUESTIONS

from bot.improve.store import open_store
from bot.serving import Service, Where
from bot.serving.events import Recorders
from bot.serving.metrics import Metrics


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUESTIONS, channel=QUESTIONS)
def test_any_text_is_answered_counted_and_stored(engine, tmp_path_factory, text, channel):
    db = tmp_path_factory.mktemp("store") / "faqbot.db"
    metrics = Metrics()
    with open_store(f"sqlite:///{db}") as store:
        service = Service(engine, recorder=Recorders([store, metrics]))
        reply = service.answer(text, where=Where("discord", channel, channel, channel))
        service.vote(reply.entry_id or "what-is-gpt", up=False, where=Where("discord", channel, channel, channel))
        assert store.flush(timeout=10)
    assert reply.kind in KINDS and reply.text
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM faqbot_questions").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM faqbot_votes").fetchone() == (1,)
    assert metrics.registry.get_sample_value("faqbot_questions_total", {"kind": reply.kind, "platform": "discord"}) == 1


def test_a_megabyte_of_text_is_answered_and_stored_cut_to_the_engines_limit(engine, tmp_path):
    db = tmp_path / "faqbot.db"
    with open_store(f"sqlite:///{db}") as store:
        reply = Service(engine, recorder=store).answer("what is gpt? " + "x" * 1_000_000)
        assert store.flush(timeout=10)
    assert reply.kind in KINDS
    with sqlite3.connect(db) as conn:
        (length,) = conn.execute("SELECT length(question) FROM faqbot_questions").fetchone()
    assert length == 2000


def test_a_vote_for_an_entry_outside_the_channels_scope_is_not_recorded(engine):
    from support import Kept

    kept = Kept()
    service = Service(engine, recorder=kept, channels={"C-billing": frozenset({"nosuchtag"})})
    view = service.vote("what-is-gpt", up=True, where=Where("slack", "T1", "C-billing", "U1"))
    assert view.private and not kept.events
    service.vote("what-is-gpt", up=True, where=Where("slack", "T1", "C-other", "U1"))
    assert len(kept.events) == 1
