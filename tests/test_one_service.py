"""One Service behind Slack and Discord in one process: the flood limit, help, picks and scope are decided
there once, so both platforms behave alike (the real bolt app and discord.py client, against local fakes)."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator

import pytest
from fake_discord import (
    APP_ID,
    BOT_USER,
    CHANNEL_ID,
    FakeDiscord,
    Running,
    click,
    message_create,
    person,
    pointed_at,
    slash,
    typing_question,
)
from fake_slack import BOT_USER as SLACK_BOT_USER
from fake_slack import SECRET, SignedClient
from fake_slack import TOKEN as SLACK_TOKEN
from support import Kept
from test_discord_client import TOKEN, answered_privately, callback, custom_ids
from test_slack_app import QUIET, buttons, direct, mention

from adapters.discord.client import build_client
from adapters.slack.running import Settings, Slack
from bot.serving import Service
from bot.serving.flood import FloodRule

FLOODED = "faster than I can keep up"


def with_button(message: dict, custom_id: str) -> dict:
    """The message as a client that made up a button would send it back."""
    forged = copy.deepcopy(message)
    forged["components"][-1]["components"][0]["custom_id"] = custom_id
    return forged


@pytest.fixture
def both(engine, fake) -> Iterator[tuple[Service, Kept, SignedClient, FakeDiscord]]:
    """One service, with a flood limit of 2 and a channel on each platform scoped to azure-openai."""
    kept = Kept()
    service = Service(engine, recorder=kept, flood=FloodRule(questions=2),
                      channels={"CAZURE": frozenset({"azure-openai"}), CHANNEL_ID: frozenset({"azure-openai"})})
    slack = Slack(service, Settings(token=SLACK_TOKEN, signing_secret=SECRET, api_url=fake.api_url, host="127.0.0.1",
                                    port=0))
    discord_fake = FakeDiscord()
    with pointed_at(discord_fake):
        discord = Running(build_client(service), TOKEN)
        try:
            discord_fake.wait_until_connected()
            yield service, kept, SignedClient(f"http://127.0.0.1:{slack.port}/slack/events", SECRET), discord_fake
        finally:
            discord.stop()
            discord_fake.close()
            slack.stop(5)


def test_one_flood_rule_told_once_in_public_and_every_time_in_private_on_both_platforms(both, fake):
    service, kept, slack, discord = both
    for n in range(4):
        slack.event(direct("What is GPT?", user="UFLOOD", ts=f"1700000000.{n:06d}"), event_id=f"EvF{n}")
        discord.dispatch("MESSAGE_CREATE", message_create(discord, f"<@{APP_ID}> What is GPT?",
                                                          mentions=(BOT_USER,), author=person("1400000000000000050")))
    slack_sent = fake.wait_for("/api/chat.postMessage", 3)
    discord_sent = discord.wait_for("POST", "/channels/", 3)
    # a sentinel from someone else: once it is answered on each platform, nothing else is on its way
    slack.event(direct("What is RLHF?", user="UOTHER", ts="1700000001.000001"), event_id="EvOther")
    discord.dispatch("MESSAGE_CREATE", message_create(discord, f"<@{APP_ID}> What is RLHF?", mentions=(BOT_USER,),
                                                      author=person("1400000000000000051")))
    fake.wait_for("/api/chat.postMessage", 4)
    discord.wait_for("POST", "/channels/", 4)
    time.sleep(QUIET)  # listeners run side by side: give a wrongly answered fifth the time to show up
    slack_sent, discord_sent = fake.sent("/api/chat.postMessage"), discord.sent("POST", "/channels/")
    assert len(slack_sent) == len(discord_sent) == 4
    assert sum(FLOODED in s.body["text"] for s in slack_sent) == 1
    assert sum(FLOODED in (s.body.get("content") or "") for s in discord_sent) == 1
    # commands only the asker sees are told every time, on both platforms
    for n in range(2):
        slack.command("What is GPT?", user="UFLOOD", response_url=fake.response_url(f"over{n}"))
        assert FLOODED in fake.wait_for(f"/respond/over{n}")[0].body["text"]
        over = slash(discord, "faq", {"question": "What is GPT?"}, user=person("1400000000000000050"))
        discord.dispatch("INTERACTION_CREATE", over)
        assert FLOODED in callback(discord, over).body["data"]["content"]
    asked = [e for e in kept.events if e.where.user in ("UFLOOD", "1400000000000000050")]
    assert len(asked) == 4  # two answers a person, on each platform; the rest was never asked of the engine


@pytest.mark.parametrize("asked", ["", "help", "帮助"])
def test_help_is_not_a_question_and_shows_how_to_ask_on_both_platforms(both, fake, engine, asked):
    service, kept, slack, discord = both
    slack.command(asked, response_url=fake.response_url("help"))
    (sent,) = fake.wait_for("/respond/help")
    shown = sent.body["blocks"][0]["text"]["text"]
    assert "/faq" in shown and ("I answer questions from the FAQ" in shown or "我可以回答" in shown)
    slack.event(mention(f"<@{SLACK_BOT_USER}> {asked or 'help'}"), event_id="EvHelp")
    assert "/faq" in fake.wait_for("/api/chat.postMessage")[0].body["blocks"][0]["text"]["text"]
    asked = slash(discord, "help")
    discord.dispatch("INTERACTION_CREATE", asked)
    embed = callback(discord, asked).body["data"]["embeds"][0]
    assert "/faq" in embed["description"] and "I answer questions from the FAQ" in embed["description"]
    assert kept.events == []


def test_picks_keep_to_the_channel_scope_and_are_recorded_on_both_platforms(both, fake, faq):
    service, kept, slack, discord = both
    assert "azure-openai" not in faq.get("rlhf").tags and "azure-openai" in faq.get("azure-openai-billing").tags
    shown = answered_privately(discord, "How is Azure OpenAI billed?")  # a message with buttons to click on
    kept.events.clear()
    # forged choices of an entry outside the channel's topics
    slack.click("faq_related_0", "rlhf|en", response_url=fake.response_url("forged"), channel="CAZURE")
    assert "not answered in this channel" in fake.wait_for("/respond/forged")[0].body["text"]
    forged = click(discord, with_button(shown, "faqbot:topic:en:rlhf"), "faqbot:topic:en:rlhf")
    discord.dispatch("INTERACTION_CREATE", forged)
    assert "not answered in this channel" in callback(discord, forged).body["data"]["content"]
    assert kept.events == []
    # a choice inside it is answered and recorded as the asker's question
    slack.click("faq_pick_0", "azure-openai-billing|en", response_url=fake.response_url("pick"), channel="CAZURE")
    assert fake.wait_for("/respond/pick")[0].body["blocks"][0]["text"]["text"].startswith("*How is Azure OpenAI")
    picked = click(discord, with_button(shown, "faqbot:topic:en:azure-openai-billing"),
                   "faqbot:topic:en:azure-openai-billing")
    discord.dispatch("INTERACTION_CREATE", picked)
    assert callback(discord, picked).body["data"]["embeds"][0]["title"].startswith("How is Azure OpenAI")
    recorded = [(e.where.platform, e.reason, e.entry_id) for e in kept.events]
    assert recorded == [("slack", "picked", "azure-openai-billing"), ("discord", "picked", "azure-openai-billing")]
    # the answer offers only related entries this channel answers
    answer_buttons = fake.sent("/respond/pick")[0].body["blocks"]
    related = [e["value"] for b in answer_buttons if b["type"] == "actions" for e in b["elements"]
               if e["action_id"].startswith("faq_related_")]
    assert related and all("azure-openai" in faq.get(value.split("|")[0]).tags for value in related)
    assert "token-limit" in faq.get("azure-openai-billing").related  # which it would offer unscoped


def test_a_suggestion_that_cannot_be_answered_here_is_told_to_the_clicker_and_the_suggestions_stay(both, fake):
    service, kept, slack, discord = both
    slack.click("faq_pick_0", "rlhf|en", response_url=fake.response_url("stale"), channel="CAZURE")
    (sent,) = fake.wait_for("/respond/stale")
    assert sent.body["response_type"] == "ephemeral" and sent.body["replace_original"] is False


def test_a_vote_for_an_entry_that_does_not_exist_is_not_recorded(both, fake):
    service, kept, slack, discord = both
    slack.click("faq_feedback_up", "no-such-entry|en", response_url=fake.response_url("vote"))
    assert "no longer exists" in fake.wait_for("/respond/vote")[0].body["text"]
    slack.click("faq_feedback_up", "rlhf|en", response_url=fake.response_url("vote2"))
    assert "Thanks for the feedback" in fake.wait_for("/respond/vote2")[0].body["text"]
    assert [(type(e).__name__, e.entry_id) for e in kept.events] == [("Voted", "rlhf")]


def test_the_bot_mention_is_taken_out_once_for_both_platforms(both, fake, faq):
    service, kept, slack, discord = both
    slack.event(mention(f"<@{SLACK_BOT_USER}|faqbot> what is rlhf?"), event_id="EvM")
    fake.wait_for("/api/chat.postMessage")
    discord.dispatch("MESSAGE_CREATE", message_create(discord, f"<@!{APP_ID}> what is rlhf?", mentions=(BOT_USER,)))
    discord.wait_for("POST", "/channels/")
    assert [(e.where.platform, e.question) for e in kept.events] == [("slack", "what is rlhf?"),
                                                                      ("discord", "what is rlhf?")]


def test_a_pick_is_recorded_with_the_words_that_led_to_it_on_both_platforms(both, fake):
    service, kept, slack, discord = both
    slack.event(direct("azure openai", user="UWORDS"), event_id="EvWords")
    (suggested,) = fake.wait_for("/api/chat.postMessage")
    choice = buttons(suggested.body["blocks"])[0]
    slack.click(choice["action_id"], choice["value"], response_url=fake.response_url("pick"), channel="D1",
                user="UWORDS")
    related = [b for b in buttons(fake.wait_for("/respond/pick")[0].body["blocks"])
               if b["action_id"].startswith("faq_related_")]
    slack.click(related[0]["action_id"], related[0]["value"], response_url=fake.response_url("topic"), channel="D1",
                user="UWORDS")
    fake.wait_for("/api/chat.postMessage", 2)  # the topic, answered in a new message
    discord.dispatch("MESSAGE_CREATE", message_create(discord, f"<@{APP_ID}> azure openai", mentions=(BOT_USER,)))
    (shown,) = discord.wait_for("POST", "/channels/")
    picked = click(discord, shown.answer, custom_ids(shown.answer)[0])
    discord.dispatch("INTERACTION_CREATE", picked)
    callback(discord, picked)
    typing = typing_question(discord, "azure openai diff")
    discord.dispatch("INTERACTION_CREATE", typing)
    chosen = slash(discord, "faq", {"question": callback(discord, typing).body["data"]["choices"][0]["value"]})
    discord.dispatch("INTERACTION_CREATE", chosen)
    callback(discord, chosen)

    asked = {e.where.platform: e for e in kept.events if e.reason != "picked"}
    picks = [e for e in kept.events if e.reason == "picked"]
    assert [(e.where.platform, e.via, e.question) for e in picks] == [
        ("slack", "suggestion", "azure openai"), ("slack", "topic", "azure openai"),
        ("discord", "suggestion", "azure openai"), ("discord", "autocomplete", "azure openai diff")]
    assert picks[0].led_by == asked["slack"].lead and picks[1].led_by == picks[0].lead
    assert picks[2].led_by == asked["discord"].lead and None not in [e.led_by for e in picks]
    assert len({asked["slack"].lead, asked["discord"].lead, picks[0].lead, picks[3].led_by}) == 4


def test_a_number_typed_after_a_did_you_mean_picks_that_option_on_both_platforms(both, fake, faq):
    service, kept, slack, discord = both
    slack.event(direct("azure openai", user="UNUM"), event_id="EvNum1")
    (suggested,) = fake.wait_for("/api/chat.postMessage")
    second = buttons(suggested.body["blocks"])[1]["value"].split("|")[0]
    slack.event(direct("2", user="UNUM", ts="1700000000.000300"), event_id="EvNum2")
    picked = fake.wait_for("/api/chat.postMessage", 2)[1]
    assert picked.body["blocks"][0]["text"]["text"].startswith("*" + faq.get(second).question("en"))
    # another person's "2" in the same place picks nothing of theirs: it is read as a question
    slack.event(direct("2", user="UOTHER", ts="1700000000.000400"), event_id="EvNum3")
    fake.wait_for("/api/chat.postMessage", 3)

    discord.dispatch("MESSAGE_CREATE", message_create(discord, f"<@{APP_ID}> azure openai", mentions=(BOT_USER,)))
    (shown,) = discord.wait_for("POST", "/channels/")
    first = custom_ids(shown.answer)[0].rsplit(":", 1)[-1]
    discord.dispatch("MESSAGE_CREATE", message_create(discord, f"<@{APP_ID}> １", mentions=(BOT_USER,)))
    answer = discord.wait_for("POST", "/channels/", 2)[1].answer
    assert answer["embeds"][0]["title"] == faq.get(first).question("en")

    picks = [(e.where.platform, e.where.user, e.via, e.entry_id, e.question) for e in kept.events if e.reason == "picked"]
    assert picks == [("slack", "UNUM", "suggestion", second, "azure openai"),
                     ("discord", picks[1][1], "suggestion", first, "azure openai")]
    assert [e.question for e in kept.events if e.where.user == "UOTHER"] == ["2"]  # a question, not a pick
