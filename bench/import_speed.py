"""Time `faqbot import` on a generated QnA Maker export: python -m bench.import_speed [--pairs 10000]."""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["Question", "Answer", "Source", "Metadata", "SuggestedQuestions", "IsContextOnly", "Prompts", "QnaId"]
WORDS = ("account badge budget calendar contract desk expense invoice laptop leave locker meeting monitor "
         "office parking payroll printer project refund room salary server shift ticket training travel vpn wifi").split()


def export(path: Path, pairs: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    rows = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, csv.excel_tab)
        writer.writerow(HEADER)
        for number in range(1, pairs + 1):
            topic = " ".join(rng.sample(WORDS, 3))
            answer = f"For **{topic}** see the\tportal:\\n- step \"one\"\\n- step two ({number})"
            prompts = json.dumps([{"displayOrder": 0, "qnaId": number + 1, "displayText": "Next"}] if number % 10 == 1
                                 else [])
            context = "true" if number % 10 == 2 else "false"
            for question in (f"How do I handle {topic} case {number}?", f"{topic} {number} question",
                             f"What about {topic} number {number}?")[: 1 + number % 3]:
                writer.writerow([question, answer, "https://example.org/kb", f"area:{topic.split()[0]}", "[]",
                                 context, prompts, str(number)])
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "export.tsv"
        rows = export(source, args.pairs)
        from bot.improve import importing

        started = time.perf_counter()
        importing.run([source], Path(work) / "alone")
        alone = time.perf_counter() - started
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bot.cli", "import", str(source), "--out", str(Path(work) / "faq")],
                              capture_output=True, text=True)
        took = time.perf_counter() - started
        print(done.stdout.splitlines()[0] if done.stdout else done.stderr)
        print(f"{args.pairs:,} QnA pairs, {rows:,} rows, {source.stat().st_size / 1e6:.1f} MB: "
              f"read, check, write and load back {alone:.1f} s; the whole command, lint included, "
              f"{took:.1f} s (exit {done.returncode})")


if __name__ == "__main__":
    main()
