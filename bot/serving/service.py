"""What adapters talk to: the engine in service now, plus the recorders that keep what was asked."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace

from bot.engine.answering import Context, Engine, detect_language, in_scope
from bot.engine.complete import Completer
from bot.engine.reply import EntryRef, Reply
from bot.serving.events import Asked, NoRecorder, Recorder, Voted, Where
from bot.serving.inflight import InFlight

log = logging.getLogger("faqbot")


class Service:
    """Answers with the current engine (a reload swaps it), scopes channels to their tags, records
    every question and vote, and knows how many questions are being answered right now."""

    def __init__(self, engine: Engine, *, recorder: Recorder | None = None,
                 channels: Mapping[str, frozenset[str]] | None = None, log_bodies: bool = False) -> None:
        self._serving = (engine, Completer(engine))
        self.recorder = recorder or NoRecorder()
        self.channels = dict(channels or {})
        self.log_bodies = log_bodies
        self.answering = InFlight()

    @property
    def engine(self) -> Engine:
        return self._serving[0]

    def replace(self, engine: Engine) -> None:
        """Serve a new FAQ from the next question on; one already being answered finishes on the old one."""
        self._serving = (engine, Completer(engine))

    def answer(self, text: str, context: Context = Context(), where: Where = Where()) -> Reply:
        engine = self.engine  # one engine for the whole question, even if a reload lands meanwhile
        if context.tags is None:
            context = replace(context, tags=self.scope(where))
        with self.answering.track():
            started = time.perf_counter()
            reply = engine.answer(text, context)
            latency_ms = (time.perf_counter() - started) * 1000
        self._asked(text, reply, where, latency_ms)
        return reply

    def pick(self, entry_id: str, lang: str, where: Where) -> Reply | None:
        """An entry chosen as the question itself (an autocomplete choice): answered and recorded like a
        question. None when the entry is gone, or outside the channel's scope."""
        engine, started = self.engine, time.perf_counter()
        entry = engine.faq.get(entry_id)
        tags = self.scope(where)
        if entry is None or (tags is not None and not in_scope(entry, tags)):
            return None
        reply = engine.reply_for(entry_id, lang, asked=entry.question(lang))
        if reply is not None:
            self._asked(reply.asked, reply, where, (time.perf_counter() - started) * 1000)
        return reply

    def scope(self, where: Where) -> frozenset[str] | None:
        """The tags the entries answering in this channel must have; None: any entry."""
        return self.channels.get(where.channel)

    def language_of(self, text: str) -> str:
        return detect_language(text, self.engine.language)

    def reply_for(self, entry_id: str, lang: str, *, asked: str = "") -> Reply | None:
        return self.engine.reply_for(entry_id, lang, asked=asked)

    def topics(self, lang: str, limit: int | None = None, tags: frozenset[str] | None = None) -> tuple[EntryRef, ...]:
        return self.engine.topics(lang, limit, tags)

    def complete(self, typed: str, *, where: Where = Where(), lang: str | None = None, limit: int = 25,
                 max_chars: int = 100) -> tuple[EntryRef, ...]:
        completer = self._serving[1]
        return completer.complete(typed, lang=lang, tags=self.scope(where), limit=limit, max_chars=max_chars)

    def vote(self, entry_id: str, *, up: bool, where: Where) -> None:
        self._record(self.recorder.voted, Voted(at=time.time(), where=where, entry_id=entry_id, up=up))

    def _asked(self, text: str, reply: Reply, where: Where, latency_ms: float) -> None:
        event = Asked(at=time.time(), where=where, question=text, kind=reply.kind, reason=reply.reason,
                      lang=reply.lang, entry_id=reply.entry_id, score=reply.score, latency_ms=latency_ms)
        self._log(event)
        self._record(self.recorder.asked, event)

    def _log(self, event: Asked) -> None:
        facts = {"platform": event.where.platform, "kind": event.kind, "reason": event.reason,
                 "entry": event.entry_id, "score": round(event.score, 3), "latency_ms": round(event.latency_ms, 3)}
        if self.log_bodies:
            facts["question"] = event.question
        log.info("%s question: %s%s%s", event.where.platform, event.kind,
                 f" {event.entry_id}" if event.entry_id else "",
                 f" for {event.question!r}" if self.log_bodies else "", extra=facts)

    @staticmethod
    def _record(record, event) -> None:
        try:
            record(event)
        except Exception:  # a recorder's fault must never cost anyone an answer
            log.exception("recording %s failed", type(event).__name__)
