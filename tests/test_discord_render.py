"""Replies rendered for Discord: Discord's size limits, clean splits, escaping, buttons and their custom_ids."""

from __future__ import annotations

import discord
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.discord.invite import PERMISSIONS, SCOPES, application_id, invite_url
from adapters.discord.render import MAX_DESCRIPTION, render
from adapters.discord.views import EntryButton, custom_id, parse, view_for
from bot.engine import EntryRef, Reply
from bot.engine.faq import Source
from bot.engine.view import view_of
from bot.engine.wording import split_text


def show(reply: Reply, *, shareable: bool = False):
    """What the adapter renders for a reply, through the one platform-neutral view."""
    return render(view_of(reply, private=shareable))


WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
                min_size=1, max_size=30)
SEPARATORS = st.sampled_from([" ", "  ", "\n", "\n\n", ". ", "。", "! ", "？"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), min_size=1, max_size=400), st.integers(min_value=20, max_value=500))
def test_split_text_loses_nothing_and_keeps_each_piece_within_the_limit(parts, limit):
    text = "".join(word + separator for word, separator in parts)
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


# Chinese runs no spaces between words: a 。！？ or ； ends a sentence there, and may be cut after, anywhere
SPACED_WORDS = WORDS.filter(lambda word: not any(mark in word for mark in "。！？；"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SPACED_WORDS, st.sampled_from([" ", "\n", "\n\n", ". ", "! "])), min_size=1, max_size=400),
       st.integers(min_value=31, max_value=500))
@example(parts=[("0000000", "\n\n"), ("0" * 23, " ")], limit=31)  # only an early paragraph break to cut at
def test_split_text_cuts_between_words(parts, limit):
    text = "".join(word + separator for word, separator in parts)
    assert " ".join(split_text(text, limit)).split() == text.split()


def test_split_text_prefers_paragraphs_then_lines_then_sentences():
    first, second = "a" * 30 + " " + "b" * 30, "c" * 40
    assert split_text(f"{first}\n\n{second}", 110) == [f"{first}\n\n{second}"]
    assert split_text(f"{first}\n\n{second}", 70) == [first, second]
    assert split_text(f"{first}\n{second}", 70) == [first, second]
    assert split_text("这是第一句。" * 10 + "这是最后一句。", 40)[0] == "这是第一句。" * 6
    assert split_text("One two three. Four five six seven.", 20) == ["One two three.", "Four five six seven."]


def answer(body: str, *, related: int = 3, title: str = "What is it?", asked: str = "what is it") -> Reply:
    refs = tuple(EntryRef(f"entry-{n}", f"Question {n}?") for n in range(related))
    return Reply(kind="answer", lang="en", text=body, reason="confident", asked=asked, entry_id="entry",
                 title=title, body=body, matched="What is it?", related=refs, sources=(Source("https://example.org/a"),))


def test_an_answer_is_one_embed_with_title_answer_sources_and_the_question_in_the_footer():
    (message,) = show(answer("It is a thing.", asked="what is it??"), shareable=True)
    (embed,) = message.embeds
    assert (embed.title, embed.description) == ("What is it?", "It is a thing.")
    assert embed.fields[0].name == "Sources" and embed.fields[0].value == "<https://example.org/a>"
    assert embed.footer.text == "You asked: what is it??\nMatched: What is it?"
    assert [(b.action, b.entry_id) for b in message.buttons] == [
        ("up", "entry"), ("down", "entry"), ("share", "entry"), ("topic", "entry-0"), ("topic", "entry-1"),
        ("topic", "entry-2")]


def test_a_long_title_and_a_very_long_answer_fit_discords_limits():
    body = ("word " * 2000 + "\n\n") * 3
    messages = show(answer(body, title="T" * 400))
    assert len(messages) > 1 and all(not m.buttons for m in messages[:-1]) and messages[-1].buttons
    for message in messages:
        assert len(message.embeds) <= 10 and sum(len(e) for e in message.embeds) <= 6000
        assert all(len(e.description or "") <= MAX_DESCRIPTION for e in message.embeds)
    assert len(messages[0].embeds[0].title) == 256 and messages[0].embeds[0].title.endswith("…")
    assert " ".join(e.description for m in messages for e in m.embeds if e.description).split() == body.split()


def test_headings_deeper_than_discord_shows_are_raised_to_its_deepest_code_aside():
    body = "# Steps\n#### Before you start\n  ###### Fine print ##\n```\n#### a comment in code\n```\nDone."
    (message,) = show(answer(body))
    assert message.embeds[0].description == (
        "# Steps\n### Before you start\n  ### Fine print\n```\n#### a comment in code\n```\nDone.")


