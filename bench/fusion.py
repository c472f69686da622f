"""The semantic stage's fusion model, fitted and measured out of sample.

    python -m bench.fusion

Every question gets the signals the engine's semantic stage computes (bot.engine.semantic: the lexical
ranking, the encoder's cosines to each entry's phrasings and answer, and to the nearest question of the
everyday background set). A logistic model over them says how likely the fused candidate is right.

Leave one set out: for each eval set, the model and its answer threshold are fitted on the other sets
alone and the set is scored with them, so every figure printed is out of sample. Each set weighs the
same in a fit whatever its size, so that the shipped FAQ's many questions do not decide alone how a
FAQ with two phrasings an entry is answered. The threshold is the lowest probability at which, on the
fitting sets on average, wrong answers stay <= 2 % of in-scope questions and out-of-scope questions
answered <= 5 %. The weights printed last (for bot.engine.semantic.Fusion) are fitted on every set.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy

from bench.crosslingual import cut, engine_for
from bot.engine import build_engine
from bot.engine.answering import detect_language
from bot.improve.evaluate import load_cases

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
SHIPPED = ROOT / "faq"
BLIND_A, BLIND_B = EVAL / "blind/shipped-a.yaml", EVAL / "blind/shipped-b.yaml"
# name: (FAQ directory, cases, the FAQ cut to this one language or None, questions kept: all or one language)
SETS = {
    "cases": (SHIPPED, EVAL / "cases.yaml", None, None), "holdout": (SHIPPED, EVAL / "holdout.yaml", None, None),
    "third": (SHIPPED, EVAL / "third.yaml", None, None),
    "IT helpdesk": (EVAL / "foreign/it-helpdesk/faq", EVAL / "foreign/it-helpdesk/questions.yaml", None, None),
    "shipped A": (SHIPPED, BLIND_A, None, None), "shipped B": (SHIPPED, BLIND_B, None, None),
    "HR policies": (EVAL / "foreign/hr-policies/faq", EVAL / "foreign/hr-policies/questions.yaml", None, None),
    "SaaS support": (EVAL / "foreign/saas-support/faq", EVAL / "foreign/saas-support/questions.yaml", None, None),
    "office admin": (EVAL / "foreign/office-admin/faq", EVAL / "foreign/office-admin/questions.yaml", None, None),
    "dev platform": (EVAL / "foreign/dev-platform/faq", EVAL / "foreign/dev-platform/questions.yaml", None, None),
    "security": (EVAL / "foreign/security-compliance/faq", EVAL / "foreign/security-compliance/questions.yaml",
                 None, None),
    "A, en FAQ, zh questions": (SHIPPED, BLIND_A, "en", "zh"), "A, zh FAQ, en questions": (SHIPPED, BLIND_A, "zh", "en"),
    "B, en FAQ, zh questions": (SHIPPED, BLIND_B, "en", "zh"), "B, zh FAQ, en questions": (SHIPPED, BLIND_B, "zh", "en"),
}


def source(name: str) -> str:
    """Sets made from the same questions are left out together."""
    return {"A": "shipped A", "B": "shipped B"}.get(name.split(",")[0], name)


FEATURES = ("lexical confidence", "lexical score", "unknown share", "evidence", "cosine", "answer cosine",
            "cosine lead", "fused lead", "cosine over background", "rankings agree", "answer first",
            "phrasings per entry (log)", "crosses languages", "bias")
WRONG, OUT_OF_SCOPE = 0.02, 0.05


@dataclass(frozen=True)
class Row:
    expect: str | None
    lexical: tuple[str, str | None]  # the lexical engine's decision: kind, entry
    candidate: str
    offered: tuple[str, ...]  # the fused top 3
    x: numpy.ndarray


def rows_of(faq_dir: Path, cases_path: Path, faq_lang: str | None = None, asked_lang: str | None = None) -> list[Row]:
    """The signals the engine's own semantic stage computes for each question (bot.engine.semantic)."""
    faq = build_engine(faq_dir, semantic="off").faq
    if faq_lang is not None:
        faq = cut(faq, faq_lang)
    lexical_only, engine = engine_for(faq, semantic=False), engine_for(faq, semantic=True)
    ids = [e.id for e in engine.faq.entries]
    rows = []
    for case in load_cases(cases_path, {e.id for e in build_engine(faq_dir, semantic="off").faq.entries}):
        if asked_lang is not None and detect_language(case.q) != asked_lang:
            continue
        if case.expect is not None and case.expect not in ids:
            case = replace(case, expect=None)  # its entry has no text in this language: nothing answers it
        reply = lexical_only.answer(case.q)
        candidates, _, confidence = engine.assess(engine.rank(case.q))
        fused = engine.fuse(case.q, candidates, confidence)
        rows.append(Row(case.expect, (str(reply.kind), reply.entry_id), ids[fused.entry],
                        tuple(ids[i] for i in fused.offered), numpy.array(fused.signals.vector())))
    return rows


