"""Fixtures for the store's tests: `store_url`, one SQLite file and one PostgreSQL database per test, and
`postgres`, a throwaway PostgreSQL server started from the installed binaries for the whole session."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from port_for import get_port
from pytest_postgresql.executors import PostgreSQLExecutor

INSTALL = "apt-get install postgresql (Debian/Ubuntu) installs them"


def find_pg_ctl() -> str | None:
    found = shutil.which("pg_ctl")
    if found:
        return found
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return installed[-1] if installed else None


def unavailable(reason: str) -> None:
    """Skips, except under CI=true, where a PostgreSQL test that cannot run fails."""
    message = f"PostgreSQL tests need the server binaries (pg_ctl, initdb, postgres): {reason}; {INSTALL}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class PostgresServer:
    """A server in a temporary directory. initdb and postgres refuse to run as root, so as root they run as
    the `postgres` system user through a pg_ctl wrapper."""

    def __init__(self, pg_ctl: str) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="faqbot-pg-"))
        executable = pg_ctl
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.base)
                unavailable("running as root, the server must run as the 'postgres' user, which does not exist")
            os.chown(self.base, account.pw_uid, account.pw_gid)
            wrapper = self.base / "pg_ctl-as-postgres"
            wrapper.write_text(f'#!/bin/sh\ncd /\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
            wrapper.chmod(0o755)
            executable = str(wrapper)
        self.port = get_port(None)
        self.executor = PostgreSQLExecutor(
            executable=executable, host="127.0.0.1", port=self.port, datadir=str(self.base / "data"),
            unixsocketdir=str(self.base), logfile=str(self.base / "server.log"), startparams="-w",
            dbname="faqbot", user="postgres")

    def start(self) -> None:
        self.executor.start()

    def stop(self) -> None:
        self.executor.stop()

    def url(self, database: str, password: str = "") -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://postgres{secret}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        name = f"faqbot_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        try:
            if self.executor.running():
                self.executor.stop()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        unavailable("pg_ctl is not on PATH nor in /usr/lib/postgresql/*/bin")
    server = PostgresServer(pg_ctl)
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
