"""A number typed to the bot picks one of the options its last reply to that person showed there, on any platform,
as in the console: decided once, in Service."""

from __future__ import annotations

from support import Kept

from bot.engine.view import Shape
from bot.serving import Service, Where
from bot.serving.once import Recent
from bot.serving.service import OFFERS_KEPT, Question

HERE = Where("slack", "T1", "C1", "U1")


def test_kept_values_are_forgotten_after_their_time_and_past_their_number():
    now = [0.0]
    recent = Recent(10.0, size=2, clock=lambda: now[0])
    recent.put("a", 1)
    recent.put("b", 2)
    now[0] = 10.0
    assert recent.get("a") == 1
    now[0] = 10.5
    assert recent.get("a") is None
    recent.put("c", 3)
    recent.put("d", 4)  # "c" and "d" are the last two
    assert recent.get("b") is None and recent.get("c") == 3


def test_a_typed_number_picks_until_the_offer_is_old_and_only_for_the_person_it_was_offered_to(engine):
    recorded, now = Kept(), [0.0]
    service = Service(engine, recorder=recorded)
    service.offers = Recent(OFFERS_KEPT, clock=lambda: now[0])
    offered = service.ask(Question("azure openai", HERE))
    assert offered.shape is Shape.CHOICES and len(offered.options) == 3
    assert service.ask(Question("9", HERE)).shape is Shape.NOTICE  # "there is no option 9": nothing recorded
    picked = service.ask(Question("3", HERE))
    assert picked.shape is Shape.ANSWER and recorded.events[-1].entry_id == offered.options[2].id
    assert recorded.events[-1].reason == "picked" and recorded.events[-1].question == "azure openai"
    # the answer's related entries are what a number picks from next
    assert picked.options
    assert service.ask(Question("1", HERE)).title == engine.faq.get(picked.options[0].id).question("en")
    someone_else = service.ask(Question("2", Where("slack", "T1", "C1", "U2")))
    assert recorded.events[-1].reason != "picked" and recorded.events[-1].question == "2"
    assert someone_else is None or someone_else.shape is not Shape.ANSWER
    service.ask(Question("azure openai", HERE))
    now[0] += OFFERS_KEPT + 1
    service.ask(Question("2", HERE))
    assert recorded.events[-1].reason != "picked"  # an old offer: the number is a question again


def test_in_a_conversation_the_askers_number_picks_without_a_mention(engine):
    recorded = Kept()
    service = Service(engine, recorder=recorded)
    thread = "slack:T1:C1:1.0"
    offered = service.ask(Question("azure openai", HERE, thread=thread))
    picked = service.overhear(Question("2", HERE, thread=thread), top_level=False)
    assert picked.shape is Shape.ANSWER and recorded.events[-1].entry_id == offered.options[1].id
    # a new post of a bare number in the channel is nobody's pick
    assert service.overhear(Question("1", HERE), top_level=True) is None
