"""The Slack adapter's HTTP mode under a slow or rate-limiting Slack and hostile clients: the real bolt app and
aiohttp server on 127.0.0.1, a fake of Slack's Web API, and raw sockets for what no proper client sends."""

from __future__ import annotations

import json
import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from fake_slack import SignedClient

from adapters.slack.replies import Policy
from adapters.slack.server import Limits
from bot.serving.metrics import Metrics

ACK_WITHIN = 3.0  # seconds: Slack shows the person an error when the acknowledgement takes longer
QUIET = 0.3


def replies(metrics: Metrics, result: str) -> float:
    return metrics.registry.get_sample_value("faqbot_replies_total", {"platform": "slack", "result": result}) or 0.0


def timed(call) -> tuple[int, float]:
    start = time.monotonic()
    status = call().status
    return status, time.monotonic() - start


def faqbot_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("faqbot")]


# --- a slow or rate-limiting Slack ----------------------------------------------------------------


def test_with_slack_slower_than_the_ack_deadline_every_command_is_still_acked_and_answered_once(serve, fake):
    slack = serve()
    fake.delays["/respond/"] = ACK_WITHIN + 0.5  # every reply takes longer than Slack waits for an ack
    with ThreadPoolExecutor(12) as pool:  # more than there were listener threads
        done = list(pool.map(lambda n: timed(lambda: slack.command("What is GPT?", user=f"U{n}",
                                                                     response_url=fake.response_url(f"slow{n}"))),
                             range(12)))
    assert all(status == 200 for status, _ in done), done
    assert max(took for _, took in done) < ACK_WITHIN, done
    sent = fake.wait_for("/respond/slow", 12, timeout=30)
    time.sleep(QUIET)
    assert sorted(r.path for r in fake.sent("/respond/slow")) == sorted(r.path for r in sent)
    assert len({r.path for r in sent}) == 12


def test_a_retry_after_beyond_the_cap_is_given_up_once_counted_and_logged_in_one_line(serve, fake, caplog):
    metrics = Metrics()
    slack = serve(metrics=metrics)
    fake.fail("/respond/limited", 429, {"Retry-After": "30"})
    status, took = timed(lambda: slack.command("What is GPT?", response_url=fake.response_url("limited")))
    assert status == 200 and took < ACK_WITHIN
    deadline = time.monotonic() + 10
    while not replies(metrics, "gave_up"):
        assert time.monotonic() < deadline, "the reply was never given up"
        time.sleep(0.05)
    time.sleep(QUIET)
    assert [r.status for r in fake.sent("/respond/", ok_only=False)] == [429]  # not retried, no notice either
    (line,) = [r for r in faqbot_lines(caplog) if r.levelno >= logging.WARNING]
    assert "gave_up" in line.getMessage() and "30 s" in line.getMessage()


def test_short_rate_limits_are_waited_out_and_the_reply_is_sent_once(serve, fake):
    metrics = Metrics()
    slack = serve(metrics=metrics)
    fake.fail("/respond/later", 429, {"Retry-After": "0.3"}, times=3)
    slack.command("What is GPT?", response_url=fake.response_url("later"))
    fake.wait_for("/respond/later", timeout=10)
    time.sleep(QUIET)
    assert [r.status for r in fake.sent("/respond/later", ok_only=False)] == [429, 429, 429, 200]
    assert replies(metrics, "sent") == 1


def test_a_rate_limit_in_one_channel_holds_back_no_other(serve, fake):
    slack = serve()
    fake.fail("/api/chat.postMessage", 429, {"Retry-After": "9.5"})  # under the 10 s cap: a pause

    def dm(channel: str, event_id: str) -> None:
        event = {"type": "message", "channel_type": "im", "user": "U1", "text": "What is GPT?", "ts": "1.000001",
                 "channel": channel, "event_ts": "1.000001"}
        assert slack.event(event, event_id=event_id).status == 200

    dm("D1", "EvLimited")
    fake.wait_arrived("/api/chat.postMessage", timeout=10)  # the 429
    started = time.monotonic()
    dm("D2", "EvOther")
    (other,) = fake.wait_for("/api/chat.postMessage", timeout=7)
    assert other.body["channel"] == "D2" and time.monotonic() - started < 7  # not after D1's 9.5 s


