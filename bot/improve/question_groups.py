"""Group questions that ask the same thing in other words, with the matcher's own normalisation.

Each text becomes its set of matcher terms (synonyms folded, stop words gone, Chinese as bigrams), so
"deploy kubernetes on azure" and "Azure Kubernetes deployment?" are one key. Keys are then joined
greedily, most asked first: a key joins the group whose first key shares the most weight with it
(weighted Dice), if that reaches `SAME`. A term weighs by how rare it is among the questions grouped,
so the words nearly all of them share ("azure", "how") do not pull different questions together.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.text import Synonyms, terms

SAME = 0.55  # weighted Dice from which two questions are one group: two of three terms shared, not one of two


@dataclass(frozen=True)
class QuestionGroup:
    question: str  # the text asked most often in the group
    count: int  # questions in the group, repeats included
    phrasings: tuple[str, ...]  # every distinct text, most asked first


def group_questions(asked: Iterable[tuple[str, int]], synonyms: Synonyms | None = None,
                    same: float = SAME) -> list[QuestionGroup]:
    """`asked` is (text, times asked); groups come most asked first."""
    by_key: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for text, count in asked:
        by_key[frozenset(terms(text, synonyms))][text.strip()] += count
    by_key.pop(frozenset(), None)  # nothing the matcher can use: punctuation, stop words
    df = Counter(t for key in by_key for t in key)
    weight = {t: math.log(1 + len(by_key) / n) for t, n in df.items()}
    leaders: list[tuple[frozenset[str], float]] = []  # each group's first key and its weight
    members: list[list[frozenset[str]]] = []
    holding: dict[str, list[int]] = defaultdict(list)  # term -> groups whose first key has it
    for key in sorted(by_key, key=lambda k: (-by_key[k].total(), sorted(k))):
        size = sum(weight[t] for t in key)
        best, best_score = None, same
        for g in _candidates(key, size, weight, holding, same):
            leader, leader_size = leaders[g]
            score = 2 * sum(weight[t] for t in key & leader) / (size + leader_size)
            if score >= best_score:
                best, best_score = g, score
        if best is None:
            best = len(leaders)
            leaders.append((key, size))
            members.append([])
            for t in key:
                holding[t].append(best)
        members[best].append(key)
    groups = []
    for keys in members:
        texts = Counter()
        for key in keys:
            texts.update(by_key[key])
        ranked = tuple(t for t, _ in sorted(texts.items(), key=lambda item: (-item[1], item[0])))
        groups.append(QuestionGroup(ranked[0], texts.total(), ranked))
    return sorted(groups, key=lambda g: (-g.count, g.question))


def _candidates(key: frozenset[str], size: float, weight: dict[str, float], holding: dict[str, list[int]],
                same: float) -> set[int]:
    """Groups that can reach `same`: Dice >= same needs shared weight >= same * size / 2, so a group
    sharing only the key's lightest terms, worth less than that together, cannot."""
    needed = same * size / 2
    ordered = sorted(key, key=lambda t: weight[t])
    light = 0.0
    found: set[int] = set()
    for t in ordered:
        light += weight[t]
        if light < needed:
            continue
        found.update(holding.get(t, ()))
    return found
