"""A reply as Discord messages, from its view: embeds cut to Discord's size limits, and the buttons to add."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.engine.markdown import headings_at_most
from bot.engine.view import Action, Choice, Shape, View, notice_text
from bot.engine.wording import say, shorten, split_text

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
HEADING_LEVELS = 3  # an embed's description shows # to ###; #### and deeper would show their #'s

UP, DOWN, SHARE, PICK, TOPIC = "up", "down", "share", "pick", "topic"
ACTIONS = {Action.PICK: PICK, Action.OPEN: TOPIC}

@dataclass(frozen=True)
class Button:
    action: str  # up | down | share | pick (replaces a "did you mean") | topic (answers in a new message)
    entry_id: str
    lang: str
    label: str
    lead: str | None = None  # View.lead, on pick and topic buttons


@dataclass(frozen=True)
class Message:
    embeds: tuple[discord.Embed, ...] = ()
    buttons: tuple[Button, ...] = ()
    content: str | None = None


def render(view: View) -> tuple[Message, ...]:
    """The view as one message, or several when the answer is longer than one can hold; buttons go on
    the last."""
    if view.shape is Shape.NOTICE:
        return (Message(content=shorten(notice_text(view, TEXTS), MAX_CONTENT)),)
    if view.shape is Shape.ANSWER:
        embeds, buttons = _answer(view), _answer_buttons(view)
    else:
        embeds, buttons = [_choices(view)], _choice_buttons(view.choices, view.lang, view.lead)
    groups = _pack(embeds)
    return tuple(Message(embeds=tuple(group), buttons=buttons if n == len(groups) - 1 else ())
                 for n, group in enumerate(groups))


def _answer(view: View) -> list[discord.Embed]:
    lang = view.ui_lang
    body = headings_at_most(view.body or "", HEADING_LEVELS)
    pieces = split_text(discord.utils.escape_mentions(body), MAX_DESCRIPTION) or [""]
    embeds = [discord.Embed(description=piece) for piece in pieces]
    embeds[0].title = shorten(discord.utils.escape_mentions((view.title or "").strip()), MAX_TITLE)
    tail = discord.Embed()
    for value in _source_fields(view):
        tail.add_field(name=say(lang, "sources").rstrip(":："), value=value, inline=False)
    footer = [view.language_line] if view.language_line else []
    if view.asked:
        footer.append(say(lang, "asked").format(_plain_echo(view.asked)))
    if view.matched:
        footer.append(say(lang, "matched").format(_plain_echo(view.matched)))
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


def _source_fields(view: View) -> list[str]:
    lines = (f"<{s.url}>" + (f" {label}" if (label := view.source_label(s)) else "") for s in view.sources)
    fields = split_text("\n".join(lines), MAX_FIELD_VALUE)
    return fields[:MAX_SOURCE_FIELDS]


def _choices(view: View) -> discord.Embed:
    """What the bot says; the entries to choose from go on buttons."""
    lang = view.lang
    intro = [say(lang, note, TEXTS) for note in view.intro]
    embed = discord.Embed(description="\n".join(intro + ([""] if intro else []) + list(view.lines)))
    footer = ([say(lang, "asked").format(_plain_echo(view.asked))] if view.asked else [])
    footer += [say(lang, note, TEXTS) for note in view.notes]
    if footer:
        embed.set_footer(text=shorten("\n".join(footer), MAX_FOOTER))
    return embed


def _plain_echo(text: str) -> str:
    # a footer shows no markdown, so only mentions are neutralised there
    return discord.utils.escape_mentions(shorten(" ".join(text.split()), MAX_ECHO))


def _answer_buttons(view: View) -> tuple[Button, ...]:
    lang, ui, entry_id = view.lang, view.ui_lang, view.entry_id or ""
    buttons = []
    if view.votes:
        buttons += [Button(UP, entry_id, lang, say(ui, "helpful", TEXTS)),
                    Button(DOWN, entry_id, lang, say(ui, "not_helpful", TEXTS))]
    if view.shareable:
        buttons.append(Button(SHARE, entry_id, lang, say(ui, "share")))
    return (tuple(buttons) + _choice_buttons(view.related, lang, view.lead))[:MAX_BUTTONS]


def _choice_buttons(choices: tuple[Choice, ...], lang: str, lead: str | None) -> tuple[Button, ...]:
    seen = set()
    buttons = []
    for choice in choices:
        if choice.id not in seen:
            seen.add(choice.id)
            buttons.append(Button(ACTIONS[choice.action], choice.id, lang, shorten(choice.label, MAX_LABEL), lead))
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
