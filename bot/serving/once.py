"""A bounded, thread-safe memo of what was already handled, so each question gets one reply."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


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

    def seen(self, key: Hashable) -> bool:
        """Whether `key` is among the last `size` keys, without adding it."""
        with self._lock:
            return key in self._seen
