"""A FAQ in one language answering questions in the other.

    python -m bench.crosslingual

The shipped FAQ is cut to one language (each entry keeps only its English, or only its Chinese,
phrasings and answer; the synonyms file stays) and asked the blind sets' questions written in the
other language, out-of-scope ones included. Nothing here was fitted on these figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.engine import build_engine
from bot.engine.answering import Engine, detect_language
from bot.engine.faq import Faq
from bot.engine.matcher import Matcher
from bot.engine.semantic import SemanticStage
from bot.improve.evaluate import evaluate, load_cases

ROOT = Path(__file__).resolve().parents[1]
BLIND = (ROOT / "tests/eval/blind/shipped-a.yaml", ROOT / "tests/eval/blind/shipped-b.yaml")


def cut(faq: Faq, lang: str) -> Faq:
    """Every entry in `lang` alone; an entry without it is left out."""
    kept = [replace(e, questions={lang: e.questions[lang]}, answer={lang: e.answer[lang]},
                    not_questions={k: v for k, v in e.not_questions.items() if k == lang})
            for e in faq.entries if lang in e.questions and lang in e.answer]
    ids = {e.id for e in kept}
    kept = [replace(e, related=tuple(r for r in e.related if r in ids)) for e in kept]
    return Faq(tuple(kept), faq.synonyms, faq.root)


def engine_for(faq: Faq, semantic: bool, stage: Callable[[Faq], SemanticStage] = SemanticStage) -> Engine:
    return Engine(faq, matcher=Matcher(faq), semantic=stage(faq) if semantic else None)


def main() -> None:
    shipped = build_engine(ROOT / "faq", semantic="off").faq
    ids = {e.id for e in shipped.entries}
    cases = [c for path in BLIND for c in load_cases(path, ids)]
    print("| FAQ in | questions in | in / out of scope | engine | top-1 | wrong | oos answered | right entry offered |")
    print("|---|---|--:|---|--:|--:|--:|--:|")
    for faq_lang, asked_lang in (("en", "zh"), ("zh", "en")):
        faq = cut(shipped, faq_lang)
        asked = [c for c in cases if detect_language(c.q) == asked_lang]
        for semantic in (False, True):
            score = evaluate(engine_for(faq, semantic), asked)
            inside = sum(c.expect is not None for c in asked)
            print(f"| {faq_lang} | {asked_lang} | {inside} / {len(asked) - inside} | "
                  f"{'words + meaning' if semantic else 'words alone'} | {score['top1_accuracy']:.3f} | "
                  f"{score['wrong_answer_rate']:.3f} | {score['oos_false_answer_rate']:.3f} | {score['suggest_hit_rate']:.3f} |")


if __name__ == "__main__":
    main()
