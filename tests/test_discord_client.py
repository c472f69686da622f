"""The Discord adapter end to end: the real discord.py client that `faqbot run discord` builds, run by
`adapters.discord.run`, against a local fake of Discord's REST API and gateway."""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
from collections.abc import Callable, Iterator

import discord
import pytest
from fake_discord import (
    APP_ID,
    BOT_USER,
    CHANNEL_ID,
    COMMAND_ID,
    DM_CHANNEL_ID,
    EPHEMERAL,
    FORUM_ID,
    GUILD_ID,
    FakeDiscord,
    Running,
    click,
    forum_post,
    in_channel,
    interaction,
    message_create,
    person,
    pointed_at,
    slash,
    typing_question,
)
from support import FAQ_DIR, Kept

from adapters.discord.client import build_client, intents
from adapters.discord.connection import refused_intents
from bot.engine import build_engine
from bot.serving import Service
from bot.serving.events import Voted
from bot.serving.flood import FloodRule

SECRET = "Gx7Qz9.not-a-real-secret-5f3a"
TOKEN = base64.b64encode(APP_ID.encode()).decode().rstrip("=") + "." + SECRET
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # server members, presence, message content
ROLE_ID = "1700000000000000001"


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    fake = FakeDiscord()
    yield fake
    fake.close()


@pytest.fixture
def start(engine, fake) -> Iterator[Callable[..., Running]]:
    """start(service=..., recorder=..., **build_client options) -> a running client, ready; all are stopped
    afterwards and discord.py's URLs are restored."""
    running: list[Running] = []
    with pointed_at(fake):
        def start(*, service: Service | None = None, recorder=None, wait: bool = True, **options) -> Running:
            client = build_client(service or Service(engine, recorder=recorder), **options)
            bot = Running(client, TOKEN)
            running.append(bot)
            if wait:
                fake.wait_until_connected(len(running))
            return bot

        yield start
        for bot in running:
            bot.stop()


@pytest.fixture
def bot(start) -> Running:
    return start()


def mention(fake: FakeDiscord, text: str, **options) -> dict:
    event = message_create(fake, f"<@{APP_ID}> {text}", mentions=(BOT_USER,), **options)
    fake.dispatch("MESSAGE_CREATE", event)
    return event


def custom_ids(body: dict) -> list[str]:
    return [c["custom_id"] for row in body.get("components", []) for c in row["components"]]


def callback(fake: FakeDiscord, event: dict, *, ok_only: bool = True):
    (sent,) = fake.wait_for("POST", f"/interactions/{event['id']}/", ok_only=ok_only)
    return sent


def wait_for_log(caplog, needle: str, timeout: float = 30.0) -> list[logging.LogRecord]:
    deadline = time.monotonic() + timeout
    while not (found := [r for r in caplog.records if needle in r.getMessage()]):
        assert time.monotonic() < deadline, f"no log line with {needle!r}: {caplog.text}"
        time.sleep(0.01)
    return found


# --- start-up --------------------------------------------------------------------------------------


def test_start_up_logs_in_with_the_token_and_syncs_the_commands_globally(bot, fake):
    assert fake.sent("GET", "/users/@me")[0].headers["Authorization"] == f"Bot {TOKEN}"
    (sync,) = fake.sent("PUT", f"/applications/{APP_ID}/commands")
    commands = {c["name"]: c for c in sync.body}
    assert {name: c["type"] for name, c in commands.items()} == {"faq": 1, "help": 1, "Ask FAQ": 3}  # 3: a message's menu
    (question,) = commands["faq"]["options"]
    assert (question["name"], question["type"], question["required"], question["autocomplete"]) == (
        "question", 3, True, True)
    assert not [r for r in fake.requests if r.status == 404]


def test_the_commands_have_chinese_names_and_descriptions_for_chinese_discord(bot, fake):
    (sync,) = fake.sent("PUT", f"/applications/{APP_ID}/commands")
    commands = {c["name"]: c for c in sync.body}
    assert commands["faq"]["name_localizations"] == {"zh-CN": "常见问题", "zh-TW": "常見問題"}
    assert commands["faq"]["description_localizations"]["zh-CN"] == "向 FAQ 提问（中文或英文）"
    assert commands["help"]["name_localizations"]["zh-CN"] == "帮助"
    assert commands["Ask FAQ"]["name_localizations"] == {"zh-CN": "问 FAQ", "zh-TW": "問 FAQ"}
    (question,) = commands["faq"]["options"]
    assert question["name_localizations"] == {"zh-CN": "问题", "zh-TW": "問題"}
    assert question["description_localizations"]["zh-TW"] == "你的問題：選一個提示，或者自己輸入"


