"""What a person asked, kept a while under a short token (a lead) that travels in the reply's buttons or
choices, so that the entry they then pick is recorded with their words. The words stay in the process;
the token is all a platform carries, whatever its limits (Discord's custom_id holds 100 characters)."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

SIZE = 10_000  # leads kept: hours of a busy team's replies
TTL = 86_400.0  # seconds: a pick a day later is still linked in the store, only its words are not looked up here
MAX_WORDS = 500  # characters kept of what was asked: longer text makes no phrasing anyway
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,16}")


def is_lead(token: str | None) -> bool:
    """Whether `token` has a lead's shape (it comes back from a platform, so it may be forged)."""
    return token is not None and _TOKEN.fullmatch(token) is not None


class Leads:
    def __init__(self, size: int = SIZE, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._size, self._ttl, self._clock = size, ttl, clock
        self._kept: OrderedDict[str, tuple[float, str]] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def keep(self, asked: str) -> str:
        token = secrets.token_urlsafe(8)  # 11 characters, 64 random bits
        now = self._clock()
        with self._lock:
            self._kept[token] = (now, asked[:MAX_WORDS])
            while self._kept and (len(self._kept) > self._size or now - next(iter(self._kept.values()))[0] > self._ttl):
                self._kept.popitem(last=False)
        return token

    def words(self, token: str | None) -> str | None:
        """What was asked when `token` was handed out; None for a token unknown here (too old, from before a
        restart or from another replica)."""
        if token is None:
            return None
        with self._lock:
            kept = self._kept.get(token)
        if kept is None or self._clock() - kept[0] > self._ttl:
            return None
        return kept[1]
