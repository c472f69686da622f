"""Shared fixtures: one Engine over the shipped FAQ for the whole session, and a helper that
writes a small FAQ directory into tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import Engine
from bot.faq import Faq
from support import FAQ_DIR

pytest_plugins = ["store_fixtures"]


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_directory(FAQ_DIR)


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
