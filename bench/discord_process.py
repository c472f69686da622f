"""`faqbot run discord` with discord.py pointed at a local fake of Discord, for `bench.load`:

    python -m bench.discord_process API_URL GATEWAY_URL [faqbot run options...]

Everything after the two URLs is what `faqbot run discord` takes; the process is the real runner, loop and
client, only its peer is the fake."""

from __future__ import annotations

import sys

import discord
import yarl

from bot.cli import main

if __name__ == "__main__":
    api, gateway, *rest = sys.argv[1:]
    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    sys.exit(main(["run", "discord", *rest]))
