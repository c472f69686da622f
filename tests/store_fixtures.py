"""Fixtures for the store's tests: `store_url`, one SQLite file and one PostgreSQL database per test, and
`postgres`, a throwaway PostgreSQL server started from the installed binaries for the whole session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.postgres import PostgresServer, PostgresUnavailable


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """Skips where PostgreSQL is not installed (a failure under CI=true, see conftest)."""
    try:
        server = PostgresServer()
    except PostgresUnavailable as err:
        pytest.skip(f"PostgreSQL tests need a local server: {err}")
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'faqbot.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture(scope="session", autouse=True)
def private_data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`faqbot run` keeps its store under $XDG_DATA_HOME by default: keep the tests' out of the home directory."""
    before = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data-home"))
    yield
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before
