"""The process's one event loop, on a thread of its own: Slack's server or Socket Mode connection, Discord's
gateway and the status server all run on it, so one process serves every platform without a thread pool
between them. Beside it, one thread runs the engine (`answer`): the engine holds the GIL, so more threads would
not answer faster, and with one the questions are answered in the order they came."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

T = TypeVar("T")


class Loop:
    """Started by its constructor; `close` ends it. Every method but `answer` may be called from any thread."""

    def __init__(self, name: str = "faqbot-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self.engine = EngineThread("faqbot-engine")
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


class EngineThread(Executor):
    """One thread that runs what it is given in the order given. Unlike a ThreadPoolExecutor's, whose threads the
    interpreter waits for at exit, it is a daemon: a question still being answered when the process has stopped
    (one waiting for a large FAQ to be embedded) does not keep the process alive."""

    def __init__(self, name: str) -> None:
        self._work: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()  # nothing is queued behind the end
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._work.put((future, fn, args, kwargs))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                if cancel_futures:
                    with contextlib.suppress(queue.Empty):
                        while (item := self._work.get_nowait()) is not None:
                            item[0].cancel()
                self._work.put(None)
        if wait:
            self._thread.join()

    def _run(self) -> None:
        while (item := self._work.get()) is not None:
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as err:  # handed to whoever awaits the future, as an executor does
                future.set_exception(err)
            else:
                future.set_result(result)
