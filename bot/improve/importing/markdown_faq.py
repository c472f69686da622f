"""A Markdown FAQ (`FAQ.md`): each heading with text under it is a question, the text its answer. A heading
with no text of its own, below the document's title, names a section: its entries get it as a tag. The title
(the one top-level heading, first) is no question, even with an introduction under it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from bot.engine.text import has_han
from bot.improve.importing.model import (
    CannotImport,
    Draft,
    Finding,
    Read,
    control_character,
)
from bot.improve.importing.slugs import slug

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")  # `##` alone: an empty heading
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def read(path: Path, encoding: str = "utf-8-sig") -> Read:
    name = str(path)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as err:
        raise CannotImport(f"{path}: is not UTF-8 text (byte {err.start}): save it as UTF-8") from None
    except OSError as err:
        raise CannotImport(f"{path}: cannot be read ({err.strerror})") from None
    sections: list[tuple[int, int, str, list[str]]] = []  # (line, level, heading, lines under it)
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        heading = None if fenced else _HEADING.match(line)
        if _FENCE.match(line):
            fenced = not fenced
        if heading:
            sections.append((number, len(heading.group(1)), (heading.group(2) or "").strip(), []))
        elif sections:
            sections[-1][3].append(line)
    drafts, errors, skipped = [], [], []
    section_tags: dict[int, str] = {}  # level -> the tag of the open section at that level
    top = min((level for _, level, _, _ in sections), default=1)
    # one heading at the top level, first, with the questions below it and no question mark of its own: the
    # document's title, whatever text is under it (an introduction), not a question
    title = (sections[0][0] if sections and [level for _, level, _, _ in sections].count(top) == 1
             and sections[0][1] == top and len(sections) > 1 and not sections[0][2].endswith(("?", "？")) else None)
    for line, level, heading, body in sections:
        answer = "\n".join(body).strip()
        if line == title:
            if answer:
                skipped.append(Finding(name, line, f"the title {heading!r} and the text under it: the document's "
                                       "introduction, not a question"))
            continue
        section_tags = {lvl: tag for lvl, tag in section_tags.items() if lvl < level}
        if not answer:
            tag = section_tag(heading)
            if level > top and tag:
                section_tags[level] = tag
            elif level > top:
                skipped.append(Finding(name, line, f"heading {heading!r} has no text under it and no ASCII letters "
                                       "or digits, nor Chinese, to make a tag of"))
            continue
        problem = ("the heading is empty: write the question after the #'s, the text under it is its answer"
                   if not heading else control_character("the heading", heading)
                   or control_character("the text under the heading", answer, answer=True))
        if problem:
            errors.append(Finding(name, line, problem))
            continue
        drafts.append(Draft(f"{name}#{line}", name, line, ((None, heading),), ((None, answer),),
                            tuple(dict.fromkeys(section_tags.values()))))
    if not drafts and not errors:
        return Read(errors=(Finding(name, None, "has no heading with text under it: write each question as a "
                                    "heading (`## How do I ...?`) and its answer below"),))
    return Read(tuple(drafts), tuple(errors), tuple(skipped))


def section_tag(heading: str) -> str | None:
    """A section's tag: its slug ("Billing & invoices" -> billing-invoices), or for a Chinese heading its words
    as written, joined by hyphens ("订单 / 配送" -> 订单-配送): faqbot has no romanisation."""
    if not has_han(heading):
        return slug(heading)
    folded = "".join(c for c in unicodedata.normalize("NFKD", heading) if not unicodedata.combining(c))
    return "-".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", folded).casefold())) or None
