"""The Slack adapter: `faqbot run slack [--port N]`.

Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode with every request at POST /slack/events.
"""

from __future__ import annotations

import argparse
import logging
import os

from bot.serving.config import port_argument
from bot.serving.runner import Adapter, Running, Runtime, Variable

WHERE = {
    "SLACK_BOT_TOKEN": "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "copy the Signing Secret from your app's Basic Information page "
                            "(or set SLACK_APP_TOKEN to use Socket Mode)",
}
VARIABLES = (
    Variable("SLACK_BOT_TOKEN", "always", "Bot User OAuth Token (xoxb-…): https://api.slack.com/apps → your app → "
             "OAuth & Permissions"),
    Variable("SLACK_APP_TOKEN", "for Socket Mode", "an app-level token (xapp-…) with connections:write, on Basic "
             "Information; with it, no public URL is needed"),
    Variable("SLACK_SIGNING_SECRET", "for HTTP mode", "Signing Secret, on Basic Information"),
    Variable("SLACK_API_URL", "optional", "the Web API's base URL (default https://slack.com/api/)"),
)

DEFAULT_API_URL = "https://slack.com/api/"

log = logging.getLogger("faqbot.slack")


def add_options(options: argparse._ArgumentGroup) -> None:
    options.add_argument("--port", type=port_argument, default=None, help="HTTP mode: the port to listen on "
                         "(default: http.port, 3000)")
    options.add_argument("--host", default=None, help="HTTP mode: the address to listen on (default: http.host, all)")


def socket_mode() -> bool:
    return bool(os.environ.get("SLACK_APP_TOKEN"))


def check(args: argparse.Namespace) -> list[str]:
    needed = ["SLACK_BOT_TOKEN"] + ([] if socket_mode() else ["SLACK_SIGNING_SECRET"])
    return [f"{name} is not set: {WHERE[name]}" for name in needed if not os.environ.get(name)]


def start(runtime: Runtime, args: argparse.Namespace) -> Running:
    from .running import Settings, Slack
    from .server import EVENTS_PATH

    settings = Settings(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""),
                        app_token=os.environ.get("SLACK_APP_TOKEN") or None,
                        api_url=os.environ.get("SLACK_API_URL") or DEFAULT_API_URL,
                        host=args.host or runtime.config.host, port=args.port if args.port is not None else
                        runtime.config.port)
    slack = Slack(runtime.service, settings, loop=runtime.loop, status=runtime.status, metrics=runtime.status.metrics)
    if runtime.config.notify_slack:
        runtime.reload_listeners.append(lambda text: slack.notify(runtime.config.notify_slack, text))
    if slack.server is not None:
        log.info("listening on http://%s:%d%s", settings.host, slack.port, EVENTS_PATH)
    runtime.health.ready("slack")
    return slack


ADAPTER = Adapter(add_options=add_options, start=start, check=check, serves_status=lambda args: not socket_mode(),
                  extra="slack", requires=("slack_bolt", "slack_sdk"), variables=VARIABLES)
