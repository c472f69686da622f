"""Buttons that keep working after a restart: each one's custom_id says what to do with which entry,
and one DynamicItem template, registered at start-up, routes every click to the handlers."""

from __future__ import annotations

import re
from typing import NamedTuple, Protocol

import discord

from .render import DOWN, PICK, SHARE, TOPIC, UP, Button

PREFIX = "faqbot"
MAX_CUSTOM_ID = 100
# The lead (View.lead) sits before the entry id, which has no colon; buttons from before leads have none.
TEMPLATE = (rf"{PREFIX}:(?P<action>{UP}|{DOWN}|{SHARE}|{PICK}|{TOPIC}):(?P<lang>[a-z]{{2}}):"
            r"(?:(?P<lead>[A-Za-z0-9_-]{1,16}):)?(?P<entry>[a-z0-9-]+)")
_PARSE = re.compile(TEMPLATE)
_PER_ROW, _ROWS = 5, 5
_EMOJI = {UP: "👍", DOWN: "👎"}
_STYLE = {SHARE: discord.ButtonStyle.primary}


class Clicks(Protocol):
    async def on_button(self, interaction: discord.Interaction, action: str, lang: str, entry_id: str,
                        lead: str | None = None) -> None: ...


class Clicked(NamedTuple):
    action: str
    lang: str
    entry_id: str
    lead: str | None = None


def custom_id(action: str, lang: str, entry_id: str, lead: str | None = None) -> str | None:
    """Without the lead when there is no room for it; None when even that would be longer than Discord allows
    (an entry id of more than about 85 characters)."""
    plain = f"{PREFIX}:{action}:{lang}:{entry_id}"
    led = f"{PREFIX}:{action}:{lang}:{lead}:{entry_id}" if lead else plain
    return next((value for value in (led, plain) if len(value) <= MAX_CUSTOM_ID), None)


def parse(value: str) -> Clicked | None:
    """What a custom_id or an autocomplete choice's value says; None for anything else."""
    found = _PARSE.fullmatch(value)
    return Clicked(found["action"], found["lang"], found["entry"], found["lead"]) if found else None


class EntryButton(discord.ui.DynamicItem[discord.ui.Button], template=TEMPLATE):
    def __init__(self, action: str, lang: str, entry_id: str, *, lead: str | None = None, label: str | None = None,
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary, row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, emoji=_EMOJI.get(action), row=row,
                                           custom_id=custom_id(action, lang, entry_id, lead)))
        self.action, self.lang, self.entry_id, self.lead = action, lang, entry_id, lead

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> EntryButton:
        return cls(match["action"], match["lang"], match["entry"], lead=match["lead"], label=item.label,
                   style=item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        handlers: Clicks = interaction.client.handlers  # type: ignore[attr-defined]
        await handlers.on_button(interaction, self.action, self.lang, self.entry_id, self.lead)


def view_for(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    """Must be called in the event loop. Buttons whose custom_id would be too long are left out."""
    usable = [b for b in buttons if custom_id(b.action, b.lang, b.entry_id)]
    if not usable:
        return None
    view = discord.ui.View(timeout=None)
    row, in_row = 0, 0
    for n, button in enumerate(usable):
        topic = button.action in (PICK, TOPIC)
        if in_row == _PER_ROW or (n and topic and usable[n - 1].action not in (PICK, TOPIC)):
            row, in_row = row + 1, 0  # a full row, or the first topic after the vote buttons
        if row == _ROWS:
            break
        view.add_item(EntryButton(button.action, button.lang, button.entry_id, lead=button.lead, label=button.label,
                                  style=_STYLE.get(button.action, discord.ButtonStyle.secondary), row=row))
        in_row += 1
    # Clicks are routed by the template, from any message, so discord.py need not keep this view per message.
    view.stop()
    return view