def test_more_replies_to_a_rate_limited_channel_than_senders_hold_back_no_other(serve, fake):
    slack = serve(policy=Policy(senders=2))
    fake.fail("/api/chat.postMessage", 429, {"Retry-After": "2"}, channel="CBUSY", times=3)
    for n in range(3):  # more replies to the limited channel than there are senders
        slack.event({"type": "app_mention", "user": f"U{n}", "text": "What is GPT?", "ts": f"1700000000.00{n}",
                     "channel": "CBUSY", "event_ts": f"1700000000.00{n}"}, event_id=f"Ev{n}")
    deadline = time.monotonic() + 30
    while not fake.sent("/api/chat.postMessage", ok_only=False):
        assert time.monotonic() < deadline, "no reply was tried"
        time.sleep(0.02)
    slack.command("What is GPT?", channel="COTHER", response_url=fake.response_url("other"))
    fake.wait_for("/respond/other")
    assert not fake.sent("/api/chat.postMessage"), "the other channel's reply waited for the limited one"
    fake.wait_for("/api/chat.postMessage", count=3)
    time.sleep(QUIET)
    posted = fake.sent("/api/chat.postMessage")
    assert sorted(r.body["thread_ts"] for r in posted) == [f"1700000000.00{n}" for n in range(3)]  # each once


def test_a_reply_kept_rate_limited_past_patience_is_given_up_and_the_senders_stay_free(serve, fake, caplog):
    metrics = Metrics()
    slack = serve(metrics=metrics, policy=Policy(senders=1, patience=2.0))
    fake.fail("/respond/busy", 429, {"Retry-After": "0.8"}, times=100)
    slack.command("What is GPT?", response_url=fake.response_url("busy"))
    fake.wait_arrived("/respond/busy", timeout=10)
    slack.command("What is GPT?", user="U2", response_url=fake.response_url("free"))
    fake.wait_for("/respond/free")
    assert not replies(metrics, "gave_up")  # the one sender did not wait out the other's limit first
    deadline = time.monotonic() + 10
    while not replies(metrics, "gave_up"):
        assert time.monotonic() < deadline, "the reply was never given up"
        time.sleep(0.05)
    assert 2 <= len(fake.sent("/respond/busy", ok_only=False)) <= 4  # tried again each time the limit passed
    assert any("still rate limited after 2 s" in r.getMessage() for r in faqbot_lines(caplog))


@pytest.mark.parametrize(("host", "fix"), [("999.1.1.1", "set --host or http.host"),
                                         ("127.0.0.1", "set --port or http.port")])
def test_a_start_that_cannot_listen_names_the_setting_to_fix(serve, fake, host, fix):
    from bot.serving.runner import StartError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(StartError) as refused:
            serve(host=host, port=taken.getsockname()[1])
    assert str(refused.value).startswith(f"cannot listen on {host}:") and str(refused.value).endswith(fix)


def test_a_reply_whose_call_timed_out_is_not_sent_again(serve, fake):
    """It may have arrived: sending it again could show it twice."""
    metrics = Metrics()
    slack = serve(metrics=metrics, policy=Policy(timeout=0.5))
    fake.delays["/respond/"] = 1.5
    slack.command("What is GPT?", response_url=fake.response_url("timeout"))
    fake.wait_arrived("/respond/timeout", timeout=10)
    time.sleep(1.5)
    assert len(fake.arrived) == 2 and fake.arrived[-1] == "/respond/timeout"  # auth.test, then the one try
    assert replies(metrics, "unknown") == 1 and replies(metrics, "sent") == 0


def test_an_answer_from_slack_that_is_not_json_counts_as_unknown_and_is_not_sent_again(serve, fake, caplog):
    metrics = Metrics()
    slack = serve(metrics=metrics)
    fake.fail("/api/chat.postMessage", 502, {"Content-Type": "application/json"}, raw="<html>Bad gateway</html>")
    event = {"type": "message", "channel_type": "im", "user": "U1", "text": "What is GPT?", "ts": "1.000001",
             "channel": "D1", "event_ts": "1.000001"}
    assert slack.event(event, event_id="EvGarbled").status == 200
    deadline = time.monotonic() + 10
    while not replies(metrics, "unknown"):
        assert time.monotonic() < deadline, "the reply's outcome was never counted"
        time.sleep(0.05)
    time.sleep(QUIET)
    assert len(fake.sent("/api/chat.postMessage", ok_only=False)) == 1
    assert not [r for r in faqbot_lines(caplog) if r.exc_info]