def test_once_ready_the_invite_url_is_logged(bot, caplog):
    caplog.set_level(logging.INFO)
    bot.wait_ready()
    (line,) = wait_for_log(caplog, "invite it with")
    assert f"client_id={APP_ID}&scope=bot+applications.commands&permissions=274877990912" in line.getMessage()


def test_no_privileged_intent_is_asked_for(bot, fake):
    identify = fake.wait_until_identified()
    assert identify["intents"] & PRIVILEGED_INTENTS == 0
    assert identify["intents"] & (1 << 9) and identify["intents"] & (1 << 12)  # server and direct messages


def test_guild_id_syncs_the_commands_to_that_server(start, fake):
    start(guild_id=int(GUILD_ID))
    (sync,) = fake.sent("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    assert {c["name"] for c in sync.body} == {"faq", "help", "Ask FAQ"}
    assert not fake.sent("PUT", f"/applications/{APP_ID}/commands")


def test_the_sharded_client_asks_for_the_gateway_and_answers(start, fake, faq):
    start(sharded=True)
    assert fake.sent("GET", "/gateway/bot")
    assert fake.wait_until_identified()["shard"] == [0, 1]
    mention(fake, "what is rlhf?")
    (sent,) = fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
    assert sent.body["embeds"][0]["title"] == faq.get("rlhf").question("en")


def test_a_process_runs_only_the_shards_it_is_given(start, fake, faq):
    start(shard_count=3, shard_ids=(2,))
    assert fake.wait_until_identified()["shard"] == [2, 3]
    assert [i["shard"] for i in fake.gateway_state.identified] == [[2, 3]]  # shards 0 and 1 are elsewhere
    mention(fake, "what is rlhf?")
    (sent,) = fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
    assert sent.body["embeds"][0]["title"] == faq.get("rlhf").question("en")


# --- mentions and direct messages -----------------------------------------------------------------


def test_a_mention_gets_a_reply_to_that_message_with_the_answer_and_pings_nobody(bot, fake, faq):
    event = mention(fake, "what is rlhf?")
    (sent,) = fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
    assert str(sent.body["message_reference"]["message_id"]) == event["id"]
    assert sent.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    (embed,) = sent.body["embeds"]
    assert embed["title"] == "What is RLHF?"
    assert embed["description"] == faq.get("rlhf").answer["en"].strip()
    assert "You asked: what is rlhf?" in embed["footer"]["text"] and APP_ID not in sent.dump
    assert custom_ids(sent.body)[:2] == ["faqbot:up:en:rlhf", "faqbot:down:en:rlhf"]
    assert all(i.startswith("faqbot:topic:en:") for i in custom_ids(sent.body)[2:])


def test_a_direct_message_is_answered_in_chinese(bot, fake, faq):
    event = message_create(fake, "购买了 Azure OpenAI 就等于买了 ChatGPT 吗？", direct=True)
    fake.dispatch("MESSAGE_CREATE", event)
    (sent,) = fake.wait_for("POST", f"/channels/{DM_CHANNEL_ID}/messages")
    assert str(sent.body["message_reference"]["message_id"]) == event["id"]
    assert sent.body["embeds"][0]["description"] == faq.get("azure-openai-includes-chatgpt").answer["zh"].strip()
    assert sent.body["allowed_mentions"]["parse"] == []


def test_everyone_here_roles_and_people_in_a_question_ping_nobody(bot, fake):
    mention(fake, f"@everyone @here <@&{ROLE_ID}> <@1400000000000000005> how do I bake bread?",
            mention_everyone=True, mention_roles=(ROLE_ID,))
    (sent,) = fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
    assert sent.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    footer = sent.body["embeds"][0]["footer"]["text"]
    assert "bake bread" in footer
    for ping in ("@everyone", "@here", f"<@&{ROLE_ID}>", "<@1400000000000000005>"):
        assert ping not in sent.dump
    assert "@\u200beveryone" in footer


def test_messages_without_a_mention_from_bots_and_from_itself_are_ignored(bot, fake):
    fake.dispatch("MESSAGE_CREATE", message_create(fake, "What is GPT?"))  # in a server, no mention
    fake.dispatch("MESSAGE_CREATE", message_create(fake, f"<@{APP_ID}> What is GPT?", mentions=(BOT_USER,),
                                                   author=person("1400000000000000007", "otherbot", bot=True)))
    fake.dispatch("MESSAGE_CREATE", message_create(fake, "What is GPT?", direct=True, author=BOT_USER))
    fake.dispatch("MESSAGE_CREATE", message_create(fake, "@everyone What is GPT?", mention_everyone=True))
    answered = mention(fake, "What is ChatGPT?")
    # the events are handled in order, and the ignored ones are dropped before anything is awaited
    (sent,) = fake.wait_for("POST", "/channels/")
    assert str(sent.body["message_reference"]["message_id"]) == answered["id"]
    time.sleep(0.2)
    assert len(fake.sent("POST", "/channels/")) == 1


def test_a_message_delivered_twice_gets_one_reply(bot, fake):
    """A gateway that resumes may dispatch a message again; two replicas on one token each get it."""
    event = mention(fake, "What is GPT?")
    fake.dispatch("MESSAGE_CREATE", event)
    after = mention(fake, "What is RLHF?")  # handled in order: its reply comes after any to the repeat
    first, second = fake.wait_for("POST", "/channels/", 2)
    assert str(first.body["message_reference"]["message_id"]) == event["id"]
    assert str(second.body["message_reference"]["message_id"]) == after["id"]
    time.sleep(0.3)
    assert len(fake.sent("POST", "/channels/")) == 2


def test_a_bare_mention_and_an_odd_question_get_polite_replies(bot, fake):
    mention(fake, "")
    mention(fake, "？？？ " + "ж" * 3000)
    first, second = fake.wait_for("POST", "/channels/", 2)
    texts = [s.body["embeds"][0]["description"] for s in (first, second)]
    assert "Ask me a question" in texts[0] or "Ask me a question" in texts[1]
    assert any("the FAQ has no answer" in t for t in texts)


def test_every_question_is_recorded_with_where_it_was_asked(start, fake):
    kept = Kept()
    start(recorder=kept)
    mention(fake, "what is gpt?", author=person("1400000000000000042"))
    fake.wait_for("POST", "/channels/")
    (asked,) = kept.events
    assert (asked.kind, asked.entry_id, asked.question) == ("answer", "what-is-gpt", "what is gpt?")
    assert asked.where == type(asked.where)("discord", GUILD_ID, CHANNEL_ID, "1400000000000000042")


def test_the_flood_limit_answers_then_says_so_once_then_stays_quiet(start, fake, engine):
    start(service=Service(engine, flood=FloodRule(questions=2)))
    flooder = person("1400000000000000050")
    for _ in range(4):
        mention(fake, "What is GPT?", author=flooder)
    mention(fake, "What is GPT?", author=person("1400000000000000051"))
    fake.wait_for("POST", "/channels/", 4)
    time.sleep(0.2)
    sent = fake.sent("POST", "/channels/")
    assert len(sent) == 4
    assert sum("faster than I can keep up" in (s.body.get("content") or "") for s in sent) == 1
    over = slash(fake, "faq", {"question": "What is GPT?"}, user=flooder)
    fake.dispatch("INTERACTION_CREATE", over)
    reply = callback(fake, over)
    assert reply.body["data"]["flags"] == EPHEMERAL and "faster than" in reply.body["data"]["content"]


# --- /faq and its autocomplete --------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "first", "language"), [
    ("what is rl", "What is RLHF?", "en"),
    ("hw much txt", "How much text can GPT take at once (token limit)?", "en"),
    ("微调", "可以用我们自己的数据微调模型吗？", "zh"),
    ("开源大", "有哪些开源大模型？", "zh"),
])
def test_autocomplete_offers_the_best_matching_questions_in_the_typed_language(bot, fake, typed, first, language):
    event = typing_question(fake, typed)
    fake.dispatch("INTERACTION_CREATE", event)
    sent = callback(fake, event)
    assert sent.body["type"] == 8
    choices = sent.body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    assert choices[0]["name"] == first
    assert choices[0]["value"].startswith(f"faqbot:pick:{language}:")
    han = [any("\u4e00" <= ch <= "\u9fff" for ch in c["name"]) for c in choices]
    assert all(han) if language == "zh" else not any(han)


