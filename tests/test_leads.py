"""Leads: the words a person asked travel to their pick as a short token the service hands out, so that each
pick is recorded with the question that led to it; tokens a platform brings back are checked, and the words
kept for them are bounded in number and time."""

from __future__ import annotations

from support import Kept

from adapters.console import ConsoleSession
from bot.serving import Service, Where
from bot.serving.leads import MAX_WORDS, Leads
from bot.serving.service import Via


def test_a_console_pick_is_recorded_with_the_question_and_linked_to_its_reply(engine):
    kept = Kept()
    bot = ConsoleSession(Service(engine, recorder=kept))
    assert bot.send("azure openai").choices  # a "did you mean"
    bot.send("1")
    bot.send("1")  # a related topic of the picked answer
    asked, picked, onward = kept.events
    assert (picked.reason, picked.via, picked.question, picked.led_by) == ("picked", "suggestion", "azure openai",
                                                                          asked.lead)
    assert (onward.via, onward.question, onward.led_by) == ("topic", "azure openai", picked.lead)
    assert asked.led_by is None and asked.via is None


def test_a_reply_with_nothing_to_choose_hands_out_no_lead(engine):
    kept = Kept()
    service = Service(engine, recorder=kept)
    view = ConsoleSession(service).send("thanks!")
    assert view.options == () and view.lead is None and kept.events[0].lead is None


def test_a_lead_unknown_here_is_kept_as_a_link_and_a_malformed_one_is_dropped(engine):
    kept = Kept()
    service = Service(engine, recorder=kept)
    where = Where("slack", "T1", "C1", "U1")
    service.pick("rlhf", "en", where, via=Via.TOPIC)  # a button from before leads
    service.pick("rlhf", "en", where, via=Via.TOPIC, lead="Zz9_-from-else")  # another replica's, or a restart's
    service.pick("rlhf", "en", where, via=Via.TOPIC, lead="<script>alert(1)</script>")
    assert [(e.question, e.led_by) for e in kept.events] == [("", None), ("", "Zz9_-from-else"), ("", None)]


def test_an_autocomplete_lead_carries_what_was_typed(engine):
    kept = Kept()
    service = Service(engine, recorder=kept)
    offered = service.complete("what is rl")
    assert offered.lead and service.complete("").lead is None and service.complete("xyzzy qqqq").lead is None
    service.pick(offered.choices[0].id, "en", Where(), via=Via.AUTOCOMPLETE, lead=offered.lead)
    (picked,) = kept.events
    assert (picked.question, picked.via, picked.entry_id) == ("what is rl", "autocomplete", "rlhf")


def test_leads_are_bounded_in_number_and_time():
    now = [0.0]
    leads = Leads(size=3, ttl=60.0, clock=lambda: now[0])
    first = leads.keep("x" * 2000)
    assert leads.words(first) == "x" * MAX_WORDS
    tokens = [leads.keep(f"question {n}") for n in range(3)]
    assert leads.words(first) is None and leads.words(tokens[0]) == "question 0"  # the oldest made room
    now[0] = 61.0
    assert leads.words(tokens[2]) is None  # too old
    assert leads.words(leads.keep("fresh")) == "fresh"
    assert len({leads.keep("same") for _ in range(100)}) == 100 and all(len(t) <= 16 for t in tokens)


def test_a_lead_links_only_the_entries_it_offered(engine):
    kept = Kept()
    service = Service(engine, recorder=kept)
    where = Where("discord", "G1", "C1", "U1")
    view = ConsoleSession(service).send("azure openai")  # a "did you mean"
    offered = {c.id for c in view.choices}
    elsewhere = next(e.id for e in engine.faq.entries if e.id not in offered)
    service.pick(elsewhere, "en", where, via=Via.SUGGESTION, lead=view.lead)  # an option value typed by hand
    service.pick(view.choices[0].id, "en", where, via=Via.SUGGESTION, lead=view.lead)
    forged, honest = kept.events[1:]
    assert (forged.question, forged.led_by) == ("", None)
    assert (honest.question, honest.led_by) == ("azure openai", view.lead)


def test_autocomplete_keeps_one_lead_a_person_not_one_a_keystroke(engine):
    service = Service(engine, recorder=Kept())
    where = Where("discord", "G1", "C1", "U1")
    typed = [service.complete(text, where=where).lead for text in ("wha", "what is", "what is rl")]
    assert all(typed)
    assert [service.leads.words(t) for t in typed] == [None, None, "what is rl"]
    other = service.complete("what is", where=Where("discord", "G1", "C1", "U2")).lead
    assert service.leads.words(other) == "what is" and service.leads.words(typed[-1]) == "what is rl"
