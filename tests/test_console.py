"""ConsoleSession end to end, one line per exchange (in the style of errbot's test backend)."""

from __future__ import annotations

import io

import pytest

from adapters.console import ConsoleSession, converse
from bot.engine import Engine, Thresholds
from bot.engine.view import Shape, plain_text
from bot.engine.wording import say
from bot.serving import Service


@pytest.fixture
def bot(engine) -> ConsoleSession:
    return ConsoleSession(Service(engine))


def test_question_gets_its_answer(bot, faq):
    assert bot.send("What is GPT?").entry_id == "what-is-gpt"
    assert faq.get("what-is-gpt").answer["en"] in bot.text("What is GPT?")


def test_chinese_question_gets_a_chinese_answer(bot, faq):
    assert bot.text("什么是 RLHF？").startswith(faq.get("rlhf").answer["zh"])


def test_greeting(bot):
    assert bot.send("hi").reason == "greeting"


def test_number_picks_a_related_entry(bot):
    options = bot.send("What is GPT?").options
    picked = bot.send("1")
    assert picked.entry_id == options[0].id
    assert picked.reason == "picked" and picked.title == options[0].label


def test_number_picks_the_nth_option(bot):
    options = bot.send("What is GPT?").options
    assert len(options) >= 2
    assert bot.send(" 2 \n").entry_id == options[1].id


def test_number_picks_a_suggestion(engine):
    bot = ConsoleSession(Service(Engine(engine.faq, thresholds=Thresholds(answer=1.01))))  # never sure: suggests
    reply = bot.send("What is GPT?")
    assert reply.shape is Shape.CHOICES and reply.reason == "unsure" and reply.choices[0].id == "what-is-gpt"
    assert bot.send("1").entry_id == "what-is-gpt"


def test_number_picks_one_of_the_greeting_topics(bot):
    topics = bot.send("hi").choices
    assert bot.send("3").entry_id == topics[2].id


def test_picking_then_picking_again_uses_the_new_reply(bot, faq):
    bot.send("What is GPT?")
    picked = bot.send("1")
    assert bot.send("1").entry_id == picked.related[0].id


def test_pick_keeps_the_conversation_language(bot, faq):
    bot.send("什么是 GPT？")
    reply = bot.send("1")
    assert reply.lang == "zh"
    assert reply.body == faq.get(reply.entry_id).answer["zh"]


def test_session_language_is_used_for_picks(engine, faq):
    bot = ConsoleSession(Service(engine), lang="zh")
    assert bot.send("What is GPT?").lang == "zh"
    assert bot.send("1").lang == "zh"


@pytest.mark.parametrize("number", ["0", "4", "99"])
def test_number_out_of_range_says_there_is_no_such_option(bot, number):
    options = bot.send("What is GPT?").options
    assert len(options) < 4
    reply = bot.send(number)
    assert reply.shape is Shape.NOTICE and reply.notice == "no_option"
    assert plain_text(reply) == say("en", "no_option").format(number, len(options))


def test_a_reply_with_one_option_says_it_is_the_only_one(make_faq):
    from support import SMALL_FAQ

    from bot.engine import build_engine

    bot = ConsoleSession(Service(build_engine(make_faq({"fruit.yaml": SMALL_FAQ}))))
    assert len(bot.send("What is an apple?").options) == 1  # its one related entry
    reply = bot.send("2")
    assert reply.notice == "no_option_one" and plain_text(reply) == say("en", "no_option_one").format(2)
    assert "only option 1" in plain_text(reply)


def test_no_such_option_is_said_in_the_askers_language_and_the_options_still_stand(bot):
    options = bot.send("什么是 GPT？").options
    reply = bot.send("99")
    assert reply.lang == "zh" and plain_text(reply) == say("zh", "no_option").format(99, len(options))
    assert bot.send("1").entry_id == options[0].id


def test_a_number_too_long_to_be_an_option_is_a_question(bot, engine):
    bot.send("What is GPT?")
    number = "10000000000000000000000"
    assert bot.send(number).reason == engine.answer(number).reason


@pytest.mark.parametrize("typed", ["２", "　２　", "2\n"])
def test_a_full_width_number_picks_like_an_ascii_one(bot, typed):
    options = bot.send("什么是 GPT？").options
    assert len(options) >= 2
    assert bot.send(typed).entry_id == options[1].id


def test_number_after_a_reply_without_options_picks_nothing(bot):
    assert bot.send("thanks").options == ()
    assert bot.send("1").notice == "no_options"


@pytest.mark.parametrize("number", ["１", "²", "①", "٣", "𝟙"])
def test_unicode_digits_do_not_crash(bot, number):
    bot.send("What is GPT?")
    reply = bot.send(number)  # a pick or a question, never an exception
    assert reply.shape in (Shape.ANSWER, Shape.CHOICES)


def test_the_conversation_reads_lines_until_quit(engine, faq):
    stdin = io.StringIO("What is GPT?\n\n1\nexit\nWhat is RLHF?\n")
    stdout = io.StringIO()
    converse(ConsoleSession(Service(engine)), stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    assert faq.get("what-is-gpt").answer["en"] in out
    assert faq.get("what-is-chatgpt").answer["en"] in out
    assert faq.get("rlhf").answer["en"] not in out


def test_a_number_with_nothing_to_pick_is_no_question_and_is_not_recorded(make_faq, tmp_path):
    from store_support import count
    from support import SMALL_FAQ

    from bot.engine import build_engine
    from bot.improve.store import open_store

    url = f"sqlite:///{tmp_path / 'faqbot.db'}"
    store = open_store(url)
    bot = ConsoleSession(Service(build_engine(make_faq({"fruit.yaml": SMALL_FAQ}), semantic="off"), recorder=store))
    first = bot.send("1")
    assert first.notice == "no_options" and plain_text(first) == say("en", "no_options")
    assert bot.send("梨是什么？").options == ()  # an answer with nothing to pick
    reply = bot.send("1")
    assert reply.notice == "no_options" and reply.lang == "zh" and plain_text(reply) == say("zh", "no_options")
    assert store.flush(timeout=10)
    store.close()
    assert count(url) == 1  # the question about pears, not the numbers


def test_a_number_before_anything_is_offered_is_answered_in_the_faqs_language(make_faq):
    from support import SMALL_FAQ

    from bot.engine import build_engine

    engine = build_engine(make_faq({"fruit.yaml": SMALL_FAQ}), semantic="off", language="zh")
    assert ConsoleSession(Service(engine)).send("1").lang == "zh"
