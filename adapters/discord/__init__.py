"""The Discord adapter: `faqbot run discord [--sharded] [--invite-url]`.

`client.build_client` makes the client; `connection.Connected` runs it on the process's event loop, beside
whatever else `faqbot run` serves. Nothing here imports discord.py, so `faqbot run --help` and the check
for the missing extra work without it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from bot.serving.runner import EXIT_USAGE, Adapter, Running, Runtime, Variable

PORTAL = "https://discord.com/developers/applications"
TOKEN_WHERE = "copy it from the Discord Developer Portal: your application → Bot → Reset Token"
VARIABLES = (
    Variable("DISCORD_TOKEN", "always", f"the bot token: {PORTAL} → your application → Bot → Reset Token"),
    Variable("DISCORD_APPLICATION_ID", "optional",
             "the Application ID, on General Information; --invite-url reads it from the token otherwise"),
    Variable("DISCORD_GUILD_ID", "optional", "a server id: commands are registered there only, and show up at once"),
)


class InviteUrl(argparse.Action):
    """--invite-url prints the link that adds the bot to a server, and exits."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from .invite import application_id, invite_url

        given = os.environ.get("DISCORD_APPLICATION_ID", "").strip()
        if given and not given.isdigit():
            parser.exit(EXIT_USAGE, "faqbot: DISCORD_APPLICATION_ID must be a number: copy the Application ID from "
                        "your application's General Information page in the Discord Developer Portal\n")
        app_id = application_id(os.environ)
        if app_id is None and os.environ.get("DISCORD_TOKEN", "").strip():
            parser.exit(EXIT_USAGE, "faqbot: DISCORD_TOKEN does not start with a bot's id, as a bot token does (no "
                        f"quotes around it, no \"Bot \" before it): {TOKEN_WHERE}; or set DISCORD_APPLICATION_ID (the "
                        "Application ID on your application's General Information page)\n")
        if app_id is None:
            parser.exit(EXIT_USAGE, "faqbot: set DISCORD_APPLICATION_ID (the Application ID on your application's "
                        "General Information page in the Discord Developer Portal), or DISCORD_TOKEN\n")
        print(invite_url(app_id))
        parser.exit(0)


def add_options(options: argparse._ArgumentGroup) -> None:
    options.add_argument("--sharded", action="store_true",
                         help="use discord.py's AutoShardedClient, for a bot in more than 1,000 servers "
                              "(also discord.sharded, FAQBOT_DISCORD_SHARDED=1)")
    options.add_argument("--invite-url", action=InviteUrl, help="print the link that adds the bot to a server")


def check(args: argparse.Namespace) -> list[str]:
    problems = []
    if not os.environ.get("DISCORD_TOKEN", "").strip():
        problems.append(f"DISCORD_TOKEN is not set: {TOKEN_WHERE}")
    guild = os.environ.get("DISCORD_GUILD_ID", "").strip()
    if guild and not guild.isdigit():
        problems.append("DISCORD_GUILD_ID must be a server id (a number): in Discord, turn on Developer Mode, "
                        "then right-click the server → Copy Server ID")
    return problems


def start(runtime: Runtime, args: argparse.Namespace) -> Running:
    from .client import build_client
    from .connection import Connected

    guild = os.environ.get("DISCORD_GUILD_ID", "").strip()
    client = build_client(runtime.service, guild_id=int(guild) if guild else None,
                          sharded=args.sharded or runtime.config.discord_sharded,
                          shard_count=runtime.config.discord_shard_count, shard_ids=runtime.config.discord_shard_ids,
                          when_ready=lambda: runtime.health.ready("discord"), engine=runtime.loop.answer,
                          overhear=runtime.service.overhears("discord"))
    return Connected(client, os.environ["DISCORD_TOKEN"].strip(), runtime)


ADAPTER = Adapter(add_options=add_options, start=start, check=check, extra="discord", requires=("discord",),
                  variables=VARIABLES)
