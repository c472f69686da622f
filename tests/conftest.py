"""Shared fixtures: one Engine over the shipped FAQ for the whole session, and a helper that
writes a small FAQ directory into tmp_path. And a watch over every log line of the whole run:
if anything token-shaped was logged, the run fails."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_slack import SECRET, TOKEN, FakeSlack, SignedClient
from support import FAQ_DIR, subprocess_log_leaks

from bot.engine import Engine, build_engine
from bot.engine.faq import Faq
from bot.serving.logs import TOKEN_SHAPES


class TokenWatch(logging.Handler):
    """Sees every record logged in this process at INFO and above, by faqbot and by the SDKs."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        if TOKEN_SHAPES.search(text):
            self.leaks.append(f"{record.name}: {text[:300]}")


WATCH = TokenWatch()


CACHE_HOME = tempfile.mkdtemp(prefix="faqbot-cache-")


def pytest_configure(config: pytest.Config) -> None:
    # faqbot keeps its index and encoder in the user's cache directory: this run's own, shared by its commands
    os.environ["XDG_CACHE_HOME"] = CACHE_HOME
    os.environ.pop("FAQBOT_INDEX_CACHE", None)
    root = logging.getLogger()
    root.addHandler(WATCH)
    root.setLevel(min(root.level, logging.INFO))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Under CI=true a skipped test is a failed one: whatever it needed must be installed there."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every test must run: {reason}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(CACHE_HOME, ignore_errors=True)
    leaks = WATCH.leaks + [f"faqbot subprocess: {line[:300]}" for line in subprocess_log_leaks()]
    if leaks:
        print("\nlog lines with something token-shaped in them:\n" + "\n".join(leaks), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def serve(engine, fake) -> Iterator[Callable[..., SignedClient]]:
    """serve(**Settings) -> a client for the Slack adapter running in HTTP mode on 127.0.0.1, as `faqbot run
    slack` runs it, talking to `fake`; every one is stopped afterwards."""
    from adapters.slack.running import Settings, Slack
    from bot.serving import Service

    running = []

    def start(*, recorder=None, channels=None, metrics=None, auto_answer=frozenset(), **settings) -> SignedClient:
        service = Service(engine, recorder=recorder, channels=channels, auto_answer=auto_answer)
        settings = {"host": "127.0.0.1", "port": 0, **settings}
        slack = Slack(service, Settings(token=TOKEN, signing_secret=SECRET, api_url=fake.api_url, **settings),
                      metrics=metrics)
        running.append(slack)
        return SignedClient(f"http://127.0.0.1:{slack.port}/slack/events", SECRET)

    yield start
    for slack in running:
        slack.stop(5)


@pytest.fixture
def slack(serve) -> SignedClient:
    return serve()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A fake of Slack's Web API on 127.0.0.1."""
    fake = FakeSlack()
    yield fake
    fake.close()

pytest_plugins = ["store_fixtures"]


@pytest.fixture(scope="session")
def engine() -> Engine:
    return build_engine(FAQ_DIR)


@pytest.fixture(scope="session")
def faq(engine: Engine) -> Faq:
    return engine.faq


MakeFaq = Callable[..., Path]


@pytest.fixture
def make_faq(tmp_path: Path) -> MakeFaq:
    """make_faq({"a.yaml": "...", "sub/b.yaml": b"..."}, name="faq") -> the directory.

    Text is dedented and written as UTF-8; bytes are written as they are.
    """

    def make(files: dict[str, str | bytes], name: str = "faq") -> Path:
        directory = tmp_path / name
        directory.mkdir(parents=True, exist_ok=True)
        for relative, content in files.items():
            path = directory / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return directory

    return make
