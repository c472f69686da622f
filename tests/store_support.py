"""Helpers for the store's tests: events, and reading back what a store wrote with plain SQL."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from bot.improve.store.url import database_url
from bot.serving.events import Asked, Voted, Where


def asked(question: str = "What is GPT?", *, user: str = "U0RAWUSER1", at: float | None = None,
          kind: str = "answer", entry_id: str | None = "what-is-gpt", reason: str = "confident",
          where: Where | None = None) -> Asked:
    return Asked(at=time.time() if at is None else at, where=where or Where("slack", "T0TEAM", "C0CHAN", user),
                 question=question, kind=kind, reason=reason, lang="en", entry_id=entry_id, score=0.9,
                 latency_ms=1.5)


def voted(entry_id: str = "what-is-gpt", *, up: bool, user: str = "U0RAWUSER1", at: float | None = None,
          where: Where | None = None) -> Voted:
    return Voted(at=time.time() if at is None else at, where=where or Where("slack", "T0TEAM", "C0CHAN", user),
                 entry_id=entry_id, up=up)


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def count(url: str, table: str = "faqbot_questions") -> int:
    return rows(url, f"SELECT count(*) FROM {table}")[0][0]
