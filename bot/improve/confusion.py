"""Which entries an eval's failures mistake for which, and the entries recalled worst, from
`evaluate`'s result."""

from __future__ import annotations

from collections import Counter

from bot.improve.evaluate import Case

ANSWERED = "answered"
OFFERED_FIRST = "offered first"
WORST = 10  # entries listed by `confusion_lines`


def confusion(cases: list[Case], result: dict) -> dict:
    """`confusion`: {expect, instead, how, count}, most frequent first; `expect` None is an
    out-of-scope question. `recall`: per expected entry, worst first."""
    pairs: Counter[tuple[str | None, str, str]] = Counter()
    missed: Counter[str] = Counter()
    for failure in result["failures"]:
        expect, got = failure["expect"], failure["got"]
        if expect is not None:
            missed[expect] += 1
        if failure["kind"] == "answer":
            pairs[expect, got, ANSWERED] += 1
        elif failure["kind"] == "suggest" and got and got[0] != expect:
            pairs[expect, got[0], OFFERED_FIRST] += 1
    asked = Counter(c.expect for c in cases if c.expect is not None)
    recall = [{"entry": entry, "recall": round(1 - missed[entry] / count, 4), "right": count - missed[entry],
               "cases": count} for entry, count in asked.items()]
    return {
        "confusion": [{"expect": expect, "instead": instead, "how": how, "count": count}
                      for (expect, instead, how), count in sorted(pairs.items(), key=_most_first)],
        "recall": sorted(recall, key=lambda r: (r["recall"], -r["cases"], r["entry"])),
    }


def confusion_lines(summary: dict, worst: int = WORST) -> list[str]:
    lines = ["confusion (expected -> instead):"]
    for pair in summary["confusion"]:
        expect = pair["expect"] or "(out of scope)"
        lines.append(f"  {pair['count']:4d}  {expect} -> {pair['instead']}  ({pair['how']})")
    if not summary["confusion"]:
        lines.append("  (none)")
    lines.append("worst recall:")
    below = [r for r in summary["recall"] if r["recall"] < 1][:worst]
    lines.extend(f"  {r['recall']:.3f}  {r['right']}/{r['cases']}  {r['entry']}" for r in below)
    if not below:
        lines.append("  (every entry recalled)")
    return lines


def _most_first(item: tuple[tuple[str | None, str, str], int]) -> tuple:
    (expect, instead, how), count = item
    return -count, expect or "", instead, how
