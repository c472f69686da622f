"""The engine's Reply as Discord messages: embeds cut to Discord's size limits, and the buttons to add."""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from bot.engine import EntryRef, Reply
from bot.engine.wording import say, shorten

from .texts import TEXTS

MAX_CONTENT = 2000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELD_VALUE = 1024
MAX_SOURCE_FIELDS = 3
MAX_FOOTER = 2048
MAX_MESSAGE_EMBED_CHARS = 6000  # all the embeds of one message together
MAX_EMBEDS = 10
MAX_BUTTONS = 25  # 5 rows of 5
MAX_LABEL = 80
MAX_ECHO = 300  # characters of the person's question shown back to them

UP, DOWN, SHARE, PICK, TOPIC = "up", "down", "share", "pick", "topic"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")


@dataclass(frozen=True)
class Button:
    action: str  # up | down | share | pick (replaces a "did you mean") | topic (answers in a new message)
    entry_id: str
    lang: str
    label: str


@dataclass(frozen=True)
class Message:
    embeds: tuple[discord.Embed, ...] = ()
    buttons: tuple[Button, ...] = ()
    content: str | None = None


def render(reply: Reply, *, shareable: bool = False) -> tuple[Message, ...]:
    """The reply as one message, or several when the answer is longer than one can hold; buttons go
    on the last. `shareable` adds "Share in channel" to an answer."""
    if reply.kind == "answer":
        embeds, buttons = _answer(reply), _answer_buttons(reply, shareable)
    else:
        embeds, buttons = [_choices(reply)], _topic_buttons(reply.suggestions, PICK if reply.kind == "suggest" else TOPIC,
                                                           reply.lang)
    groups = _pack(embeds)
    return tuple(Message(embeds=tuple(group), buttons=buttons if n == len(groups) - 1 else ())
                 for n, group in enumerate(groups))


def notice(lang: str, key: str) -> Message:
    """One of the short things the bot says in its own words (feedback thanks, flood limit, errors)."""
    return Message(content=shorten(say(lang, key, TEXTS), MAX_CONTENT))


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at a paragraph, line, sentence or word
    boundary (the latest one that keeps a piece at least half full). Only white space at the cuts is lost."""
    pieces = []
    text = text.strip()
    while len(text) > limit:
        window = text[: limit + 1]
        cut = _boundary(window, limit // 2)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def _boundary(window: str, least: int) -> int:
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at >= least:
            return at
    sentences = [m.end() for m in _SENTENCE_END.finditer(window) if least <= m.end() < len(window)]
    if sentences:
        return sentences[-1]
    at = max(window.rfind(" "), window.rfind("\n"))  # an early line break beats cutting a word
    return at if at > 0 else len(window) - 1  # one word longer than the limit: no choice but to cut it


def _answer(reply: Reply) -> list[discord.Embed]:
    lang = reply.lang
    pieces = split_text(discord.utils.escape_mentions(reply.body or ""), MAX_DESCRIPTION) or [""]
    embeds = [discord.Embed(description=piece) for piece in pieces]
    embeds[0].title = shorten(discord.utils.escape_mentions((reply.title or "").strip()), MAX_TITLE)
    tail = discord.Embed()
    for value in _source_fields(reply.sources):
        tail.add_field(name=say(lang, "sources").rstrip(":："), value=value, inline=False)
    footer = []
    if reply.asked.strip() and reply.reason != "picked":
        footer.append(say(lang, "asked", TEXTS).format(_plain_echo(reply.asked)))
    if reply.matched and reply.matched.casefold() != reply.asked.strip().casefold():
        footer.append(say(lang, "matched", TEXTS).format(_plain_echo(reply.matched)))
    if footer:
        tail.set_footer(text=shorten("\n".join(footer), MAX_FOOTER))
    if tail.fields or tail.footer.text:
        last = embeds[-1]
        if len(last) + len(tail) <= MAX_MESSAGE_EMBED_CHARS:
            for field in tail.fields:
                last.add_field(name=field.name, value=field.value, inline=False)
            if tail.footer.text:
                last.set_footer(text=tail.footer.text)
        else:
            embeds.append(tail)
    return embeds


def _source_fields(sources: tuple[str, ...]) -> list[str]:
    fields = split_text("\n".join(f"<{url}>" for url in sources), MAX_FIELD_VALUE)
    return fields[:MAX_SOURCE_FIELDS]


def _choices(reply: Reply) -> discord.Embed:
    """A "did you mean" or a reply with no answer: what the bot says; the topics go on buttons."""
    lang = reply.lang
    if reply.kind == "suggest":
        lines = [say(lang, reply.reason)]
    elif reply.reason == "no_match":
        lines = [say(lang, "no_match")] + ([say(lang, "closest")] if reply.suggestions else [])
    elif reply.reason == "help":
        lines = [say(lang, "usage", TEXTS), "", say(lang, "help")]
    elif reply.reason in ("greeting", "empty") and reply.suggestions:
        lines = [say(lang, reply.reason), say(lang, "examples")]
    else:
        lines = [say(lang, reply.reason)]
    embed = discord.Embed(description="\n".join(lines))
    footer = []
    if reply.asked.strip() and (reply.kind == "suggest" or reply.reason == "no_match"):
        footer.append(say(lang, "asked", TEXTS).format(_plain_echo(reply.asked)))
    if reply.kind == "suggest" or reply.reason == "no_match":
        footer.append(say(lang, "browse", TEXTS))
    if footer:
        embed.set_footer(text=shorten("\n".join(footer), MAX_FOOTER))
    return embed


def _plain_echo(text: str) -> str:
    # a footer shows no markdown, so only mentions are neutralised there
    return discord.utils.escape_mentions(shorten(" ".join(text.split()), MAX_ECHO))


def _answer_buttons(reply: Reply, shareable: bool) -> tuple[Button, ...]:
    lang, entry_id = reply.lang, reply.entry_id or ""
    buttons = [Button(UP, entry_id, lang, say(lang, "helpful", TEXTS)),
               Button(DOWN, entry_id, lang, say(lang, "not_helpful", TEXTS))]
    if shareable:
        buttons.append(Button(SHARE, entry_id, lang, say(lang, "share", TEXTS)))
    return (tuple(buttons) + _topic_buttons(reply.related, TOPIC, lang))[:MAX_BUTTONS]


def _topic_buttons(refs: tuple[EntryRef, ...], action: str, lang: str) -> tuple[Button, ...]:
    seen = set()
    buttons = []
    for ref in refs:
        if ref.id not in seen:
            seen.add(ref.id)
            buttons.append(Button(action, ref.id, lang, shorten(ref.question, MAX_LABEL)))
    return tuple(buttons[:MAX_BUTTONS])


def _pack(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds into messages: at most 10 a message, and 6,000 characters."""
    groups: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in embeds:
        if groups[-1] and (len(groups[-1]) == MAX_EMBEDS or size + len(embed) > MAX_MESSAGE_EMBED_CHARS):
            groups.append([])
            size = 0
        groups[-1].append(embed)
        size += len(embed)
    return groups
