"""How likely the best-ranked entry is the right answer, from what the matcher measured.

A logistic model over the top candidate's signals and its lead over the runner-up.
`python -m bench.tune` fits these weights on the eval set; the defaults below are its
output for the shipped FAQ (see the README for how they were obtained).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.engine.matcher import Signals


@dataclass(frozen=True)
class Calibration:
    coverage: float = 1.266
    f1: float = 1.109
    fuzzy: float = 0.645
    margin: float = 1.21
    evidence: float = 1.438
    unknown: float = -1.077
    exact: float = 0.711
    bias: float = -1.337

    def confidence(self, signals: Signals, margin: float) -> float:
        z = (
            self.bias
            + self.coverage * signals.entry_coverage
            + self.f1 * signals.phrasing_f1
            + self.fuzzy * signals.fuzzy
            + self.margin * margin
            + self.evidence * signals.evidence
            + self.unknown * signals.unknown
            + self.exact * float(signals.exact)
        )
        return 1 / (1 + math.exp(-z))
