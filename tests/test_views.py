"""Every kind of reply, for every reason, through the one view and each platform's renderer: the same
lines, choices and buttons everywhere, in each platform's idiom."""

from __future__ import annotations

import discord
import pytest
from support import BINS

from adapters.console import TEXTS as CONSOLE
from adapters.discord.render import render as discord_render
from adapters.discord.texts import TEXTS as DISCORD
from adapters.slack.blocks import render as slack_render
from adapters.slack.texts import TEXTS as SLACK
from bot.engine import Engine, Thresholds, build_engine
from bot.engine.reply import Kind, Reason, Reply
from bot.engine.view import Note, Shape, notice, plain_text, view_of
from bot.engine.wording import TEXTS, say

QUESTIONS = {  # a question that gets each reason from the shipped FAQ
    Reason.CONFIDENT: "What is GPT?",
    Reason.AMBIGUOUS: "azure openai",
    Reason.NO_MATCH: "what is a transformer model in electrical engineering",  # with closest topics
    Reason.GREETING: "hello",
    Reason.THANKS: "thanks!",
    Reason.CLOSING: "ok, bye",
    Reason.HELP: "help",
    Reason.EMPTY: "",
}


@pytest.fixture(scope="module")
def replies(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> list[Reply]:
    """One reply for each reason (help as the engine gives it when asked for it)."""
    found = [engine.answer(question) for question in QUESTIONS.values()]
    found.append(engine.reply_for("rlhf", "zh", asked="什么是 RLHF？"))
    found.append(Engine(engine.faq, thresholds=Thresholds(answer=1.01)).answer("What is RLHF?"))  # never sure: unsure
    bins = tmp_path_factory.mktemp("bins")
    (bins / "bins.yaml").write_text(BINS, encoding="utf-8")
    found.append(build_engine(bins).answer("When will my bin be collected?"))  # a phrasing the words tie: as written
    return found


def slack_text(message) -> str:
    found = [message.text]
    for block in message.blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element["text"] if isinstance(element["text"], str) else element["text"]["text"])
    return "\n".join(found)


def discord_text(messages) -> str:
    found = []
    for message in messages:
        found.append(message.content or "")
        for embed in message.embeds:
            found += [embed.title or "", embed.description or "", embed.footer.text or ""]
            found += [f.value for f in embed.fields]
        found += [b.label for b in message.buttons]
    return "\n".join(found)


def test_the_questions_cover_every_reason(replies):
    assert {r.reason for r in replies} == set(Reason)
    assert {r.kind for r in replies} == set(Kind)


@pytest.mark.parametrize("private", [False, True])
def test_every_reply_shows_the_same_content_on_every_platform(replies, private):
    for reply in replies:
        view = view_of(reply, private=private)
        slack, on_discord, console = slack_text(slack_render(view)), discord_text(discord_render(view)), plain_text(
            view, CONSOLE)
        for line in view.lines + tuple(c.label for c in view.options):
            assert line in console, (reply.reason, line)
            assert discord.utils.escape_mentions(line) in on_discord, (reply.reason, line)
            assert line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in slack, (reply.reason, line)
        for note in view.intro + view.notes:
            assert say(view.lang, note, SLACK) in slack and say(view.lang, note, DISCORD) in on_discord
            assert say(view.lang, note, CONSOLE) in console
        votes = say(view.lang, "helpful", SLACK), say(view.lang, "helpful", DISCORD)
        share = say(view.lang, "share")
        if view.shape is Shape.ANSWER:
            assert view.body[:40] in console and view.body[:40] in on_discord and view.body[:40] in slack
            assert view.title in slack and view.title in on_discord  # a terminal shows the answer alone
            assert votes[0] in slack and votes[1] in on_discord
            assert (share in slack) is (share in on_discord) is private
        else:
            assert votes[0] not in slack and votes[1] not in on_discord and share not in slack + on_discord
        if view.asked:  # the person's own words: shown back in chat, not in the terminal they typed them in
            assert view.asked in slack and view.asked in on_discord


def test_what_each_reason_shows_is_decided_once(replies):
    by_reason = {r.reason: view_of(r) for r in replies}
    assert by_reason[Reason.CONFIDENT].votes and by_reason[Reason.CONFIDENT].asked == "What is GPT?"
    assert by_reason[Reason.CONFIDENT].matched is None  # it reads exactly like the question
    assert by_reason[Reason.PICKED].asked is None
    # answered as one tied entry's phrasing: shown like any answer, the phrasing being the question itself
    assert by_reason[Reason.AS_WRITTEN].votes and by_reason[Reason.AS_WRITTEN].matched is None
    assert all(by_reason[r].notes == (Note.BROWSE,) for r in (Reason.AMBIGUOUS, Reason.UNSURE, Reason.NO_MATCH))
    assert by_reason[Reason.HELP].intro == (Note.USAGE,)
    assert all(by_reason[r].asked is None for r in (Reason.GREETING, Reason.THANKS, Reason.CLOSING, Reason.HELP,
                                                      Reason.EMPTY))
    assert by_reason[Reason.HELP].choices and by_reason[Reason.GREETING].choices
    assert {c.action for c in by_reason[Reason.AMBIGUOUS].choices} == {"pick"}
    assert {c.action for c in by_reason[Reason.NO_MATCH].choices} == {"open"}


@pytest.mark.parametrize("texts", [SLACK, DISCORD, CONSOLE], ids=["slack", "discord", "console"])
def test_every_note_and_notice_has_words_on_every_platform_in_both_languages(texts):
    for lang in ("en", "zh"):
        for note in Note:  # how to browse and how to ask differ by platform: each must say it its own way
            assert texts[lang][note]
        for key in ("flood", "feedback_thanks", "gone", "elsewhere", "failed"):
            assert plain_text(notice(key, lang), texts)
    assert set(texts["en"]) == set(texts["zh"])
    assert set(TEXTS["en"]) == set(TEXTS["zh"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_notice_with_numbers_shows_them_on_every_platform(lang):
    view = notice("no_option", lang, args=("99", "25"))
    said = say(lang, "no_option").format("99", "25")
    assert plain_text(view, CONSOLE) == said
    assert slack_render(view).text == said
    assert discord_render(view)[0].content == said
