"""Group questions that ask the same thing in other words: by their words first, then, with an encoder, by
meaning.

Words: each text becomes its set of matcher terms (synonyms folded, stop words gone, Chinese as bigrams), so
"deploy kubernetes on azure" and "Azure Kubernetes deployment?" are one key. Keys are then joined greedily,
most asked first: a key joins the group whose first key shares the most weight with it (weighted Dice), if
that reaches `SAME` and the key has that first key's subject, its most specific term. A term weighs by how
rare it is among the questions grouped, so the words nearly all of them share ("azure", "how") do not pull
different questions together; and everyday words ("setup guide", "how much") make no subject, so
"kubernetes setup guide" and "payroll setup guide" stay apart.

Meaning: the groups the words made, most asked first and at most `MEANING_GROUPS` of them, are joined by
average linkage over their sentence embeddings while the closest two are paraphrases (cosine `PARAPHRASE`),
which brings together what is asked in other words or another language.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy

from bot.engine.encoder import Encoder
from bot.engine.semantic import PARAPHRASE
from bot.engine.text import Synonyms, has_han, terms
from bot.engine.word_frequency import english_zipf, novelty

SAME = 0.55  # weighted Dice from which two questions are one group: two of three terms shared, not one of two
MEANING_GROUPS = 300  # the most asked groups joined by meaning: the encoder takes some 10 ms a text
TEXTS_PER_GROUP = 3  # the most asked texts of a group stand for it


@dataclass(frozen=True)
class QuestionGroup:
    question: str  # the text asked most often in the group
    count: int  # questions in the group, repeats included
    phrasings: tuple[str, ...]  # every distinct text, most asked first


def group_questions(asked: Iterable[tuple[str, int]], synonyms: Synonyms | None = None, same: float = SAME,
                    encoder: Encoder | None = None) -> list[QuestionGroup]:
    """`asked` is (text, times asked); groups come most asked first."""
    groups = _by_words(asked, synonyms, same)
    if encoder is not None:
        groups = _by_meaning(groups, encoder)
    found = []
    for texts in _most_asked_first(groups):
        ranked = _ranked(texts)
        found.append(QuestionGroup(ranked[0], texts.total(), ranked))
    return found


def _by_words(asked: Iterable[tuple[str, int]], synonyms: Synonyms | None, same: float) -> list[Counter[str]]:
    by_key: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for text, count in asked:
        by_key[frozenset(terms(text, synonyms))][text.strip()] += count
    for key in [k for k in by_key if all(t.isdigit() for t in k)]:
        del by_key[key]  # no word the matcher can use: punctuation, stop words, a number typed as if to pick
    df = Counter(t for key in by_key for t in key)
    weight = {t: math.log(1 + len(by_key) / n) for t, n in df.items()}
    leaders: list[tuple[frozenset[str], float, str]] = []  # each group's first key, its weight and its subject
    members: list[list[frozenset[str]]] = []
    holding: dict[str, list[int]] = defaultdict(list)  # term -> groups whose first key has it
    for key in sorted(by_key, key=lambda k: (-by_key[k].total(), sorted(k))):
        size = sum(weight[t] for t in key)
        best, best_score = None, same
        for g in _candidates(key, size, weight, holding, same):
            leader, leader_size, subject = leaders[g]
            score = 2 * sum(weight[t] for t in key & leader) / (size + leader_size)
            if subject in key and score >= best_score:
                best, best_score = g, score
        if best is None:
            best = len(leaders)
            leaders.append((key, size, max(key, key=lambda t: (weight[t] * _specific(t), t))))
            members.append([])
            for t in key:
                holding[t].append(best)
        members[best].append(key)
    groups = []
    for keys in members:
        texts: Counter[str] = Counter()
        for key in keys:
            texts.update(by_key[key])
        groups.append(texts)
    return groups


def _specific(term: str) -> float:
    """1.0 for a rare or unknown word, less for an everyday one; Chinese bigrams are taken as they are."""
    return 1.0 if has_han(term) else novelty(english_zipf(term))


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


def _by_meaning(groups: list[Counter[str]], encoder: Encoder) -> list[Counter[str]]:
    ordered = _most_asked_first(groups)
    head, tail = ordered[:MEANING_GROUPS], ordered[MEANING_GROUPS:]
    if len(head) < 2:
        return ordered
    owners, texts = [], []
    for n, group in enumerate(head):
        for text in _ranked(group)[:TEXTS_PER_GROUP]:
            owners.append(n)
            texts.append(text)
    vectors = encoder.encode(texts)
    centroids = numpy.zeros((len(head), vectors.shape[1]))
    numpy.add.at(centroids, numpy.asarray(owners), vectors)
    centroids /= numpy.linalg.norm(centroids, axis=1, keepdims=True)
    joined = [sum((head[n] for n in cluster), Counter()) for cluster in _average_linkage(centroids @ centroids.T)]
    return joined + tail


def _average_linkage(similarity: numpy.ndarray, threshold: float = PARAPHRASE) -> list[list[int]]:
    """Clusters of the rows: the two closest clusters (mean similarity of their members) are joined until no
    two are `threshold` close. Each cluster is listed under its first (most asked) row."""
    s = numpy.array(similarity, dtype=numpy.float64)
    numpy.fill_diagonal(s, -numpy.inf)
    members = [[n] for n in range(len(s))]
    while len(s) > 1:
        a, b = sorted(divmod(int(numpy.argmax(s)), len(s)))
        if s[a, b] < threshold:
            break
        size_a, size_b = len(members[a]), len(members[b])
        s[a, :] = s[:, a] = (size_a * s[a, :] + size_b * s[b, :]) / (size_a + size_b)
        s[a, a] = -numpy.inf
        s[b, :] = s[:, b] = -numpy.inf
        members[a] += members[b]
        members[b] = []
    return [m for m in members if m]


def _ranked(texts: Counter[str]) -> tuple[str, ...]:
    return tuple(t for t, _ in sorted(texts.items(), key=lambda item: (-item[1], item[0])))


def _most_asked_first(groups: list[Counter[str]]) -> list[Counter[str]]:
    return sorted(groups, key=lambda texts: (-texts.total(), _ranked(texts)[0]))
