"""Progress of a long step (embedding a large FAQ): a bar on a terminal, a few log lines otherwise."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TextIO

log = logging.getLogger("faqbot")
WIDTH = 30


def progress_reporter(what: str, *, stream: TextIO | None = None) -> Callable[[int, int], None]:
    """`report(done, total)`: redraws a bar when `stream` (stderr by default) is a terminal, else logs each quarter."""
    stream = stream or sys.stderr
    if stream.isatty():
        def draw(done: int, total: int) -> None:
            filled = WIDTH * done // max(total, 1)
            end = "\n" if done >= total else ""
            stream.write(f"\rfaqbot: {what} [{'#' * filled}{'.' * (WIDTH - filled)}] {done:,}/{total:,}{end}")
            stream.flush()

        return draw
    said = set()

    def quarters(done: int, total: int) -> None:
        quarter = 4 * done // max(total, 1)
        if quarter not in said and quarter > 0:
            said.add(quarter)
            log.info("%s: %d%% (%s of %s)", what, 25 * quarter, f"{done:,}", f"{total:,}")

    return quarters