def test_a_keystroke_is_worked_out_on_the_engines_thread_not_the_event_loop(start, fake):
    ran_on = []  # (the event loop's thread, the thread the work ran on)

    async def engine(work):
        loop_thread = threading.current_thread()

        def run():
            ran_on.append((loop_thread, threading.current_thread()))
            return work()

        return await asyncio.to_thread(run)

    start(engine=engine)
    event = typing_question(fake, "what is rl")
    fake.dispatch("INTERACTION_CREATE", event)
    assert callback(fake, event).body["data"]["choices"][0]["name"] == "What is RLHF?"
    ((loop_thread, worker),) = ran_on
    assert worker is not loop_thread


def test_a_new_faq_is_served_with_its_completion_built(engine):
    service = Service(build_engine(FAQ_DIR, semantic="off"))
    service.replace(engine)
    assert set(service._serving[1]._indexes) == {"en", "zh"}  # built by the reload's thread, before the swap


def test_autocomplete_with_nothing_typed_offers_topics_in_the_users_language(bot, fake, engine):
    event = typing_question(fake, "", locale="zh-CN")
    fake.dispatch("INTERACTION_CREATE", event)
    choices = callback(fake, event).body["data"]["choices"]
    assert [c["name"] for c in choices] == [t.question for t in engine.topics("zh", 25)]


