"""A throwaway PostgreSQL server in a temporary directory, from the installed binaries, for the store's
tests and benchmark. initdb and postgres refuse to run as root, so as root they run as the `postgres`
system user (which Debian's postgresql package creates) through a small pg_ctl wrapper."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from port_for import get_port
from pytest_postgresql.executors import PostgreSQLExecutor

INSTALL = "apt-get install postgresql (Debian/Ubuntu) installs them"


class PostgresUnavailable(RuntimeError):
    pass


def find_pg_ctl() -> str | None:
    found = shutil.which("pg_ctl")
    if found:
        return found
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return installed[-1] if installed else None


class PostgresServer:
    def __init__(self) -> None:
        pg_ctl = find_pg_ctl()
        if pg_ctl is None:
            raise PostgresUnavailable(f"the server binaries (pg_ctl, initdb, postgres) are not on PATH nor in "
                                      f"/usr/lib/postgresql/*/bin; {INSTALL}")
        self.base = Path(tempfile.mkdtemp(prefix="faqbot-pg-"))
        executable = pg_ctl
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.base)
                raise PostgresUnavailable(f"as root, the server must run as the 'postgres' user, which does not "
                                          f"exist; {INSTALL} and creates it") from None
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

    def start(self, timeout: float = 60.0) -> None:
        """Returns once the server accepts connections: `pg_ctl -w` can return while it still says
        'the database system is starting up'."""
        self.executor.start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=5).close()
                return
            except psycopg.OperationalError as err:
                if time.monotonic() > deadline:
                    raise PostgresUnavailable(f"the server did not accept connections within {timeout:.0f} s: "
                                              f"{err}; see {self.base / 'server.log'}") from None
                time.sleep(0.1)

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