# --- malformed requests -----------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["payload=%7Bnot+json", "payload=%5B1%5D", urlencode({"payload": "x" * 10})],
                         ids=["bad-json", "not-an-object", "not-json"])
def test_a_signed_form_with_a_malformed_payload_gets_400_and_one_log_line(slack, body, caplog):
    answer = slack.post(body, "application/x-www-form-urlencoded")
    assert answer.status == 400
    (line,) = faqbot_lines(caplog)
    assert "not what Slack sends" in line.getMessage() and not line.exc_info
    assert not any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize("body", ["{", "[1, 2]", "\"text\""], ids=["cut-short", "a-list", "a-string"])
def test_a_signed_json_body_that_is_not_an_object_gets_400(slack, body, caplog):
    assert slack.post(body, "application/json").status == 400
    assert not any(r.exc_info for r in caplog.records)


def raw(url: str, data: bytes, timeout: float = 10.0) -> bytes:
    """Sends `data` as it is on a new connection; what comes back until the server closes it (or `timeout`)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as connection:
        connection.sendall(data)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            pass
        return received


def head(content_length: str) -> bytes:
    return (f"POST /slack/events HTTP/1.1\r\nHost: faqbot\r\nContent-Type: application/json\r\n"
            f"Content-Length: {content_length}\r\nConnection: close\r\n\r\n").encode()


@pytest.mark.parametrize("length", ["ten", "-1", "1" * 40, "5, 7"])
def test_a_content_length_that_is_not_a_size_gets_400(slack, length, caplog):
    answer = raw(slack.url, head(length) + b"{}")
    assert answer.split(b" ")[1] == b"400", answer[:100]
    (line,) = faqbot_lines(caplog)
    assert "refused a request (400)" in line.getMessage() and not line.exc_info
    assert not any(r.exc_info for r in caplog.records)


def test_a_body_bigger_than_a_megabyte_gets_413_before_it_is_read(slack):
    answer = raw(slack.url, head(str(50 << 20)) + b"{")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]


def test_a_half_sent_request_is_closed_after_its_timeout_and_holds_up_no_one(serve, fake):
    slack = serve(limits=Limits(idle_timeout=0.5, body_timeout=0.5))
    parts = urlsplit(slack.url)
    silent = [socket.create_connection((parts.hostname, parts.port)) for _ in range(20)]
    halves = [socket.create_connection((parts.hostname, parts.port)) for _ in range(20)]
    try:
        for n, connection in enumerate(halves):  # half a head, or a head and half a body
            connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: fa" if n % 2 else head("100") + b"{")
        status, took = timed(lambda: slack.command("What is GPT?", response_url=fake.response_url("others")))
        assert status == 200 and took < ACK_WITHIN
        fake.wait_for("/respond/others")
        for connection in silent + halves:
            connection.settimeout(5)
            answer = b""
            while chunk := connection.recv(65536):  # the server closes it: recv returns b""
                answer += chunk
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:100]
    finally:
        for connection in silent + halves:
            connection.close()


def test_a_burst_of_connections_is_accepted(slack):
    """More connections at once than a listen backlog of 5 holds, each sending its request only then."""
    parts = urlsplit(slack.url)
    connections = [socket.create_connection((parts.hostname, parts.port), timeout=10) for _ in range(200)]
    try:
        for connection in connections:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: faqbot\r\nConnection: close\r\n\r\n")
        answers = [connection.recv(100) for connection in connections]
    finally:
        for connection in connections:
            connection.close()
    assert all(a.startswith(b"HTTP/1.1 200") for a in answers)


def test_url_verification_needs_no_slack(serve, fake):
    slack: SignedClient = serve()
    fake.troubled(30, retry_after=30)
    answer = slack.post(json.dumps({"type": "url_verification", "challenge": "c1", "token": "t"}), "application/json")
    assert answer.status == 200 and "c1" in answer.body
