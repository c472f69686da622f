"""The blind eval sets are honest: valid, free of each other's questions and of the phrasings of the FAQ
they are asked of, so that a figure measured on them is out of sample."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from support import FAQ_DIR, ROOT

from bot.engine import build_engine
from bot.improve.evaluate import load_cases

EVAL = ROOT / "tests" / "eval"
SHIPPED_OLD = [EVAL / "cases.yaml", EVAL / "holdout.yaml", EVAL / "third.yaml"]  # written before, tuned on
BLIND = {  # set -> the FAQ it is asked of
    EVAL / "blind" / "shipped-a.yaml": FAQ_DIR,
    EVAL / "blind" / "shipped-b.yaml": FAQ_DIR,
    EVAL / "blind" / "shipped-c.yaml": FAQ_DIR,
    EVAL / "foreign" / "it-helpdesk" / "questions.yaml": EVAL / "foreign" / "it-helpdesk" / "faq",
    EVAL / "foreign" / "hr-policies" / "questions.yaml": EVAL / "foreign" / "hr-policies" / "faq",
    EVAL / "foreign" / "saas-support" / "questions.yaml": EVAL / "foreign" / "saas-support" / "faq",
    EVAL / "foreign" / "office-admin" / "questions.yaml": EVAL / "foreign" / "office-admin" / "faq",
    EVAL / "foreign" / "dev-platform" / "questions.yaml": EVAL / "foreign" / "dev-platform" / "faq",
    EVAL / "foreign" / "security-compliance" / "questions.yaml": EVAL / "foreign" / "security-compliance" / "faq",
    EVAL / "foreign" / "shop-support" / "questions.yaml": EVAL / "foreign" / "shop-support" / "faq",
    EVAL / "foreign" / "grad-school" / "questions.yaml": EVAL / "foreign" / "grad-school" / "faq",
    EVAL / "foreign" / "property-management" / "questions.yaml": EVAL / "foreign" / "property-management" / "faq",
    EVAL / "foreign" / "clinic" / "questions.yaml": EVAL / "foreign" / "clinic" / "faq",
    EVAL / "foreign" / "library" / "questions.yaml": EVAL / "foreign" / "library" / "faq",
    EVAL / "foreign" / "transit" / "questions.yaml": EVAL / "foreign" / "transit" / "faq",
    EVAL / "foreign" / "recycling" / "questions.yaml": EVAL / "foreign" / "recycling" / "faq",
    EVAL / "foreign" / "football" / "questions.yaml": EVAL / "foreign" / "football" / "faq",
    EVAL / "foreign" / "bikeshare" / "questions.yaml": EVAL / "foreign" / "bikeshare" / "faq",
    EVAL / "foreign" / "fitness" / "questions.yaml": EVAL / "foreign" / "fitness" / "faq",
    EVAL / "foreign" / "coworking" / "questions.yaml": EVAL / "foreign" / "coworking" / "faq",
    EVAL / "foreign" / "housing" / "questions.yaml": EVAL / "foreign" / "housing" / "faq",
    EVAL / "foreign" / "vet" / "questions.yaml": EVAL / "foreign" / "vet" / "faq",
    EVAL / "foreign" / "parcels" / "questions.yaml": EVAL / "foreign" / "parcels" / "faq",
    EVAL / "foreign" / "hotel" / "questions.yaml": EVAL / "foreign" / "hotel" / "faq",
    EVAL / "foreign" / "delivery" / "questions.yaml": EVAL / "foreign" / "delivery" / "faq",
    EVAL / "foreign" / "carhire" / "questions.yaml": EVAL / "foreign" / "carhire" / "faq",
    EVAL / "foreign" / "school" / "questions.yaml": EVAL / "foreign" / "school" / "faq",
    EVAL / "foreign" / "tickets" / "questions.yaml": EVAL / "foreign" / "tickets" / "faq",
    EVAL / "foreign" / "charging" / "questions.yaml": EVAL / "foreign" / "charging" / "faq",
    EVAL / "foreign" / "museum" / "questions.yaml": EVAL / "foreign" / "museum" / "faq",
    EVAL / "foreign" / "carrier" / "questions.yaml": EVAL / "foreign" / "carrier" / "faq",
    EVAL / "foreign" / "insurance" / "questions.yaml": EVAL / "foreign" / "insurance" / "faq",
    EVAL / "foreign" / "ski" / "questions.yaml": EVAL / "foreign" / "ski" / "faq",
    EVAL / "foreign" / "banking" / "questions.yaml": EVAL / "foreign" / "banking" / "faq",
    EVAL / "foreign" / "courses" / "questions.yaml": EVAL / "foreign" / "courses" / "faq",
    EVAL / "foreign" / "movers" / "questions.yaml": EVAL / "foreign" / "movers" / "faq",
    EVAL / "foreign" / "council" / "questions.yaml": EVAL / "foreign" / "council" / "faq",
    EVAL / "foreign" / "marketplace" / "questions.yaml": EVAL / "foreign" / "marketplace" / "faq",
    EVAL / "foreign" / "airline" / "questions.yaml": EVAL / "foreign" / "airline" / "faq",
    EVAL / "foreign" / "photos" / "questions.yaml": EVAL / "foreign" / "photos" / "faq",
    EVAL / "foreign" / "cinema" / "questions.yaml": EVAL / "foreign" / "cinema" / "faq",
    EVAL / "foreign" / "smarthome" / "questions.yaml": EVAL / "foreign" / "smarthome" / "faq",
    EVAL / "foreign" / "volunteers" / "questions.yaml": EVAL / "foreign" / "volunteers" / "faq",
    EVAL / "foreign" / "payroll" / "questions.yaml": EVAL / "foreign" / "payroll" / "faq",
    EVAL / "foreign" / "dental" / "questions.yaml": EVAL / "foreign" / "dental" / "faq",
    EVAL / "foreign" / "camp" / "questions.yaml": EVAL / "foreign" / "camp" / "faq",
}


def key(text: str) -> str:
    """What makes two questions the same: case, width, spacing and punctuation aside."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def questions(path: Path) -> list[str]:
    return [case["q"] for case in yaml.safe_load(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("cases", list(BLIND), ids=lambda p: str(p.relative_to(EVAL)))
def test_a_blind_set_loads_and_repeats_no_phrasing_of_its_faq(cases):
    faq = build_engine(BLIND[cases]).faq
    loaded = load_cases(cases, {e.id for e in faq.entries})
    assert len(loaded) >= 100
    assert 0.15 <= sum(c.expect is None for c in loaded) / len(loaded) <= 0.35  # out of scope, honestly sized
    phrasings = {key(q) for e in faq.entries for _, q in e.phrasings()}
    copied = [q for q in questions(cases) if key(q) in phrasings]
    assert not copied, f"questions that are FAQ phrasings, so measure nothing: {copied}"


def test_no_question_is_in_two_sets_or_twice_in_one():
    seen: dict[str, Path] = {}
    for path in [*SHIPPED_OLD, *BLIND]:
        for question in questions(path):
            k = key(question)
            if path in BLIND:
                assert k not in seen, f"{question!r} in {path.name} is also in {seen[k].name}"
            seen.setdefault(k, path)


def test_the_background_set_holds_no_eval_question_and_no_faq_phrasing():
    background = yaml.safe_load((ROOT / "bot" / "engine" / "data" / "background.yaml").read_text(encoding="utf-8"))
    assert len(background["en"]) >= 150 and len(background["zh"]) >= 150
    taken = {key(q) for path in [*SHIPPED_OLD, *BLIND] for q in questions(path)}
    taken |= {key(q) for e in build_engine(FAQ_DIR).faq.entries for _, q in e.phrasings()}
    assert not [q for q in background["en"] + background["zh"] if key(q) in taken]


def test_the_imported_set_repeats_no_phrasing_of_the_faq_imported_for_it(tmp_path):
    from bot.improve import importing

    importing.run([EVAL / "imported" / "makerspace.tsv"], tmp_path / "faq")
    faq = build_engine(tmp_path / "faq").faq
    cases = EVAL / "imported" / "questions.yaml"
    loaded = load_cases(cases, {e.id for e in faq.entries})
    assert len(loaded) == 50 and sum(c.expect is None for c in loaded) == 10
    phrasings = {key(q) for e in faq.entries for _, q in e.phrasings()}
    assert not [q for q in questions(cases) if key(q) in phrasings]
