"""Labelled follow-ups and context-only entries: the loader checks them, questions never reach a context-only
entry (words, meaning, completion, help topics), a pick does, and the index cache keeps both."""

from __future__ import annotations

import pytest
from support import from_the_cache, line_no

from adapters.console import ConsoleSession
from bot.engine import build_engine
from bot.engine.complete import Completer
from bot.engine.loading import FaqError, load_faq
from bot.improve.lint import check
from bot.serving import Service

FLOW = """\
- id: printer-broken
  questions:
    en: [The office printer is not working, printer jammed]
  answer:
    en: Turn it off and on. Still broken?
  related:
    - {id: printer-still-broken, label: "Yes, still broken"}
    - printer-toner
- id: printer-still-broken
  context_only: true
  questions:
    en: [Still broken]
  answer:
    en: Open a ticket with facilities and put a note on the printer.
- id: printer-toner
  questions:
    en: [Where is the printer toner kept?]
  answer:
    en: In the cupboard next to the kitchen.
"""


@pytest.fixture
def flow(make_faq):
    return build_engine(make_faq({"printers.yaml": FLOW}))


def test_a_context_only_entry_is_never_answered_nor_offered(flow):
    for asked in ("Still broken", "still broken", "broken"):
        reply = flow.answer(asked)
        assert reply.entry_id != "printer-still-broken"
        assert "printer-still-broken" not in [s.id for s in reply.suggestions]
    assert "printer-still-broken" not in [t.id for t in flow.topics("en")]
    assert "printer-still-broken" not in [r.id for r in Completer(flow).complete("still bro")]
    assert flow.answer("Where is the printer toner kept?").entry_id == "printer-toner"


def test_follow_ups_carry_their_labels_and_a_pick_reaches_a_context_only_entry(flow):
    reply = flow.answer("The office printer is not working")
    assert [(r.id, r.question) for r in reply.related] == [
        ("printer-still-broken", "Yes, still broken"), ("printer-toner", "Where is the printer toner kept?")]
    bot = ConsoleSession(Service(flow))
    shown = bot.text("The office printer is not working")
    assert "1. Yes, still broken" in shown and "2. Where is the printer toner kept?" in shown
    assert "Open a ticket with facilities" in bot.text("1")


def test_lint_leaves_context_only_phrasings_alone(flow):
    assert check(flow) == []


def test_the_index_cache_keeps_labels_and_context_only(make_faq, tmp_path):
    restored = from_the_cache(make_faq({"printers.yaml": FLOW}), tmp_path / "cache")
    assert restored.faq.context_only == {"printer-still-broken"}
    assert restored.faq.get("printer-broken").related_labels == {"printer-still-broken": "Yes, still broken"}
    assert restored.answer("Still broken").entry_id != "printer-still-broken"
    assert restored.reply_for("printer-still-broken", "en").body.startswith("Open a ticket")


def test_meaning_never_answers_with_a_context_only_entry(make_faq):
    engine = build_engine(make_faq({"printers.yaml": FLOW}), semantic="on")
    fused = engine.fuse("the printer is still not fixed", [], 0.0)
    assert fused is not None and engine.faq.entries[fused.entry].id != "printer-still-broken"
    assert "printer-still-broken" not in [engine.faq.entries[i].id for i in fused.ranked]


@pytest.mark.parametrize("related, message, field", [
    ("[{label: Go on}]", "a follow-up needs `id:`", "related"),
    ("[{id: printer-toner, text: Go on}]", "unknown key 'text'", "related"),
    ("[{id: printer-toner, label: [a, b]}]", "expected text, got a list", "related.label"),
    ("[printer-toner, printer-toner]", "'printer-toner' is listed twice", "related"),
    ("printer-toner", "expected a list of entry ids", "related"),
    ("[{id: printer-nowhere, label: Go on}]", "unknown id 'printer-nowhere'", "related"),
])
def test_a_malformed_follow_up_is_named_by_file_line_entry_and_field(make_faq, related, message, field):
    text = FLOW.replace(FLOW[FLOW.index("  related:"):FLOW.index("- id: printer-still-broken")],
                        f"  related: {related}\n").replace("context_only: true", "context_only: false")
    with pytest.raises(FaqError) as err:
        load_faq(make_faq({"printers.yaml": text}))
    (problem,) = err.value.problems
    assert message in problem.message and problem.entry == "printer-broken" and problem.field == field
    assert problem.line in (line_no(text, "related:"), 1)
    assert problem.file.endswith("printers.yaml")


def test_context_only_must_be_true_or_false_and_reachable(make_faq):
    with pytest.raises(FaqError) as err:
        load_faq(make_faq({"printers.yaml": FLOW.replace("context_only: true", "context_only: sometimes")}))
    assert [(p.entry, p.field, p.message) for p in err.value.problems] == [
        ("printer-still-broken", "context_only", "expected true or false")]
    unlinked = FLOW.replace("    - {id: printer-still-broken, label: \"Yes, still broken\"}\n", "")
    with pytest.raises(FaqError) as err:
        load_faq(make_faq({"printers.yaml": unlinked}))
    (problem,) = err.value.problems
    assert problem.entry == "printer-still-broken" and "nobody can reach it" in problem.message
    assert problem.line == line_no(unlinked, "id: printer-still-broken")
