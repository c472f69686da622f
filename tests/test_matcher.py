"""Stage one has two strategies (dicts for small FAQs, numpy arrays for large ones); they
must rank alike. Tag scoping must be applied before the shortlist is cut."""

from __future__ import annotations

from support import EVAL_CASES

from bot.engine.answering import Context
from bot.engine.matcher import ArrayPostings, DictPostings, Matcher
from bot.improve.evaluate import load_cases


def test_both_stage_one_strategies_rank_alike(faq):
    small, large = Matcher(faq, stage_one=DictPostings), Matcher(faq, stage_one=ArrayPostings.from_postings)
    questions = [c.q for c in load_cases(EVAL_CASES, {e.id for e in faq.entries})]
    for question in questions:
        a, b = small.rank(question), large.rank(question)
        assert [(c.entry.id, round(c.score, 9)) for c in a.candidates] == [
            (c.entry.id, round(c.score, 9)) for c in b.candidates
        ], question


def test_tag_scoping_keeps_answers_inside_the_tags(engine):
    scoped = Context(tags=frozenset({"billing"}))
    billing = {e.id for e in engine.faq.entries if "billing" in e.tags}
    assert billing and len(billing) < len(engine.faq.entries)
    for question in ("What is RLHF?", "How is Azure OpenAI billed?", "ChatGPT Plus 多少钱？"):
        reply = engine.answer(question, scoped)
        assert reply.entry_id is None or reply.entry_id in billing, (question, reply.entry_id)
        assert {s.id for s in reply.suggestions} <= billing
    assert engine.answer("How is Azure OpenAI billed?", scoped).entry_id == "azure-openai-billing"


def test_tag_scoping_also_limits_the_topics_help_offers(engine):
    scoped = Context(tags=frozenset({"billing"}))
    billing = {e.id for e in engine.faq.entries if "billing" in e.tags}
    reply = engine.answer("help", scoped)
    assert reply.reason == "help" and {s.id for s in reply.suggestions} == billing
    assert len(engine.answer("help").suggestions) > len(billing)
