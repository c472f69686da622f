"""Recorded questions for the report's and learn's tests: answered ones, small talk, and unanswered ones in
groups of paraphrases, spread over three days, each recorded as the engine really replied."""

from __future__ import annotations

import time

from store_support import voted

from bot.engine import Engine, Thresholds
from bot.improve.store import open_store
from bot.serving import Service
from bot.serving.events import Asked, Where
from bot.serving.service import Question, Via

DAY = 86400.0
ANSWERED = ["What is GPT?", "How is Azure OpenAI billed?", "What is RLHF?", "什么是 GPT？"]
SMALL_TALK = ["hello", "thanks!"]
KUBERNETES = {"How do I deploy Kubernetes on Azure?": 3, "kubernetes deployment on azure how": 2,
              "Can I deploy kubernetes to azure": 1}
AGI = {"what does AGI stand for in AI?": 3, "What does AGI stand for in AI": 1}
PAYROLL = {"Where do I find my payroll slip?": 2}


def record(store, engine: Engine, question: str, at: float, user: str = "U0REPORT") -> None:
    reply = engine.answer(question)
    store.asked(Asked(at=at, where=Where("slack", "T1", "C1", user), question=question, kind=reply.kind,
                      reason=reply.reason, lang=reply.lang, entry_id=reply.entry_id, score=reply.score,
                      latency_ms=1.0))


def fill_store(url: str, engine: Engine, now: float | None = None, *, keep_text: bool = True) -> None:
    if now is None:
        now = time.time()
        if now % DAY < 600:  # just past midnight UTC: keep the last day's questions on one side of it
            now -= now % DAY + 1
    with open_store(url, keep_text=keep_text) as store:
        for day in range(3):
            at = now - (2 - day) * DAY - 60
            for question in ANSWERED + SMALL_TALK:
                record(store, engine, question, at)
        for group in (KUBERNETES, AGI, PAYROLL):
            for question, times in group.items():
                for i in range(times):
                    record(store, engine, question, now - 120 - i)
        for i, up in enumerate([False, False, True]):
            store.voted(voted("azure-openai-billing", up=up, user=f"U{i}", at=now - 30))
        store.voted(voted("what-is-gpt", up=True, at=now - 30))
        store.asked(Asked(at=now - 200 * DAY, where=Where("slack", "T1", "C1", "U1"), question="an old question",
                          kind="fallback", reason="no_match", lang="en", entry_id=None, score=0.0, latency_ms=1.0))


def fill_picks(url: str, engine: Engine) -> None:
    """Questions asked and then picked from, through the service as the platforms drive it: four "did you mean"
    replies, three of them picked from (one twice), a no-answer's closest topic picked, a related topic picked
    after an answer, autocomplete choices, and a pick whose words the entry already has."""
    with open_store(url) as store:
        service = Service(engine, recorder=store)
        never_sure = Service(Engine(engine.faq, thresholds=Thresholds(answer=1.01)), recorder=store)

        def pick(asked: str, choice: int = 0, *, user: str, times: int = 1, via: Via = Via.SUGGESTION,
                 by: Service = service) -> None:
            where = Where("slack", "T1", "C1", user)
            view = by.ask(Question(asked, where))
            for _ in range(times):
                by.pick(view.options[choice].id, "en", where, via=via, lead=view.lead)

        pick("azure openai", 1, user="U1")
        pick("azure openai", 1, user="U2")
        service.ask(Question("azure openai", Where("slack", "T1", "C1", "U3")))  # not picked from
        pick("kubernetes pricing", user="U4", times=2)  # a double click
        pick("How do I deploy Kubernetes on Azure?", 1, user="U5", via=Via.TOPIC)
        pick("What is GPT?", user="U6", via=Via.TOPIC)  # a related topic of an answer
        pick("what is gpt", user="U7", by=never_sure)  # words the entry has
        for typed in ("azure openai diff", "what is rl"):
            offered = service.complete(typed)
            service.pick(offered.choices[0].id, "en", Where("discord", "G1", "C1", "U8"), via=Via.AUTOCOMPLETE,
                         lead=offered.lead)