def test_slash_command_answers_only_the_asker_with_buttons(bot, fake, faq):
    event = slash(fake, "faq", {"question": "What is GPT?"})
    fake.dispatch("INTERACTION_CREATE", event)
    sent = callback(fake, event)
    assert sent.body["type"] == 4
    data = sent.body["data"]
    assert data["flags"] == EPHEMERAL and data["allowed_mentions"] == {"parse": []}
    assert data["embeds"][0]["title"] == "What is GPT?"
    assert data["embeds"][0]["description"] == faq.get("what-is-gpt").answer["en"].strip()
    assert custom_ids(data)[:3] == ["faqbot:up:en:what-is-gpt", "faqbot:down:en:what-is-gpt",
                                    "faqbot:share:en:what-is-gpt"]


def test_picking_an_autocomplete_choice_answers_exactly_that_entry(bot, fake, engine):
    assert engine.answer("azure openai").kind == "suggest"  # typed as free text, this asks "did you mean"
    typing = typing_question(fake, "azure openai diff")
    fake.dispatch("INTERACTION_CREATE", typing)
    choice = next(c for c in callback(fake, typing).body["data"]["choices"]
                  if c["name"] == "What is the difference between OpenAI and Azure OpenAI?")
    event = slash(fake, "faq", {"question": choice["value"]})
    fake.dispatch("INTERACTION_CREATE", event)
    data = callback(fake, event).body["data"]
    assert data["embeds"][0]["title"] == "What is the difference between OpenAI and Azure OpenAI?"
    assert "faqbot:share:en:openai-vs-azure-openai" in custom_ids(data)


def test_in_a_scoped_channel_autocomplete_and_picks_keep_to_its_topics_and_picks_are_recorded(start, fake, engine,
                                                                                             faq):
    kept = Kept()
    start(service=Service(engine, recorder=kept, channels={CHANNEL_ID: frozenset({"azure-openai"})}))
    typing = typing_question(fake, "what is")
    fake.dispatch("INTERACTION_CREATE", typing)
    offered = [c["value"].rsplit(":", 1)[-1] for c in callback(fake, typing).body["data"]["choices"]]
    assert offered and all("azure-openai" in faq.get(entry_id).tags for entry_id in offered)
    assert "rlhf" not in offered and "what-is-gpt" not in offered

    outside = slash(fake, "faq", {"question": "faqbot:pick:en:rlhf"})  # a value the client made up
    fake.dispatch("INTERACTION_CREATE", outside)
    assert "What is RLHF?" not in callback(fake, outside).dump
    inside = slash(fake, "faq", {"question": f"faqbot:pick:en:{offered[0]}"})
    fake.dispatch("INTERACTION_CREATE", inside)
    assert callback(fake, inside).body["data"]["embeds"][0]["title"] == faq.get(offered[0]).question("en")
    (recorded,) = kept.events
    assert (recorded.kind, recorded.reason, recorded.entry_id, recorded.where.channel) == (
        "answer", "picked", offered[0], CHANNEL_ID)


