"""The schema's versions. Opening a database applies the migrations it has not had yet, in order;
the version reached is kept in the meta table."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, select, text

from bot.improve.store.schema import meta, questions, votes

VERSION_KEY = "schema_version"


def _create_tables(conn: Connection) -> None:
    # Version 1 as it shipped: when a later migration changes these tables, freeze their first shape here.
    questions.create(conn, checkfirst=True)
    votes.create(conn, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [_create_tables]  # MIGRATIONS[n] takes version n to n + 1
LATEST = len(MIGRATIONS)


class NewerSchema(RuntimeError):
    pass


def migrate(conn: Connection) -> int:
    """Brings the schema to LATEST inside the caller's transaction; returns the version found."""
    if conn.dialect.name == "postgresql":
        # Several replicas may start at once: one migrates, the others wait and find it done.
        conn.execute(text("SELECT pg_advisory_xact_lock(7412051)"))
    meta.create(conn, checkfirst=True)
    found = conn.execute(select(meta.c.value).where(meta.c.key == VERSION_KEY)).scalar()
    version = int(found) if found is not None else 0
    if version > LATEST:
        raise NewerSchema(f"the database has schema version {version}, newer than this faqbot's ({LATEST}): "
                          "upgrade faqbot")
    for step in MIGRATIONS[version:]:
        step(conn)
    if found is None:
        conn.execute(meta.insert().values(key=VERSION_KEY, value=str(LATEST)))
    elif version < LATEST:
        conn.execute(meta.update().where(meta.c.key == VERSION_KEY).values(value=str(LATEST)))
    return version
