"""Regenerate english.tsv and chinese.tsv from the wordfreq package (not a runtime dependency).

    pip install wordfreq==3.1.1 && python bot/engine/data/build_wordlists.py
"""

from pathlib import Path

import wordfreq

HERE = Path(__file__).parent
MIN_ZIPF = 2.5  # about once per 3 million words; rarer words are treated as unseen


def main() -> None:
    english = wordfreq.get_frequency_dict("en")
    rows = sorted((w, wordfreq.zipf_frequency(w, "en")) for w in english if w.isascii() and w.isalpha())
    _write(HERE / "english.tsv", [(w, z) for w, z in rows if z >= MIN_ZIPF])
    chinese = wordfreq.get_frequency_dict("zh")
    han = [w for w in chinese if len(w) == 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]
    _write(HERE / "chinese.tsv", sorted((w, wordfreq.zipf_frequency(w, "zh")) for w in han if wordfreq.zipf_frequency(w, "zh") >= MIN_ZIPF))


def _write(path: Path, rows: list[tuple[str, float]]) -> None:
    """One line per Zipf frequency (one decimal): the frequency, a tab, the words, space-separated."""
    buckets: dict[str, list[str]] = {}
    for word, zipf in rows:
        buckets.setdefault(f"{zipf:.1f}", []).append(word)
    path.write_text("".join(f"{z}\t{' '.join(ws)}\n" for z, ws in sorted(buckets.items())), encoding="utf-8")
    print(f"{path.name}: {len(rows)} words")


if __name__ == "__main__":
    main()
