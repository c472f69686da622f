"""A count of work in hand, so a graceful stop can wait for it to finish."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    @contextmanager
    def track(self) -> Iterator[None]:
        with self._idle:
            self._count += 1
        try:
            yield
        finally:
            with self._idle:
                self._count -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """False if work is still in hand after `timeout` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout)
