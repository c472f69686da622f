"""A local fake of Discord for the adapter's tests: the REST API and the gateway websocket, served by
one aiohttp server on 127.0.0.1 in its own thread. It records every request with its JSON body, and
tests dispatch gateway events (MESSAGE_CREATE, INTERACTION_CREATE) shaped like Discord's."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import discord
import yarl
from aiohttp import WSMsgType, web

APP_ID = "1100000000000000001"  # a bot's user id is its application's id
GUILD_ID = "1200000000000000001"
CHANNEL_ID = "1300000000000000001"
DM_CHANNEL_ID = "1300000000000000002"
FORUM_ID = "1300000000000000003"
COMMAND_ID = "1500000000000000001"
BOT_USER = {"id": APP_ID, "username": "faqbot", "discriminator": "0", "global_name": "faqbot", "avatar": None,
            "bot": True}
TIMESTAMP = "2025-01-01T00:00:00.000000+00:00"
EPHEMERAL = 64


def person(user_id: str = "1400000000000000001", name: str = "asker", *, bot: bool = False) -> dict:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name.title(), "avatar": None,
            "bot": bot}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # below /api/v10
    headers: dict[str, str]
    body: dict | list | None
    status: int  # what the fake answered
    answer: dict | list | None  # ...and with what
    at: float  # time.perf_counter() when it arrived (before any delay the fake adds)

    @property
    def dump(self) -> str:
        """Everything sent, as one string, to search for text that must (not) be there."""
        return json.dumps(self.body, ensure_ascii=False)


@dataclass
class Failure:
    status: int
    code: int
    message: str
    times: int = 1


@dataclass
class _Gateway:
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    identified: list[dict] = field(default_factory=list)  # IDENTIFY payloads
    sequence: int = 0
    connected: int = 0  # sessions that got READY and GUILD_CREATE


class FakeDiscord:
    """Discord's REST routes the client uses, and its gateway: HELLO, heartbeat ACKs, READY and
    GUILD_CREATE after IDENTIFY. Unknown routes answer 404 and are recorded like the rest."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.arrivals: list[tuple[str, str, float]] = []  # (method, path, time.perf_counter()) as each arrives
        self.gateway_state = _Gateway()
        self.close_on_identify: int | None = None  # e.g. 4014: refuse the intents
        self.delays: dict[str, float] = {}  # path prefix -> seconds to wait before answering
        self.slow_until, self.slow_delay = 0.0, 0.0  # every request until then waits this long: `troubled`
        self._failures: list[tuple[str, str, Failure]] = []
        self._acknowledged: set[str] = set()  # interaction ids
        self._ids = itertools.count(1600000000000000001)
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        port = self._runner.addresses[0][1]
        self.api = f"http://127.0.0.1:{port}/api/v10"
        self.gateway = f"ws://127.0.0.1:{port}/gateway"

    async def _start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()

    def close(self) -> None:
        async def stop() -> None:
            for ws in list(self.gateway_state.sockets):
                await ws.close()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def new_id(self) -> str:
        return str(next(self._ids))

    # --- scripting and inspecting ---------------------------------------------------------------

    def fail(self, method: str, path_prefix: str, status: int, code: int, message: str, times: int = 1) -> None:
        """The next `times` requests to paths starting with `path_prefix` get Discord's JSON error."""
        self._failures.append((method, path_prefix, Failure(status, code, message, times)))

    def troubled(self, seconds: float, *, delay: float) -> None:
        """Every REST request that arrives in the next `seconds` is answered `delay` seconds late."""
        self.slow_until, self.slow_delay = time.monotonic() + seconds, delay

    def sent(self, method: str, prefix: str, *, ok_only: bool = True) -> list[Recorded]:
        with self._changed:
            return [r for r in self.requests if r.method == method and r.path.startswith(prefix)
                    and (r.status < 300 or not ok_only)]

    def wait_for(self, method: str, prefix: str, count: int = 1, timeout: float = 30.0, *,
                 ok_only: bool = True) -> list[Recorded]:
        """The requests to paths starting with `prefix`, once there are at least `count`."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.sent(method, prefix, ok_only=ok_only)) >= count, timeout):
                raise AssertionError(f"{len(self.sent(method, prefix, ok_only=ok_only))} {method} {prefix}, "
                                     f"expected {count}: {[(r.method, r.path) for r in self.requests]}")
            return self.sent(method, prefix, ok_only=ok_only)

    def wait_until_identified(self, timeout: float = 30.0) -> dict:
        with self._changed:
            if not self._changed.wait_for(lambda: self.gateway_state.identified, timeout):
                raise AssertionError("the client never identified on the gateway")
            return self.gateway_state.identified[0]

    def wait_until_connected(self, sessions: int = 1, timeout: float = 30.0) -> None:
        """Until `sessions` clients in all got READY and their server. Events dispatched from then on
        reach the client after those, though discord.py waits 2 s more for other servers before on_ready."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.gateway_state.connected >= sessions, timeout):
                raise AssertionError(f"{self.gateway_state.connected} gateway session(s), expected {sessions}")

    def dispatch(self, event: str, data: dict) -> None:
        """Sends a gateway DISPATCH to every connected client."""
        asyncio.run_coroutine_threadsafe(self._dispatch(event, data), self._loop).result(5)

    async def _dispatch(self, event: str, data: dict) -> None:
        self.gateway_state.sequence += 1
        payload = {"op": 0, "t": event, "s": self.gateway_state.sequence, "d": data}
        for ws in list(self.gateway_state.sockets):
            await ws.send_json(payload)

    # --- the gateway ----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": 41250}})
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload["op"] == 1:
                await ws.send_json({"op": 11, "s": None, "t": None, "d": None})
            elif payload["op"] == 2:
                await self._identified(ws, payload["d"])
        if ws in self.gateway_state.sockets:
            self.gateway_state.sockets.remove(ws)
        return ws

    async def _identified(self, ws: web.WebSocketResponse, identify: dict) -> None:
        with self._changed:
            self.gateway_state.identified.append(identify)
            self._changed.notify_all()
        if self.close_on_identify:
            await ws.close(code=self.close_on_identify, message=b"refused")
            return
        self.gateway_state.sockets.append(ws)
        await self._dispatch("READY", {
            "v": 10, "user": BOT_USER, "guilds": [{"id": GUILD_ID, "unavailable": True}], "session_id": "session-1",
            "resume_gateway_url": self.gateway, "shard": identify.get("shard", [0, 1]),
            "application": {"id": APP_ID, "flags": 0}})
        await self._dispatch("GUILD_CREATE", guild())
        with self._changed:
            self.gateway_state.connected += 1
            self._changed.notify_all()

    # --- the REST API ---------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        arrived = time.perf_counter()
        with self._changed:
            self.arrivals.append((request.method, path, arrived))
            self._changed.notify_all()
        body = await _body(request)
        delay = max((d for p, d in self.delays.items() if path.startswith(p)), default=0)
        await asyncio.sleep(max(delay, self.slow_delay if time.monotonic() < self.slow_until else 0))
        status, answer = self._answer(request.method, path, body)
        with self._changed:
            self.requests.append(Recorded(request.method, path, dict(request.headers), body, status, answer,
                                          arrived))
            self._changed.notify_all()
        if answer is None:
            return web.Response(status=status)
        # exactly "application/json", without a charset, as Discord sends it (discord.py compares the header)
        return web.Response(status=status, body=json.dumps(answer).encode(), headers={"Content-Type": "application/json"})

    def _answer(self, method: str, path: str, body) -> tuple[int, dict | list | None]:
        for n, (failing, prefix, failure) in enumerate(self._failures):
            if failing == method and path.startswith(prefix):
                failure.times -= 1
                if failure.times <= 0:
                    del self._failures[n]
                return failure.status, {"message": failure.message, "code": failure.code}
        parts = path.strip("/").split("/")
        if (method, path) == ("GET", "/users/@me"):
            return 200, BOT_USER
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return 200, application()
        if (method, path) == ("GET", "/gateway/bot"):
            return 200, {"url": self.gateway, "shards": 1,
                         "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                                                 "max_concurrency": 1}}
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            guild_id = parts[3] if len(parts) == 5 else None
            return 200, [command(c, guild_id) for c in body or []]
        if method == "POST" and parts[0] == "channels" and parts[-1] == "messages":
            return 200, self.message(parts[1], body or {})
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            if parts[1] in self._acknowledged:  # as Discord does when an interaction is answered twice
                return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
            self._acknowledged.add(parts[1])
            return 200, self._callback(parts[1], body or {})
        if parts[0] == "webhooks" and method in ("POST", "PATCH", "GET"):
            return 200, self.message(CHANNEL_ID, body or {})
        return 404, {"message": "404: Not Found", "code": 0}

    def _callback(self, interaction_id: str, body: dict) -> dict:
        kind, data = body.get("type"), body.get("data") or {}
        answer: dict = {"interaction": {"id": interaction_id, "type": 2,
                                        "response_message_loading": kind == 5,
                                        "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL)},
                        "resource": {"type": kind}}
        if kind in (4, 5, 7):
            message = self.message(CHANNEL_ID, data)
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"]["message"] = message
        return answer

    def message(self, channel_id: str, body: dict) -> dict:
        """The message Discord would make of what was sent."""
        return {"id": self.new_id(), "channel_id": channel_id, "author": BOT_USER, "content": body.get("content") or "",
                "timestamp": TIMESTAMP, "edited_timestamp": None, "tts": False, "mention_everyone": False,
                "mentions": [], "mention_roles": [], "attachments": [], "embeds": body.get("embeds") or [],
                "pinned": False, "type": 19 if body.get("message_reference") else 0,
                "flags": body.get("flags") or 0, "components": body.get("components") or []}


async def _body(request: web.Request):
    if request.content_type == "multipart/form-data":
        form = await request.post()
        return json.loads(form["payload_json"]) if "payload_json" in form else {}
    raw = await request.read()
    return json.loads(raw) if raw else None


# --- what Discord sends ----------------------------------------------------------------------------


def application() -> dict:
    return {"id": APP_ID, "name": "faqbot", "icon": None, "description": "", "bot_public": True,
            "bot_require_code_grant": False, "owner": person("1400000000000000099", "owner"), "verify_key": "00",
            "flags": 0, "team": None, "summary": "", "interactions_endpoint_url": None}


def command(sent: dict, guild_id: str | None) -> dict:
    # Discord gives every command a description: "" for the context menu's, which send none
    return {"id": COMMAND_ID, "application_id": APP_ID, "version": "1", "type": 1, "options": [], "description": "",
            "default_member_permissions": None, "nsfw": False, **sent, **({"guild_id": guild_id} if guild_id else {})}


def guild() -> dict:
    everyone = {"id": GUILD_ID, "name": "@everyone", "permissions": "104324673", "position": 0, "color": 0,
                "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    channel = {"id": CHANNEL_ID, "type": 0, "name": "general", "position": 0, "permission_overwrites": [],
               "guild_id": GUILD_ID, "nsfw": False, "parent_id": None}
    forum = {"id": FORUM_ID, "type": 15, "name": "help", "position": 1, "permission_overwrites": [],
             "guild_id": GUILD_ID, "nsfw": False, "parent_id": None, "available_tags": [], "flags": 0}
    return {"id": GUILD_ID, "name": "Team", "icon": None, "owner_id": "1400000000000000099", "afk_timeout": 300,
            "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
            "roles": [everyone], "emojis": [], "stickers": [], "features": [], "mfa_level": 0,
            "system_channel_id": None, "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
            "channels": [channel, forum], "threads": [], "members": [], "member_count": 2, "joined_at": TIMESTAMP,
            "large": False, "unavailable": False, "presences": [], "voice_states": [], "stage_instances": [],
            "guild_scheduled_events": []}


def message_create(fake: FakeDiscord, content: str, *, author: dict | None = None, direct: bool = False,
                   mentions: tuple[dict, ...] = (), mention_everyone: bool = False,
                   mention_roles: tuple[str, ...] = ()) -> dict:
    data = {"id": fake.new_id(), "channel_id": DM_CHANNEL_ID if direct else CHANNEL_ID,
            "author": author or person(), "content": content, "timestamp": TIMESTAMP, "edited_timestamp": None,
            "tts": False, "mention_everyone": mention_everyone, "mentions": list(mentions),
            "mention_roles": list(mention_roles), "attachments": [], "embeds": [], "pinned": False, "type": 0,
            "flags": 0, "components": []}
    if not direct:
        data["guild_id"] = GUILD_ID
        data["member"] = {"roles": [], "joined_at": TIMESTAMP, "deaf": False, "mute": False, "flags": 0}
    return data


def forum_post(fake: FakeDiscord, title: str, content: str, *, author: dict | None = None) -> tuple[dict, dict]:
    """A new post in the forum: the thread Discord creates (THREAD_CREATE), and its first message, which has
    the thread's id (MESSAGE_CREATE)."""
    thread_id, author = fake.new_id(), author or person()
    thread = {"id": thread_id, "type": 11, "guild_id": GUILD_ID, "parent_id": FORUM_ID, "owner_id": author["id"],
              "name": title, "last_message_id": thread_id, "message_count": 0, "member_count": 1,
              "rate_limit_per_user": 0, "flags": 0, "total_message_sent": 0, "applied_tags": [],
              "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": TIMESTAMP,
                                  "locked": False}, "newly_created": True}
    return thread, in_channel(message_create(fake, content, author=author), thread_id, message_id=thread_id)


def in_channel(message: dict, channel_id: str, *, message_id: str | None = None) -> dict:
    """`message` sent in another channel (a thread), with another id when given."""
    return {**message, "channel_id": channel_id, **({"id": message_id} if message_id else {})}


def interaction(fake: FakeDiscord, kind: int, data: dict, *, user: dict | None = None, direct: bool = False,
                message: dict | None = None, locale: str = "en-US") -> dict:
    interaction_id = fake.new_id()
    payload = {"id": interaction_id, "application_id": APP_ID, "type": kind, "data": data,
               "token": f"interaction-token-{interaction_id}", "version": 1, "locale": locale,
               "app_permissions": "83968", "entitlements": [], "context": 1 if direct else 0,
               "attachment_size_limit": 26214400,
               "authorizing_integration_owners": {"0": GUILD_ID}}
    if direct:
        payload.update(channel_id=DM_CHANNEL_ID, user=user or person(),
                       channel={"id": DM_CHANNEL_ID, "type": 1, "recipients": [user or person()]})
    else:
        payload.update(guild_id=GUILD_ID, guild_locale="en-US", channel_id=CHANNEL_ID,
                       channel={"id": CHANNEL_ID, "type": 0, "name": "general", "guild_id": GUILD_ID,
                                "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None},
                       member={"user": user or person(), "roles": [], "permissions": "83968", "joined_at": TIMESTAMP,
                               "deaf": False, "mute": False, "flags": 0})
    if message is not None:
        payload["message"] = message
    return payload


def slash(fake: FakeDiscord, name: str, options: dict[str, str] | None = None, **extra) -> dict:
    data = {"id": COMMAND_ID, "name": name, "type": 1,
            "options": [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]}
    return interaction(fake, 2, data, **extra)


def typing_question(fake: FakeDiscord, typed: str, **extra) -> dict:
    data = {"id": COMMAND_ID, "name": "faq", "type": 1,
            "options": [{"name": "question", "type": 3, "value": typed, "focused": True}]}
    return interaction(fake, 4, data, **extra)


def click(fake: FakeDiscord, message: dict, custom_id: str, **extra) -> dict:
    return interaction(fake, 3, {"custom_id": custom_id, "component_type": 2}, message=message, **extra)


# --- pointing discord.py at the fake -------------------------------------------------------------------


@contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """discord.py's REST base and gateway URL set to the fake's, and restored afterwards."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway)
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


class Running:
    """`adapters.discord.run(client, token)` in a thread with its own event loop, as `faqbot run discord`
    runs it; `exit_code` is what it returned."""

    def __init__(self, client: discord.Client, token: str) -> None:
        from adapters.discord.connection import run

        self.client = client
        self.exit_code: int | None = None
        looping = threading.Event()

        def serve() -> None:
            with asyncio.Runner() as runner:  # as asyncio.run: what is left at the end is cancelled
                self.loop = runner.get_loop()
                looping.set()
                self.exit_code = runner.run(run(client, token))

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        looping.wait(10)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.client.is_ready():
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise AssertionError(f"the client did not get ready (exit code {self.exit_code})")
            time.sleep(0.01)

    def wait_stopped(self, timeout: float = 30.0) -> int | None:
        self._thread.join(timeout)
        return self.exit_code

    def stop(self) -> int | None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.client.close(), self.loop).result(10)
        self._thread.join(10)
        return self.exit_code
