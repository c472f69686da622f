"""Messages not addressed to the bot (Service.overhear): a reply only when there is something worth saying."""

from __future__ import annotations

import time

import pytest
from support import Kept

from bot.engine.smalltalk import asks
from bot.serving import Service, Where
from bot.serving.events import Asked
from bot.serving.flood import FloodRule
from bot.serving.once import Recent
from bot.serving.service import Question


@pytest.mark.parametrize("text", ["what about azure?", "Azure OpenAI 怎么收费", "is it free", "能用中文吗",
                                  "any limits on tokens", "请问 GPT 是什么"])
def test_questions_read_as_questions(text):
    assert asks(text)


@pytest.mark.parametrize("text", ["azure openai", "we tried that on monday", "好的我明白了", "GPT-4 pricing"])
def test_remarks_do_not(text):
    assert not asks(text)


def in_thread(text: str, user: str = "U1", thread: str = "slack:T1:C1:1.0") -> Question:
    return Question(text, Where("slack", "T1", "C1", user), thread=thread)


def test_a_thread_is_followed_only_for_the_person_the_bot_replied_to(engine):
    kept = Kept()
    service = Service(engine, recorder=kept)
    assert service.overhear(in_thread("What is RLHF?"), top_level=False) is None  # nobody asked the bot here yet
    service.ask(in_thread("What is GPT?"))
    assert service.overhear(in_thread("What is RLHF?", user="U2"), top_level=False) is None
    followed = service.overhear(in_thread("What is RLHF?"), top_level=False)
    assert followed is not None and followed.entry_id == "rlhf"
    silent = [service.overhear(in_thread(t), top_level=False) for t in ("thanks!", "how do I bake bread?")]
    assert silent == [None, None]
    assert [e.question for e in kept.events if isinstance(e, Asked)] == ["What is GPT?", "What is RLHF?"]


def test_a_help_channel_gets_direct_answers_and_nothing_over_the_flood_limit(engine):
    service = Service(engine, auto_answer=frozenset({"C1"}), flood=FloodRule(questions=1))
    post = Question("Does buying Azure OpenAI give me ChatGPT?", Where("slack", "T1", "C1", "U1"),
                    thread="slack:T1:C1:2.0")
    assert service.overhear(post, top_level=True).entry_id == "azure-openai-includes-chatgpt"
    assert service.overhear(post, top_level=True) is None  # over the limit: no notice where nobody asked the bot
    elsewhere = Question("What is GPT?", Where("slack", "T1", "C2", "U3"))
    assert service.overhear(elsewhere, top_level=True) is None


def test_the_home_page_lists_every_topic_by_tag_and_the_most_asked_that_still_exist(engine, faq):
    service = Service(engine, most_asked=lambda: [("rlhf", 9), ("removed-since", 5), ("what-is-gpt", 2)])
    home = service.home("en")
    listed = [ref.id for _, refs in home.topics for ref in refs]
    assert sorted(listed) == sorted(e.id for e in faq.entries if faq.matchable(e))
    assert [tag for tag, _ in home.topics if tag] == sorted(tag for tag, _ in home.topics if tag)
    assert [ref.id for ref in home.most_asked] == ["rlhf", "what-is-gpt"]
    assert Service(engine).home("zh").most_asked == ()


def test_the_most_asked_are_read_once_for_many_home_pages(engine):
    reads = []
    service = Service(engine, most_asked=lambda: reads.append(1) or [("rlhf", 3)])
    assert [ref.id for ref in service.home("en").most_asked] == ["rlhf"]
    service.home("en")
    service.home("zh")
    assert len(reads) == 1


def test_a_home_page_does_not_wait_for_a_database_that_is_away(engine):
    import threading

    back = threading.Event()

    def slow():
        back.wait(30)
        return [("rlhf", 3)]

    service = Service(engine, most_asked=slow)
    shown = []
    opening = threading.Thread(target=lambda: shown.append(service.home("en").most_asked))
    opening.start()
    opening.join(10)
    assert not opening.is_alive() and shown == [()]  # shown without them while the database does not answer
    started = time.monotonic()
    for _ in range(20):  # pages opened while the read hangs do not each wait for it again
        assert service.home("zh").most_asked == ()
    assert time.monotonic() - started < 5  # 20 half-second waits would take 10 s
    assert service.home_for("U1", "en") is not None and service.home_for("U1", "en") is not None  # shown again
    back.set()
    deadline = time.monotonic() + 10
    while [ref.id for ref in service.home("en").most_asked] != ["rlhf"]:
        assert time.monotonic() < deadline, "the read that came back late was never shown"
        time.sleep(0.05)
    assert [ref.id for ref in service.home_for("U1", "en").most_asked] == ["rlhf"]  # the late read, once
    assert service.home_for("U1", "en") is None


def test_a_conversation_is_followed_for_its_time_only():
    now = [0.0]
    recent = Recent(max_age=10, clock=lambda: now[0])
    recent.add("slack:T1:C1:1.0:U1")
    now[0] = 9.5
    assert "slack:T1:C1:1.0:U1" in recent
    now[0] = 10.5
    assert "slack:T1:C1:1.0:U1" not in recent and "other" not in recent


def test_a_message_delivered_twice_is_answered_recorded_and_counted_once(engine):
    kept = Kept()
    service = Service(engine, recorder=kept, flood=FloodRule(questions=2), auto_answer=frozenset({"C1"}))
    twice = Question("What is GPT?", Where("slack", "T1", "C1", "U1"), key="slack:T1:C1:5.0")
    assert service.ask(twice) is not None and service.ask(twice) is None
    assert len(kept.events) == 1
    second = service.ask(Question("What is RLHF?", Where("slack", "T1", "C1", "U1")))
    assert second.entry_id == "rlhf"  # the 2nd of 2 a minute: the repeat did not count
    assert service.ask(Question("What is ChatGPT?", Where("slack", "T1", "C1", "U1"))).notice == "flood"
    # a message nobody listens for claims nothing: were it delivered again where it is listened for, it is answered
    elsewhere = Question("What is GPT?", Where("slack", "T1", "C9", "U2"), key="slack:T1:C9:6.0")
    assert service.overhear(elsewhere, top_level=True) is None
    assert service.first("slack:T1:C9:6.0")


def test_discord_reads_unaddressed_messages_only_when_a_channel_or_a_conversation_there_may_get_a_reply(engine):
    slack_only = Service(engine, auto_answer=frozenset({"C0123HELP"}), follow_ups=frozenset({"slack"}))
    assert slack_only.overhears("slack") and not slack_only.overhears("discord")
    assert Service(engine, auto_answer=frozenset({"112233445566778899"}), follow_ups=frozenset()).overhears("discord")
    assert Service(engine, follow_ups=frozenset({"slack", "discord"})).overhears("discord")
    assert not Service(engine, follow_ups=frozenset({"slack"})).overhears("discord")


def test_a_home_page_is_shown_once_a_while_per_person_and_again_when_the_faq_changes(engine):
    service = Service(engine)
    assert service.home_for("U1") is not None and service.home_for("U1") is None
    assert service.home_for("U2") is not None
    service.replace(engine)  # a reload serves the FAQ anew, even one with the same entries
    assert service.home_for("U1") is not None
