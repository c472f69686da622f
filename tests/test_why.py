"""`faqbot why`: the lexical candidates, and beside them what the semantic stage made of the question."""

from __future__ import annotations

import pytest
from support import BINS, HELPDESK, SMALL_FAQ

from bot.engine import build_engine
from bot.engine.fusion import Fusion
from bot.improve.why import explain


@pytest.fixture(scope="module")
def semantic(tmp_path_factory):
    directory = tmp_path_factory.mktemp("helpdesk")
    (directory / "faq.yaml").write_text(HELPDESK, encoding="utf-8")
    return build_engine(directory, semantic="on")


def test_the_semantic_signals_follow_the_lexical_ones(semantic):
    lines = explain(semantic, "vpn setup on my laptop", top=5)
    assert lines[1].startswith("decision: answer (confident) -> vpn")
    assert lines[2].startswith("1. vpn  score ")
    first = next(i for i, line in enumerate(lines) if line.startswith("semantic: "))
    assert first > 2 and len(lines) == first + 5
    assert lines[first].startswith("semantic: vpn  fused probability ")
    fusion = Fusion()
    assert lines[first].endswith(f"(answer at {fusion.answer:.2f}, suggest at {fusion.suggest:.2f}: at or above answer)")
    assert lines[first + 1] == "   closest phrasing: VPN setup"
    assert lines[first + 2].startswith("   cosine to its closest phrasing 0.")
    assert "over everyday questions " in lines[first + 2]
    assert lines[first + 3].startswith("   its words in the question: of its phrasings ")
    # why names every runner-up, and marks one a did-you-mean would leave out
    fused = semantic.fuse("vpn setup on my laptop", [], 0.0)
    far = "" if semantic.faq.position("vacation") in fused.offered else " (too far behind to offer)"
    assert lines[first + 4] == ("   views that rank it first: 7 of 7; the words alone rank it first: yes  "
                                f"runners-up: vacation{far}")


def test_a_phrasing_asked_as_written_is_answered_by_the_words_and_says_meaning_was_not_asked(semantic):
    lines = explain(semantic, "VPN setup", top=5)
    assert lines[1].startswith("decision: answer (confident) -> vpn")
    assert lines[2].startswith("1. vpn  score 1.000")
    assert lines[-1].startswith("semantic: not consulted, the words answer alone")


def test_meaning_alone_and_a_sentence_of_the_answer_closer_than_any_phrasing(semantic):
    lines = explain(semantic, "where do I get the GlobalProtect client", top=5)
    assert lines[1].startswith("decision: ")
    semantic_line = next(line for line in lines if line.startswith("semantic: "))
    assert semantic_line.startswith("semantic: vpn  fused probability ")
    closest = lines[lines.index(semantic_line) + 1]
    assert closest.startswith("   closest: a sentence of its answer, 'Install the GlobalProtect client")
    assert closest.endswith("(closest phrasing: How do I connect to the VPN?)")


def test_without_a_semantic_stage_one_line_says_so(make_faq):
    lines = explain(build_engine(make_faq({"fruit.yaml": SMALL_FAQ})), "What is an apple?", top=5)
    assert lines[-1] == "semantic matching is off"
    assert sum("semantic" in line for line in lines) == 1


def test_a_question_answered_as_written_among_entries_the_words_tie_says_so(make_faq):
    lines = explain(build_engine(make_faq({"bins.yaml": BINS})), "When will my bin be collected?", top=5)
    assert lines[1].startswith("decision: answer (as_written) -> collection-day")
    assert ("the question is collection-day's phrasing 'When will my bin be collected?' as written: answered with it, "
            "though the words rank another as high") in lines
