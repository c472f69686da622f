"""A bounded, thread-safe memo of what was already handled, so each question gets one reply."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


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


class Recent:
    """Keys remembered for `max_age` seconds (the last `size` of them), thread-safe."""

    def __init__(self, max_age: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age, self.size, self.clock = max_age, size, clock
        self._at: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: Hashable) -> None:
        with self._lock:
            self._add(key)

    def first(self, key: Hashable) -> bool:
        """True, and `key` remembered from now, unless it was remembered within `max_age` seconds."""
        with self._lock:
            at = self._at.get(key)
            if at is not None and self.clock() - at <= self.max_age:
                return False
            self._add(key)
            return True

    def _add(self, key: Hashable) -> None:
        self._at.pop(key, None)
        self._at[key] = self.clock()
        if len(self._at) > self.size:
            self._at.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            at = self._at.get(key)
            return at is not None and self.clock() - at <= self.max_age


class Kept:
    """Values remembered for `max_age` seconds under their keys (the last `size` of them), thread-safe."""

    def __init__(self, max_age: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age, self.size, self.clock = max_age, size, clock
        self._kept: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._kept.pop(key, None)
            self._kept[key] = (self.clock(), value)
            if len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def get(self, key: Hashable) -> object | None:
        """The value put under `key` within `max_age` seconds, else None."""
        with self._lock:
            kept = self._kept.get(key)
            return kept[1] if kept is not None and self.clock() - kept[0] <= self.max_age else None
