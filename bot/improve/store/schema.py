"""The tables. Columns change only through a new migration in bot.improve.store.migrations."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

meta = Table(
    "faqbot_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

questions = Table(
    "faqbot_questions", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),  # seconds since the epoch
    Column("day", Date, nullable=False),  # the UTC day of `at`, for per-day counts in plain SQL
    Column("platform", String(32), nullable=False),
    Column("workspace", String(128), nullable=False),
    Column("channel", String(128), nullable=False),
    Column("user_hash", String(64), nullable=False),
    Column("question", Text),  # the person's words (for a pick, those that led to it); NULL when not kept
    Column("kind", String(16), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("entry_id", String(200)),
    Column("score", Float, nullable=False),
    Column("latency_ms", Float, nullable=False),
    # Version 2: a pick is linked to the reply it was chosen from, whose `lead` its `led_by` names.
    Column("lead", String(16)),  # set on a reply that offered entries to choose
    Column("led_by", String(16)),  # set on a pick
    Column("via", String(16)),  # a pick: suggestion | topic | autocomplete
    Index("faqbot_questions_at", "at"),
    Index("faqbot_questions_lead", "lead"),
)

votes = Table(
    "faqbot_votes", metadata,
    Column("user_hash", String(64), primary_key=True),
    Column("platform", String(32), primary_key=True),
    Column("entry_id", String(200), primary_key=True),
    Column("workspace", String(128), nullable=False),
    Column("channel", String(128), nullable=False),
    Column("up", Boolean, nullable=False),
    Column("at", Float, nullable=False),  # the last click
    Index("faqbot_votes_at", "at"),
)

# Version 3: what replicas sharing one PostgreSQL must agree on while answering (bot.improve.store.shared).
claims = Table(
    "faqbot_claims", metadata,
    Column("key", String(200), primary_key=True),  # e.g. a Slack message's channel and timestamp
    Column("at", Float, nullable=False),
    Index("faqbot_claims_at", "at"),
)

flood = Table(
    "faqbot_flood", metadata,
    Column("person", String(64), primary_key=True),  # a salted hash, like user_hash
    Column("slot", BigInteger, primary_key=True),  # the window's number: its start // its length
    Column("count", Integer, nullable=False),
)
