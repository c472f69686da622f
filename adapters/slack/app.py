"""The bolt App: Slack events, the /faq command and button clicks in; Service calls; Block Kit out."""

from __future__ import annotations

import logging
import re
from concurrent.futures import Executor

from slack_bolt import App, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    RetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.engine import Engine
from bot.engine.view import View
from bot.serving import Service, Where
from bot.serving.service import Question, Via

from .blocks import (
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    PICK,
    RELATED,
    SHARE,
    parse_value,
    render,
    unescape,
)
from .once import Once

DEFAULT_API_URL = "https://slack.com/api/"
API_TIMEOUT = 10  # seconds per Web API or response_url call
DELIVERY_ERRORS = (SlackApiError, SlackClientError, OSError)

log = logging.getLogger("faqbot.slack")


def retry_handlers() -> list[RetryHandler]:
    """Rate limits (429, Retry-After) and server errors (500, 503) are retried twice, then given up."""
    return [ConnectionErrorRetryHandler(max_retry_count=1), RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2)]


def build_app(service: Service | Engine, *, token: str, signing_secret: str, api_url: str | None = None,
              listener_executor: Executor | None = None) -> App:
    """The App `faqbot run slack` serves. It calls auth.test once, here, to learn the bot's own user id."""
    client = WebClient(token=token, base_url=api_url or DEFAULT_API_URL, timeout=API_TIMEOUT,
                       retry_handlers=retry_handlers())
    logging.getLogger("slack_bolt.App").addFilter(_not_about_the_env_token)
    app = App(client=client, signing_secret=signing_secret, listener_executor=listener_executor)
    service = service if isinstance(service, Service) else Service(service)
    listeners = Listeners(service)
    app.middleware(listeners.once_per_event)
    app.event("app_mention")(listeners.on_mention)
    app.event("message")(listeners.on_message)
    app.command("/faq")(listeners.on_command)
    app.action(re.compile(rf"^{PICK}_\d+$"))(listeners.on_pick)
    app.action(re.compile(rf"^{RELATED}_\d+$"))(listeners.on_related)
    app.action(SHARE)(listeners.on_share)
    app.action(re.compile(rf"^({FEEDBACK_UP}|{FEEDBACK_DOWN})$"))(listeners.on_feedback)
    return app


def _not_about_the_env_token(record: logging.LogRecord) -> bool:
    # bolt reads SLACK_BOT_TOKEN itself and warns that the client given to it wins, which is intended
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


