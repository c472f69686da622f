"""The Slack adapter end to end: the real bolt App and HTTP server that `faqbot run slack` builds, driven
by signed requests, talking to a fake of Slack's Web API on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import time

import pytest
from fake_slack import BOT_ID, BOT_USER, TEAM, TOKEN, get
from support import Kept

from adapters.slack.blocks import escape, parse_value
from adapters.slack.texts import TEXTS
from bot.engine.wording import say

QUIET = 0.2  # seconds to wait before asserting that nothing more was sent


def mention(text: str, *, ts: str = "1700000000.000100", channel: str = "C1", user: str = "U1", **extra) -> dict:
    return {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel, "event_ts": ts, **extra}


def direct(text: str, *, ts: str = "1700000000.000200", channel: str = "D1", user: str = "U1", **extra) -> dict:
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts, "channel": channel,
            "event_ts": ts, **extra}


def texts(blocks: list[dict]) -> list[str]:
    """Every text in the blocks, in order: sections, context elements and buttons."""
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element["text"] if isinstance(element["text"], str) else element["text"]["text"])
    return found


def buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


# --- start-up and health ------------------------------------------------------------------------


def test_start_up_learns_the_bot_user_with_auth_test(slack, fake):
    assert len(fake.sent("/api/auth.test")) == 1
    assert fake.sent("/api/auth.test")[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_healthz_answers_200(slack):
    answer = get(slack.url.replace("/slack/events", "/healthz"))
    assert (answer.status, answer.body) == (200, "ok")


def test_url_verification_is_answered(slack):
    answer = slack.post(json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"}),
                        "application/json")
    assert answer.status == 200 and "abc123" in answer.body


# --- the /faq command -----------------------------------------------------------------------------


def test_slash_command_answers_ephemerally_through_response_url(slack, fake, faq):
    answer = slack.command("What is GPT?", response_url=fake.response_url("cmd"))
    assert answer.status == 200
    (sent,) = fake.wait_for("/respond/cmd")
    assert sent.body["response_type"] == "ephemeral"
    assert "What is GPT?" in sent.body["blocks"][0]["text"]["text"]
    assert sent.body["text"].startswith(faq.get("what-is-gpt").answer["en"][:50])
    assert [b["action_id"] for b in buttons(sent.body["blocks"])][-3:] == ["faq_feedback_up", "faq_feedback_down",
                                                                          "faq_share"]
    assert not fake.sent("/api/chat.postEphemeral") and not fake.sent("/api/chat.postMessage")


@pytest.mark.parametrize("text", ["", "help", "  "])
def test_slash_command_alone_or_help_lists_the_topics(slack, fake, engine, text):
    slack.command(text, response_url=fake.response_url("help"))
    (sent,) = fake.wait_for("/respond/help")
    assert sent.body["blocks"][0]["text"]["text"] == say("en", "usage", TEXTS) + "\n" + say("en", "help")
    topics = [b["text"]["text"] for b in buttons(sent.body["blocks"])]
    assert topics == [t.question for t in engine.topics("en", 25)]


def test_slash_command_in_chinese_is_answered_in_chinese(slack, fake, faq):
    slack.command("什么是 RLHF？", response_url=fake.response_url("zh"))
    (sent,) = fake.wait_for("/respond/zh")
    assert sent.body["text"].startswith(faq.get("rlhf").answer["zh"][:30])


def test_channel_ping_in_a_command_is_escaped_in_what_is_sent(slack, fake):
    slack.command("<!channel> <@U2> how do I bake bread?", response_url=fake.response_url("ping"))
    (sent,) = fake.wait_for("/respond/ping")
    assert "<!channel>" not in sent.dump and "<@U2>" not in sent.dump
    assert "&lt;!channel&gt; &lt;@U2&gt; how do I bake bread?" in sent.dump


# --- events ---------------------------------------------------------------------------------------


def test_app_mention_is_answered_in_a_thread_without_the_mention(slack, fake, faq):
    answer = slack.event(mention(f"<@{BOT_USER}> What is GPT?", ts="1700000000.000111"))
    assert answer.status == 200
    (sent,) = fake.wait_for("/api/chat.postMessage")
    assert sent.body["channel"] == "C1" and sent.body["thread_ts"] == "1700000000.000111"
    assert sent.body["text"].startswith(faq.get("what-is-gpt").answer["en"][:50])
    assert BOT_USER not in sent.dump
    assert "You asked: What is GPT?" in texts(sent.body["blocks"])[1]


def test_direct_message_is_answered(slack, fake, faq):
    slack.event(direct("Does buying Azure OpenAI give me ChatGPT?"))
    (sent,) = fake.wait_for("/api/chat.postMessage")
    assert sent.body["channel"] == "D1" and "thread_ts" not in sent.body
    assert sent.body["text"].startswith(faq.get("azure-openai-includes-chatgpt").answer["en"][:50])


def test_ambiguous_question_gets_suggestions_as_pick_buttons(slack, fake):
    slack.event(direct("azure openai"))
    (sent,) = fake.wait_for("/api/chat.postMessage")
    picks = buttons(sent.body["blocks"])
    assert len(picks) >= 2 and all(b["action_id"].startswith("faq_pick") for b in picks)
    assert all(parse_value(b["value"]).lang == "en" for b in picks)
    assert len({parse_value(b["value"]).lead for b in picks}) == 1  # the question's lead, for the pick to record


def test_channel_ping_in_a_mention_is_escaped_in_what_is_sent(slack, fake):
    slack.event(mention(f"<@{BOT_USER}> <!channel> <!here> <!everyone> how do I bake bread?"))
    (sent,) = fake.wait_for("/api/chat.postMessage")
    for ping in ("<!channel>", "<!here>", "<!everyone>"):
        assert ping not in sent.dump and escape(ping) in sent.dump


def test_messages_from_bots_from_itself_and_outside_dms_are_ignored(slack, fake):
    slack.event(direct("What is GPT?", channel="C1", channel_type="channel", ts="1.0"), event_id="Ev0")
    slack.event(direct("What is GPT?", subtype="bot_message", bot_id="B2", ts="1.1"), event_id="Ev1")
    slack.event(direct("What is GPT?", bot_id="B2", ts="1.2"), event_id="Ev2")
    slack.event(direct("What is GPT?", user=BOT_USER, bot_id=BOT_ID, ts="1.3"), event_id="Ev3")
    slack.event(direct("What is GPT?", subtype="message_changed", ts="1.4"), event_id="Ev4")
    slack.event(direct("What is ChatGPT?", ts="1.5"), event_id="Ev5")
    fake.wait_for("/api/chat.postMessage")
    time.sleep(QUIET)
    (sent,) = fake.sent("/api/chat.postMessage")
    assert "What is ChatGPT?" in sent.dump


def test_a_retried_event_gets_one_reply_and_a_2xx(slack, fake):
    event = direct("What is GPT?")
    assert slack.event(event, event_id="EvSame").status == 200
    assert slack.event(event, event_id="EvSame", retry=1).status == 200
    assert slack.event(event, event_id="EvSame", retry=2).status == 200
    fake.wait_for("/api/chat.postMessage")
    time.sleep(QUIET)
    assert len(fake.sent("/api/chat.postMessage")) == 1


def test_one_message_delivered_as_mention_and_as_message_gets_one_reply(slack, fake):
    ts = "1700000000.000333"
    slack.event(mention(f"<@{BOT_USER}> What is GPT?", channel="D7", ts=ts), event_id="EvA")
    slack.event(direct(f"<@{BOT_USER}> What is GPT?", channel="D7", ts=ts), event_id="EvB")
    fake.wait_for("/api/chat.postMessage")
    time.sleep(QUIET)
    assert len(fake.sent("/api/chat.postMessage")) == 1


def test_flood_limit_answers_ten_then_says_so_once_then_stays_quiet(slack, fake):
    for n in range(12):
        slack.event(direct("What is GPT?", user="UFLOOD", ts=f"1700000000.{n:06d}"), event_id=f"EvF{n}")
    fake.wait_for("/api/chat.postMessage", 11)
    time.sleep(QUIET)
    sent = fake.sent("/api/chat.postMessage")
    assert len(sent) == 11
    assert sum("faster than I can keep up" in s.body["text"] for s in sent) == 1
    slack.event(direct("What is GPT?", user="UOTHER", ts="1700000001.000001"), event_id="EvOther")
    fake.wait_for("/api/chat.postMessage", 12)


def test_channel_scoping_limits_the_answers_to_the_channel_tags(serve, fake, faq):
    slack = serve(channels={"CAZURE": frozenset({"azure-openai"})})
    assert "azure-openai" not in faq.get("what-is-gpt").tags
    slack.command("What is GPT?", channel="CAZURE", response_url=fake.response_url("scoped"))
    slack.command("What is GPT?", channel="COTHER", response_url=fake.response_url("open"))
    scoped, = fake.wait_for("/respond/scoped")
    opened, = fake.wait_for("/respond/open")
    assert faq.get("what-is-gpt").answer["en"][:50] not in scoped.body["text"]
    assert opened.body["text"].startswith(faq.get("what-is-gpt").answer["en"][:50])


# --- Web API errors -------------------------------------------------------------------------------


def test_rate_limited_post_is_retried_and_sent_exactly_once(slack, fake):
    fake.fail("/api/chat.postMessage", 429, {"Retry-After": "0"})
    slack.event(direct("What is GPT?"))
    fake.wait_for("/api/chat.postMessage")
    time.sleep(QUIET)
    assert len(fake.sent("/api/chat.postMessage")) == 1
    assert [r.status for r in fake.sent("/api/chat.postMessage", ok_only=False)] == [429, 200]


def test_server_errors_are_retried_within_bounds_then_the_user_is_told(slack, fake):
    fake.fail("/api/chat.postMessage", 503, times=3)  # the first try and both retries
    slack.event(direct("What is GPT?"))
    (sent,) = fake.wait_for("/api/chat.postMessage")
    assert "Please try again in a minute" in sent.body["text"]
    assert [r.status for r in fake.sent("/api/chat.postMessage", ok_only=False)] == [503, 503, 503, 200]


# --- buttons --------------------------------------------------------------------------------------


def test_picking_a_suggestion_replaces_the_did_you_mean_message(slack, fake):
    answer = slack.click("faq_pick_1", "openai-vs-azure-openai|en", response_url=fake.response_url("pick"))
    assert answer.status == 200
    (sent,) = fake.wait_for("/respond/pick")
    assert sent.body["replace_original"] is True
    assert "What is the difference between OpenAI and Azure OpenAI?" in sent.body["blocks"][0]["text"]["text"]
    assert "faq_share" not in sent.dump


def test_picking_in_an_ephemeral_reply_keeps_the_share_button(slack, fake):
    slack.click("faq_pick_0", "what-is-gpt|zh", response_url=fake.response_url("pick"), ephemeral=True)
    (sent,) = fake.wait_for("/respond/pick")
    assert "什么是 GPT？" in sent.body["blocks"][0]["text"]["text"]
    assert buttons(sent.body["blocks"])[-1]["action_id"] == "faq_share"


def test_related_button_answers_in_the_same_thread(slack, fake):
    slack.click("faq_related_0", "what-is-chatgpt|en", response_url=fake.response_url("rel"),
                message={"type": "message", "ts": "111.222", "thread_ts": "100.001", "text": "x"})
    (sent,) = fake.wait_for("/api/chat.postMessage")
    assert sent.body["channel"] == "C1" and sent.body["thread_ts"] == "100.001"
    assert "What is ChatGPT?" in sent.body["blocks"][0]["text"]["text"]


def test_related_button_in_an_ephemeral_reply_answers_ephemerally(slack, fake):
    slack.click("faq_related_2", "what-is-chatgpt|en", response_url=fake.response_url("rel"), ephemeral=True)
    (sent,) = fake.wait_for("/respond/rel")
    assert sent.body["response_type"] == "ephemeral" and sent.body["replace_original"] is False


def test_share_posts_the_answer_in_the_channel(slack, fake):
    slack.click("faq_share", "what-is-gpt|en", response_url=fake.response_url("share"), ephemeral=True)
    (sent,) = fake.wait_for("/respond/share")
    assert sent.body["response_type"] == "in_channel" and sent.body["replace_original"] is False
    assert "What is GPT?" in sent.body["blocks"][0]["text"]["text"] and "faq_share" not in sent.dump


def test_feedback_is_acknowledged_and_recorded_with_who_clicked(serve, fake, caplog):
    caplog.set_level(logging.DEBUG)
    kept = Kept()
    slack = serve(recorder=kept)
    slack.click("faq_feedback_down", "what-is-gpt|en", response_url=fake.response_url("vote"), user="UVOTER")
    (sent,) = fake.wait_for("/respond/vote")
    assert sent.body["text"] == "Thanks for the feedback!" and sent.body["replace_original"] is False
    (vote,) = kept.events
    assert (vote.entry_id, vote.up, vote.where.platform, vote.where.user) == ("what-is-gpt", False, "slack", "UVOTER")
    assert "UVOTER" not in caplog.text


def test_every_question_is_recorded_with_where_it_was_asked(serve, fake):
    kept = Kept()
    slack = serve(recorder=kept)
    slack.event(mention(f"<@{BOT_USER}> what is gpt?", channel="C9", user="UASKER"))
    fake.wait_for("/api/chat.postMessage")
    (asked,) = kept.events
    assert (asked.kind, asked.entry_id, asked.question) == ("answer", "what-is-gpt", "what is gpt?")
    assert (asked.where.platform, asked.where.workspace, asked.where.channel, asked.where.user) == (
        "slack", TEAM, "C9", "UASKER")
    assert asked.latency_ms > 0 and asked.score > 0.5


def test_a_button_for_an_entry_that_is_gone_says_so(slack, fake):
    slack.click("faq_pick_0", "no-such-entry|en", response_url=fake.response_url("gone"))
    (sent,) = fake.wait_for("/respond/gone")
    assert "no longer exists" in sent.body["text"]


# --- request signing ------------------------------------------------------------------------------


@pytest.mark.parametrize("options", [
    {"signature": "v0=" + "0" * 64},
    {"timestamp": -6 * 60},
    {"timestamp": 6 * 60},
    {"timestamp": None},
], ids=["bad-signature", "old", "future", "missing"])
def test_unsigned_or_stale_requests_get_401_and_do_nothing(slack, fake, options):
    if isinstance(options.get("timestamp"), int):  # seconds from now, when the test runs, not when collected
        options = {"timestamp": str(int(time.time()) + options["timestamp"])}
    answer = slack.command("What is GPT?", response_url=fake.response_url("no"), **options)
    assert answer.status == 401
    time.sleep(QUIET)
    assert not fake.sent("/respond/")


@pytest.mark.parametrize("timestamp", ["soon", "1e9", "9" * 5000, "-1700000000"],
                         ids=["not-a-number", "float-like", "5000-digits", "negative"])
def test_a_timestamp_that_is_not_a_number_of_seconds_gets_400_and_does_nothing(slack, fake, timestamp, caplog):
    answer = slack.command("What is GPT?", response_url=fake.response_url("no"), timestamp=timestamp)
    assert answer.status == 400
    time.sleep(QUIET)
    assert not fake.sent("/respond/")
    (line,) = [r for r in caplog.records if r.name.startswith("faqbot")]
    assert "not a number" in line.getMessage() and not line.exc_info


def test_other_paths_are_404(slack):
    assert get(slack.url.replace("/slack/events", "/nope")).status == 404
