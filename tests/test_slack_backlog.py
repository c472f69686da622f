"""HTTP mode acknowledges a command, an event or a click before bolt's listeners run: a real bolt app with a
listener that takes its time, served by SlackServer on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fake_slack import SignedClient
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult

from adapters.slack.server import Limits, SlackServer
from bot.serving.loop import Loop

SECRET = "backlog-signing-secret"
LISTENER_TAKES = 1.5  # seconds, unless a test says otherwise


@pytest.fixture
def served():
    """(client, what the listeners saw, the server, its loop, how long a listener takes): /faq and the 👍
    click take LISTENER_TAKES each."""
    loop = Loop("test-backlog")
    seen: list[str] = []
    takes = {"seconds": LISTENER_TAKES}

    async def authorize(**_) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test", bot_user_id="UBOT")

    async def build() -> SlackServer:
        app = AsyncApp(signing_secret=SECRET, authorize=authorize, process_before_response=True)

        @app.command("/faq")
        async def command(ack, command) -> None:
            await ack()
            await asyncio.sleep(takes["seconds"])
            seen.append(command["text"])

        @app.action("up")
        async def click(ack, action) -> None:
            await ack()
            await asyncio.sleep(takes["seconds"])
            seen.append(action["value"])

        server = SlackServer(app, SECRET, limits=Limits(backlog_pause=0.01))
        await server.start("127.0.0.1", 0)
        return server

    server = loop.call(build(), 10)
    yield SignedClient(f"http://127.0.0.1:{server.port}/slack/events", SECRET), seen, server, loop, takes
    loop.call(server.stop(), 30)
    loop.close(5)


def test_a_command_and_a_click_are_acknowledged_before_their_listeners_finish(served):
    client, seen, _, _, _ = served
    start = time.monotonic()
    assert client.command("first", response_url="http://127.0.0.1:9/r").status == 200
    assert client.click("up", "second", response_url="http://127.0.0.1:9/r").status == 200
    assert time.monotonic() - start < LISTENER_TAKES, "an acknowledgement waited for a listener"
    deadline = time.monotonic() + 10
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(seen) == ["first", "second"]


def test_what_bolt_must_answer_itself_still_gets_bolts_answer(served):
    client, _, _, _, _ = served
    answer = client.post(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"}),
                         "application/json")
    assert (answer.status, json.loads(answer.body)) == (200, {"challenge": "c-123"})


def test_stopping_hands_bolt_every_request_already_acknowledged(served):
    client, seen, server, loop, takes = served
    takes["seconds"] = 0.2
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda n: client.command(f"q{n}", user=f"U{n}", response_url="http://127.0.0.1:9/r"),
                                range(6)))
    assert [a.status for a in answers] == [200] * 6
    loop.call(server.stop(), 30)  # the fixture's second stop finds nothing left
    assert sorted(seen) == [f"q{n}" for n in range(6)]
