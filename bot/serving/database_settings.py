"""The store's settings, from the settings file and the environment (bot.serving.config): where the database is,
whether question text is kept, how long rows are kept; and the salt, from the environment only."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DB_URL = "database.url (FAQBOT_DB_URL)"
USER_SALT = "FAQBOT_USER_SALT"
ALLOWED_URLS = "sqlite:///path/to/faqbot.db or postgresql://user@host:5432/dbname"
DURATIONS = "give a whole number of hours, days or weeks up to a century, e.g. 12h, 7d, 2w"
LONGEST = 36_525 * 86400  # longer than anything has been recorded, and a start a date can still show

_DURATION = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400}


class StoreConfigError(ValueError):
    """A setting is wrong; the message names it and says what is allowed. It never holds a password."""


@dataclass(frozen=True)
class StoreSettings:
    url: str
    keep_text: bool = True
    retention_seconds: float | None = None  # None: rows are kept until `faqbot report --purge-older-than`
    user_salt: str | None = field(default=None, repr=False)  # None: a random salt kept in the database


def default_url(environ: Mapping[str, str] = os.environ) -> str:
    """One place per user whatever the working directory, so `faqbot report` finds what `faqbot run` wrote."""
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(data_home) / 'faqbot' / 'faqbot.db'}"


def parse_duration(text: str, *, setting: str) -> float:
    """Seconds in "12h", "7d" or "2w"."""
    match = _DURATION.match(text)
    if not match or int(match[1]) == 0 or int(match[1]) * _SECONDS[match[2]] > LONGEST:
        raise StoreConfigError(f"{setting} is {text!r}: {DURATIONS}")
    return int(match[1]) * _SECONDS[match[2]]


def duration_argument(text: str) -> float:
    """argparse type for --since and --purge-older-than."""
    try:
        return parse_duration(text, setting="the duration")
    except StoreConfigError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
