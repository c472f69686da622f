"""`faqbot why`: how a question was matched, by its words and, with a semantic stage, by its meaning."""

from __future__ import annotations

from bot.engine.answering import Engine, says_something
from bot.engine.fusion import VIEWS, Fusion
from bot.engine.matcher import Ranking
from bot.engine.semantic import Fused


def explain(engine: Engine, question: str, top: int) -> list[str]:
    ranking = engine.rank(question, limit=top)
    decided = engine.rank(question)  # the candidates the answer was decided on, whatever --top shows
    reply = engine.answer(question)
    candidates, lead, confidence = engine.assess(decided)
    lines = [f"terms: {' '.join(ranking.terms) or '(none)'}",
             f"decision: {reply.kind} ({reply.reason})" + (f" -> {reply.entry_id}" if reply.entry_id else "")
             + f" at {reply.score:.3f}; the words: confidence {confidence:.3f}, lead {lead:.3f}"]
    for rank, c in enumerate(ranking.candidates, start=1):
        flag = "  (closest to a not_question)" if c.negative else ""
        s = c.signals
        lines += [f"{rank}. {c.entry.id}  score {c.score:.3f}{flag}",
                  (f"   coverage {s.entry_coverage:.2f}  f1 {s.phrasing_f1:.2f}  fuzzy {s.fuzzy:.2f}  "
                   f"evidence {s.evidence:.2f}  unknown {s.unknown:.2f}"),
                  f"   matched: {c.phrasing}"]
    written = engine.as_written(decided, candidates, question)
    if written is not None:
        lines.append(f"the question is {written.entry.id}'s phrasing {written.phrasing!r} as written: answered with "
                     "it, though the words rank another as high")
    return lines + semantic_lines(engine, question, decided)


def semantic_lines(engine: Engine, question: str, ranking: Ranking | None = None) -> list[str]:
    """`ranking`: the words' ranking the answer was decided on, when the caller has it."""
    if engine.semantic is None:
        return ["semantic matching is off"]
    ranking = ranking or engine.rank(question)
    candidates, lead, confidence = engine.assess(ranking)
    if engine.as_written(ranking, candidates, question) is not None:
        return ["semantic: not consulted, the question is one entry's phrasing as written"]
    if engine.words_alone(ranking, candidates, lead, confidence):
        return [f"semantic: not consulted, the words answer alone (a phrasing asked as written, or confidence at "
                f"{engine.semantic.fusion.words:.2f} or more)"]
    if not says_something(question):
        return ["semantic: not consulted, the question has too few letters for the encoder to read (three, or a "
                "Chinese character)"]
    fused = engine.fuse(question, candidates, confidence)
    if fused is None:
        failed = engine.semantic.failed
        return [_unavailable(failed) if failed else "semantic: no entry to fuse"]
    broad = engine.too_broad(candidates, question)
    refused = [engine.faq.entries[i].id for i in fused.refused]
    overruled = [c.entry.id for c in ranking.candidates if c.negative and c.entry.id not in refused]
    return (_fused_lines(engine, fused, engine.semantic.fusion, broad)
            + [f"   never answers it: {entry} (it means one of its not_questions as much as any of its phrasings)"
               for entry in refused]
            + [f"   may answer it: {entry} (closest to one of its not_questions in words, not in meaning)"
               for entry in overruled])


def _unavailable(failed: str) -> str:
    return (f"semantic: unavailable ({failed}), the words decide; reload the FAQ or restart to try again, or set "
            f"matching.semantic to off")


def _fused_lines(engine: Engine, fused: Fused, fusion: Fusion, broad: bool) -> list[str]:
    s, read = fused.signals, dict(fused.inputs)
    if fused.probability >= fusion.answer and broad:
        where = "at or above answer, but a bare topic whose words tell no entry apart is asked back"
    elif fused.probability >= fusion.answer:
        where = "at or above answer"
    elif fused.probability >= fusion.suggest:
        where = "between them"
    else:
        where = "below suggest"
    closest = f"   closest phrasing: {fused.phrasing}"
    if fused.said is not None:
        closest = f"   closest: a sentence of its answer, {fused.said!r}  (closest phrasing: {fused.phrasing})"
    if read["answer"] > max(read["asked"], read["said"]):
        closest += f"  (the whole answer is closer: {read['answer']:.3f})"
    others = [engine.faq.entries[i].id + ("" if i in fused.offered or broad else " (too far behind to offer)")
              for i in fused.ranked[1:]]
    return [
        (f"semantic: {engine.faq.entries[fused.entry].id}  fused probability {fused.probability:.3f}  "
         f"(answer at {fusion.answer:.2f}, suggest at {fusion.suggest:.2f}: {where})"),
        closest,
        (f"   cosine to its closest phrasing {read['asked']:.3f}, answer sentence {read['said']:.3f}, answer "
         f"{read['answer']:.3f}, centre {read['centre']:.3f}; over everyday questions {s.over_background:.3f}"),
        (f"   its words in the question: of its phrasings {read['words_asked']:.2f}, of its answer "
         f"{read['words_answer']:.2f}; ranked first at odds {s.odds:+.2f}, lead {s.lead:.2f}, "
         f"over none of these {s.over_none:.2f}"),
        f"   views that rank it first: {round(s.votes * len(VIEWS))} of {len(VIEWS)}; "
        f"the words alone rank it first: {'yes' if s.agree else 'no'}"
        + (f"  runners-up: {', '.join(others)}" if others else ""),
    ]
