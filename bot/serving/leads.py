"""What a person asked, kept a while under a short token (a lead) that travels in the reply's buttons or
choices, so that the entry they then pick is recorded with their words. The words stay in the process;
the token is all a platform carries, whatever its limits (Discord's custom_id holds 100 characters)."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

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
        # token -> (when, words, the entries it offered), oldest first
        self._kept: OrderedDict[str, tuple[float, str, frozenset[str]]] = OrderedDict()
        self._latest: dict[str, str] = {}  # owner -> their one token (autocomplete: one per person, not per keystroke)
        self._lock = threading.Lock()

    def keep(self, asked: str, offered: Iterable[str] = (), *, owner: str | None = None) -> str:
        """A token for `asked`, good for a pick of one of `offered`. With `owner`, it replaces that owner's
        previous token."""
        token = secrets.token_urlsafe(8)  # 11 characters, 64 random bits
        now = self._clock()
        with self._lock:
            if owner is not None:
                self._kept.pop(self._latest.pop(owner, ""), None)
                if len(self._latest) >= self._size:
                    self._latest.clear()
                self._latest[owner] = token
            self._kept[token] = (now, asked[:MAX_WORDS], frozenset(offered))
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

    def offered(self, token: str | None, entry_id: str) -> bool | None:
        """Whether `token` offered `entry_id`; None when the token is unknown here."""
        with self._lock:
            kept = self._kept.get(token or "")
        return None if kept is None else entry_id in kept[2]
