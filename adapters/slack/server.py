"""HTTP mode: a small threaded server with every Slack request at POST /slack/events, and the status
paths (/healthz, /readyz, /metrics).

Two translate functions and a handler, after bolt's framework adapters. The request timestamp is checked
here, before bolt: bolt answers a timestamp that is not a number with a 500.
"""

from __future__ import annotations

import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest, BoltResponse

from bot.serving.inflight import InFlight
from bot.serving.status import Status

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few kilobytes
MAX_CLOCK_SKEW = 5 * 60  # seconds, as Slack's request signing asks

log = logging.getLogger("faqbot.slack.http")


def timestamp_problem(timestamp: str | None, now: float) -> str | None:
    """Why an X-Slack-Request-Timestamp is refused, or None when it is fresh."""
    if timestamp is None:
        return "no X-Slack-Request-Timestamp"
    if not timestamp.strip().isdigit():
        return "X-Slack-Request-Timestamp is not a number"
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        return "X-Slack-Request-Timestamp is more than 5 minutes away"
    return None


def to_bolt_request(handler: BaseHTTPRequestHandler, body: bytes) -> BoltRequest:
    headers = {name.lower(): handler.headers.get_all(name) for name in set(handler.headers.keys())}
    return BoltRequest(body=body.decode("utf-8"), query=urlsplit(handler.path).query, headers=headers)


def send_bolt_response(handler: BaseHTTPRequestHandler, response: BoltResponse) -> None:
    body = response.body.encode("utf-8")
    handler.send_response(response.status)
    for name, values in response.headers.items():
        if name.lower() != "content-length":
            for value in values:
                handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class SlackRequestHandler(BaseHTTPRequestHandler):
    server: SlackServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        status = self.server.status.respond(self.path) if self.server.status else None
        if status is None and urlsplit(self.path).path == HEALTH_PATH:
            status = 200, "text/plain", b"ok"
        code, kind, body = status or (404, "text/plain", b"not found")
        send_bolt_response(self, BoltResponse(status=code, body=body.decode(), headers={"content-type": kind}))

    def do_POST(self) -> None:
        if urlsplit(self.path).path != EVENTS_PATH:
            self._plain(404, "not found")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= MAX_BODY_BYTES:
            self._plain(413, "too large")
            self.close_connection = True
            return
        body = self.rfile.read(length)
        problem = timestamp_problem(self.headers.get("X-Slack-Request-Timestamp"), time.time())
        if problem:
            log.warning("refused a request: %s", problem)
            self._plain(401, "invalid request")
            return
        with self.server.dispatching.track():
            send_bolt_response(self, self.server.app.dispatch(to_bolt_request(self, body)))

    def _plain(self, status: int, text: str) -> None:
        send_bolt_response(self, BoltResponse(status=status, body=text, headers={"content-type": "text/plain"}))

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.debug(format, *args)


class SlackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: App, host: str, port: int, *, status: Status | None = None) -> None:
        self.app = app
        self.status = status
        self.dispatching = InFlight()
        super().__init__((host, port), SlackRequestHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]