def test_free_text_that_is_not_a_choice_is_asked_and_may_get_did_you_mean(start, fake):
    kept = Kept()
    start(recorder=kept)
    event = slash(fake, "faq", {"question": "azure openai"})
    fake.dispatch("INTERACTION_CREATE", event)
    data = callback(fake, event).body["data"]
    assert data["flags"] == EPHEMERAL
    picks = custom_ids(data)
    assert len(picks) >= 2 and all(p.startswith("faqbot:pick:en:") for p in picks)
    assert [e.question for e in kept.events] == ["azure openai"]


def test_a_slow_answer_is_deferred_as_ephemeral_and_then_followed_up(start, fake):
    start(defer_after=0.0)
    event = slash(fake, "faq", {"question": "What is GPT?"})
    fake.dispatch("INTERACTION_CREATE", event)
    deferred = callback(fake, event)
    assert deferred.body == {"type": 5, "data": {"flags": EPHEMERAL}}
    (followup,) = fake.wait_for("POST", f"/webhooks/{APP_ID}/{event['token']}")
    assert followup.body["flags"] == EPHEMERAL and followup.body["embeds"][0]["title"] == "What is GPT?"
    assert followup.body["allowed_mentions"] == {"parse": []}


def test_help_lists_how_to_ask_and_the_topics(bot, fake, engine):
    event = slash(fake, "help", locale="zh-CN")
    fake.dispatch("INTERACTION_CREATE", event)
    data = callback(fake, event).body["data"]
    assert data["flags"] == EPHEMERAL and "/faq" in data["embeds"][0]["description"]
    labels = [c["label"] for row in data["components"] for c in row["components"]]
    assert labels == [t.question for t in engine.topics("zh", 25)]
    assert len(data["components"]) <= 5 and all(len(row["components"]) <= 5 for row in data["components"])


# --- buttons ---------------------------------------------------------------------------------------


def answered_privately(fake: FakeDiscord, question: str) -> dict:
    """The ephemeral message /faq answered `question` with, as Discord would show it to a click."""
    event = slash(fake, "faq", {"question": question})
    fake.dispatch("INTERACTION_CREATE", event)
    return callback(fake, event).answer["resource"]["message"]


def test_picking_a_suggestion_replaces_the_did_you_mean_with_the_answer(bot, fake):
    mention(fake, "azure openai")
    (suggested,) = fake.wait_for("POST", "/channels/")
    (button,) = [c for c in custom_ids(suggested.answer) if c.endswith(":openai-vs-azure-openai")]
    assert button.startswith("faqbot:pick:en:")
    event = click(fake, suggested.answer, button)
    fake.dispatch("INTERACTION_CREATE", event)
    sent = callback(fake, event)
    assert sent.body["type"] == 7
    assert sent.body["data"]["embeds"][0]["title"] == "What is the difference between OpenAI and Azure OpenAI?"
    assert "faqbot:share:en:openai-vs-azure-openai" not in custom_ids(sent.body["data"])


def test_a_related_question_in_a_channel_is_answered_for_everyone(bot, fake, faq):
    mention(fake, "what is rlhf?")
    (answer,) = fake.wait_for("POST", "/channels/")
    related = next(i for i in custom_ids(answer.body) if i.startswith("faqbot:topic:"))
    event = click(fake, answer.answer, related)
    fake.dispatch("INTERACTION_CREATE", event)
    data = callback(fake, event).body["data"]
    assert "flags" not in data or not data["flags"] & EPHEMERAL
    assert data["embeds"][0]["title"] == faq.get(related.rsplit(":", 1)[1]).question("en")


