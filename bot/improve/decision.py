"""Which entry an unanswered question should become a phrasing of: the one the engine itself gives it, and
only when it does so with real confidence. Closeness of words alone would pick an entry that merely shares
one ("kubernetes pricing" and the entry on how Azure OpenAI is billed)."""

from __future__ import annotations

from bot.engine.answering import Engine
from bot.engine.reply import Kind, Reply


def entry_for(engine: Engine, question: str, reply: Reply) -> str | None:
    """The entry the engine answers `question` with; or, for a "did you mean", its first entry when the
    words alone are confident of it and tell it apart from the others, only a close runner-up held the
    answer back, and, with a semantic stage, the meaning agrees. When the words would have answered and
    the meaning doubted (with a semantic stage the Fusion decides), the doubt stands: None. `reply`: the engine's
    answer to `question`."""
    if reply.kind == Kind.ANSWER:
        return reply.entry_id
    if reply.kind != Kind.SUGGEST:
        return None
    candidates, lead, confidence = engine.assess(engine.rank(question))
    if not candidates or candidates[0].entry.id != reply.suggestions[0].id:
        return None
    best, t = candidates[0], engine.thresholds
    if not t.answers(confidence, t.margin, exact=best.signals.exact, evidence=best.signals.evidence):
        return None  # not sure of it, or too broad a question for any one entry ("azure openai")
    fused = engine.fuse(question, candidates, confidence)
    if fused is None:
        return best.entry.id
    if lead >= t.margin:
        return None
    agrees = engine.faq.entries[fused.entry].id == best.entry.id
    return best.entry.id if agrees and fused.probability >= engine.semantic.fusion.suggest else None
