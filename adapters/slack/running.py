"""The Slack adapter while it runs, on the process's event loop (shared with Discord and the status server):
the bolt app, the replies' senders, and the HTTP server or the Socket Mode connection."""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.engine.wording import shorten
from bot.serving import Service
from bot.serving.loop import Loop
from bot.serving.metrics import Metrics
from bot.serving.runner import StartError, unreachable
from bot.serving.status import Status

from . import DEFAULT_API_URL, WHERE
from .app import build_app
from .blocks import escape
from .replies import Policy, Post, Replies
from .server import Limits, SlackServer

NOT_REACHED = (SlackClientError, aiohttp.ClientError, OSError, TimeoutError)
NOTICE_LIMIT = 3000  # characters of a notice to the maintainers: a long lint report is cut, marked with …

log = logging.getLogger("faqbot.slack")


@dataclass(frozen=True)
class Settings:
    token: str
    signing_secret: str = ""
    app_token: str | None = None  # Socket Mode when set, else HTTP mode
    api_url: str = DEFAULT_API_URL
    host: str = "0.0.0.0"
    port: int = 3000
    policy: Policy = field(default_factory=Policy)
    limits: Limits = field(default_factory=Limits)


class Slack:
    """Started by its constructor (StartError says what to fix) on `loop`, or on a loop of its own when none is
    given; `stop` ends it within its timeout."""

    def __init__(self, service: Service, settings: Settings, *, loop: Loop | None = None,
                 status: Status | None = None, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.server: SlackServer | None = None
        self.socket_mode = None
        self.stopped = False
        self.own_loop = loop is None
        self.loop = Loop("faqbot-slack") if loop is None else loop
        try:
            self.loop.call(self._start(service, status, metrics))
        except BaseException:
            self._end_loop(5.0)
            raise

    @property
    def port(self) -> int:
        return self.server.port if self.server else 0

    def notify(self, channel: str, text: str) -> None:
        """Posts to a channel (the maintainers'), from any thread; nothing once stopped. The text quotes the
        FAQ (lint findings), so it is escaped: a phrasing holding <!channel> must not ping anyone."""
        post = Post({"channel": channel, "text": escape(shorten(text, NOTICE_LIMIT))})
        if self.stopped or not self.loop.soon(self.replies.post, post):
            log.info("not posted to %s, the Slack adapter has stopped: %s", channel, text[:200])

    def stop(self, timeout: float) -> None:
        """Stops taking requests, sends the replies in hand until `timeout` is up, closes the connections."""
        deadline = time.monotonic() + timeout
        self.stopped = True
        try:
            self.loop.call(self._stop(deadline), timeout + 1.0)
        except Exception as err:  # the loop is ended below all the same
            log.warning("stopping the Slack adapter: %s", type(err).__name__)
        self._end_loop(max(0.1, deadline - time.monotonic()))

    # --- on the loop --------------------------------------------------------------------------------

    async def _start(self, service: Service, status: Status | None, metrics: Metrics | None) -> None:
        settings = self.settings
        self.session = aiohttp.ClientSession()
        self.client = AsyncWebClient(token=settings.token, base_url=settings.api_url, session=self.session,
                                     timeout=int(settings.policy.timeout), retry_handlers=[])
        count = (lambda result: metrics.replied("slack", result)) if metrics else (lambda result: None)
        self.replies = Replies(self.client, self.session, policy=settings.policy, count=count, engine=self.loop.answer)
        if metrics:
            metrics.watch_replies("slack", self._owed)
        try:
            identity = await self._who_am_i()
            app = build_app(service, self.replies, client=self.client, identity=identity, token=settings.token,
                            signing_secret=settings.signing_secret)
            if settings.app_token:
                await self._connect(app, settings.app_token)
            else:
                self.server = SlackServer(app, settings.signing_secret, status=status, limits=settings.limits)
                try:
                    await self.server.start(settings.host, settings.port)
                except OSError as err:
                    fix = "--host or http.host" if isinstance(err, socket.gaierror) else "--port or http.port"
                    raise StartError(f"cannot listen on {settings.host}:{settings.port}: {err.strerror}; set {fix}",
                                     code=1) from None
        except BaseException:
            with contextlib.suppress(Exception):
                await self._stop(time.monotonic())
            raise

    def _owed(self) -> int:
        """Replies in hand, and requests acknowledged that bolt has still to see."""
        backlog = self.server.backlog if self.server else None
        return self.replies.in_hand + (backlog.waiting if backlog else 0)

    async def _who_am_i(self):
        try:
            return await self.client.auth_test()
        except SlackApiError:
            raise StartError("Slack refused SLACK_BOT_TOKEN (auth.test failed): " + WHERE["SLACK_BOT_TOKEN"]) from None
        except NOT_REACHED as err:
            api_url = self.settings.api_url
            raise unreachable("the Slack API", urlsplit(api_url).hostname or api_url, err) from None

    async def _connect(self, app, app_token: str) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        log.info("connecting in Socket Mode")
        self.socket_mode = AsyncSocketModeHandler(app, app_token)
        try:
            await self.socket_mode.connect_async()
        except SlackApiError:
            raise StartError("Slack refused SLACK_APP_TOKEN (apps.connections.open failed): use an app-level token "
                             "(xapp-…) with connections:write, from your app's Basic Information page") from None
        except NOT_REACHED as err:
            raise unreachable("Slack's Socket Mode", "slack.com", err) from None

    async def _stop(self, deadline: float) -> None:
        if self.server is not None:
            await self.server.stop()
        if self.socket_mode is not None:
            await self.socket_mode.close_async()
        await self.replies.close(deadline)
        await self.session.close()

    def _end_loop(self, timeout: float) -> None:
        if self.own_loop:
            self.loop.close(timeout)
