"""Fit the matcher's weights, the confidence model and the thresholds on an eval set.

    python -m bench.tune CASES.yaml [MORE.yaml ...] [--check OTHER.yaml]

For each matcher setting in a small grid it fits the logistic confidence model
(bot.engine.confidence) to "is the best-ranked entry the expected one" over all the given
sets, then picks the answer threshold and minimum lead that give the most right answers
with at most 4% wrong answers and 8% out-of-scope answers. Prints the best settings,
their figures on each set, and with --check their figures on a set the fit never saw.
"""

from __future__ import annotations

import argparse
import itertools
import math
from dataclasses import dataclass, fields, replace
from pathlib import Path

from bot.cli import shipped_faq_dir
from bot.engine.answering import Engine, Thresholds
from bot.engine.build import build_engine
from bot.engine.confidence import Calibration
from bot.engine.matcher import Weights
from bot.improve.evaluate import Case, evaluate, load_cases

MAX_WRONG = 0.04
MAX_OOS = 0.08
GRID = {
    "entry_coverage": (0.3, 0.4, 0.5),
    "phrasing_f1": (0.2, 0.3),
    "unknown_word": (1.5, 2.0),
    "unknown_han": (0.5, 1.0, 1.5),
    "seam": (0.1, 0.2),
}
FEATURES = ("coverage", "f1", "fuzzy", "margin", "evidence", "unknown", "exact")


@dataclass(frozen=True)
class Row:
    expect: str | None
    top: str | None
    lead: float
    x: tuple[float, ...]  # the features, in FEATURES order


def rows(engine: Engine, cases: list[Case]) -> list[Row]:
    out = []
    for case in cases:
        candidates, lead, _ = engine.assess(engine.rank(case.q, limit=5))
        if not candidates:
            out.append(Row(case.expect, None, 0.0, (0.0,) * len(FEATURES)))
            continue
        s = candidates[0].signals
        x = (s.entry_coverage, s.phrasing_f1, s.fuzzy, lead, s.evidence, s.unknown, float(s.exact))
        out.append(Row(case.expect, candidates[0].entry.id, lead, x))
    return out


def fit(data: list[Row], *, l2: float = 0.01, epochs: int = 2000, rate: float = 0.5) -> Calibration:
    """Plain gradient descent on the logistic loss; a few hundred rows need nothing more."""
    w = [0.0] * (len(FEATURES) + 1)
    for _ in range(epochs):
        grad = [0.0] * len(w)
        for row in data:
            x = (*row.x, 1.0)
            p = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x))))
            y = 1.0 if row.expect is not None and row.top == row.expect else 0.0
            for i, xi in enumerate(x):
                grad[i] += (p - y) * xi
        w = [a - rate * (g / len(data) + l2 * a) for a, g in zip(w, grad)]
    return Calibration(**{name: round(v, 3) for name, v in zip((*FEATURES, "bias"), w)})


def figures(data: list[Row], calibration: Calibration, answer: float, margin: float) -> tuple[float, float, float]:
    right = wrong = oos = n_in = n_out = 0
    rule = Thresholds(answer=answer, margin=margin)
    for row in data:
        z = calibration.bias + sum(getattr(calibration, f) * v for f, v in zip(FEATURES, row.x))
        direct = rule.answers(1 / (1 + math.exp(-z)), row.lead, exact=bool(row.x[FEATURES.index("exact")]),
                              evidence=row.x[FEATURES.index("evidence")])
        answered = row.top if row.top and direct else None
        if row.expect is None:
            n_out += 1
            oos += answered is not None
        else:
            n_in += 1
            right += answered == row.expect
            wrong += answered is not None and answered != row.expect
    return right / n_in, wrong / n_in, oos / n_out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", type=Path, nargs="+")
    parser.add_argument("--check", type=Path)
    args = parser.parse_args()
    faq = build_engine(shipped_faq_dir()).faq
    ids = {e.id for e in faq.entries}
    sets = [load_cases(path, ids) for path in args.cases]
    best = None
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(GRID, values))
        weights = replace(Weights(), **setting, fuzzy=round(1 - setting["entry_coverage"] - setting["phrasing_f1"], 3))
        engine = Engine(faq, weights=weights)
        per_set = [rows(engine, cases) for cases in sets]
        data = [row for rows_ in per_set for row in rows_]
        calibration = fit(data)
        for answer, margin in itertools.product([x / 100 for x in range(30, 90, 2)], (0.03, 0.05, 0.07, 0.09)):
            # The limits hold on every set on its own; the most right answers over all of them wins.
            if any(w > MAX_WRONG or o > MAX_OOS for _, w, o in (figures(r, calibration, answer, margin) for r in per_set)):
                continue
            top1, wrong, oos = figures(data, calibration, answer, margin)
            if best is None or (top1, -oos) > best[0]:
                best = ((top1, -oos), weights, calibration, answer, margin, (top1, wrong, oos))
    _, weights, calibration, answer, margin, (top1, wrong, oos) = best
    print("weights:", {f.name: getattr(weights, f.name) for f in fields(weights) if f.name != "fuzzy_scorer"})
    print("calibration:", calibration)
    print(f"thresholds: answer {answer} margin {margin}")
    print(f"all fitted sets: top-1 {top1:.3f} wrong {wrong:.3f} out-of-scope answered {oos:.3f}")
    engine = Engine(faq, weights=weights, calibration=calibration, thresholds=Thresholds(answer=answer, margin=margin))
    for path, label in [(p, "fitted") for p in args.cases] + ([(args.check, "unseen")] if args.check else []):
        result = evaluate(engine, load_cases(path, ids))
        print(f"{path} ({label}): top-1 {result['top1_accuracy']:.3f} wrong {result['wrong_answer_rate']:.3f} "
              f"out-of-scope answered {result['oos_false_answer_rate']:.3f}")


if __name__ == "__main__":
    main()
