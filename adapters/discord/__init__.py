"""The Discord adapter: `faqbot run discord [--sharded] [--invite-url]`.

`build_client` makes the client and `run` drives it until it closes, so the client can share one
asyncio program with other work; `main` is what the command line calls.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence

import aiohttp
import discord

from bot import Service

from .client import build_client, privileged
from .invite import application_id, invite_url

EXIT_USAGE = 2
EXIT_FAILED = 1

TOKEN_WHERE = ("copy it from the Discord Developer Portal: your application → Bot → Reset Token")
log = logging.getLogger("faqbot.discord")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="faqbot run discord", description="Answer FAQ questions in Discord.")
    parser.add_argument("--sharded", action="store_true",
                        help="use discord.py's AutoShardedClient, for a bot in more than 1,000 servers "
                             "(also DISCORD_SHARDED=1)")
    parser.add_argument("--invite-url", action="store_true", help="print the link that adds the bot to a server")
    return parser.parse_args(list(argv))


def main(service: Service, argv: Sequence[str] = ()) -> int:
    args = parse_args(argv)
    if args.invite_url:
        return _print_invite_url()
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        print(f"faqbot: DISCORD_TOKEN is not set: {TOKEN_WHERE}", file=sys.stderr)
        return EXIT_USAGE
    guild = os.environ.get("DISCORD_GUILD_ID", "").strip()
    if guild and not guild.isdigit():
        print("faqbot: DISCORD_GUILD_ID must be a server id (a number): in Discord, turn on Developer Mode, "
              "then right-click the server → Copy Server ID", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sharded = args.sharded or os.environ.get("DISCORD_SHARDED", "").strip() == "1"
    client = build_client(service, guild_id=int(guild) if guild else None, sharded=sharded)
    try:
        return asyncio.run(_until_stopped(client, token))
    except KeyboardInterrupt:
        return 0


async def _until_stopped(client: discord.Client, token: str) -> int:
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(client.close()))
    except (NotImplementedError, RuntimeError):  # not on this platform, or not the main thread
        pass
    return await run(client, token)


async def run(client: discord.Client, token: str) -> int:
    """Connects and answers until the client is closed; returns an exit status. Every failure is one
    log line that names what to fix, and never shows the token."""
    try:
        async with client:
            await client.start(token)
    except discord.LoginFailure:
        log.error("Discord refused DISCORD_TOKEN: %s", TOKEN_WHERE)
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        log.error("%s. Turn them on, or off in faqbot, in the Discord Developer Portal: your application → Bot → "
                  "Privileged Gateway Intents", refused_intents(client.intents))
        return EXIT_FAILED
    except discord.ConnectionClosed as err:
        if err.code == 4004:
            log.error("Discord's gateway refused DISCORD_TOKEN (close code 4004): %s", TOKEN_WHERE)
            return EXIT_USAGE
        log.error("Discord's gateway closed the connection with code %s: %s", err.code, err.reason or "no reason")
        return EXIT_FAILED
    except discord.HTTPException as err:
        log.error("Discord's API answered %s (error code %s)", err.status, err.code)
        return EXIT_FAILED
    except (OSError, aiohttp.ClientError, discord.GatewayNotFound, asyncio.TimeoutError) as err:
        log.error("cannot reach Discord: %s", type(err).__name__)
        return EXIT_FAILED
    return 0


def refused_intents(asked: discord.Intents) -> str:
    names = privileged(asked)
    if names:
        return f"Discord refused the privileged gateway intents faqbot asked for (close code 4014): {', '.join(names)}"
    return ("Discord refused the gateway intents (close code 4014), though faqbot asks for none of the privileged "
            "ones (Message Content, Server Members, Presence)")


def _print_invite_url() -> int:
    app_id = application_id(os.environ)
    if app_id is None:
        print("faqbot: set DISCORD_APPLICATION_ID (the Application ID on your application's General Information "
              "page in the Discord Developer Portal), or DISCORD_TOKEN", file=sys.stderr)
        return EXIT_USAGE
    print(invite_url(app_id))
    return 0