def fit(sets: list[list[Row]], l2: float = 1.0, steps: int = 50) -> numpy.ndarray:
    """Logistic regression by Newton's method: is the fused candidate the right answer? Each set weighs the same."""
    rows = [r for rs in sets for r in rs]
    X = numpy.stack([r.x for r in rows])
    y = numpy.array([float(r.expect is not None and r.candidate == r.expect) for r in rows])
    weight = numpy.concatenate([numpy.full(len(rs), len(rows) / (len(sets) * len(rs))) for rs in sets])
    w = numpy.zeros(X.shape[1])
    for _ in range(steps):
        p = 1 / (1 + numpy.exp(-X @ w))
        gradient = X.T @ ((p - y) * weight) + l2 * w
        hessian = X.T @ (X * (weight * p * (1 - p))[:, None]) + l2 * numpy.eye(len(w))
        w -= numpy.linalg.solve(hessian, gradient)
    return w


def answer_threshold(sets: list[list[Row]], w: numpy.ndarray) -> float:
    for t in numpy.arange(0.30, 1.0, 0.01):
        scores = [figures(rs, w, t) for rs in sets]
        if (numpy.mean([f["wrong"] for f in scores]) <= WRONG
                and numpy.mean([f["out of scope answered"] for f in scores]) <= OUT_OF_SCOPE):
            return round(float(t), 2)
    return 1.0


def suggest_threshold(sets: list[list[Row]], w: numpy.ndarray) -> float:
    """The lowest probability that shows out-of-scope questions a "did you mean" at most 5 points more
    often than the lexical engine does, on the sets' average."""
    return round(float(next((t for t in numpy.arange(0.20, 1.0, 0.05)
                             if numpy.mean([shown(rs, w, t) - shown(rs, None, t) for rs in sets]) <= 0.05), 1.0)), 2)


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
    rows = {name: rows_of(*how) for name, how in SETS.items()}
    print("Each set scored by a model fitted without it (nor any set made of the same questions).")
    print("| set | lexical top-1 / wrong / oos answered | fused top-1 / wrong / oos answered | answer at p >= "
          "| right entry in fused top 3 | oos shown a did-you-mean: lexical / fused |")
    print("|---|---|---|--:|--:|---|")
    for name in SETS:
        others = [rows[n] for n in SETS if source(n) != source(name)]
        w = fit(others)
        threshold, suggest = answer_threshold(others, w), suggest_threshold(others, w)
        lexical, fused = figures(rows[name], None, 0), figures(rows[name], w, threshold)
        print(f"| {name} | {lexical['top-1']:.3f} / {lexical['wrong']:.3f} / {lexical['out of scope answered']:.3f} | "
              f"{fused['top-1']:.3f} / {fused['wrong']:.3f} / {fused['out of scope answered']:.3f} | {threshold:.2f} | "
              f"{fused['offered']:.3f} | {shown(rows[name], None, suggest):.3f} / {shown(rows[name], w, suggest):.3f} |")
    everything = list(rows.values())
    w = fit(everything)
    print("\nFitted on every set (bot.engine.semantic.Fusion):")
    print(", ".join(f"{n} {v:+.2f}" for n, v in zip(FEATURES, w)),
          f"; answer at p >= {answer_threshold(everything, w):.2f}; suggest at p >= {suggest_threshold(everything, w):.2f}")


if __name__ == "__main__":
    main()
