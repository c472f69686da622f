"""Log set-up: plain text or one JSON object per line, with anything token-shaped masked."""

from __future__ import annotations

import json
import logging
import re
import sys
import time

# What must never be written down: Slack tokens, Discord bot tokens, and the URLs that act as
# credentials for a while (Slack response_urls, Discord interaction and webhook tokens).
TOKEN_SHAPES = re.compile(
    r"xox[abposre]-[A-Za-z0-9-]{6,}"
    r"|xapp-[A-Za-z0-9-]{6,}"
    r"|[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"
    r"|hooks\.slack\.com/\S+"
    r"|/(?:interactions|webhooks)/\d+/[A-Za-z0-9_.:-]{20,}"
)
MASK = "[redacted]"


def redact(text: str) -> str:
    return TOKEN_SHAPES.sub(MASK, text)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One object per line: time, level, logger, message, and the record's `extra` fields."""

    STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in self.STANDARD and not k.startswith("_"))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def configure(level: str = "info", fmt: str = "text") -> None:
    """Replaces the root logger's handlers; chat SDKs log at warning unless faqbot's level is debug."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet = logging.DEBUG if level == "debug" else logging.WARNING
    for chatty in ("slack_bolt", "slack_sdk", "discord", "urllib3", "sqlalchemy", "aiohttp"):
        logging.getLogger(chatty).setLevel(max(quiet, root.level))
