"""What someone sends can neither stall the logs, forge a line in them, fill them, nor reach them through
an SDK's own info lines."""

from __future__ import annotations

import io
import json
import logging
import threading

import pytest

from bot.serving.logs import (
    MAX_MESSAGE,
    JsonFormatter,
    TextFormatter,
    configure,
    redact,
)


def finishes(work, seconds: float) -> bool:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def test_a_long_run_of_token_characters_is_read_once_not_once_per_character():
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"
    body = "x" * 1_000_000 + " " + token
    out: list[str] = []
    # the old pattern took seconds for 100 KB and grew with the square of the length: a megabyte, hours
    assert finishes(lambda: out.append(redact(body)), 20)
    assert out[0].endswith(" [redacted]")


def record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("faqbot.slack.http", logging.WARNING, __file__, 1, message, args, None)


def test_a_newline_in_what_was_sent_cannot_forge_a_log_line():
    forged = "hi\n2026-12-06 01:00:00,000 INFO faqbot: question: answer what-is-gpt\r"
    text = TextFormatter().format(record("refused a request: %s", forged))
    assert "\n" not in text and "\r" not in text and "\\n2026-12-06" in text
    assert json.loads(JsonFormatter().format(record("refused a request: %s", forged)))["message"].count("\\n") == 1


def test_a_traceback_keeps_its_lines():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        failed = logging.LogRecord("faqbot", logging.ERROR, __file__, 1, "it failed", (), sys.exc_info())
    assert "\nValueError: boom" in TextFormatter().format(failed)


@pytest.mark.parametrize("formatter", [TextFormatter(), JsonFormatter()], ids=["text", "json"])
def test_one_message_is_cut_to_a_bounded_length(formatter):
    out = formatter.format(record("body: %s", "a b " * 500_000))
    assert len(out) < MAX_MESSAGE + 300 and "more characters]" in out


@pytest.mark.parametrize("written", [
    "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F123%2Fabcdef0123456789",
    '{"response_url":"https:\\/\\/hooks.slack.com\\/actions\\/T1\\/123\\/abcdef0123456789"}',
    "payload=%7B%22response_url%22%3A%22https%3A%5C%2F%5C%2Fhooks.slack.com%5C%2Factions%5C%2Fabcdef0123456789",
    "https:\\/\\/discord.com\\/api\\/webhooks\\/123\\/abcdef0123456789abcdef0123456789",
], ids=["url-encoded", "json-escaped", "both", "discord-json-escaped"])
def test_a_credential_url_is_masked_however_it_is_escaped(written):
    assert "abcdef0123456789" not in redact(written)


def test_sdk_info_lines_stay_out_even_when_the_sdk_raises_its_own_level():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        configure("info", "text")
        root.handlers[0].setStream(stream)
        bolt = logging.getLogger("slack_bolt.App")
        bolt.setLevel(logging.INFO)  # what bolt does when an App is built: the root's level
        bolt.info("Invalid request signature detected (body: token=secret-ish&text=hello)")
        bolt.warning("a warning from bolt")
        logging.getLogger("faqbot").info("a line of ours")
        written = stream.getvalue()
        assert "Invalid request signature" not in written
        assert "a warning from bolt" in written and "a line of ours" in written
        configure("debug", "text")
        root.handlers[0].setStream(stream)
        bolt.setLevel(logging.DEBUG)
        bolt.info("seen when debugging")
        assert "seen when debugging" in stream.getvalue()
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
