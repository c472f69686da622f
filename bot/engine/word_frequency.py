"""How common a word is in everyday English or Chinese, for terms the FAQ has never seen.

An unseen word that is common everywhere ("manager", "paste", 打开) says little about
what is being asked; an unseen rare one ("kubernetes", "vlookup") usually means the
question is about something the FAQ does not cover. An unseen pair of Chinese
characters that is no word at all (写代 in 写代码) is the seam between two words.

Frequencies are Zipf values (log10 of occurrences per billion words) from the wordfreq
project's data (CC BY-SA 4.0); bot/engine/data/build_wordlists.py regenerates the lists.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"


@cache
def _frequencies(name: str) -> dict[str, float]:
    table: dict[str, float] = {}
    with open(_DATA / name, encoding="utf-8") as lines:
        for line in lines:
            zipf, words = line.split("\t", 1)
            table.update(dict.fromkeys(words.split(), float(zipf)))
    return table


def english_zipf(word: str) -> float | None:
    return _frequencies("english.tsv").get(word)


def chinese_zipf(pair: str) -> float | None:
    return _frequencies("chinese.tsv").get(pair)


def novelty(zipf: float | None) -> float:
    """1.0 for a rare or unlisted word, falling to 0.2 for the most common ones."""
    if zipf is None:
        return 1.0
    return min(1.0, max(0.2, (6.0 - zipf) / 3.0))