def test_mentions_echoed_from_the_question_are_neutralised():
    reply = Reply(kind="fallback", lang="en", text="", reason="no_match", asked="@everyone <@&123456789012345678> **x**")
    (message,) = show(reply)
    footer = message.embeds[0].footer.text
    assert "@everyone" not in footer and "<@&123456789012345678>" not in footer


def test_help_offers_at_most_25_topics_on_at_most_5_rows():
    topics = tuple(EntryRef(f"t-{n}", f"Topic {n}?") for n in range(40))
    (message,) = show(Reply(kind="fallback", lang="en", text="", reason="help", suggestions=topics))
    view = view_for(message.buttons)
    assert len(view.children) == 25
    assert {item.item.row for item in view.children} == {0, 1, 2, 3, 4}


def test_votes_and_topics_go_on_separate_rows():
    (message,) = show(answer("x", related=3), shareable=True)
    rows = [(item.action, item.item.row) for item in view_for(message.buttons).children]
    assert rows == [("up", 0), ("down", 0), ("share", 0), ("topic", 1), ("topic", 1), ("topic", 1)]


def test_a_did_you_mean_offers_pick_buttons_with_labels_shortened_to_80():
    refs = (EntryRef("a", "A" * 120), EntryRef("b", "B?"))
    (message,) = show(Reply(kind="suggest", lang="en", text="", reason="unsure", asked="x", suggestions=refs))
    assert [(b.action, b.entry_id) for b in message.buttons] == [("pick", "a"), ("pick", "b")]
    assert len(message.buttons[0].label) == 80


def test_custom_ids_round_trip_and_are_never_longer_than_100():
    value = custom_id("pick", "zh", "what-is-gpt")
    assert value == "faqbot:pick:zh:what-is-gpt" and parse(value) == ("pick", "zh", "what-is-gpt", None)
    led = custom_id("topic", "en", "what-is-gpt", "Xy_9-Ab3cD0")
    assert led == "faqbot:topic:en:Xy_9-Ab3cD0:what-is-gpt" and parse(led) == ("topic", "en", "what-is-gpt", "Xy_9-Ab3cD0")
    assert custom_id("pick", "en", "x" * 80, "Xy_9-Ab3cD0") == "faqbot:pick:en:" + "x" * 80  # no room: no lead
    assert custom_id("up", "en", "x" * 90) is None
    assert parse("what is gpt?") is None and parse("faqbot:nope:en:x") is None
    assert EntryButton("up", "en", "what-is-gpt").item.custom_id == "faqbot:up:en:what-is-gpt"
    assert view_for(show(answer("x", related=0))[0].buttons) is not None


def test_an_entry_id_too_long_for_a_custom_id_only_loses_its_buttons():
    reply = Reply(kind="suggest", lang="en", text="", reason="unsure",
                  suggestions=(EntryRef("x" * 95, "Long?"), EntryRef("short", "Short?")))
    view = view_for(show(reply)[0].buttons)
    assert [item.entry_id for item in view.children] == ["short"]


def test_the_invite_asks_for_exactly_send_messages_in_channels_and_threads_embed_links_and_history():
    assert PERMISSIONS.value == (1 << 11) | (1 << 14) | (1 << 16) | (1 << 38) == 274877990912
    granted = {name for name, allowed in discord.Permissions(PERMISSIONS.value) if allowed}
    assert granted == {"send_messages", "send_messages_in_threads", "embed_links", "read_message_history"}
    assert SCOPES == ("bot", "applications.commands")
    assert invite_url(42) == ("https://discord.com/oauth2/authorize?client_id=42"
                              "&scope=bot+applications.commands&permissions=274877990912")


@pytest.mark.parametrize(("env", "expected"), [
    ({"DISCORD_APPLICATION_ID": "1234567890123"}, 1234567890123),
    ({"DISCORD_TOKEN": "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx.secret"}, 1100000000000000001),
    ({"DISCORD_APPLICATION_ID": "42", "DISCORD_TOKEN": "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx.secret"}, 42),
    ({"DISCORD_TOKEN": "not base64!.x.y"}, None),
    ({"DISCORD_APPLICATION_ID": "abc"}, None),
    ({}, None),
])
def test_the_application_id_comes_from_the_setting_or_the_token(env, expected):
    assert application_id(env) == expected
