"""Search the matcher's weights and the decision thresholds on an eval set.

    python -m bench.tune tests/eval/cases.yaml [--check tests/eval/holdout.yaml]

Prints the best settings found on the first set (most direct answers right, subject
to at most 4% wrong answers and 8% out-of-scope answers) and, with --check, their
figures on a second set that the search never saw.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz

from bot.cli import shipped_faq_dir
from bot.engine import Engine, Thresholds
from bot.evaluate import evaluate, load_cases
from bot.matcher import Weights

# Symmetric scorers only: token_set_ratio gives 100 whenever one side's words are a subset
# of the other's, so a bare "Azure OpenAI" would look like a perfect match for every entry.
SCORERS = (fuzz.token_sort_ratio, fuzz.ratio)
MARGINS = (0.03, 0.05, 0.07, 0.09, 0.12)
MAX_WRONG = 0.04
MAX_OOS = 0.08


def rankings(engine: Engine, cases):
    return [(c, engine.rank(c.q, limit=8)) for c in cases]


def figures(ranked, weights: Weights, t: Thresholds) -> tuple[float, float, float]:
    right = wrong = oos = n_in = n_out = 0
    for case, ranking in ranked:
        scored = sorted(((c.signals.blend(weights), c) for c in ranking.candidates if not c.negative),
                        key=lambda x: x[0], reverse=True)
        answered = None
        if scored and scored[0][0] >= t.answer:
            runner = scored[1][0] if len(scored) > 1 else 0.0
            if scored[0][0] - runner >= t.margin:
                answered = scored[0][1].entry.id
        if case.expect is None:
            n_out += 1
            oos += answered is not None
        else:
            n_in += 1
            right += answered == case.expect
            wrong += answered is not None and answered != case.expect
    return right / n_in, wrong / n_in, oos / n_out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", type=Path)
    parser.add_argument("--check", type=Path)
    args = parser.parse_args()
    faq = Engine.from_directory(shipped_faq_dir()).faq
    ids = {e.id for e in faq.entries}
    cases = load_cases(args.cases, ids)
    best = None
    grid = [x / 10 for x in range(0, 11)]
    for scorer, unknown_word, unknown_han, seam in itertools.product(SCORERS, (1.0, 1.5, 2.0), (0.5, 1.0), (0.0, 0.1)):
        base = Weights(fuzzy_scorer=scorer, unknown_word=unknown_word, unknown_han=unknown_han, seam=seam)
        ranked = rankings(Engine(faq, weights=base), cases)
        for a, b in itertools.product(grid, grid):
            if a + b > 1:
                continue
            weights = replace(base, entry_coverage=a, phrasing_f1=b, fuzzy=round(1 - a - b, 4))
            for answer in [x / 100 for x in range(30, 80, 2)]:
                for margin in MARGINS:
                    top1, wrong, oos = figures(ranked, weights, Thresholds(answer=answer, margin=margin))
                    if wrong <= MAX_WRONG and oos <= MAX_OOS:
                        key = (top1, -wrong - oos)
                        if best is None or key > best[0]:
                            best = (key, weights, answer, margin, (top1, wrong, oos))
    _, weights, answer, margin, (top1, wrong, oos) = best
    print(f"weights: coverage {weights.entry_coverage} f1 {weights.phrasing_f1} fuzzy {weights.fuzzy} "
          f"({weights.fuzzy_scorer.__name__}) unknown word {weights.unknown_word} unknown han {weights.unknown_han} "
          f"seam {weights.seam}")
    print(f"thresholds: answer {answer} margin {margin}")
    print(f"tuning set: top-1 {top1:.3f} wrong {wrong:.3f} out-of-scope answered {oos:.3f}")
    if args.check:
        engine = Engine(faq, weights=weights, thresholds=Thresholds(answer=answer, margin=margin))
        result = evaluate(engine, load_cases(args.check, ids))
        print(f"check set: top-1 {result['top1_accuracy']:.3f} wrong {result['wrong_answer_rate']:.3f} "
              f"out-of-scope answered {result['oos_false_answer_rate']:.3f}")


if __name__ == "__main__":
    main()
