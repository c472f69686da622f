"""Prometheus metrics. A recorder, so the service feeds it exactly as it feeds the store."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.engine.reply import Reason
from bot.serving.events import Asked, Voted

# answers take well under a millisecond; the upper buckets catch a stalled process
LATENCY_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter("faqbot_questions", "Questions answered, by reply kind and platform",
                                 ["kind", "platform"], registry=self.registry)
        self.picks = Counter("faqbot_picks", "Entries people chose instead of asking (a suggestion, a topic, "
                             "an autocomplete choice), by platform", ["platform"], registry=self.registry)
        self.latency = Histogram("faqbot_answer_latency_seconds", "Time the engine took to answer one question",
                                 ["platform"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.feedback = Counter("faqbot_feedback", "Feedback clicks on answers", ["vote", "platform"],
                                registry=self.registry)
        self.reloads = Counter("faqbot_reloads", "FAQ reloads, by result (ok or failed)", ["result"],
                               registry=self.registry)
        self.entries = Gauge("faqbot_faq_entries", "Entries in the FAQ being served", registry=self.registry)
        self.buffer = Gauge("faqbot_store_buffer_depth", "Events waiting to be written to the store",
                            registry=self.registry)
        self.replies = Counter("faqbot_replies", "Replies an adapter sent or could not send, by platform and result "
                               "(sent, failed, gave_up, unknown, dropped, unsent)", ["platform", "result"],
                               registry=self.registry)
        self.reply_queue = Gauge("faqbot_reply_queue_depth", "Replies being answered or waiting to be sent",
                                 ["platform"], registry=self.registry)
        self.faq_version = Gauge("faqbot_faq_version_info", "The FAQ being served: 1 for its version (12 hex digits "
                                 "of its files' hash), so a rollout across replicas can be watched", ["version"],
                                 registry=self.registry)
        for result in ("ok", "failed"):
            self.reloads.labels(result)  # present at 0 from the start, so rates and alerts work

    def asked(self, event: Asked) -> None:
        if event.reason == Reason.PICKED:
            self.picks.labels(event.where.platform).inc()
            return
        self.questions.labels(event.kind, event.where.platform).inc()
        self.latency.labels(event.where.platform).observe(event.latency_ms / 1000)

    def voted(self, event: Voted) -> None:
        self.feedback.labels("up" if event.up else "down", event.where.platform).inc()

    def reloaded(self, ok: bool, entries: int | None = None) -> None:
        self.reloads.labels("ok" if ok else "failed").inc()
        if entries is not None:
            self.entries.set(entries)

    def serving(self, faq_version: str) -> None:
        self.faq_version.clear()
        self.faq_version.labels(faq_version).set(1)

    def replied(self, platform: str, result: str) -> None:
        self.replies.labels(platform, result).inc()

    def watch_replies(self, platform: str, depth: Callable[[], int]) -> None:
        self.reply_queue.labels(platform).set_function(depth)

    def watch_buffer(self, depth: Callable[[], int]) -> None:
        self.buffer.set_function(depth)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
