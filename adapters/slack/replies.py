"""Replies, off the request path: each is worked out by the engine on its thread, then queued and sent by a
few async senders, exactly once. Slack being slow or rate limiting holds up only the senders, never the
acknowledgements; and a reply to a channel Slack rate limits waits off the senders, so that the others are sent.

The engine runs in a thread, not on the event loop: a question through the semantic stage takes 2-10 ms
(15 ms at the p99 of 10,000 entries), and the first one may wait a second or more for the encoder to load.
Inline, that time would be added to every acknowledgement waiting behind it (`python -m bench.load`: see
the README's Slack section for the figures)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("faqbot.slack")

SERVER_ERRORS = frozenset({500, 502, 503, 504})
REFUSED = 400  # what a call Slack answered with ok: false counts as


@dataclass(frozen=True)
class Policy:
    senders: int = 16  # replies being sent at once
    capacity: int = 10_000  # replies in hand (being answered, queued or sent); beyond it, new ones are dropped
    timeout: float = 20.0  # per call; longer than a slow Slack takes, so that a reply that went through is not sent again
    max_retry_after: float = 10.0  # a longer Retry-After is not waited for: the reply is given up
    patience: float = 60.0  # a reply still rate limited this long after its first try is given up
    server_error_retries: int = 2
    backoff: float = 0.25  # seconds before the first retry after a server error, doubled for the next


@dataclass(frozen=True)
class Post:
    """A Web API call: chat.postMessage with `args` (channel, thread_ts, text, blocks)."""

    args: dict
    fallback: dict | Delivery | None = None  # sent instead, once, when Slack refuses `args`: more args, or another delivery

    @property
    def route(self) -> str:
        # Slack limits chat.postMessage channel by channel: a 429 in one must not hold back the others
        return f"chat.postMessage {self.args.get('channel', '')}"


@dataclass(frozen=True)
class Respond:
    """A post to an interaction's response_url."""

    url: str
    payload: dict
    fallback: dict | None = None

    @property
    def route(self) -> str:
        return self.url  # Slack limits each response_url on its own


@dataclass(frozen=True)
class Publish:
    """views.publish: a person's App Home tab."""

    user_id: str
    view: dict
    fallback: dict | None = None  # never used: nobody is told that a Home tab could not be published

    @property
    def route(self) -> str:
        return "views.publish"


Delivery = Post | Respond | Publish


@dataclass(frozen=True)
class Outcome:
    result: str  # sent, failed (Slack refused), gave_up (rate limited too long), unknown (no answer in time)
    problem: str = ""


SENT = Outcome("sent")


@dataclass(frozen=True)
class Later:
    """Slack asked not to call the delivery's route before `until` (time.monotonic())."""

    until: float


@dataclass(frozen=True)
class _Held:
    delivery: Delivery
    first: float | None = None  # when it was first tried: a reply rate limited for `patience` since is given up


