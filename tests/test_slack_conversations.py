"""Where people already ask in Slack: a follow-up in a thread the bot answered needs no mention, and a help
channel's new posts are answered when the FAQ has the answer. The real bolt app against the fake Slack."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from fake_slack import BOT_USER, TEAM

QUIET = 0.5  # seconds to wait before asserting that nothing more was sent


def message(text: str, *, ts: str, thread_ts: str | None = None, user: str = "U1", channel: str = "C1") -> dict:
    event = {"type": "message", "channel_type": "channel", "user": user, "text": text, "ts": ts, "channel": channel,
             "event_ts": ts}
    return {**event, "thread_ts": thread_ts} if thread_ts else event


def mention(text: str, *, ts: str, user: str = "U1", channel: str = "C1") -> dict:
    return {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": channel,
            "event_ts": ts}


def posts(fake) -> list:
    return fake.sent("/api/chat.postMessage")


def test_a_follow_up_in_a_thread_the_bot_answered_is_answered_without_a_mention(slack, fake, faq):
    slack.event(mention("What is GPT?", ts="100.1"), event_id="Ev1")
    fake.wait_for("/api/chat.postMessage")
    slack.event(message("and what is RLHF?", ts="100.2", thread_ts="100.1"), event_id="Ev2")
    first, second = fake.wait_for("/api/chat.postMessage", count=2)
    assert second.body["thread_ts"] == "100.1"
    assert second.body["text"].startswith(faq.get("rlhf").answer["en"][:40])


def test_chatter_thanks_and_other_people_in_the_thread_get_nothing(slack, fake):
    slack.event(mention("What is GPT?", ts="200.1"), event_id="Ev1")
    fake.wait_for("/api/chat.postMessage")
    slack.event(message("thanks!", ts="200.2", thread_ts="200.1"), event_id="Ev2")
    slack.event(message("we tried that on monday, went fine", ts="200.3", thread_ts="200.1"), event_id="Ev3")
    slack.event(message("what is RLHF?", ts="200.4", thread_ts="200.1", user="U2"), event_id="Ev4")  # not the asker
    slack.event(message("what is RLHF?", ts="300.2", thread_ts="300.1"), event_id="Ev5")  # a thread it never joined
    time.sleep(QUIET)
    assert len(posts(fake)) == 1


def test_a_follow_up_that_is_unsure_gets_a_did_you_mean_only_when_it_asks(slack, fake):
    slack.event(mention("What is GPT?", ts="400.1"), event_id="Ev1")
    fake.wait_for("/api/chat.postMessage")
    slack.event(message("azure openai", ts="400.2", thread_ts="400.1"), event_id="Ev2")  # a remark
    time.sleep(QUIET)
    assert len(posts(fake)) == 1
    slack.event(message("what about azure openai?", ts="400.3", thread_ts="400.1"), event_id="Ev3")
    _, suggested = fake.wait_for("/api/chat.postMessage", count=2)
    assert any(b["action_id"].startswith("faq_pick") for block in suggested.body["blocks"]
               for b in block.get("elements", []) if isinstance(b, dict) and "action_id" in b)


def test_a_help_channel_post_is_answered_in_its_thread_only_when_the_faq_has_the_answer(serve, fake, faq):
    slack = serve(auto_answer=frozenset({"CHELP"}))
    slack.event(message("Does buying Azure OpenAI give me ChatGPT?", ts="500.1", channel="CHELP"), event_id="Ev1")
    (answered,) = fake.wait_for("/api/chat.postMessage")
    assert answered.body["channel"] == "CHELP" and answered.body["thread_ts"] == "500.1"
    assert answered.body["text"].startswith(faq.get("azure-openai-includes-chatgpt").answer["en"][:40])
    assert "faq_feedback_up" in answered.dump
    slack.event(message("how do I bake sourdough bread?", ts="501.1", channel="CHELP"), event_id="Ev2")  # no answer
    slack.event(message("azure openai", ts="502.1", channel="CHELP"), event_id="Ev3")  # a did-you-mean at best
    slack.event(message("What is GPT?", ts="503.1", channel="COTHER"), event_id="Ev4")  # not a help channel
    time.sleep(QUIET)
    assert len(posts(fake)) == 1
    # the poster's follow-up in the thread the bot answered is a conversation
    slack.event(message("and what is RLHF?", ts="500.2", thread_ts="500.1", channel="CHELP"), event_id="Ev5")
    fake.wait_for("/api/chat.postMessage", count=2)


def test_a_mention_in_a_channel_is_answered_once_not_also_overheard(slack, fake):
    ts = "600.1"
    slack.event(mention("What is GPT?", ts=ts), event_id="EvA")
    slack.event(message(f"<@{BOT_USER}> What is GPT?", ts=ts), event_id="EvB")
    fake.wait_for("/api/chat.postMessage")
    time.sleep(QUIET)
    assert len(posts(fake)) == 1


def ask_about(slack, text: str, *, ts: str, thread_ts: str | None = None, response_url: str, user: str = "U2"):
    """The message shortcut "Ask faqbot" on a message, as Slack posts it."""
    message = {"type": "message", "user": "U1", "text": text, "ts": ts, **({"thread_ts": thread_ts} if thread_ts else {})}
    payload = {"type": "message_action", "callback_id": "faqbot_ask", "trigger_id": "1.2.3", "team": {"id": TEAM},
               "channel": {"id": "C1", "name": "general"}, "user": {"id": user}, "message_ts": ts,
               "message": message, "response_url": response_url, "token": "legacy"}
    return slack.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def test_ask_faqbot_on_a_message_answers_it_in_its_thread_for_everyone(slack, fake, faq):
    answer = ask_about(slack, "Does buying Azure OpenAI give me ChatGPT?", ts="700.1",
                       response_url=fake.response_url("ask1"))
    assert answer.status == 200
    (sent,) = fake.wait_for("/api/chat.postMessage")
    assert sent.body["channel"] == "C1" and sent.body["thread_ts"] == "700.1"
    assert sent.body["text"].startswith(faq.get("azure-openai-includes-chatgpt").answer["en"][:40])


def test_ask_faqbot_on_a_message_the_faq_cannot_answer_tells_only_the_asker(slack, fake):
    ask_about(slack, "the build on main is red again", ts="800.2", thread_ts="800.1",
              response_url=fake.response_url("ask2"))
    (told,) = fake.wait_for("/respond/ask2")
    assert told.body["response_type"] == "ephemeral" and "no answer to that message" in told.dump
    time.sleep(QUIET)
    assert posts(fake) == []


def home_opened(user: str = "U1", tab: str = "home") -> dict:
    return {"type": "app_home_opened", "user": user, "channel": "D1", "tab": tab, "event_ts": "900.1"}


def test_opening_the_home_tab_publishes_the_topics_by_tag_once_and_a_click_answers_in_the_dms(slack, fake, faq):
    slack.event(home_opened(), event_id="EvHome1")
    (published,) = fake.wait_for("/api/views.publish")
    assert published.body["user_id"] == "U1" and published.body["view"]["type"] == "home"
    blocks = published.body["view"]["blocks"]
    shown = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(shown) == len([e for e in faq.entries if faq.matchable(e)])  # every topic, each once
    tags = {e.tags[0] for e in faq.entries if e.tags}
    titles = [b["text"]["text"].strip("*") for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("*")]
    assert set(titles) >= tags
    slack.event(home_opened(), event_id="EvHome2")  # opened again at once: nothing new to publish
    slack.event(home_opened(tab="messages"), event_id="EvHome3")  # the Messages tab: no Home to publish
    time.sleep(QUIET)
    assert len(fake.sent("/api/views.publish")) == 1
    gpt = next(e for e in shown if e["value"].startswith("what-is-gpt|"))
    payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U1"}, "api_app_id": "A1",
               "trigger_id": "1.2.3", "container": {"type": "view", "view_id": "V1"},
               "view": {"id": "V1", "type": "home"}, "actions": [{**gpt, "action_ts": "1.2"}]}
    slack.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    (answered,) = fake.wait_for("/api/chat.postMessage")
    assert answered.body["channel"] == "U1"
    assert answered.body["text"].startswith(faq.get("what-is-gpt").answer["en"][:40])


def test_ask_faqbot_in_a_channel_the_bot_is_not_in_tells_the_asker_privately(slack, fake):
    fake.fail("/api/chat.postMessage", 200, error="not_in_channel")  # Slack refuses with HTTP 200, ok: false
    ask_about(slack, "Does buying Azure OpenAI give me ChatGPT?", ts="710.1", response_url=fake.response_url("ask3"))
    (told,) = fake.wait_for("/respond/ask3")
    assert told.body["response_type"] == "ephemeral" and "let me send the answer" in told.dump
    assert "/invite @faqbot" in told.dump  # and how to fix it
