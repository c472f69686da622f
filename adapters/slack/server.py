"""HTTP mode: an aiohttp server with every Slack request at POST /slack/events, and the status paths
(/healthz, /readyz, /metrics). A request that only needs acknowledging is acknowledged before bolt sees it
(`backlog`).

A request is checked here before bolt sees it, each failure answered with its status and one log line: its
size (413), how long its body takes to arrive (408), its timestamp (400 when not a number, 401 when stale or
missing), its signature (401), and its body (400 when it is not what Slack sends). bolt would answer a
malformed timestamp or body with a 500 and a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from bot.serving.status import Status

from .backlog import Backlog, acked_at_once

EVENTS_PATH = "/slack/events"
MAX_CLOCK_SKEW = 5 * 60  # seconds, as Slack's request signing asks
TIMESTAMP = re.compile(r"[0-9]{1,12}")

log = logging.getLogger("faqbot.slack.http")


@dataclass(frozen=True)
class Limits:
    max_body: int = 1 << 20  # Slack's payloads are a few kilobytes
    body_timeout: float = 10.0  # for the whole body to arrive
    idle_timeout: float = 15.0  # a connection that has not sent a whole request head by then is closed
    linger: float = 1.0  # after refusing a body that is still coming, read it this long, then close
    backlog: int = 1024  # connections waiting to be accepted, for bursts
    shutdown_timeout: float = 1.0  # for requests being handled when the server stops; each takes milliseconds
    backlog_pause: float = 0.005  # seconds between two acknowledged requests handed to bolt during a burst
    backlog_capacity: int = 1000  # acknowledged requests waiting for bolt; beyond, acknowledging waits for bolt


class Refused(Exception):
    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


def timestamp_problem(timestamp: str | None, now: float) -> Refused | None:
    """Why an X-Slack-Request-Timestamp is refused, or None when it is fresh."""
    if timestamp is None:
        return Refused(401, "no X-Slack-Request-Timestamp")
    if not TIMESTAMP.fullmatch(timestamp.strip()):
        return Refused(400, "X-Slack-Request-Timestamp is not a number of seconds")
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        return Refused(401, "X-Slack-Request-Timestamp is more than 5 minutes away")
    return None


class SlackServer:
    def __init__(self, app: AsyncApp, signing_secret: str, *, status: Status | None = None,
                 limits: Limits = Limits()) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.status = status
        self.limits = limits
        web_app = web.Application(client_max_size=limits.max_body)
        web_app.add_routes([web.post(EVENTS_PATH, self.events), web.get("/{path:.*}", self.get)])
        self.runner = web.AppRunner(web_app, access_log=None, logger=_OneLine(), keepalive_timeout=limits.idle_timeout,
                                    lingering_time=limits.linger, shutdown_timeout=limits.shutdown_timeout, handle_signals=False)
        self.port = 0
        self.backlog: Backlog[AsyncBoltRequest] | None = None

    async def start(self, host: str, port: int) -> None:
        self.backlog = Backlog(self.app.async_dispatch, pause=self.limits.backlog_pause,
                               capacity=self.limits.backlog_capacity)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port, backlog=self.limits.backlog)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self) -> None:
        """Stops listening, finishes the requests being handled and hands bolt those acknowledged."""
        await self.runner.cleanup()
        if self.backlog is not None:
            await self.backlog.close()

    async def get(self, request: web.Request) -> web.Response:
        found = self.status.respond(request.path_qs) if self.status else None
        if found is None and request.path == "/healthz":
            found = 200, "text/plain", b"ok"
        status, kind, body = found or (404, "text/plain", b"not found")
        return web.Response(status=status, body=body, headers={"Content-Type": kind})

    async def events(self, request: web.Request) -> web.Response:
        try:
            bolt_request = await self._checked(request)
        except Refused as refused:
            log.warning("refused a request (%d): %s", refused.status, refused)
            return web.Response(status=refused.status, text=_REASONS.get(refused.status, "invalid request"))
        if self.backlog is not None and acked_at_once(bolt_request.body) and self.backlog.put(bolt_request):
            return web.Response(status=200)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def _checked(self, request: web.Request) -> AsyncBoltRequest:
        if (request.content_length or 0) > self.limits.max_body:
            raise Refused(413, f"a body of {request.content_length} bytes")
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                raw = await request.read()
        except TimeoutError:
            raise Refused(408, f"the body took more than {self.limits.body_timeout:g} s to arrive") from None
        except web.HTTPRequestEntityTooLarge:
            raise Refused(413, f"a body of more than {self.limits.max_body} bytes") from None
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        problem = timestamp_problem(timestamp, time.time())
        if problem:
            raise problem
        if not self._signed(raw, timestamp, request.headers.get("X-Slack-Signature", "")):
            raise Refused(401, "the signature is wrong")
        try:
            body = raw.decode("utf-8")
            if not isinstance(parse_body(body, request.headers.get("Content-Type")), dict):
                raise TypeError("not an object")
            # bolt reads the body's fields as it builds the request: a field of the wrong type raises here
            return AsyncBoltRequest(body=body, query=request.query_string,
                                    headers={k.lower(): request.headers.getall(k) for k in request.headers})
        except (ValueError, TypeError, AttributeError, KeyError) as err:  # ValueError: bad UTF-8 or JSON
            raise Refused(400, f"the body is not what Slack sends ({type(err).__name__})") from None

    def _signed(self, body: bytes, timestamp: str | None, signature: str) -> bool:
        try:
            return self.verifier.is_valid(body, timestamp, signature)
        except TypeError:  # hmac compares only ASCII strings
            return False


class _OneLine(logging.LoggerAdapter):
    """aiohttp's own log: a request it could not parse (a bad Content-Length, a head too long...) is one line
    without a traceback; anything else keeps its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.getLogger("faqbot.slack.http"), {})

    def exception(self, msg, *args, exc_info=True, **kwargs) -> None:
        if isinstance(exc_info, HttpProcessingError):
            message = str(exc_info.message).splitlines()[0] if exc_info.message else type(exc_info).__name__
            self.warning("refused a request (%d): %s", exc_info.code or 400, message)
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)


_REASONS = {400: "bad request", 401: "invalid request", 408: "request timeout", 413: "too large"}