class Replies:
    """Created and used on one event loop."""

    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession, *,
                 engine: Callable[[Callable[[], Delivery | None]], Awaitable[Delivery | None]],
                 policy: Policy = Policy(), count: Callable[[str], None] = lambda result: None) -> None:
        self.client = client
        self.session = session
        self.engine = engine  # runs the engine's work off the loop: Loop.answer
        self.policy = policy
        self.count = count
        self.in_hand = 0
        self._queue: asyncio.Queue[_Held] = asyncio.Queue()
        self._idle = asyncio.Event()
        self._idle.set()
        self._paused: dict[str, float] = {}  # route -> monotonic time before which Slack asked not to call it
        self._senders = [asyncio.create_task(self._send_forever(), name=f"faqbot-slack-sender-{n}")
                         for n in range(policy.senders)]
        self._answering: set[asyncio.Task] = set()
        self._waiting: set[asyncio.TimerHandle] = set()  # rate limited replies, each put back in the queue when due

    def answer(self, work: Callable[[], Delivery | None]) -> None:
        """Runs `work` (the engine, then rendering) through `engine` and sends what it returns."""
        if not self._take():
            return
        task = asyncio.create_task(self._answer(work))
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    def post(self, delivery: Delivery) -> None:
        if self._take():
            self._queue.put_nowait(_Held(delivery))

    async def close(self, deadline: float) -> int:
        """Sends what is in hand until `deadline` (time.monotonic()); returns how many replies were left unsent."""
        try:
            await asyncio.wait_for(self._idle.wait(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            pass
        unsent = self.in_hand
        for handle in self._waiting:
            handle.cancel()
        for task in [*self._senders, *self._answering]:
            task.cancel()
        await asyncio.gather(*self._senders, *self._answering, return_exceptions=True)
        if unsent:
            log.warning("stopped with %d replies unsent", unsent)
            for _ in range(unsent):
                self.count("unsent")
        return unsent

    # --- in hand ----------------------------------------------------------------------------------

    def _take(self) -> bool:
        if self.in_hand >= self.policy.capacity:
            log.warning("dropped a reply: %d already in hand", self.in_hand)
            self.count("dropped")
            return False
        self.in_hand += 1
        self._idle.clear()
        return True

    def _done(self) -> None:
        self.in_hand -= 1
        if self.in_hand == 0:
            self._idle.set()

    async def _answer(self, work: Callable[[], Delivery | None]) -> None:
        try:
            delivery = await self.engine(work)
        except Exception:
            log.exception("answering failed")
            delivery = None
        if delivery is None:
            self._done()
        else:
            self._queue.put_nowait(_Held(delivery))

    async def _send_forever(self) -> None:
        while True:
            held = await self._queue.get()
            waits = False
            try:
                waits = await self._deliver(held)
            except Exception:
                log.exception("sending a reply failed")
            finally:
                if not waits:
                    self._done()

    def _put_back(self, held: _Held, until: float) -> None:
        """`held` queued again at `until`, still in hand, no sender waiting for it."""
        def due() -> None:
            self._waiting.discard(handle)
            self._queue.put_nowait(held)

        handle = asyncio.get_running_loop().call_later(max(0.0, until - time.monotonic()), due)
        self._waiting.add(handle)

    # --- sending ----------------------------------------------------------------------------------

    async def _deliver(self, held: _Held) -> bool:
        """Sends `held`; True when it waits for its route's rate limit to pass (put back in the queue)."""
        delivery, first = held.delivery, held.first if held.first is not None else time.monotonic()
        outcome = await self._send(delivery, first)
        if isinstance(outcome, Later):
            self._put_back(_Held(delivery, first), outcome.until)
            return True
        self.count(outcome.result)
        if outcome is SENT:
            return False
        log.warning("could not send a reply (%s): %s", outcome.result, outcome.problem)
        if outcome.result == "failed" and delivery.fallback is not None:
            told = await self._send(_fallback(delivery), time.monotonic(), wait=True)  # never Later
            if told is not SENT:
                log.warning("could not tell the person either: %s", told.problem)
        return False

    async def _send(self, delivery: Delivery, first: float, *, wait: bool = False) -> Outcome | Later:
        """One delivery with its retries: server errors a few times, a connection that could not be made once,
        never after a call that may have gone through. A route Slack rate limits, while its Retry-After is short
        enough and `patience` lasts: Later, or with `wait` (a fallback, rare), waited for here."""
        policy = self.policy
        server_errors = refused = 0
        while True:
            pause = self._paused.get(delivery.route, 0.0) - time.monotonic()
            if pause > 0:
                if time.monotonic() + pause - first > policy.patience:
                    return Outcome("gave_up", f"still rate limited after {policy.patience:g} s")
                if not wait:
                    return Later(time.monotonic() + pause)
                await asyncio.sleep(pause)
            status, retry_after, problem = await self._attempt(delivery)
            if status == 200:
                return SENT
            if status == 429:
                if retry_after > policy.max_retry_after:
                    return Outcome("gave_up", f"rate limited, Slack asked to wait {retry_after:g} s (more than "
                                              f"{policy.max_retry_after:g} s)")
                if time.monotonic() + retry_after - first > policy.patience:
                    return Outcome("gave_up", f"still rate limited after {policy.patience:g} s")
                now = time.monotonic()
                self._paused = {route: until for route, until in self._paused.items() if until > now}
                self._paused[delivery.route] = max(self._paused.get(delivery.route, 0.0), now + retry_after)
                continue
            if status in SERVER_ERRORS and server_errors < policy.server_error_retries:
                await asyncio.sleep(policy.backoff * 2 ** server_errors)
                server_errors += 1
                continue
            if status == 0 and refused < 1:
                refused += 1
                await asyncio.sleep(policy.backoff)
                continue
            return Outcome("unknown" if status == -1 else "failed", problem)

    async def _attempt(self, delivery: Delivery) -> tuple[int, float, str]:
        """(status, Retry-After seconds, problem): status 0 when no connection was made (nothing was sent),
        -1 when the call went out and no answer came (it may have been delivered)."""
        try:
            if isinstance(delivery, Post):
                await self.client.chat_postMessage(**delivery.args)
                return 200, 0.0, ""
            if isinstance(delivery, Publish):
                await self.client.views_publish(user_id=delivery.user_id, view=delivery.view)
                return 200, 0.0, ""
            timeout = aiohttp.ClientTimeout(total=self.policy.timeout)
            async with self.session.post(delivery.url, json=delivery.payload, timeout=timeout) as response:
                await response.read()
                return response.status, _retry_after(response.headers.get("Retry-After")), f"HTTP {response.status}"
        except SlackApiError as err:
            response = err.response
            if not hasattr(response, "status_code"):
                # an answer that claims to be JSON and is none comes as the raw HTTP response: it may have
                # been delivered, so it is not sent again
                return -1, 0.0, "an answer that is not JSON"
            # Slack refuses a call with HTTP 200 and ok: false (not_in_channel, invalid_blocks...): not sent
            status = REFUSED if response.status_code == 200 else response.status_code
            return (status, _retry_after(response.headers.get("Retry-After")),
                    f"{response.status_code} {response.get('error', '')}".strip())
        except aiohttp.ClientConnectorError as err:
            return 0, 0.0, f"cannot connect ({type(err).__name__})"
        except (TimeoutError, aiohttp.ClientError) as err:
            return -1, 0.0, f"no answer ({type(err).__name__})"


def _retry_after(value: str | None) -> float:
    try:
        seconds = float(value or 1)
    except ValueError:
        return 1.0
    return 1.0 if seconds != seconds else min(max(seconds, 0.0), 1e9)  # NaN: not a wait


def _fallback(delivery: Delivery) -> Delivery:
    if isinstance(delivery.fallback, (Post, Respond, Publish)):  # told another way (the asker, privately)
        return delivery.fallback
    if isinstance(delivery, Post):
        return Post({**delivery.args, **(delivery.fallback or {})})
    return Respond(delivery.url, delivery.fallback or {})
