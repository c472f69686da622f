"""/healthz, /readyz and /metrics: served beside Slack's events, or on a side port of their own."""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from bot.serving.loop import Loop
from bot.serving.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("faqbot.status")
IDLE_TIMEOUT = 15.0  # seconds a connection may stay silent
BACKLOG = 128  # connections waiting to be accepted


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
        self.faq_version = ""  # of the FAQ being served (reload.faq_version)

    def serving(self, faq_version: str) -> None:
        self.faq_version = faq_version
        if self.metrics is not None:
            self.metrics.serving(faq_version)

    def respond(self, path: str) -> tuple[int, str, bytes] | None:
        """(status, content type, body) for a status path; None for any other path."""
        path = urlsplit(path).path
        if path == "/healthz":
            return 200, "text/plain", b"ok"
        if path == "/readyz":
            waiting = self.health.waiting_for()
            if waiting:
                return 503, "text/plain", ("not ready: " + ", ".join(waiting)).encode()
            return 200, "text/plain", (f"ready: FAQ {self.faq_version}" if self.faq_version else "ready").encode()
        if path == "/metrics" and self.metrics is not None:
            return 200, CONTENT_TYPE, self.metrics.exposition()
        return None


class StatusServer:
    """The side port, for Socket Mode and Discord, which take no HTTP requests of their own: an aiohttp server
    on the process's event loop."""

    def __init__(self, status: Status, host: str, port: int, loop: Loop) -> None:
        self.status = status
        self.loop = loop
        self.port = 0
        self._runner = loop.call(self._start(host, port), 30)

    async def _start(self, host: str, port: int):
        from aiohttp import (
            web,  # installed with every platform's extra, not with faqbot itself
        )

        async def get(request: web.Request) -> web.Response:
            status, kind, body = self.status.respond(request.path) or (404, "text/plain", b"not found")
            return web.Response(status=status, body=body, headers={"Content-Type": kind})

        app = web.Application()
        app.add_routes([web.get("/{path:.*}", get)])
        runner = web.AppRunner(app, access_log=None, keepalive_timeout=IDLE_TIMEOUT, shutdown_timeout=0.5,
                               handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port, backlog=BACKLOG)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self.port = runner.addresses[0][1]
        return runner

    def stop(self, timeout: float = 2.0) -> None:
        if self.loop.running:
            try:
                self.loop.call(self._runner.cleanup(), timeout)
            except Exception as err:  # out of time, or the loop ended meanwhile
                log.debug("stopping the status server: %s", type(err).__name__)
