"""A bounded, thread-safe memo of what was already handled, so each question gets one reply."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Once:
    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._seen: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: Hashable) -> bool:
        """True the first time `key` is seen (among the last `size` keys), False after."""
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return False
            self._seen[key] = None
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
            return True


class Recent(Generic[V]):
    """Keys remembered for `max_age` seconds (the last `size` of them), each with a value when one is put; thread-safe."""

    def __init__(self, max_age: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age, self.size, self.clock = max_age, size, clock
        self._at: OrderedDict[Hashable, tuple[float, V | None]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: Hashable) -> None:
        self.put(key, None)

    def put(self, key: Hashable, value: V | None) -> None:
        with self._lock:
            self._put(key, value)

    def first(self, key: Hashable) -> bool:
        """True, and `key` remembered from now, unless it was remembered within `max_age` seconds."""
        with self._lock:
            if self._fresh(key) is not None:
                return False
            self._put(key, None)
            return True

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._at.pop(key, None)

    def get(self, key: Hashable) -> V | None:
        """The value put under `key` within `max_age` seconds, else None."""
        with self._lock:
            kept = self._fresh(key)
            return None if kept is None else kept[1]

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return self._fresh(key) is not None

    def _fresh(self, key: Hashable) -> tuple[float, V | None] | None:
        kept = self._at.get(key)
        return kept if kept is not None and self.clock() - kept[0] <= self.max_age else None

    def _put(self, key: Hashable, value: V | None) -> None:
        self._at.pop(key, None)
        self._at[key] = (self.clock(), value)
        if len(self._at) > self.size:
            self._at.popitem(last=False)
