"""Requests that Slack only needs acknowledged are answered at once (an empty 200) and handed to bolt
afterwards, one at a time, in the order they came.

Acknowledging comes first: Slack shows the person an error when it waits more than 3 s. Working out a reply
can wait a little: a request handed to bolt right after another waits `pause` (a lone one does not wait), so
that a burst is acknowledged before the listeners, the engine and the replies take their share of the
process. That caps what is handed to bolt at about 1 / `pause` requests a second, far above what the engine
answers; when the backlog is full, requests go to bolt straight away again and their acknowledgements wait
for it. (`python -m bench.load`: the README's Slack section has the figures.)"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger("faqbot.slack")
R = TypeVar("R")


def acked_at_once(body: dict) -> bool:
    """A slash command, an event or a click: bolt's listeners answer them with an empty 200 whatever they do
    next. Anything else (url_verification's challenge, ssl_check...) is answered by bolt itself."""
    return "command" in body or body.get("type") in ("event_callback", "block_actions", "shortcut", "message_action")


class Backlog(Generic[R]):
    """Created on the event loop it runs on."""

    def __init__(self, dispatch: Callable[[R], Awaitable[object]], *, pause: float = 0.005,
                 capacity: int = 1000) -> None:
        self.dispatch = dispatch
        self.pause = pause
        self.capacity = capacity
        self._queue: asyncio.Queue[R] = asyncio.Queue()
        self._worker = asyncio.create_task(self._work(), name="faqbot-slack-backlog")

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    def put(self, request: R) -> bool:
        """False when the backlog is full: the caller hands the request to bolt itself."""
        if self._queue.qsize() >= self.capacity:
            return False
        self._queue.put_nowait(request)
        return True

    async def close(self) -> None:
        """Hands bolt what is waiting, without pauses, then stops."""
        self.pause = 0.0
        await self._queue.join()
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker

    async def _work(self) -> None:
        while True:
            request = await self._queue.get()
            try:
                await self._dispatch(request)
            finally:
                self._queue.task_done()
            if not self._queue.empty():
                await asyncio.sleep(self.pause)

    async def _dispatch(self, request: R) -> None:
        try:
            await self.dispatch(request)
        except Exception:  # bolt answers a failing listener itself; this is anything else
            log.exception("handling a request after its acknowledgement failed")
