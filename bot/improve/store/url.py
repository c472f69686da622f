"""database.url (FAQBOT_DB_URL): which databases are allowed, the driver each one uses, and how a URL is shown."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.serving.database_settings import ALLOWED_URLS as ALLOWED
from bot.serving.database_settings import DB_URL, StoreConfigError

_DRIVERS = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql": "postgresql+psycopg",
            "postgres": "postgresql+psycopg", "postgresql+psycopg": "postgresql+psycopg"}


def database_url(text: str, *, setting: str = DB_URL) -> URL:
    """The URL to connect with (PostgreSQL through psycopg 3), or StoreConfigError saying what is allowed."""
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise StoreConfigError(f"{setting} is not a database URL: use {ALLOWED}") from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise StoreConfigError(f"{setting} names the database '{url.drivername}', which faqbot does not support: "
                               f"use {ALLOWED}")
    if driver == "sqlite":
        if url.database in (None, "", ":memory:") or url.database.startswith("file:"):
            raise StoreConfigError(f"{setting} needs a file for SQLite (an in-memory database loses everything "
                                   "on exit): use sqlite:///relative/path.db or sqlite:////absolute/path.db")
        return url.set(drivername="sqlite", database=str(Path(url.database).expanduser()))
    if importlib.util.find_spec("psycopg") is None:
        raise StoreConfigError(f"{setting} is a PostgreSQL URL, which needs psycopg 3: "
                               'pip install "faqbot[postgres]"')
    return url.set(drivername=driver)


def shown(url: URL) -> str:
    """The URL for logs and messages: the password masked."""
    return url.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
