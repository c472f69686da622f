"""Readable ASCII ids from questions: "How do I reset my password?" -> how-do-i-reset-my-password."""

from __future__ import annotations

import re
import unicodedata

from bot.engine.text import has_han

MAX_LENGTH = 60


def slug(question: str, limit: int = MAX_LENGTH) -> str | None:
    """None for a question in Chinese, or with no ASCII letters or digits: faqbot has no romanisation, and a
    few Latin words out of a Chinese question ("Azure OpenAI") would name it wrongly."""
    if has_han(question):
        return None
    folded = "".join(c for c in unicodedata.normalize("NFKD", question) if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", folded.casefold()))
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or None


def unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name
