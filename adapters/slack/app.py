"""The bolt AsyncApp: Slack events, the /faq command and button clicks in; Service calls; Block Kit out.

Every listener acknowledges at once and hands the rest (the engine, rendering, sending) to `Replies`, so the
acknowledgement never waits for the engine or for Slack."""

from __future__ import annotations

import logging
import re

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger.messages import (
    warning_client_prioritized_and_token_skipped,
    warning_token_skipped,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.serving import Service, Where
from bot.serving.once import Once
from bot.serving.service import Question, Via

from .blocks import (
    ASK_ABOUT,
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    PICK,
    RELATED,
    SHARE,
    parse_value,
    render,
    unescape,
)
from .home import HOME_TOPIC, home_view
from .replies import Delivery, Post, Publish, Replies, Respond

log = logging.getLogger("faqbot.slack")


def build_app(service: Service, replies: Replies, *, client: AsyncWebClient, identity: AsyncSlackResponse,
              token: str, signing_secret: str) -> AsyncApp:
    """The app `faqbot run slack` serves. `identity` is the answer to auth.test, made once at the start: no
    request ever waits for Slack to say who the bot is."""
    me = AuthorizeResult.from_auth_test_response(bot_token=token, auth_test_response=identity)

    async def authorize(**_) -> AuthorizeResult:
        return me

    logging.getLogger("slack_bolt.AsyncApp").addFilter(_not_about_the_env_token)
    # process_before_response: the response goes out when the listener returns, which is at once: no polling
    # SlackServer has checked the signature (Socket Mode needs none): bolt does not check it again
    app = AsyncApp(client=client, signing_secret=signing_secret, authorize=authorize, process_before_response=True,
                   request_verification_enabled=False)
    listeners = Listeners(service, replies)
    app.middleware(listeners.once_per_event)
    app.event("app_mention")(listeners.on_mention)
    app.event("message")(listeners.on_message)
    app.command("/faq")(listeners.on_command)
    app.action(re.compile(rf"^{PICK}_\d+$"))(listeners.on_pick)
    app.action(re.compile(rf"^{RELATED}_\d+$"))(listeners.on_related)
    app.action(SHARE)(listeners.on_share)
    app.action(re.compile(rf"^({FEEDBACK_UP}|{FEEDBACK_DOWN})$"))(listeners.on_feedback)
    app.shortcut(ASK_ABOUT)(listeners.on_ask_about)
    app.event("app_home_opened")(listeners.on_home_opened)
    app.action(re.compile(rf"^{HOME_TOPIC}_\d+$"))(listeners.on_home_topic)
    return app


def _not_about_the_env_token(record: logging.LogRecord) -> bool:
    # bolt reads SLACK_BOT_TOKEN itself and warns that the client and authorize given to it win, as intended
    return record.getMessage() not in (warning_client_prioritized_and_token_skipped(), warning_token_skipped())


class Listeners:
    """Slack's events in, Service calls, Block Kit out. Each listener acknowledges first; the Service calls run
    in `Replies`' engine thread, inside the closures handed to it."""

    def __init__(self, service: Service, replies: Replies) -> None:
        self.service = service
        self.replies = replies
        self.events = Once()  # event ids: Slack redelivers an event it thinks was not acknowledged

    async def once_per_event(self, body: dict, request, next) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not self.events.first(event_id):
            retry = request.headers.get("x-slack-retry-num", ["?"])[0]
            log.info("skipped redelivery %s of event %s", retry, event_id)
            return BoltResponse(status=200, body="")
        return await next()

    # --- questions ------------------------------------------------------------------------------

    async def on_mention(self, event: dict, context) -> None:
        if not _from_a_bot(event, context.bot_user_id):
            self._answer_message(event, context, thread_ts=event.get("thread_ts") or event["ts"])

    async def on_message(self, event: dict, context) -> None:
        """Direct messages are questions. In channels, a message that mentions the bot is answered as an
        app_mention; any other is overheard: a follow-up in a thread, or a new post in a help channel."""
        if event.get("subtype") or _from_a_bot(event, context.bot_user_id):
            return  # edits, joins and other subtypes are not questions
        if event.get("channel_type") == "im":
            self._answer_message(event, context, thread_ts=event.get("thread_ts"))
        elif f"<@{context.bot_user_id}" not in event.get("text", ""):
            thread_ts = event.get("thread_ts")
            self._answer_message(event, context, thread_ts=thread_ts or event["ts"], overheard=True,
                                 top_level=thread_ts is None or thread_ts == event["ts"])

    async def on_command(self, ack, command: dict) -> None:
        await ack()
        text = unescape(command.get("text", ""))
        where = Where("slack", command.get("team_id", ""), command.get("channel_id", ""), command.get("user_id", ""))
        url = command["response_url"]

        def reply() -> Delivery | None:
            view = self.service.ask(Question(text, where, private=True, command=True))
            if view is None:
                return None
            return Respond(url, {"response_type": "ephemeral", **render(view).payload()}, self._failed(text))

        self.replies.answer(reply)

    def _answer_message(self, event: dict, context, *, thread_ts: str | None, overheard: bool = False,
                        top_level: bool = False) -> None:
        channel, text, ts = event["channel"], unescape(event.get("text", "")), event["ts"]
        where = Where("slack", context.team_id or "", channel, event.get("user", ""))
        me = context.bot_user_id
        thread = f"slack:{where.workspace}:{channel}:{thread_ts}" if thread_ts else None

        def reply() -> Delivery | None:
            question = Question(text, where, me=me, thread=thread, key=f"slack:{where.workspace}:{channel}:{ts}")
            view = self.service.overhear(question, top_level=top_level) if overheard else self.service.ask(question)
            if view is None:
                return None
            failed = render(self.service.notice("failed", asked=text)).payload()
            return Post({"channel": channel, "thread_ts": thread_ts, **render(view).payload()}, failed)

        self.replies.answer(reply)

    # --- buttons --------------------------------------------------------------------------------

    async def on_pick(self, ack, body: dict, action: dict) -> None:
        """A "did you mean" suggestion: the answer replaces the question's message."""
        await ack()
        entry_id, lang, lead = parse_value(action["value"])
        clicker, ephemeral, url = _clicked_by(body), _ephemeral(body), body["response_url"]

        def reply() -> Delivery:
            view = self.service.pick(entry_id, lang, clicker, via=Via.SUGGESTION, private=ephemeral, lead=lead)
            if view.private and not ephemeral:  # not for the channel: the suggestions stay, the clicker is told
                return Respond(url, {"response_type": "ephemeral", "replace_original": False,
                                     **render(view).payload()}, self._failed(lang=lang))
            return Respond(url, {"replace_original": True, **render(view).payload()}, self._failed(lang=lang))

        self.replies.answer(reply)

    async def on_related(self, ack, body: dict, action: dict) -> None:
        """A related or browsed topic: answered in a new message below the one clicked."""
        await ack()
        entry_id, lang, lead = parse_value(action["value"])
        clicker, url = _clicked_by(body), body["response_url"]
        private = _ephemeral(body) or "channel" not in body
        channel, thread_ts = body.get("channel", {}).get("id"), body.get("message", {}).get("thread_ts")

        def reply() -> Delivery:
            view = self.service.pick(entry_id, lang, clicker, via=Via.TOPIC, private=private, lead=lead)
            if view.private:
                return Respond(url, {"response_type": "ephemeral", "replace_original": False,
                                     **render(view).payload()}, self._failed(lang=lang))
            return Post({"channel": channel, "thread_ts": thread_ts, **render(view).payload()})

        self.replies.answer(reply)

    async def on_share(self, ack, body: dict, action: dict) -> None:
        """Posts a privately shown answer in the channel for everyone."""
        await ack()
        entry_id, lang, _ = parse_value(action["value"])
        clicker, url = _clicked_by(body), body["response_url"]

        def reply() -> Delivery:
            view = self.service.share(entry_id, lang, clicker)
            response_type = "ephemeral" if view.private else "in_channel"
            return Respond(url, {"response_type": response_type, "replace_original": False, **render(view).payload()},
                           self._failed(lang=lang))

        self.replies.answer(reply)

    async def on_feedback(self, ack, body: dict, action: dict) -> None:
        await ack()
        entry_id, lang, _ = parse_value(action["value"])
        up, clicker, url = action["action_id"] == FEEDBACK_UP, _clicked_by(body), body["response_url"]

        def reply() -> Delivery:
            view = self.service.vote(entry_id, up=up, where=clicker, lang=lang)
            return Respond(url, {"response_type": "ephemeral", "replace_original": False, **render(view).payload()},
                           self._failed(lang=lang))

        self.replies.answer(reply)

    # --- the App Home tab ------------------------------------------------------------------------

    async def on_home_opened(self, event: dict) -> None:
        """Publishes the person's Home tab when Service.home_for has one: Slack sends this event each time the tab
        is opened, and views.publish is rate limited."""
        user = event.get("user", "")
        if event.get("tab", "home") != "home" or not user:
            return

        def publish() -> Publish | None:
            home = self.service.home_for(user)
            return None if home is None else Publish(user, home_view(home))

        self.replies.answer(publish)

    async def on_home_topic(self, ack, body: dict, action: dict) -> None:
        """A topic clicked on the Home tab: answered in the person's direct messages with the bot."""
        await ack()
        entry_id, lang, _ = parse_value(action["value"])
        clicker = _clicked_by(body)

        def reply() -> Delivery:
            view = self.service.pick(entry_id, lang, clicker, via=Via.TOPIC)
            return Post({"channel": clicker.user, **render(view).payload()})  # a user id: the direct messages

        self.replies.answer(reply)

    # --- shortcuts ------------------------------------------------------------------------------

    async def on_ask_about(self, ack, body: dict) -> None:
        """"Ask faqbot" on a message: the answer in that message's thread for everyone, or a notice for the
        person who asked."""
        await ack()
        message, url = body.get("message", {}), body["response_url"]
        channel, thread_ts = body.get("channel", {}).get("id", ""), message.get("thread_ts") or message.get("ts")
        text, asker = unescape(message.get("text", "")), _clicked_by(body)

        def reply() -> Delivery:
            view = self.service.ask_about(text, asker)
            if view.private:
                return Respond(url, {"response_type": "ephemeral", "replace_original": False,
                                     **render(view).payload()}, self._failed(text))
            # the bot may not be in that channel (not_in_channel): then the asker is told, privately, how to fix it
            return Post({"channel": channel, "thread_ts": thread_ts, **render(view).payload()},
                        Respond(url, self._failed(text, key="not_posted")))

        self.replies.answer(reply)

    def _failed(self, asked: str = "", *, lang: str | None = None, key: str = "failed") -> dict:
        """What a response_url gets instead when the reply cannot be sent."""
        view = self.service.notice(key, asked=asked, lang=lang)
        return {"response_type": "ephemeral", "replace_original": False, **render(view).payload()}


def _from_a_bot(event: dict, bot_user_id: str | None) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message" or event.get("user") == bot_user_id


def _clicked_by(body: dict) -> Where:
    return Where("slack", body.get("team", {}).get("id", ""), body.get("channel", {}).get("id", ""),
                 body.get("user", {}).get("id", ""))


def _ephemeral(body: dict) -> bool:
    return bool(body.get("container", {}).get("is_ephemeral"))
