"""The link a server admin opens to add the bot: its scopes and exactly the permissions it needs."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

import discord

SCOPES = ("bot", "applications.commands")
# Send Messages in Threads: answers in forum posts and follow-ups in threads
PERMISSIONS = discord.Permissions(send_messages=True, send_messages_in_threads=True, embed_links=True,
                                  read_message_history=True)


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


def application_id(env: Mapping[str, str]) -> int | None:
    """DISCORD_APPLICATION_ID, else the bot's user id, which is the token's first part in base64 and,
    for every bot made since 2020 or so, its application's id too."""
    given = env.get("DISCORD_APPLICATION_ID", "").strip()
    if given:
        return int(given) if given.isdigit() else None
    first = env.get("DISCORD_TOKEN", "").strip().split(".")[0]
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None
