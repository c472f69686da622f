"""`faqbot run slack` as a real subprocess: its settings, its start-up and one question over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
from fake_slack import FakeSocketMode, SignedClient, event_callback, get
from support import ROOT, faqbot_command, keep

SECRET = "cli-signing-secret-8d1f"
TOKEN = "xoxb-cli-token-77aa"
APP_TOKEN = "xapp-cli-app-token-3c3c"


def environment(**slack: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return {**env, "PYTHONIOENCODING": "utf-8", **slack}


def run_slack(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*faqbot_command(), "run", "slack", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env, timeout=60)
    keep(done.stderr)
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("given", "missing", "where"), [
    ({"SLACK_APP_TOKEN": APP_TOKEN}, "SLACK_BOT_TOKEN",
     "Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page"),
    ({"SLACK_BOT_TOKEN": TOKEN}, "SLACK_SIGNING_SECRET", "Signing Secret from your app's Basic Information page"),
])
def test_a_missing_setting_is_named_in_one_line_with_exit_2(given, missing, where):
    done = run_slack(env=environment(**given))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"faqbot: {missing} is not set: ")
    assert where in done.stderr and "Traceback" not in done.stderr and TOKEN not in done.stderr
    assert APP_TOKEN not in done.stderr


@pytest.mark.parametrize("adapter", ["nope", "console"])
def test_run_names_an_unknown_platform_with_exit_2(adapter):
    done = subprocess.run([*faqbot_command(), "run", adapter], capture_output=True, text=True, encoding="utf-8",
                          cwd=ROOT, env=environment(), timeout=60)
    assert done.returncode == 2 and f"no chat adapter '{adapter}'" in done.stderr and "Traceback" not in done.stderr


def test_a_token_slack_refuses_is_one_line_with_exit_2(fake):
    fake.fail("/api/auth.test", 200, error="invalid_auth")
    done = run_slack(env=environment(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url))
    assert done.returncode == 2, done.stderr
    assert "SLACK_BOT_TOKEN" in done.stderr and "Traceback" not in done.stderr
    assert TOKEN not in done.stderr and SECRET not in done.stderr


def test_http_mode_serves_healthz_and_answers_a_signed_command_without_logging_secrets(fake):
    port = free_port()
    env = environment(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url)
    process = subprocess.Popen([*faqbot_command(), "run", "slack", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()
            try:
                if get(f"http://127.0.0.1:{port}/healthz").status == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, "faqbot run slack did not come up"
                time.sleep(0.05)
        slack = SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET)
        assert slack.command("What is GPT?", response_url=fake.response_url("cli")).status == 200
        (sent,) = fake.wait_for("/respond/cli")
        assert sent.body["response_type"] == "ephemeral" and "What is GPT?" in sent.dump
        assert slack.command("What is GPT?", response_url=fake.response_url("x"), timestamp="1").status == 401
    finally:
        process.terminate()
        out, err = map(keep, process.communicate(timeout=10))
    assert f"listening on http://127.0.0.1:{port}/slack/events" in err
    assert TOKEN not in out + err and SECRET not in out + err


def test_socket_mode_connects_without_a_public_url_and_answers_an_event(fake):
    socket_mode = FakeSocketMode()
    fake.socket_url = socket_mode.url
    env = environment(SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=fake.api_url)
    process = subprocess.Popen([*faqbot_command(), "run", "slack"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT, env=env)
    try:
        event = {"type": "message", "channel_type": "im", "user": "U1", "text": "What is GPT?", "ts": "1.000001",
                 "channel": "D1", "event_ts": "1.000001"}
        fake.wait_for("/api/apps.connections.open", timeout=90)  # started, on a machine that may be busy
        socket_mode.send({"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
                          "retry_attempt": 0, "retry_reason": "", "payload": event_callback(event, "EvSock")})
        socket_mode.wait_for_ack("env-1", timeout=30)
        (sent,) = fake.wait_for("/api/chat.postMessage")
        assert sent.body["channel"] == "D1" and "What is GPT?" in sent.dump
        (opened,) = fake.sent("/api/apps.connections.open")
        assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    finally:
        process.terminate()
        out, err = map(keep, process.communicate(timeout=10))
        socket_mode.close()
    assert process.returncode is not None and "Traceback" not in err
    for secret in (TOKEN, APP_TOKEN):
        assert secret not in out + err
