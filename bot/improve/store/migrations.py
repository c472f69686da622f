"""The schema's versions. Opening a database applies the migrations it has not had yet, in order;
the version reached is kept in the meta table."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

from bot.improve.store.schema import claims, flood, meta, questions

VERSION_KEY = "schema_version"

# Version 1's tables as they shipped, whatever schema.py says now: a new database is built the way an old one
# was, and then goes through the same migrations.
_v1 = MetaData()
Table(
    "faqbot_questions", _v1,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("day", Date, nullable=False),
    Column("platform", String(32), nullable=False),
    Column("workspace", String(128), nullable=False),
    Column("channel", String(128), nullable=False),
    Column("user_hash", String(64), nullable=False),
    Column("question", Text),
    Column("kind", String(16), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("entry_id", String(200)),
    Column("score", Float, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Index("faqbot_questions_at", "at"),
)
Table(
    "faqbot_votes", _v1,
    Column("user_hash", String(64), primary_key=True),
    Column("platform", String(32), primary_key=True),
    Column("entry_id", String(200), primary_key=True),
    Column("workspace", String(128), nullable=False),
    Column("channel", String(128), nullable=False),
    Column("up", Boolean, nullable=False),
    Column("at", Float, nullable=False),
    Index("faqbot_votes_at", "at"),
)


def _create_tables(conn: Connection) -> None:
    _v1.create_all(conn, checkfirst=True)


def _link_picks(conn: Connection) -> None:
    # Columns added as the shipped schema has them; ADD COLUMN is spelt alike in SQLite and PostgreSQL.
    # SQLite commits each ALTER on its own: a migration cut short (a locked file) is completed, not repeated.
    found = inspect(conn)
    present = {c["name"] for c in found.get_columns(questions.name)}
    for name in ("lead", "led_by", "via"):
        if name not in present:
            column = questions.c[name]
            conn.execute(text(f"ALTER TABLE {questions.name} ADD COLUMN {name} "
                              f"{column.type.compile(dialect=conn.dialect)}"))
    next(i for i in questions.indexes if i.name == "faqbot_questions_lead").create(conn, checkfirst=True)


def _share_answering(conn: Connection) -> None:
    claims.create(conn, checkfirst=True)
    flood.create(conn, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [_create_tables, _link_picks, _share_answering]  # MIGRATIONS[n]: version n to n + 1
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
