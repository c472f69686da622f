"""What each FAQ's own map (bot.engine.contrast) costs: building it, and reading a question through it.

    python -m bench.contrast

Random unit vectors stand in for a FAQ's texts (the cost does not depend on what they say): the shipped
FAQ's size (31 entries, 38 texts each), 1,000 and 10,000 entries of 4 texts; medians of 3 builds and
of 1,000 questions.
"""

from __future__ import annotations

import statistics
import time

import numpy

from bot.engine.contrast import contrast_map, read


def main() -> None:
    rng = numpy.random.default_rng(0)
    for entries, texts in ((31, 38), (1000, 4), (10_000, 4)):
        vectors = rng.normal(size=(entries * texts, 512)).astype(numpy.float32)
        vectors /= numpy.linalg.norm(vectors, axis=1, keepdims=True)
        owners = numpy.repeat(numpy.arange(entries), texts)
        builds = []
        for _ in range(3):
            start = time.perf_counter()
            contrast = contrast_map(vectors, owners)
            builds.append(time.perf_counter() - start)
        asked = []
        for q in vectors[:1000]:
            start = time.perf_counter()
            read(q, contrast)
            asked.append(time.perf_counter() - start)
        print(f"{entries:>6,} entries, {entries * texts:>6,} texts: build {statistics.median(builds):.2f} s, "
              f"a question {statistics.median(asked) * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
