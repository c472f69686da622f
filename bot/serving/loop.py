"""The process's one event loop, on a thread of its own: Slack's server or Socket Mode connection, Discord's
gateway and the status server all run on it, so one process serves every platform without a thread pool
between them. Beside it, one thread runs the engine (`answer`): the engine holds the GIL, so more threads would
not answer faster, and with one the questions are answered in the order they came."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Loop:
    """Started by its constructor; `close` ends it. Every method but `answer` may be called from any thread."""

    def __init__(self, name: str = "faqbot-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self.engine = ThreadPoolExecutor(1, thread_name_prefix="faqbot-engine")
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def running(self) -> bool:
        return self.loop.is_running() and not self.loop.is_closed()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Runs `coroutine` on the loop and waits for its result (or raises TimeoutError)."""
        return self.submit(coroutine).result(timeout)

    def soon(self, callback: Callable[..., object], *args: object) -> bool:
        """Calls `callback(*args)` on the loop; False when the loop has ended."""
        with contextlib.suppress(RuntimeError):  # closed
            self.loop.call_soon_threadsafe(callback, *args)
            return True
        return False

    async def answer(self, work: Callable[[], T]) -> T:
        """`work()` (the engine, then rendering) on the engine's thread; awaited on the loop."""
        return await self.loop.run_in_executor(self.engine, work)

    def close(self, timeout: float) -> None:
        """Cancels what still runs on the loop, gives it `timeout` to unwind, ends the loop and the engine thread."""
        if self._thread.is_alive():
            with contextlib.suppress(RuntimeError, TimeoutError, asyncio.CancelledError):
                self.call(_cancel_the_rest(), timeout)
            self.soon(self.loop.stop)
            self._thread.join(timeout)
        if not self._thread.is_alive() and not self.loop.is_closed():
            self.loop.close()
        self.engine.shutdown(wait=False, cancel_futures=True)


async def _cancel_the_rest() -> None:
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
