"""/healthz, /readyz and /metrics: served beside Slack's events, or on a side port of their own."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from bot.serving.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("faqbot.status")


class Health:
    """Alive while the process runs; ready once every part has said so, and no longer while draining."""

    def __init__(self, parts: tuple[str, ...] = ()) -> None:
        self._waiting = set(parts)
        self._draining = False
        self._lock = threading.Lock()

    def ready(self, part: str) -> None:
        with self._lock:
            self._waiting.discard(part)

    def drain(self) -> None:
        with self._lock:
            self._draining = True

    def waiting_for(self) -> list[str]:
        with self._lock:
            return ["shutting down"] if self._draining else sorted(self._waiting)


class Status:
    def __init__(self, health: Health, metrics: Metrics | None = None) -> None:
        self.health = health
        self.metrics = metrics

    def respond(self, path: str) -> tuple[int, str, bytes] | None:
        """(status, content type, body) for a status path; None for any other path."""
        path = urlsplit(path).path
        if path == "/healthz":
            return 200, "text/plain", b"ok"
        if path == "/readyz":
            waiting = self.health.waiting_for()
            if waiting:
                return 503, "text/plain", ("not ready: " + ", ".join(waiting)).encode()
            return 200, "text/plain", b"ready"
        if path == "/metrics" and self.metrics is not None:
            return 200, CONTENT_TYPE, self.metrics.exposition()
        return None


class _Handler(BaseHTTPRequestHandler):
    server: StatusServer
    protocol_version = "HTTP/1.1"
    timeout = 15  # seconds a connection may stay silent, so a half-sent request does not hold a thread

    def do_GET(self) -> None:
        status, kind, body = self.server.status.respond(self.path) or (404, "text/plain", b"not found")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.debug(format, *args)


class StatusServer(ThreadingHTTPServer):
    """The side port, for Socket Mode and Discord, which take no HTTP requests of their own."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog

    def __init__(self, status: Status, host: str, port: int) -> None:
        self.status = status
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, args=(0.2,), name="faqbot-status", daemon=True)
        thread.start()
        return thread