def test_share_posts_a_private_answer_in_the_channel(bot, fake):
    private = answered_privately(fake, "What is GPT?")
    assert private["flags"] == EPHEMERAL
    event = click(fake, private, "faqbot:share:en:what-is-gpt")
    fake.dispatch("INTERACTION_CREATE", event)
    data = callback(fake, event).body["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["embeds"][0]["title"] == "What is GPT?" and data["allowed_mentions"] == {"parse": []}
    assert "faqbot:share:en:what-is-gpt" not in custom_ids(data)


def test_votes_are_recorded_with_who_clicked_and_acknowledged_even_twice(start, fake, caplog):
    kept = Kept()
    start(recorder=kept)
    private = answered_privately(fake, "What is GPT?")
    voter = person("1400000000000000060")
    clicks = [click(fake, private, "faqbot:down:en:what-is-gpt", user=voter) for _ in range(2)]
    for event in clicks:
        fake.dispatch("INTERACTION_CREATE", event)
    for event in clicks:
        data = callback(fake, event).body["data"]
        assert data == {"tts": False, "content": "Thanks for the feedback!", "flags": EPHEMERAL,
                        "allowed_mentions": {"parse": []}}
    votes = [e for e in kept.events if isinstance(e, Voted)]
    assert [(v.entry_id, v.up, v.where.platform, v.where.user) for v in votes] == [
        ("what-is-gpt", False, "discord", voter["id"])] * 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_buttons_still_work_after_a_restart(start, fake):
    first = start()
    private = answered_privately(fake, "What is GPT?")
    first.stop()
    start()
    event = click(fake, private, "faqbot:share:en:what-is-gpt")
    fake.dispatch("INTERACTION_CREATE", event)
    assert callback(fake, event).body["data"]["embeds"][0]["title"] == "What is GPT?"


def test_a_button_for_an_entry_that_is_gone_says_so(bot, fake):
    private = answered_privately(fake, "What is GPT?")
    gone = "faqbot:topic:en:no-such-entry"  # a button sent before the entry was taken out of the FAQ
    private["components"][-1]["components"][0]["custom_id"] = gone
    event = click(fake, private, gone)
    fake.dispatch("INTERACTION_CREATE", event)
    data = callback(fake, event).body["data"]
    assert "no longer exists" in data["content"] and data["flags"] == EPHEMERAL


# --- Discord's refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "code", "message", "said"), [
    (404, 10062, "Unknown interaction", "10062 Unknown interaction"),
    (400, 40060, "Interaction has already been acknowledged.", "already acknowledged (40060)"),
])
@pytest.mark.parametrize("kind", ["command", "autocomplete", "button"])
def test_an_interaction_discord_refuses_is_one_log_line_without_traceback(bot, fake, caplog, status, code,
                                                                           message, said, kind):
    caplog.set_level(logging.INFO)
    if kind == "button":
        event = click(fake, answered_privately(fake, "What is GPT?"), "faqbot:up:en:what-is-gpt")
    else:
        event = slash(fake, "faq", {"question": "What is GPT?"}) if kind == "command" else typing_question(fake, "gp")
    fake.fail("POST", f"/interactions/{event['id']}/", status, code, message, times=3)  # Discord won't change its mind
    fake.dispatch("INTERACTION_CREATE", event)
    (line,) = wait_for_log(caplog, said)
    assert line.name == "faqbot.discord" and line.exc_info is None
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]
    time.sleep(0.1)
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


def test_an_interaction_delivered_twice_is_answered_once_and_logged_in_one_line(bot, fake, caplog):
    event = slash(fake, "faq", {"question": "What is GPT?"})
    fake.dispatch("INTERACTION_CREATE", event)
    callback(fake, event)
    fake.dispatch("INTERACTION_CREATE", event)
    (line,) = wait_for_log(caplog, "already acknowledged (40060)")
    assert line.exc_info is None and "Traceback" not in caplog.text
    assert len(fake.sent("POST", f"/interactions/{event['id']}/", ok_only=False)) == 2


