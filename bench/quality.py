"""Answer quality of faqbot next to simple baselines built on the same FAQ.

Every matcher answers the questions of an eval set (`{q, expect}` cases, bot/improve/evaluate.py)
and is scored by `bot.improve.evaluate.evaluate` itself: a baseline is wrapped in an object whose
`answer(q)` returns a reply with `kind`, `entry_id` and `suggestions`, so top-1 accuracy,
the wrong-answer rate and the out-of-scope false-answer rate are computed by the very code
that scores faqbot.

The baselines see every phrasing (`questions`, both languages) of every entry as raw text;
a hit answers with the entry that owns the phrasing, no hit means no answer:

- rapidfuzz: `process.extractOne(q, phrasings, scorer=fuzz.WRatio, score_cutoff=80)`, the
  obvious approach (rapidfuzz 3 applies no processor by default: no lowercasing);
- difflib: `difflib.get_close_matches(q, phrasings, n=1)` with its default cutoff 0.6;
- BM25 (the `bm25s` package, optional): one document per phrasing, the top-1 phrasing
  answers if its score reaches a threshold tuned on the same eval set, which favours it.
  Text is tokenised as NFKC + casefold, then each run of Latin letters/digits is a word and
  each run of Chinese characters is cut into character bigrams (a lone character stays);
  no stop words, no stemming, no synonyms.
"""

from __future__ import annotations

import difflib
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.engine.build import build_engine
from bot.engine.faq import Faq
from bot.improve.evaluate import Case, evaluate, load_cases

from .speed import shown
from .tune import MAX_OOS, MAX_WRONG

FUZZ_CUTOFF = 80
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_TOKEN = re.compile(f"[{HAN}]+|[^\\W_{HAN}]+")
_HAN_START = re.compile(f"[{HAN}]")
BM25_INSTALL = "bm25s is not installed (pip install \".[bench]\"): BM25 baseline skipped"


@dataclass(frozen=True)
class Decision:
    """The part of a bot.engine.reply.Reply that bot.improve.evaluate.evaluate reads."""

    kind: str  # "answer" or "fallback"
    entry_id: str | None = None
    suggestions: tuple = ()


NO_ANSWER = Decision("fallback")


def all_phrasings(faq: Faq) -> tuple[list[str], list[str]]:
    """Every phrasing of every entry, raw, and the id of the entry owning each."""
    pairs = [(q, e.id) for e in faq.entries for _, q in e.phrasings()]
    return [q for q, _ in pairs], [i for _, i in pairs]


