"""Log set-up: plain text or one JSON object per line, with anything token-shaped masked."""

from __future__ import annotations

import json
import logging
import re
import sys
import time

# What must never be written down: Slack tokens, Discord bot tokens, and the URLs that act as
# credentials for a while (Slack response_urls, also escaped in JSON or URL-encoded, Discord interaction and
# webhook tokens).
# A Discord token is looked for only where a run of its characters starts, so that a long run that is
# no token is read once, not once per character.
_SLASH = r"(?:\\?/|(?:%5[Cc])?%2[Ff])"  # as written, JSON-escaped (\/), URL-encoded, or both
TOKEN_SHAPES = re.compile(
    r"xox[abposre]-[A-Za-z0-9-]{6,}"
    r"|xapp-[A-Za-z0-9-]{6,}"
    r"|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"
    r"|hooks\.slack\.com" + _SLASH + r"\S+"
    r"|" + _SLASH + r"(?:interactions|webhooks)" + _SLASH + r"\d+" + _SLASH + r"[A-Za-z0-9_.:%-]{20,}"
)
MASK = "[redacted]"
MAX_MESSAGE = 4000  # characters of one log message; a request body someone sends is no reason to log a megabyte
SDKS = ("slack_bolt", "slack_sdk", "discord", "urllib3", "sqlalchemy", "aiohttp")


def redact(text: str) -> str:
    return TOKEN_SHAPES.sub(MASK, text)


def bounded(message: str) -> str:
    """One line, at most MAX_MESSAGE characters: a newline in what someone sent cannot forge a log line."""
    if len(message) > MAX_MESSAGE:
        message = f"{message[:MAX_MESSAGE]}… [{len(message) - MAX_MESSAGE:,} more characters]"
    return message.replace("\r", "\\r").replace("\n", "\\n")


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - the base class's name
        return super().formatMessage(logging.makeLogRecord({**vars(record), "message": bounded(record.message)}))

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class QuietSdks(logging.Filter):
    """The chat SDKs say what they do at warning and above only, unless faqbot's level is debug: their info
    lines hold request bodies (bolt logs every request that fails verification, body and all), and bolt
    sets its loggers to the root's level whatever was set before."""

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug

    def filter(self, record: logging.LogRecord) -> bool:
        return self.debug or record.levelno >= logging.WARNING or record.name.split(".")[0] not in SDKS


class JsonFormatter(logging.Formatter):
    """One object per line: time, level, logger, message, and the record's `extra` fields."""

    STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": bounded(record.getMessage()),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in self.STANDARD and not k.startswith("_"))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def configure(level: str = "info", fmt: str = "text") -> None:
    """Replaces the root logger's handlers; chat SDKs log at warning unless faqbot's level is debug."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(QuietSdks(level == "debug"))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet = logging.DEBUG if level == "debug" else logging.WARNING
    for chatty in SDKS:
        logging.getLogger(chatty).setLevel(max(quiet, root.level))