@pytest.mark.parametrize(("code", "exit_code", "said"), [
    (4014, 1, "close code 4014"),
    (4004, 2, "DISCORD_TOKEN"),
])
def test_a_gateway_refusal_is_one_clear_line_and_a_failing_exit(start, fake, caplog, code, exit_code, said):
    fake.close_on_identify = code
    bot = start(wait=False)
    assert bot.wait_stopped() == exit_code
    (line,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert said in line.getMessage() and line.name == "faqbot.discord" and not line.exc_info
    if code == 4014:
        assert "Privileged Gateway Intents" in line.getMessage()
    assert "Traceback" not in caplog.text


def test_a_4014_names_the_privileged_intents_that_were_asked_for():
    assert refused_intents(intents()).endswith("though faqbot asks for none of the privileged ones "
                                               "(Message Content, Server Members, Presence)")
    assert refused_intents(discord.Intents(members=True)).endswith("(close code 4014): Server Members")
    assert refused_intents(intents(overhear=True)).endswith(
        "(close code 4014): Message Content (asked for to read help channels, forums and follow-ups: "
        "auto_answer.channels or discord.follow_ups is set)")


def test_a_refused_token_is_named_with_exit_2(start, fake, caplog):
    fake.fail("GET", "/users/@me", 401, 0, "401: Unauthorized")
    bot = start(wait=False)
    assert bot.wait_stopped() == 2
    (line,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "DISCORD_TOKEN" in line.getMessage() and "Reset Token" in line.getMessage()


def test_the_token_never_appears_in_any_log(start, fake, caplog):
    caplog.set_level(logging.DEBUG)
    start()
    mention(fake, "what is rlhf?")
    event = slash(fake, "faq", {"question": "What is GPT?"})
    fake.fail("POST", f"/interactions/{event['id']}/", 404, 10062, "Unknown interaction")
    fake.dispatch("INTERACTION_CREATE", event)
    fake.wait_for("POST", "/channels/")
    wait_for_log(caplog, "10062")
    assert fake.wait_until_identified()["token"] == TOKEN  # it was used...
    assert caplog.records and TOKEN not in caplog.text and SECRET not in caplog.text  # ...and never logged


# --- long answers ----------------------------------------------------------------------------------


def long_answer(chars: int) -> str:
    """Paragraphs of sentences of words of different lengths, `chars` characters or a little more."""
    words = ["model", "tokens", "a", "deployment", "Azure", "quota", "of", "responses", "internationalisation"]
    paragraphs, size, n = [], 0, 0
    while size < chars:
        sentences = []
        for _ in range(5):
            sentence = " ".join(words[(n + k * 7) % len(words)] for k in range(6 + n % 9)).capitalize() + "."
            sentences.append(sentence)
            n += 1
        paragraphs.append(" ".join(sentences))
        size = len("\n\n".join(paragraphs))
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize("chars", [2500, 9000, 30000])
def test_a_long_answer_is_split_cleanly_within_discords_limits(start, fake, make_faq, chars):
    import yaml

    answer = long_answer(chars)
    entry = {"id": "long", "questions": {"en": ["What is the long answer?"]}, "answer": {"en": answer},
             "sources": [f"https://example.org/{n}" for n in range(3)]}
    other = {"id": "short", "questions": {"en": ["What is the short answer?"]}, "answer": {"en": "Short."}}
    faq_dir = make_faq({"faq.yaml": yaml.safe_dump([entry, other], allow_unicode=True)})
    start(service=Service(build_engine(faq_dir)))
    mention(fake, "What is the long answer?")
    count = 1
    while not (sent := fake.wait_for("POST", "/channels/", count))[-1].body.get("components"):
        count += 1  # the buttons come with the last message
    descriptions = []
    for message in sent:
        embeds = message.body["embeds"]
        assert len(message.body.get("content") or "") <= 2000 and len(embeds) <= 10
        assert sum(len(e.get("title", "")) + len(e.get("description", "")) + len(e.get("footer", {}).get("text", ""))
                   + sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", [])) for e in embeds) <= 6000
        assert all(len(e.get("description", "")) <= 4096 and len(e.get("title", "")) <= 256 for e in embeds)
        assert message.body["allowed_mentions"]["parse"] == []
        descriptions += [e["description"] for e in embeds if e.get("description")]
    assert sent[0].body["embeds"][0]["title"] == "What is the long answer?"
    assert (len(sent) == 1) == (chars <= 4096)
    # nothing lost and no word cut: joined at the cuts with spaces, the words are the answer's words
    assert " ".join(descriptions).split() == answer.split()
    assert all(d.endswith(".") for d in descriptions)  # here a sentence always ends before the limit
    assert "https://example.org/2" in sent[-1].dump


# --- help forums and follow-ups in threads (the Message Content intent) -------------------------------


MESSAGE_CONTENT = 1 << 15
QUIET = 0.5  # seconds to wait before asserting that nothing more was sent




def new_post(fake, title: str, content: str) -> dict:
    thread, first = forum_post(fake, title, content)
    fake.dispatch("THREAD_CREATE", thread)
    fake.dispatch("MESSAGE_CREATE", first)
    return thread


def replies_in(fake, thread: dict) -> list:
    return fake.sent("POST", f"/channels/{thread['id']}/messages")


def test_a_help_forum_post_is_answered_in_its_thread_only_with_a_direct_answer(start, fake, engine, faq):
    service = Service(engine, auto_answer=frozenset({FORUM_ID}), follow_ups=frozenset({"discord"}))
    start(service=service, overhear=service.overhears("discord"))
    assert fake.wait_until_identified()["intents"] & MESSAGE_CONTENT  # asked for only because it is needed
    answered = new_post(fake, "ChatGPT with Azure?", "Does buying Azure OpenAI give me ChatGPT?")
    (reply,) = fake.wait_for("POST", f"/channels/{answered['id']}/messages")
    assert reply.body["embeds"][0]["title"] == faq.get("azure-openai-includes-chatgpt").question("en")
    unanswered = new_post(fake, "bread", "how do I bake sourdough bread?")
    vague = new_post(fake, "azure", "azure openai")
    time.sleep(QUIET)
    assert replies_in(fake, unanswered) == [] and replies_in(fake, vague) == []
    # the poster follows up in the thread, someone else chats there
    fake.dispatch("MESSAGE_CREATE", in_channel(message_create(fake, "and what is RLHF?"), answered["id"]))
    fake.dispatch("MESSAGE_CREATE", in_channel(message_create(fake, "what is RLHF?",
                                                              author=person("1400000000000000077", "other")),
                                               answered["id"]))
    fake.wait_for("POST", f"/channels/{answered['id']}/messages", count=2)
    time.sleep(QUIET)
    first, second = replies_in(fake, answered)
    assert second.body["embeds"][0]["title"] == faq.get("rlhf").question("en")


def test_without_help_channels_or_follow_ups_nothing_privileged_is_asked_and_chatter_is_not_read(start, fake):
    start()
    assert fake.wait_until_identified()["intents"] & PRIVILEGED_INTENTS == 0
    thread = new_post(fake, "q", "What is GPT?")
    time.sleep(QUIET)
    assert replies_in(fake, thread) == []


def test_ask_faq_on_a_message_answers_its_text_privately_with_a_share_button(bot, fake, faq):
    target = message_create(fake, "Does buying Azure OpenAI give me ChatGPT?", author=person("1400000000000000042"))
    data = {"id": COMMAND_ID, "name": "Ask FAQ", "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}}}
    event = interaction(fake, 2, data)
    fake.dispatch("INTERACTION_CREATE", event)
    body = callback(fake, event).body
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["embeds"][0]["title"] == faq.get("azure-openai-includes-chatgpt").question("en")
    assert "faqbot:share:en:azure-openai-includes-chatgpt" in custom_ids(body["data"])


def test_with_follow_ups_a_reply_to_the_bots_answer_needs_no_mention(start, fake, faq, engine):
    service = Service(engine, follow_ups=frozenset({"discord"}))
    start(service=service, overhear=service.overhears("discord"))
    mention(fake, "what is rlhf?")
    (answer,) = fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
    answer_message = fake.message(CHANNEL_ID, answer.body)
    follow_up = {**message_create(fake, "and what is GPT?"), "type": 19,
                 "message_reference": {"message_id": answer_message["id"], "channel_id": CHANNEL_ID,
                                       "guild_id": GUILD_ID},
                 "referenced_message": answer_message}
    fake.dispatch("MESSAGE_CREATE", follow_up)
    fake.dispatch("MESSAGE_CREATE", message_create(fake, "what is GPT?"))  # no reply, no mention: not to the bot
    first, second = fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages", count=2)
    time.sleep(QUIET)
    assert len(fake.sent("POST", f"/channels/{CHANNEL_ID}/messages")) == 2
    assert second.body["embeds"][0]["title"] == faq.get("what-is-gpt").question("en")
    assert str(second.body["message_reference"]["message_id"]) == follow_up["id"]


def test_a_help_forum_without_follow_ups_answers_posts_but_not_what_follows_in_their_threads(start, fake, engine):
    service = Service(engine, auto_answer=frozenset({FORUM_ID}), follow_ups=frozenset({"slack"}))
    start(service=service, overhear=service.overhears("discord"))
    answered = new_post(fake, "ChatGPT with Azure?", "Does buying Azure OpenAI give me ChatGPT?")
    fake.wait_for("POST", f"/channels/{answered['id']}/messages")
    fake.dispatch("MESSAGE_CREATE", in_channel(message_create(fake, "and what is RLHF?"), answered["id"]))
    time.sleep(QUIET)
    assert len(replies_in(fake, answered)) == 1
