"""Metrics, health and logs: what an operator sees of a running bot."""

from __future__ import annotations

import io
import json
import logging
import urllib.request

import pytest

from bot.serving import Service, Where
from bot.serving.logs import JsonFormatter, TextFormatter, configure, redact
from bot.serving.loop import Loop
from bot.serving.metrics import Metrics
from bot.serving.status import Health, Status, StatusServer


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def served(engine):
    metrics, health, loop = Metrics(), Health(("faq",)), Loop()
    server = StatusServer(Status(health, metrics), "127.0.0.1", 0, loop)
    yield Service(engine, recorder=metrics), metrics, health, f"http://127.0.0.1:{server.port}", server.status
    server.stop()
    loop.close(1.0)


def sample(text: str, name: str) -> float:
    """The value of one sample line of the Prometheus text format, e.g. 'faqbot_questions_total{...}'."""
    for line in text.splitlines():
        if line.split(" ")[0] == name:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics:\n{text}")


def test_questions_feedback_and_latency_are_counted_by_kind_and_platform(served):
    service, metrics, health, base, _ = served
    service.answer("what is gpt?", where=Where("slack"))
    service.answer("what is gpt?", where=Where("discord"))
    service.answer("how do I bake bread?", where=Where("slack"))
    service.vote("what-is-gpt", up=False, where=Where("slack"))
    metrics.reloaded(False)
    status, text = fetch(base + "/metrics")
    assert status == 200
    assert sample(text, 'faqbot_questions_total{kind="answer",platform="slack"}') == 1
    assert sample(text, 'faqbot_questions_total{kind="answer",platform="discord"}') == 1
    assert sample(text, 'faqbot_questions_total{kind="fallback",platform="slack"}') == 1
    assert sample(text, 'faqbot_feedback_total{platform="slack",vote="down"}') == 1
    assert sample(text, 'faqbot_answer_latency_seconds_count{platform="slack"}') == 2
    assert sample(text, 'faqbot_reloads_total{result="failed"}') == 1
    assert sample(text, 'faqbot_reloads_total{result="ok"}') == 0


def test_the_store_buffer_depth_is_read_when_scraped(served):
    service, metrics, health, base, _ = served
    depth = [0]
    metrics.watch_buffer(lambda: depth[0])
    depth[0] = 17
    assert sample(fetch(base + "/metrics")[1], "faqbot_store_buffer_depth") == 17


def test_ready_only_when_every_part_is_and_not_while_shutting_down_and_says_which_faq(served):
    service, metrics, health, base, status = served
    assert fetch(base + "/healthz") == (200, "ok")
    assert fetch(base + "/readyz") == (503, "not ready: faq")
    health.ready("faq")
    assert fetch(base + "/readyz") == (200, "ready")
    status.serving("0123456789ab")  # what faqbot run sets at start and after each reload
    assert fetch(base + "/readyz") == (200, "ready: FAQ 0123456789ab")
    assert 'faqbot_faq_version_info{version="0123456789ab"} 1.0' in fetch(base + "/metrics")[1]
    status.serving("ba9876543210")
    exposed = fetch(base + "/metrics")[1]
    assert 'version="ba9876543210"' in exposed and 'version="0123456789ab"' not in exposed
    health.drain()
    assert fetch(base + "/readyz") == (503, "not ready: shutting down")
    assert fetch(base + "/healthz") == (200, "ok")
    assert fetch(base + "/nope")[0] == 404


def capture(formatter: logging.Formatter, service_log_bodies: bool, engine) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("faqbot")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        Service(engine, log_bodies=service_log_bodies).answer("What is GPT?",
                                                              where=Where("slack", "T1", "C1", "U1"))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return stream.getvalue()


def test_a_question_is_logged_as_json_facts_without_its_text_unless_asked(engine):
    line = json.loads(capture(JsonFormatter(), False, engine))
    assert (line["level"], line["logger"], line["platform"], line["kind"]) == ("info", "faqbot", "slack", "answer")
    assert line["entry"] == "what-is-gpt" and line["latency_ms"] > 0 and "question" not in line
    assert "What is GPT?" not in json.dumps(line) and "U1" not in json.dumps(line)
    with_bodies = json.loads(capture(JsonFormatter(), True, engine))
    assert with_bodies["question"] == "What is GPT?"
    assert "What is GPT?" in capture(TextFormatter(), True, engine)
    assert "What is GPT?" not in capture(TextFormatter(), False, engine)


@pytest.mark.parametrize("secret", [
    "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
    "xapp-1-A0123456789-1234567890123-abcdef0123456789",
    "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789",
    "https://hooks.slack.com/commands/T1/123/abcdef",
    "https://discord.com/api/v10/interactions/123456789012345678/aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4/callback",
])
def test_anything_token_shaped_is_masked_in_both_formats(secret):
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "failed with %s", (secret,), None)
    for formatter in (TextFormatter(), JsonFormatter()):
        out = formatter.format(record)
        assert "[redacted]" in out and secret not in out and "failed with" in out
    assert redact("what is gpt-4?") == "what is gpt-4?"


def test_configure_replaces_handlers_and_sets_levels():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure("warning", "json")
        assert len(root.handlers) == 1 and isinstance(root.handlers[0].formatter, JsonFormatter)
        assert root.level == logging.WARNING and logging.getLogger("discord").level == logging.WARNING
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def test_the_whole_test_run_is_watched_for_token_shaped_log_lines():
    from conftest import WATCH

    assert WATCH in logging.getLogger().handlers
    logging.getLogger("faqbot.example").info("nothing secret here: %s", "what is gpt-4?")
    assert not any("gpt-4" in leak for leak in WATCH.leaks)
