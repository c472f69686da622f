"""The Discord adapter's connection: the client on an event loop of its own, and why it ended."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import Future, wait

import aiohttp
import discord

from bot.engine.wording import shorten
from bot.serving.runner import EXIT_USAGE, Runtime, unreachable

from . import TOKEN_WHERE
from .client import describe, privileged
from .render import MAX_CONTENT

EXIT_FAILED = 1
log = logging.getLogger("faqbot.discord")


class Connected:
    """The client on the process's event loop, beside whatever else `faqbot run` serves."""

    def __init__(self, client: discord.Client, token: str, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime
        self.handlers = client.handlers  # type: ignore[attr-defined]
        self.loop = runtime.loop
        self.maintainers = int(runtime.config.notify_discord) if runtime.config.notify_discord else None
        if self.maintainers is not None:
            runtime.reload_listeners.append(self.tell_maintainers)
        self.running = self.loop.submit(run(client, token))
        self.running.add_done_callback(self._ended)

    def _ended(self, running: Future[int]) -> None:
        if self.handlers.closing:
            return
        # the connection ended by itself; `run` has said why
        code = EXIT_FAILED if running.cancelled() or running.exception() else running.result()
        self.runtime.fail("the Discord connection ended", code or EXIT_FAILED)

    def tell_maintainers(self, text: str) -> None:
        async def post() -> None:
            channel = self.client.get_channel(self.maintainers) or await self.client.fetch_channel(self.maintainers)
            await channel.send(shorten(text, MAX_CONTENT),  # type: ignore[union-attr]
                               allowed_mentions=discord.AllowedMentions.none())

        self.loop.call(post(), timeout=30)

    def stop(self, timeout: float) -> None:
        """Finishes the answers in hand and closes the connection, all within `timeout`."""
        deadline = time.monotonic() + timeout

        def left() -> float:
            return max(0.0, deadline - time.monotonic())

        self.handlers.closing = True
        self.handlers.answering.wait_idle(left())
        if self.loop.running and not self.running.done():
            try:
                self.loop.call(self.client.close(), left())
                wait([self.running], left())
            except Exception as err:  # already closing, or the loop ended meanwhile, or out of time
                log.debug("closing the Discord client: %s", type(err).__name__)


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
        log.error("Discord's gateway closed the connection with code %s (%s): check the bot's token and the "
                  "intents it may use on the Developer Portal (Bot page), and that it is in a server", err.code,
                  err.reason or "no reason given")
        return EXIT_FAILED
    except discord.HTTPException as err:
        log.error("Discord's API refused to start the bot: %s", describe(err))
        return EXIT_FAILED
    except (OSError, aiohttp.ClientError, discord.GatewayNotFound, asyncio.TimeoutError) as err:
        log.error("%s", unreachable("Discord", "discord.com", err))
        return EXIT_FAILED
    return 0


def refused_intents(asked: discord.Intents) -> str:
    names = privileged(asked)
    why = (" (asked for to read help channels, forums and follow-ups: auto_answer.channels or discord.follow_ups "
           "is set)") if asked.message_content else ""
    if names:
        return (f"Discord refused the privileged gateway intents faqbot asked for (close code 4014): "
                f"{', '.join(names)}{why}")
    return ("Discord refused the gateway intents (close code 4014), though faqbot asks for none of the privileged "
            "ones (Message Content, Server Members, Presence)")
