"""`faqbot eval --confusion`: which entries are mistaken for which, and the entries recalled worst."""

from __future__ import annotations

from support import ACCOUNTS_CASES, ACCOUNTS_FAQ

from bot.engine import build_engine
from bot.improve.confusion import confusion, confusion_lines
from bot.improve.evaluate import evaluate, load_cases


def test_wrong_answers_and_first_suggestions_are_counted_by_pair(make_faq, tmp_path):
    engine = build_engine(make_faq({"faq.yaml": ACCOUNTS_FAQ}))
    (tmp_path / "cases.yaml").write_text(ACCOUNTS_CASES, encoding="utf-8")
    cases = load_cases(tmp_path / "cases.yaml", {e.id for e in engine.faq.entries})
    summary = confusion(cases, evaluate(engine, cases))
    assert summary["confusion"] == [
        {"expect": "password-reset", "instead": "password-change", "how": "offered first", "count": 2},
        {"expect": None, "instead": "vpn", "how": "answered", "count": 1},
        {"expect": "password-reset", "instead": "password-change", "how": "answered", "count": 1},
    ]
    assert summary["recall"] == [
        {"entry": "password-change", "recall": 0.0, "right": 0, "cases": 1},
        {"entry": "password-reset", "recall": 0.2, "right": 1, "cases": 5},
        {"entry": "vpn", "recall": 1.0, "right": 1, "cases": 1},
    ]
    assert confusion_lines(summary, worst=1) == [
        "confusion (expected -> instead):",
        "     2  password-reset -> password-change  (offered first)",
        "     1  (out of scope) -> vpn  (answered)",
        "     1  password-reset -> password-change  (answered)",
        "worst recall:",
        "  0.000  0/1  password-change",
    ]


def test_nothing_confused():
    summary = confusion([], {"failures": []})
    assert summary == {"confusion": [], "recall": []}
    assert confusion_lines(summary) == ["confusion (expected -> instead):", "  (none)", "worst recall:",
                                        "  (every entry recalled)"]