def tokenize(text: str) -> list[str]:
    """Lowercased words, and character bigrams of Chinese runs (a lone character stays)."""
    out: list[str] = []
    for run in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        if _HAN_START.match(run):
            out.extend([run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            out.append(run)
    return out


class FuzzBaseline:
    name = "rapidfuzz WRatio"
    how = f"extractOne(q, phrasings, scorer=fuzz.WRatio, score_cutoff={FUZZ_CUTOFF})"

    def __init__(self, faq: Faq, cutoff: float = FUZZ_CUTOFF) -> None:
        self.phrasings, self.owners = all_phrasings(faq)
        self.cutoff = cutoff

    def answer(self, text: str) -> Decision:
        hit = process.extractOne(text, self.phrasings, scorer=fuzz.WRatio, score_cutoff=self.cutoff)
        return Decision("answer", self.owners[hit[2]]) if hit else NO_ANSWER


class DifflibBaseline:
    name = "difflib"
    how = "get_close_matches(q, phrasings, n=1), default cutoff 0.6"

    def __init__(self, faq: Faq) -> None:
        self.phrasings, owners = all_phrasings(faq)
        self.owner: dict[str, str] = {}
        for phrasing, owner in zip(self.phrasings, owners):
            self.owner.setdefault(phrasing, owner)  # a phrasing written twice answers with its first entry

    def answer(self, text: str) -> Decision:
        found = difflib.get_close_matches(text, self.phrasings, n=1)
        return Decision("answer", self.owner[found[0]]) if found else NO_ANSWER


class BM25Baseline:
    """bm25s over one document per phrasing; the best phrasing answers if its score >= threshold."""

    name = "BM25 (bm25s)"

    def __init__(self, faq: Faq, threshold: float = 0.0) -> None:
        import bm25s  # optional: pip install ".[bench]"

        self.phrasings, self.owners = all_phrasings(faq)
        self.threshold = threshold
        self.retriever = bm25s.BM25()  # Lucene BM25, k1 1.5, b 0.75
        self.retriever.index([tokenize(p) or [""] for p in self.phrasings], show_progress=False)

    @property
    def how(self) -> str:
        return f"top-1 phrasing (one document per phrasing), answers when score >= {self.threshold:.3f}"

    def best(self, text: str) -> tuple[str, float] | None:
        """The entry owning the best-scoring phrasing and its score; None when no term is known."""
        tokens = [t for t in tokenize(text) if t in self.retriever.vocab_dict and t]
        if not tokens:
            return None
        scores = self.retriever.get_scores(tokens)
        index = int(scores.argmax())
        score = float(scores[index])
        return (self.owners[index], score) if score > 0 else None

    def answer(self, text: str) -> Decision:
        found = self.best(text)
        return Decision("answer", found[0]) if found and found[1] >= self.threshold else NO_ANSWER


def rates(cases: Sequence[Case], answered: Sequence[str | None]) -> tuple[float, float, float]:
    """(top-1, wrong, out-of-scope answered) as bot.improve.evaluate.evaluate computes them, unrounded."""
    n_in = sum(c.expect is not None for c in cases) or 1
    n_out = sum(c.expect is None for c in cases) or 1
    top1 = sum(a == c.expect for c, a in zip(cases, answered) if c.expect is not None)
    wrong = sum(a is not None and a != c.expect for c, a in zip(cases, answered) if c.expect is not None)
    oos = sum(a is not None for c, a in zip(cases, answered) if c.expect is None)
    return top1 / n_in, wrong / n_in, oos / n_out


def tune_threshold(cases: Sequence[Case], best: Sequence[tuple[str, float] | None], *,
                   max_wrong: float = 1.0, max_oos: float = 1.0) -> float:
    """The score threshold giving the highest top-1 with at most `max_wrong` wrong and `max_oos`
    out-of-scope answers; ties go to the fewest false answers, then the highest threshold.
    A threshold above every score (answer nothing) always qualifies."""
    scores = sorted({b[1] for b in best if b is not None})
    options = [0.0, *scores, (scores[-1] + 1.0) if scores else 1.0]
    chosen, key = options[-1], None
    for threshold in options:
        answered = [b[0] if b is not None and b[1] >= threshold else None for b in best]
        top1, wrong, oos = rates(cases, answered)
        if wrong > max_wrong + 1e-12 or oos > max_oos + 1e-12:
            continue
        candidate = (top1, -(wrong + oos), threshold)
        if key is None or candidate > key:
            chosen, key = threshold, candidate
    return chosen


def _scored(matcher, cases: list[Case], **extra) -> dict:
    """bot.improve.evaluate.evaluate's figures for anything with an `answer(q)` returning a reply-like object."""
    start = time.perf_counter()
    result = evaluate(matcher, cases)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    failures = result.pop("failures")
    names = {"name": getattr(matcher, "name", "faqbot"), "how": getattr(matcher, "how", "")}
    return {**names, **extra, **result,
            "failure_count": len(failures), "eval_s": round(seconds, 3),
            "ms_per_question": round(1000 * seconds / max(len(cases), 1), 3)}


def run_quality(cases_path: Path, faq_dir: Path, *, bm25: bool = True,
                say: Callable[[str], None] = lambda _: None) -> dict:
    """faqbot and every baseline on one eval set. JSON-ready."""
    engine = build_engine(faq_dir)
    faq = engine.faq
    cases = load_cases(Path(cases_path), {e.id for e in faq.entries})
    phrasings, _ = all_phrasings(faq)
    report: dict = {
        "cases_file": shown(cases_path),
        "faq_dir": shown(faq_dir),
        "entries": len(faq.entries),
        "phrasings": len(phrasings),
        "cases": len(cases),
        "in_scope": sum(c.expect is not None for c in cases),
        "out_of_scope": sum(c.expect is None for c in cases),
        "notes": [],
    }
    say("quality: faqbot")
    methods = [_scored(engine, cases, name="faqbot", how="Engine.answer; a direct answer (kind 'answer') answers, "
                                                        "a suggestion does not")]
    say("quality: rapidfuzz WRatio")
    methods.append(_scored(FuzzBaseline(faq), cases))
    say("quality: difflib")
    methods.append(_scored(DifflibBaseline(faq), cases))
    for method in methods[1:]:
        method["suggest_hit_rate"] = None  # a baseline offers no suggestions
    if bm25:
        try:
            import bm25s
        except ImportError:
            report["notes"].append(BM25_INSTALL)
            report["bm25"] = None
        else:
            say("quality: BM25")
            start = time.perf_counter()
            baseline = BM25Baseline(faq)
            index_s = time.perf_counter() - start
            best = [baseline.best(c.q) for c in cases]
            free = tune_threshold(cases, best)
            held = tune_threshold(cases, best, max_wrong=MAX_WRONG, max_oos=MAX_OOS)
            tuned = {"tokens": "NFKC + casefold; Latin/digit runs as words; Chinese runs as character bigrams",
                     "documents": "one per phrasing", "bm25s": bm25s.__version__, "index_s": round(index_s, 4)}
            baseline.threshold = free
            methods.append(_scored(baseline, cases, threshold=round(free, 4), suggest_hit_rate=None,
                                   tuned="on this eval set, to maximise top-1 with no limit on wrong or "
                                         "out-of-scope answers (favours the baseline)", **tuned))
            baseline.threshold = held
            limited = _scored(baseline, cases, threshold=round(held, 4), suggest_hit_rate=None,
                              tuned=f"on this eval set, to maximise top-1 with at most {MAX_WRONG:.0%} wrong and "
                                    f"{MAX_OOS:.0%} out-of-scope answers, the limits faqbot is tuned to", **tuned)
            limited["name"] = "BM25 (bm25s), faqbot's limits"
            methods.append(limited)
            report["bm25"] = {"threshold_free": round(free, 4), "threshold_limited": round(held, 4)}
            report["notes"].append("BM25's thresholds are tuned on the same eval set it is scored on, which favours it.")
    report["methods"] = methods
    return report
