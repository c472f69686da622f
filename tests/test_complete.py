"""Completing a question while it is typed: fuzzy, prefix-friendly, in the typed language, and fast."""

from __future__ import annotations

import pytest
from support import CANONICAL, SMALL_FAQ

from bot.engine import build_engine
from bot.engine.complete import Completer
from bot.serving import Service


@pytest.mark.parametrize(("typed", "expected"), [
    ("what is rl", "rlhf"),
    ("What is RLHF", "rlhf"),
    ("azure bil", "azure-openai-billing"),
    ("azure billing", "azure-openai-billing"),
    ("fine tun", "fine-tuning"),
    ("hw much txt", "token-limit"),  # typos
    ("gpt4 vs chat", "gpt4-vs-chatgpt"),
    ("Does buying Az", "azure-openai-includes-chatgpt"),
    ("本地部署", "local-deployment-hardware"),
    ("有哪些開源", "open-source-llms"),  # Traditional Chinese
    ("chatgpt 能记住", "chatgpt-conversation-memory"),
])
def test_the_best_match_comes_first(engine, typed, expected):
    assert Completer(engine).complete(typed)[0].id == expected


@pytest.mark.parametrize(("typed", "lang"), [("what is", "en"), ("什么是", "zh"), ("azure 收", "zh")])
def test_choices_are_canonical_questions_in_the_typed_language(engine, typed, lang):
    found = Completer(engine).complete(typed)
    assert found and all(ref.question == CANONICAL[ref.id][0 if lang == "en" else 1] for ref in found)


def test_every_keystroke_of_a_question_keeps_it_among_the_choices(engine):
    question = "How should our company get started with Azure OpenAI?"
    for end in range(12, len(question) + 1):
        assert "enterprise-getting-started" in [r.id for r in Completer(engine).complete(question[:end], limit=5)], end


def test_nothing_typed_gives_the_first_topics_in_the_given_language(engine):
    assert Completer(engine).complete("  ", lang="zh") == engine.topics("zh", 25)
    assert Completer(engine).complete("", limit=3) == engine.topics("en", 3)


def test_limits_are_kept_and_nonsense_gets_nothing(engine):
    assert len(Completer(engine).complete("what", limit=25)) == 25
    assert all(len(r.question) <= 30 for r in Completer(engine).complete("what", max_chars=30))
    assert Completer(engine).complete("what is", max_chars=30)[0].question.endswith("…")
    assert Completer(engine).complete("xyzzy qqqq") == ()
    assert len({r.id for r in Completer(engine).complete("gpt")}) == len(Completer(engine).complete("gpt"))


def test_an_entry_in_one_language_is_offered_in_it(make_faq):
    faq_dir = make_faq({"a.yaml": SMALL_FAQ + """
- id: only-english
  questions:
    en: [What is a quince?]
  answer:
    en: A quince is a fruit.
"""})
    engine = build_engine(faq_dir)
    assert Completer(engine).complete("quin")[0].question == "What is a quince?"
    assert Completer(engine).complete("苹果")[0].question == "苹果是什么？"


def test_the_service_completes_from_the_faq_it_serves_now(engine, make_faq):
    service = Service(engine)
    assert service.complete("what is rl").choices[0].id == "rlhf"
    service.replace(build_engine(make_faq({"a.yaml": SMALL_FAQ})))
    assert service.complete("what is a p").choices[0].id == "fruit-pear"
