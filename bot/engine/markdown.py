"""The Markdown an answer may use (links, bold, italics, code, headings, lists, quotes), read once into lines of
spans, so that each platform writes them its own way: plain text here, mrkdwn for Slack, Markdown for Discord."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Style(StrEnum):
    TEXT = "text"
    BOLD = "bold"
    ITALIC = "italic"
    STRIKE = "strike"
    CODE = "code"
    LINK = "link"  # `text` shown for `url`


class Block(StrEnum):
    TEXT = "text"
    HEADING = "heading"
    ITEM = "item"  # a list item; `marker` is "-" or its number ("1.")
    QUOTE = "quote"
    CODE = "code"  # a line inside a fenced code block, as written


@dataclass(frozen=True)
class Span:
    style: Style
    text: str
    url: str = ""


@dataclass(frozen=True)
class Line:
    block: Block
    spans: tuple[Span, ...]
    indent: str = ""
    marker: str = ""


_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>(?:https?://|mailto:)[^\s)]+)(?:\s+\"[^\"\n]*\")?\)"
    r"|<(?P<auto>https?://[^>\s]+)>"
    r"|\*\*(?=\S)(?P<bold>.+?)(?<=\S)\*\*|__(?=\S)(?P<bold2>.+?)(?<=\S)__"
    r"|~~(?=\S)(?P<strike>.+?)(?<=\S)~~"
    r"|(?<![\w*])\*(?=[^\s*])(?P<italic>[^*\n]+?)(?<=\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=[^\s_])(?P<italic2>[^_\n]+?)(?<=\S)_(?![\w_])"
    r"|\\(?P<escaped>[\\`*_{}\[\]()#+\-.!~>|])"
)
_HEADING = re.compile(r"^(\s{0,3})#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def spans(text: str) -> tuple[Span, ...]:
    out: list[Span] = []
    at = 0
    for found in _INLINE.finditer(text):
        if found.start() > at:
            out.append(Span(Style.TEXT, text[at:found.start()]))
        at = found.end()
        groups = found.groupdict()
        if groups["code"] is not None:
            out.append(Span(Style.CODE, groups["code"]))
        elif groups["label"] is not None:
            out.append(Span(Style.LINK, groups["label"], groups["url"]))
        elif groups["auto"] is not None:
            out.append(Span(Style.LINK, groups["auto"], groups["auto"]))
        elif (bold := groups["bold"] or groups["bold2"]) is not None:
            out.append(Span(Style.BOLD, bold))
        elif groups["strike"] is not None:
            out.append(Span(Style.STRIKE, groups["strike"]))
        elif (italic := groups["italic"] or groups["italic2"]) is not None:
            out.append(Span(Style.ITALIC, italic))
        else:
            out.append(Span(Style.TEXT, groups["escaped"]))
    if at < len(text):
        out.append(Span(Style.TEXT, text[at:]))
    return tuple(out)


def parse(text: str) -> list[Line]:
    lines: list[Line] = []
    fenced = False
    for raw in text.splitlines():
        if _FENCE.match(raw):
            fenced = not fenced
            continue
        if fenced:
            lines.append(Line(Block.CODE, (Span(Style.CODE, raw),)))
        elif heading := _HEADING.match(raw):
            lines.append(Line(Block.HEADING, spans(heading.group(2))))
        elif item := _ITEM.match(raw):
            marker = "-" if item.group(2) in "-*+" else item.group(2)
            lines.append(Line(Block.ITEM, spans(item.group(3)), item.group(1), marker))
        elif quote := _QUOTE.match(raw):
            lines.append(Line(Block.QUOTE, spans(quote.group(1))))
        else:
            lines.append(Line(Block.TEXT, spans(raw)))
    return lines


def headings_at_most(text: str, level: int) -> str:
    """`text` with every heading deeper than `level` raised to it, code blocks left as written: for a platform
    that shows only the first few levels and would print a deeper one's #'s."""
    out, fenced = [], False
    for raw in text.split("\n"):
        if _FENCE.match(raw):
            fenced = not fenced
        elif not fenced and (heading := _HEADING.match(raw)) and len(raw.lstrip()) - len(raw.lstrip().lstrip("#")) > level:
            raw = f"{heading.group(1)}{'#' * level} {heading.group(2)}"
        out.append(raw)
    return "\n".join(out)


def render(text: str, span: Callable[[Span], str], line: Callable[[Line, str], str]) -> str:
    """`text` written span by span and line by line in a platform's way."""
    return "\n".join(line(each, "".join(map(span, each.spans))) for each in parse(text))


def _plain_span(span: Span) -> str:
    if span.style is Style.LINK and span.url != span.text:
        return f"{span.text} ({span.url.removeprefix('mailto:')})"
    return span.text


def _plain_line(line: Line, text: str) -> str:
    if line.block is Block.ITEM:
        return f"{line.indent}{line.marker} {text}"
    if line.block is Block.QUOTE:
        return f"> {text}"
    if line.block is Block.CODE:
        return f"    {text}"
    return text


def plain(text: str) -> str:
    """For a terminal: the markup gone, each link's URL after its text."""
    return render(text, _plain_span, _plain_line)
