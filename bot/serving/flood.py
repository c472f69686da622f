"""How many questions one person may ask in a minute: a product rule every chat platform applies.

Pure and synchronous: the caller names the person and may pass its own clock.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ANSWER = "answer"  # within the limit
    WARN = "warn"  # the first question over the limit: say politely to wait
    IGNORE = "ignore"  # still over the limit and already told: stay quiet


@dataclass(frozen=True)
class FloodRule:
    questions: int = 10
    per_seconds: float = 60.0


class FloodLimit:
    """A sliding window per person. Thread-safe; remembers at most `max_people` people."""

    def __init__(self, rule: FloodRule = FloodRule(), *, clock: Callable[[], float] = time.monotonic,
                 max_people: int = 10_000) -> None:
        self.rule = rule
        self.clock = clock
        self.max_people = max_people
        self._asked: OrderedDict[str, deque[float]] = OrderedDict()
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def check(self, person: str) -> Verdict:
        """Count one question from `person` and say whether to answer it."""
        now = self.clock()
        with self._lock:
            times = self._asked.pop(person, None) or deque()
            self._asked[person] = times  # most recently seen last
            while times and now - times[0] >= self.rule.per_seconds:
                times.popleft()
            if len(times) < self.rule.questions:
                times.append(now)
                self._warned.discard(person)
                verdict = Verdict.ANSWER
            elif person in self._warned:
                verdict = Verdict.IGNORE
            else:
                self._warned.add(person)
                verdict = Verdict.WARN
            while len(self._asked) > self.max_people:
                forgotten, _ = self._asked.popitem(last=False)
                self._warned.discard(forgotten)
            return verdict
