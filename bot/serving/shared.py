"""What replicas must agree on while answering, when several serve one bot: which messages were already taken,
which conversations the bot takes part in, and how many questions each person asked lately. `Service` asks a `Shared` first and falls back on the
replica's own memory (`Once`, `FloodLimit`) when there is none (one process) or it cannot say (None)."""

from __future__ import annotations

from typing import Protocol

from bot.serving.flood import Verdict


class Shared(Protocol):
    def claim(self, key: str) -> bool | None:
        """True for the first claim of `key` anywhere, False after; None when it cannot say."""

    def remember(self, key: str) -> None:
        """Keeps `key` (a conversation the bot takes part in) for a day; quietly does nothing when it cannot."""

    def known(self, key: str) -> bool | None:
        """Whether `key` was remembered within the last day; None when it cannot say."""

    def flood(self, platform: str, user: str) -> Verdict | None:
        """Counts one question from the person and says whether to answer it; None when it cannot say."""

    def close(self) -> None: ...
