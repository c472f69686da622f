"""The discord.py client `faqbot run discord` runs: mentions and DMs, the /faq command with live
autocomplete, /help and button clicks in; Service calls; embeds and buttons out."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.engine.view import notice as view_notice
from bot.serving import Service, Where
from bot.serving.inflight import InFlight
from bot.serving.service import Question, Via

from .invite import invite_url
from .render import DOWN, MAX_CONTENT, PICK, SHARE, UP, Message, render
from .translator import Translator
from .views import EntryButton, custom_id, parse, view_for

DEFER_AFTER = 1.0  # seconds an answer may take before the interaction is deferred; Discord allows 3
MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100

log = logging.getLogger("faqbot.discord")
T = TypeVar("T")
Engine = Callable[[Callable[[], Any]], Awaitable[Any]]


def intents(overhear: bool = False) -> discord.Intents:
    """Nothing privileged, unless the bot reads messages that do not mention it (`overhear`: help channels,
    forums and follow-ups in threads), which only the Message Content intent carries the text of. Mentions
    and DMs carry their text without it."""
    chosen = discord.Intents.default()
    chosen.members = chosen.presences = False
    chosen.message_content = overhear
    return chosen


def privileged(chosen: discord.Intents) -> list[str]:
    names = {"message_content": "Message Content", "members": "Server Members", "presences": "Presence"}
    return [label for flag, label in names.items() if getattr(chosen, flag)]


def no_pings() -> discord.AllowedMentions:
    # Replies do not notify the person asked either (replied_user is False): the reply is right under
    # their question, and a ping for every answer would be noise.
    return discord.AllowedMentions.none()


def build_client(service: Service, *, guild_id: int | None = None, sharded: bool = False,
                 shard_count: int | None = None, shard_ids: tuple[int, ...] | None = None,
                 defer_after: float = DEFER_AFTER, when_ready: Callable[[], None] = lambda: None,
                 engine: Engine = asyncio.to_thread, overhear: bool = False) -> discord.Client:
    """The client `faqbot run discord` starts. `guild_id` syncs the commands to that server only (instant);
    otherwise they are synced globally. `sharded` uses AutoShardedClient, for more than 1,000 servers: every
    shard in this process, or `shard_ids` of `shard_count` (the others run in other processes).
    `engine` runs the engine's work off the event loop (`faqbot run`: Loop.answer, one thread for every platform).
    `overhear` reads messages that do not mention the bot (help channels and forums; the asker's later messages in
    a thread or reply chain), with the Message Content intent (`faqbot run`: Service.overhears("discord")):
    Service.overhear decides which are answered."""
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # faqbot never joins a voice channel
    handlers = Handlers(service, defer_after=defer_after, engine=engine, overhear=overhear)
    if shard_count is None:
        return (ShardedFaqClient if sharded else FaqClient)(handlers, guild_id=guild_id, when_ready=when_ready)
    return ShardedFaqClient(handlers, guild_id=guild_id, when_ready=when_ready, shard_count=shard_count,
                            shard_ids=list(shard_ids) if shard_ids is not None else None)


class _FaqClient:
    """What both client classes add to discord.py's: the command tree, the buttons, the handlers."""

    def __init__(self, handlers: Handlers, *, guild_id: int | None,
                 when_ready: Callable[[], None] = lambda: None, **shards: Any) -> None:
        super().__init__(intents=intents(handlers.overhear), allowed_mentions=no_pings(),  # type: ignore[call-arg]
                         max_messages=None,
                         member_cache_flags=discord.MemberCacheFlags.none(), **shards)
        self.handlers = handlers
        self.guild_id = guild_id
        self.when_ready = when_ready
        self.tree = FaqTree(self)  # type: ignore[arg-type]
        handlers.add_commands(self.tree)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(EntryButton)  # type: ignore[attr-defined]
        await self.tree.set_translator(Translator())
        await self._sync_commands()

    async def _sync_commands(self) -> None:
        guild = discord.Object(self.guild_id) if self.guild_id else None
        where = f"to server {self.guild_id}" if guild else "globally"
        try:
            if guild:
                self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as err:
            hint = (" (is the bot in that server? DISCORD_GUILD_ID)" if guild else
                    ": invite the bot again with the link `faqbot run discord --invite-url` prints; it needs the "
                    "applications.commands scope")
            log.error("could not sync the slash commands %s%s: %s", where, hint, describe(err))
            return
        log.info("synced %d slash commands %s%s", len(synced), where,
                 "" if guild else "; Discord may take a while to show them everywhere")

    async def on_ready(self) -> None:
        user, app_id = self.user, self.application_id  # type: ignore[attr-defined]
        log.info("connected as %s in %d server(s); invite it with %s", user, len(self.guilds),  # type: ignore[attr-defined]
                 invite_url(app_id) if app_id else "(application id unknown)")
        self.when_ready()

    async def on_message(self, message: discord.Message) -> None:
        await self.handlers.on_message(self.user, message)  # type: ignore[attr-defined]