class Listeners:
    """Slack's events in, Service calls, Block Kit out. Each listener acknowledges first."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.events = Once()  # event ids: Slack redelivers an event it thinks was not acknowledged
        self.messages = Once()  # (channel, ts): one message can arrive as app_mention and as message

    def once_per_event(self, body: dict, request, next) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not self.events.first(event_id):
            retry = request.headers.get("x-slack-retry-num", ["?"])[0]
            log.info("skipped redelivery %s of event %s", retry, event_id)
            return BoltResponse(status=200, body="")
        return next()

    # --- questions ------------------------------------------------------------------------------

    def on_mention(self, event: dict, context, client: WebClient) -> None:
        if not _from_a_bot(event, context.bot_user_id):
            self._answer_message(event, context, client, thread_ts=event.get("thread_ts") or event["ts"])

    def on_message(self, event: dict, context, client: WebClient) -> None:
        # edits, joins and other subtypes are not questions
        direct = event.get("channel_type") == "im" and not event.get("subtype")
        if direct and not _from_a_bot(event, context.bot_user_id):
            self._answer_message(event, context, client, thread_ts=event.get("thread_ts"))

    def on_command(self, ack, command: dict) -> None:
        ack()
        text = unescape(command.get("text", ""))
        where = Where("slack", command.get("team_id", ""), command.get("channel_id", ""), command.get("user_id", ""))
        view = self.service.ask(Question(text, where, private=True, command=True))
        if view is not None:
            self._respond(command["response_url"], {"response_type": "ephemeral", **render(view).payload()}, text)

    def _answer_message(self, event: dict, context, client: WebClient, *, thread_ts: str | None) -> None:
        channel, text = event["channel"], unescape(event.get("text", ""))
        if not self.messages.first((channel, event["ts"])):
            return
        where = Where("slack", context.team_id or "", channel, event.get("user", ""))
        view = self.service.ask(Question(text, where, me=context.bot_user_id))
        if view is None:
            return
        try:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, **render(view).payload())
        except DELIVERY_ERRORS as err:
            log.warning("chat.postMessage failed: %s", _describe(err))
            try:
                client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                        **render(self.service.notice("failed", asked=text)).payload())
            except DELIVERY_ERRORS as again:
                log.warning("could not tell the user either: %s", _describe(again))

    # --- buttons --------------------------------------------------------------------------------

    def on_pick(self, ack, body: dict, action: dict) -> None:
        """A "did you mean" suggestion: the answer replaces the question's message."""
        ack()
        entry_id, lang, lead = parse_value(action["value"])
        view = self.service.pick(entry_id, lang, _clicked_by(body), via=Via.SUGGESTION, private=_ephemeral(body),
                                 lead=lead)
        if view.private and not _ephemeral(body):  # not for the channel: the suggestions stay, the clicker is told
            self._respond(body["response_url"],
                          {"response_type": "ephemeral", "replace_original": False, **render(view).payload()},
                          lang=lang)
            return
        self._respond(body["response_url"], {"replace_original": True, **render(view).payload()}, lang=lang)

    def on_related(self, ack, body: dict, action: dict, client: WebClient) -> None:
        """A related or browsed topic: answered in a new message below the one clicked."""
        ack()
        entry_id, lang, lead = parse_value(action["value"])
        view = self.service.pick(entry_id, lang, _clicked_by(body), via=Via.TOPIC,
                                 private=_ephemeral(body) or "channel" not in body, lead=lead)
        if view.private:
            self._respond(body["response_url"],
                          {"response_type": "ephemeral", "replace_original": False, **render(view).payload()},
                          lang=lang)
            return
        thread_ts = body.get("message", {}).get("thread_ts")
        try:
            client.chat_postMessage(channel=body["channel"]["id"], thread_ts=thread_ts, **render(view).payload())
        except DELIVERY_ERRORS as err:
            log.warning("chat.postMessage failed: %s", _describe(err))

    def on_share(self, ack, body: dict, action: dict) -> None:
        """Posts a privately shown answer in the channel for everyone."""
        ack()
        entry_id, lang, _ = parse_value(action["value"])
        view = self.service.share(entry_id, lang, _clicked_by(body))
        response_type = "ephemeral" if view.private else "in_channel"
        self._respond(body["response_url"],
                      {"response_type": response_type, "replace_original": False, **render(view).payload()}, lang=lang)

    def on_feedback(self, ack, body: dict, action: dict) -> None:
        ack()
        entry_id, lang, _ = parse_value(action["value"])
        view = self.service.vote(entry_id, up=action["action_id"] == FEEDBACK_UP, where=_clicked_by(body), lang=lang)
        self._respond(body["response_url"], {"response_type": "ephemeral", "replace_original": False,
                                             **render(view).payload()}, lang=lang)

    def _respond(self, response_url: str, payload: dict, asked: str = "", *, lang: str | None = None) -> None:
        """Posts to a response_url, with the same retries as the Web API; on failure, tries to say so."""
        hook = WebhookClient(response_url, timeout=API_TIMEOUT, retry_handlers=retry_handlers())
        try:
            status = hook.send_dict(payload).status_code
        except DELIVERY_ERRORS as err:
            status, problem = 0, _describe(err)
        else:
            problem = f"HTTP {status}"
        if status == 200:
            return
        log.warning("response_url post failed: %s", problem)
        failed: View = self.service.notice("failed", asked=asked, lang=lang)
        try:
            hook.send_dict({"response_type": "ephemeral", "replace_original": False, **render(failed).payload()})
        except DELIVERY_ERRORS as err:
            log.warning("could not tell the user either: %s", _describe(err))


def _from_a_bot(event: dict, bot_user_id: str | None) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message" or event.get("user") == bot_user_id


def _clicked_by(body: dict) -> Where:
    return Where("slack", body.get("team", {}).get("id", ""), body.get("channel", {}).get("id", ""),
                 body.get("user", {}).get("id", ""))


def _ephemeral(body: dict) -> bool:
    return bool(body.get("container", {}).get("is_ephemeral"))


def _describe(err: Exception) -> str:
    """An error in one line, without request headers (they carry the token)."""
    if isinstance(err, SlackApiError):
        return f"{err.response.status_code} {err.response.get('error', '')}".strip()
    return f"{type(err).__name__}: {err}"
