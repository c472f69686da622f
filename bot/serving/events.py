"""What happened, as plain records: a question answered, a vote on an answer. Recorders keep them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Where:
    """Who asked, and where. `user` is the platform's raw id: a store keeps only a salted hash of it."""

    platform: str = "console"
    workspace: str = ""  # Slack team id, Discord guild id; empty in a DM
    channel: str = ""
    user: str = ""


@dataclass(frozen=True)
class Asked:
    """A question answered, or an entry picked (reason "picked"): then `question` holds the words that led
    to the pick, "" when they are not known."""

    at: float  # seconds since the epoch
    where: Where
    question: str
    kind: str  # answer | suggest | fallback
    reason: str
    lang: str
    entry_id: str | None
    score: float
    latency_ms: float
    lead: str | None = None  # the reply offered entries to choose: a pick of one names this as its led_by
    led_by: str | None = None  # a pick: the lead of the reply it was chosen from
    via: str | None = None  # a pick: how it was chosen (bot.serving.service.Via)


@dataclass(frozen=True)
class Voted:
    at: float
    where: Where
    entry_id: str
    up: bool


class Recorder(Protocol):
    """Must return at once: it is called on the path that answers people."""

    def asked(self, event: Asked) -> None: ...

    def voted(self, event: Voted) -> None: ...


class Keeper(Recorder, Protocol):
    """A recorder that holds events a while before writing them (the store)."""

    @property
    def buffer_depth(self) -> int: ...

    def close(self, timeout: float) -> int:
        """Writes what it holds, within `timeout` seconds; returns how many events were lost."""
        ...

    def most_asked(self, *, days: float = 30, top: int = 5) -> list[tuple[str, int]]:
        """(entry id, times answered) for the entries answered most often in the last `days`."""
        ...


class NoRecorder:
    def asked(self, event: Asked) -> None:
        pass

    def voted(self, event: Voted) -> None:
        pass


class Recorders:
    """Several recorders as one, e.g. the store and the metrics."""

    def __init__(self, recorders: Iterable[Recorder]) -> None:
        self.recorders = tuple(recorders)

    def asked(self, event: Asked) -> None:
        for recorder in self.recorders:
            recorder.asked(event)

    def voted(self, event: Voted) -> None:
        for recorder in self.recorders:
            recorder.voted(event)