class FaqClient(_FaqClient, discord.Client):
    pass


class ShardedFaqClient(_FaqClient, discord.AutoShardedClient):
    pass


class FaqTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is discord.InteractionType.autocomplete:
            # Answered here, so that a keystroke Discord gave up on (10062) costs one log line,
            # not the traceback discord.py logs for a failed autocomplete.
            await self.client.handlers.autocomplete(interaction)  # type: ignore[attr-defined]
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        log.warning("command %s failed: %s", interaction.data.get("name") if interaction.data else "?",
                    type(error).__name__, exc_info=error)


class Handlers:
    """Each one asks the service and sends what `render` makes of the reply."""

    def __init__(self, service: Service, *, defer_after: float = DEFER_AFTER, engine: Engine = asyncio.to_thread,
                 overhear: bool = False) -> None:
        self.service = service
        self.defer_after = defer_after
        self.engine = engine
        self.overhear = overhear
        self.answering = InFlight()  # what a graceful stop waits for
        self.closing = False

    async def guard(self, what: str, work: Coroutine[Any, Any, None],
                    apologise: Callable[[], Awaitable[None]] | None = None) -> None:
        if self.closing:  # shutting down: take nothing new
            work.close()
            return
        with self.answering.track():
            await guarded(what, work, apologise)

    def add_commands(self, tree: app_commands.CommandTree) -> None:
        """/faq, /help and the message menu's "Ask FAQ", with their Chinese names (translator.COMMANDS)."""
        text = app_commands.locale_str

        @tree.command(name=text("faq"), description=text("Ask the FAQ (English or Chinese)"))
        @app_commands.rename(question=text("question"))
        @app_commands.describe(question=text("Your question: pick a suggestion or type your own"))
        async def faq(interaction: discord.Interaction, question: str) -> None:
            await self.ask(interaction, question)

        @faq.autocomplete("question")
        async def suggest(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return self.choices(interaction, current)

        @tree.command(name=text("help"), description=text("How to ask faqbot, and the topics the FAQ covers"))
        async def help_command(interaction: discord.Interaction) -> None:
            await self.help(interaction)

        @tree.context_menu(name=text("Ask FAQ"))
        async def ask_about(interaction: discord.Interaction, message: discord.Message) -> None:
            """Any message's text, asked privately: the answer comes with a Share button."""
            await self.ask(interaction, message.content, chosen=False)

    # --- messages -------------------------------------------------------------------------------

    async def on_message(self, me: discord.ClientUser | None, message: discord.Message) -> None:
        if me is None or message.author.bot or message.author.id == me.id or message.webhook_id:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        direct = message.guild is None
        addressed = direct or any(user.id == me.id for user in message.mentions)
        if not addressed and not self.overhear:
            return
        channel = message.channel
        in_thread = isinstance(channel, discord.Thread)
        # a thread (a forum post's included) is scoped like the channel it belongs to
        where = Where("discord", str(message.guild.id) if message.guild else "",
                      str(channel.parent_id if in_thread else channel.id), str(message.author.id))
        # the conversation a reply belongs to: a thread, or a channel's replies to the bot's messages
        conversation = None if direct else f"discord:{where.workspace}:{channel.id}"
        question = Question(message.content, where, me=str(me.id), thread=conversation, key=f"discord:{message.id}")
        if addressed:
            work = functools.partial(self.service.ask, question)
        else:  # a new post in a help channel or forum (a forum post's first message has the thread's id)
            top_level = (not in_thread and not replies_to(message, me)) or message.id == channel.id
            work = functools.partial(self.service.overhear, question, top_level=top_level)

        async def answer() -> None:
            view = await self.engine(work)
            for piece in render(view) if view is not None else ():
                await message.reply(**send_kwargs(piece), mention_author=False)

        async def apologise() -> None:
            failed = self.service.notice("failed", asked=message.content)
            await message.reply(**send_kwargs(render(failed)[0]), mention_author=False)

        await self.guard(f"answering message {message.id}", answer(), apologise if addressed else None)

    # --- slash commands -------------------------------------------------------------------------

    async def ask(self, interaction: discord.Interaction, question: str, *, chosen: bool = True) -> None:
        """`question` typed into /faq, or an autocomplete choice (`chosen`), or a message's text."""
        where = clicked_by(interaction)

        async def answer() -> None:
            picked = parse(question) if chosen else None
            if picked and picked.action == PICK:  # an autocomplete choice: exactly that entry
                work = functools.partial(self.service.pick, picked.entry_id, picked.lang, where, via=Via.AUTOCOMPLETE,
                                         private=True, lead=picked.lead)
            else:
                work = functools.partial(self.service.ask, Question(question, where, private=True, command=True))
            view = await self.in_time(interaction, work, ephemeral=True)
            await respond(interaction, render(view) if view is not None else (), ephemeral=True)

        await self.guard("/faq", answer(), lambda: tell_failed(interaction))

    async def help(self, interaction: discord.Interaction) -> None:
        async def answer() -> None:
            await respond(interaction, render(self.service.help(clicked_by(interaction), locale_lang(interaction))),
                          ephemeral=True)

        await self.guard("/help", answer(), lambda: tell_failed(interaction))

    def choices(self, interaction: discord.Interaction, typed: str) -> list[app_commands.Choice[str]]:
        lang = self.service.language_of(typed) if typed.strip() else locale_lang(interaction)
        offered = self.service.complete(typed, where=clicked_by(interaction), lang=lang, limit=MAX_CHOICES,
                                        max_chars=MAX_CHOICE_CHARS)
        # the value names the entry, so picking a choice answers exactly it; a too-long id falls back to the text
        return [app_commands.Choice(name=ref.question,
                                    value=custom_id(PICK, lang, ref.id, offered.lead) or ref.question)
                for ref in offered.choices]

    async def autocomplete(self, interaction: discord.Interaction) -> None:
        typed = next((str(option.get("value", "")) for option in (interaction.data or {}).get("options", [])
                      if option.get("focused")), "")

        async def answer() -> None:
            # on the engine's thread: a keystroke against a large FAQ takes milliseconds the event loop cannot spare
            choices = await self.engine(lambda: self.choices(interaction, typed))
            await interaction.response.autocomplete(choices)

        await self.guard("autocomplete", answer())

    async def in_time(self, interaction: discord.Interaction, work: Callable[[], T], *, ephemeral: bool) -> T:
        """`work`'s result; if it takes longer than `defer_after`, the interaction is deferred meanwhile,
        as ephemeral when the answer will be (Discord ignores the flag on the first follow-up)."""
        task = asyncio.ensure_future(self.engine(work))
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if not done:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return await task

    # --- buttons --------------------------------------------------------------------------------

    async def on_button(self, interaction: discord.Interaction, action: str, lang: str, entry_id: str,
                        lead: str | None = None) -> None:
        await self.guard(f"button {action}", self._click(interaction, action, lang, entry_id, lead),
                         lambda: tell_failed(interaction))

    async def _click(self, interaction: discord.Interaction, action: str, lang: str, entry_id: str,
                     lead: str | None) -> None:
        private = bool(interaction.message and interaction.message.flags.ephemeral)
        where = clicked_by(interaction)
        if action in (UP, DOWN):
            view = self.service.vote(entry_id, up=action == UP, where=where, lang=lang)
            await respond(interaction, render(view), ephemeral=True)
        elif action == SHARE:  # posted for everyone in the channel
            view = self.service.share(entry_id, lang, where)
            await respond(interaction, render(view), ephemeral=view.private)
        elif action == PICK:  # the answer takes the place of the "did you mean"
            view = self.service.pick(entry_id, lang, where, via=Via.SUGGESTION, private=private, lead=lead)
            if view.private and not private:  # not for the channel: the suggestions stay, the clicker is told
                await respond(interaction, render(view), ephemeral=True)
                return
            first, *rest = render(view)
            await interaction.response.edit_message(**send_kwargs(first, editing=True))
            await respond(interaction, rest, ephemeral=private)
        else:
            view = self.service.pick(entry_id, lang, where, via=Via.TOPIC, private=private, lead=lead)
            await respond(interaction, render(view), ephemeral=view.private)


def replies_to(message: discord.Message, me: discord.ClientUser) -> bool:
    """Whether `message` answers one of the bot's own (Discord's reply, without the ping)."""
    replied = message.reference.resolved if message.reference else None
    return isinstance(replied, discord.Message) and replied.author.id == me.id


def send_kwargs(message: Message, *, editing: bool = False) -> dict:
    """What discord.py's send, reply, followup and edit calls take. Never pings anyone."""
    kwargs: dict = {"allowed_mentions": no_pings()}
    if message.content or editing:
        kwargs["content"] = message.content[:MAX_CONTENT] if message.content else None
    if message.embeds or editing:
        kwargs["embeds"] = list(message.embeds)
    view = view_for(message.buttons)
    if view is not None or editing:
        kwargs["view"] = view
    return kwargs


async def respond(interaction: discord.Interaction, messages: Iterable[Message], *, ephemeral: bool) -> None:
    """The first message answers the interaction (unless it was deferred or answered); the rest follow up."""
    for message in messages:
        if interaction.response.is_done():
            await interaction.followup.send(**send_kwargs(message), ephemeral=ephemeral)
        else:
            await interaction.response.send_message(**send_kwargs(message), ephemeral=ephemeral)


async def tell_failed(interaction: discord.Interaction) -> None:
    await respond(interaction, render(view_notice("failed", locale_lang(interaction))), ephemeral=True)


async def guarded(what: str, work: Awaitable[None], apologise: Callable[[], Awaitable[None]] | None = None) -> None:
    """Runs `work`. What Discord refuses is one log line; a fault of ours is logged in full and, when
    possible, the person is told to try again."""
    try:
        await work
    except discord.InteractionResponded:
        log.warning("%s: the interaction was already acknowledged", what)
    except discord.HTTPException as err:
        if err.code == 10062:
            log.warning("%s: Discord no longer knows the interaction (10062 Unknown interaction: "
                        "not acknowledged within 3 s)", what)
        elif err.code == 40060:
            log.warning("%s: the interaction was already acknowledged (40060)", what)
        else:
            log.warning("%s: Discord refused the answer: %s", what, describe(err))
    except Exception:
        log.exception("%s failed", what)
        if apologise is not None:
            await guarded(f"{what}: saying so", apologise())


def describe(err: discord.HTTPException) -> str:
    """An HTTP error in one line, from its status and Discord's own error (never the request)."""
    return f"{err.status} (error code {err.code}): {err.text}".strip()


def clicked_by(interaction: discord.Interaction) -> Where:
    return Where("discord", str(interaction.guild_id or ""), str(interaction.channel_id or ""),
                 str(interaction.user.id))


def locale_lang(interaction: discord.Interaction) -> str:
    return "zh" if str(interaction.locale).startswith("zh") else "en"
