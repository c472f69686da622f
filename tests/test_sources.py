"""Sources under an answer: given as a list, or by language; those in the answer's language come first, and
one in another language says which, in the answer's language, on every platform."""

from __future__ import annotations

import pytest
from support import SMALL_FAQ, from_the_cache

from adapters.discord.render import render as discord_render
from adapters.slack.blocks import render as slack_render
from bot.engine import build_engine
from bot.engine.faq import Source
from bot.engine.loading import FaqError, load_faq
from bot.engine.view import plain_text, view_of
from bot.engine.wording import say

EN, ZH = "https://example.org/apple-en", "https://example.cn/apple-zh"
BY_LANGUAGE = SMALL_FAQ.replace('  sources: ["https://example.org/apple"]\n',
                                f'  sources:\n    zh: ["{ZH}"]\n    en: ["{EN}"]\n')


def label(lang: str, other: str) -> str:
    return say(lang, "in_language").format(say(lang, f"language_{other}"))


def test_sources_by_language_are_loaded_with_their_language(make_faq):
    apple = load_faq(make_faq({"fruit.yaml": BY_LANGUAGE})).get("fruit-apple")
    assert set(apple.sources) == {EN, ZH}
    assert apple.sources_for("en") == (Source(EN, "en"), Source(ZH, "zh"))
    assert apple.sources_for("zh") == (Source(ZH, "zh"), Source(EN, "en"))
    plain = load_faq(make_faq({"fruit.yaml": SMALL_FAQ}, name="plain")).get("fruit-apple")
    assert plain.sources_for("zh") == (Source("https://example.org/apple"),)


@pytest.mark.parametrize(("lang", "first", "other"), [("en", EN, ZH), ("zh", ZH, EN)])
def test_a_source_in_another_language_is_labelled_in_the_answers_language(make_faq, lang, first, other):
    engine = build_engine(make_faq({"fruit.yaml": BY_LANGUAGE}))
    view = view_of(engine.reply_for("fruit-apple", lang))
    tag = label(lang, "zh" if lang == "en" else "en")
    lines = plain_text(view).splitlines()
    assert lines[-2:] == [f"- {first}", f"- {other} {tag}"]
    assert f"<{other}> {tag}" in slack_render(view).text + str(slack_render(view).blocks)
    (message,) = discord_render(view)
    assert f"<{other}> {tag}" in message.embeds[-1].fields[0].value
    assert f"<{first}>\n" in message.embeds[-1].fields[0].value  # in the answer's language: no label


def test_sources_without_a_language_are_shown_as_they_are(make_faq):
    engine = build_engine(make_faq({"fruit.yaml": SMALL_FAQ}))
    entry = engine.faq.get("fruit-apple")
    text = engine.answer("苹果是什么？").text
    assert entry.sources and all(f"- {url}\n" in text + "\n" for url in entry.sources)
    assert "https://example.org/apple" in text and "(" not in text.split("https://example.org/apple")[1][:3]


def test_the_language_of_sources_survives_the_index_cache(make_faq, tmp_path):
    restored = from_the_cache(make_faq({"fruit.yaml": BY_LANGUAGE}), tmp_path / "cache")
    assert restored.faq.get("fruit-apple").sources_for("en") == (Source(EN, "en"), Source(ZH, "zh"))


@pytest.mark.parametrize(("sources", "problem"), [
    ('  sources:\n    fr: ["https://example.fr/pomme"]\n', "unsupported language 'fr'"),
    ('  sources:\n    en: ["the apple book"]\n', "'the apple book' is not a link"),
])
def test_bad_sources_by_language_are_named(make_faq, sources, problem):
    text = SMALL_FAQ.replace('  sources: ["https://example.org/apple"]\n', sources)
    with pytest.raises(FaqError) as raised:
        load_faq(make_faq({"fruit.yaml": text}))
    assert any(problem in p.message and p.entry == "fruit-apple" and (p.field or "").startswith("sources")
               for p in raised.value.problems), raised.value
