"""Run a set of {q, expect} cases through the engine and score it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.engine.answering import Engine
from bot.engine.loading import FaqError, Problem
from bot.engine.yamlsafe import Limits, YamlProblem, line_of, read_nodes


@dataclass(frozen=True)
class Case:
    q: str
    expect: str | None  # None: no direct answer is allowed
    line: int = 0


def load_cases(path: Path, known_ids: set[str], limits: Limits = Limits(max_file_bytes=16 * 1_048_576)) -> list[Case]:
    """Raises FaqError naming every bad case."""
    name = str(path)
    try:
        root = read_nodes(path, limits)
    except YamlProblem as err:
        raise FaqError([Problem(name, err.line, err.message)]) from None
    except OSError as err:
        raise FaqError([Problem(name, None, f"cannot be read ({err.strerror or err}): check the path")]) from None
    if not isinstance(root, yaml.SequenceNode):
        raise FaqError([Problem(name, None, "expected a list of cases, each `- q: ...` with `expect: <id or null>`")])
    cases, problems = [], []
    for node in root.value:
        fields = dict((k.value, v) for k, v in node.value) if isinstance(node, yaml.MappingNode) else {}
        q, expect = fields.get("q"), fields.get("expect")
        if not isinstance(q, yaml.ScalarNode) or not q.value.strip() or not isinstance(expect, yaml.ScalarNode):
            problems.append(Problem(name, line_of(node), "each case needs `q:` (the question) and `expect:` "
                                    "(an entry id, or null when no direct answer is allowed)"))
            continue
        expected = None if expect.tag.endswith(":null") else expect.value
        if expected is not None and expected not in known_ids:
            close = difflib.get_close_matches(expected, sorted(known_ids), n=1)
            problems.append(Problem(name, line_of(expect), f"expect names unknown entry '{expected}': "
                                    + (f"did you mean '{close[0]}'? " if close else "")
                                    + "use an id from the FAQ, or null"))
            continue
        cases.append(Case(q.value, expected, line_of(node)))
    if problems:
        raise FaqError(problems)
    return cases


def evaluate(engine: Engine, cases: list[Case]) -> dict:
    in_scope = [c for c in cases if c.expect is not None]
    out_of_scope = [c for c in cases if c.expect is None]
    top1 = wrong = hits = false_answers = 0
    failures = []
    for case in cases:
        reply = engine.answer(case.q)
        answered = reply.entry_id if reply.kind == "answer" else None
        offered = {answered, *(s.id for s in reply.suggestions)}
        if case.expect is None:
            ok = answered is None
            false_answers += not ok
        else:
            ok = answered == case.expect
            top1 += ok
            wrong += answered is not None and not ok
            hits += case.expect in offered
        if not ok:
            got = answered if answered is not None else [s.id for s in reply.suggestions]
            failures.append({"q": case.q, "expect": case.expect, "got": got, "kind": reply.kind})
    return {
        "cases": len(cases),
        "in_scope": len(in_scope),
        "out_of_scope": len(out_of_scope),
        "top1_accuracy": _rate(top1, len(in_scope)),
        "wrong_answer_rate": _rate(wrong, len(in_scope)),
        "suggest_hit_rate": _rate(hits, len(in_scope)),
        "oos_false_answer_rate": _rate(false_answers, len(out_of_scope)),
        "failures": failures,
    }


def _rate(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0
