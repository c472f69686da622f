"""The Slack adapter: `faqbot run slack [--port N]`.

Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode with every request at POST /slack/events.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot import Service

EXIT_USAGE = 2

WHERE = {
    "SLACK_BOT_TOKEN": "copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "copy the Signing Secret from your app's Basic Information page "
                            "(or set SLACK_APP_TOKEN to use Socket Mode)",
}


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="faqbot run slack", description="Answer FAQ questions in Slack.")
    parser.add_argument("--port", type=int, default=3000, help="HTTP mode: the port to listen on (default: 3000)")
    parser.add_argument("--host", default="0.0.0.0", help="HTTP mode: the address to listen on (default: all)")
    parser.add_argument("--channel-tags", action="append", default=[], metavar="CHANNEL=TAG[,TAG…]",
                        help="in this channel, only entries with one of these tags answer (repeatable)")
    return parser.parse_args(list(argv))


def channel_tags(pairs: Sequence[str]) -> dict[str, frozenset[str]]:
    scopes = {}
    for pair in pairs:
        channel, _, tags = pair.partition("=")
        scopes[channel.strip()] = frozenset(t.strip() for t in tags.split(",") if t.strip())
    return scopes


def main(service: Service, argv: Sequence[str] = ()) -> int:
    args = parse_args(argv)
    app_token = os.environ.get("SLACK_APP_TOKEN")
    needed = ["SLACK_BOT_TOKEN"] + ([] if app_token else ["SLACK_SIGNING_SECRET"])
    for name in needed:
        if not os.environ.get(name):
            print(f"faqbot: {name} is not set: {WHERE[name]}", file=sys.stderr)
            return EXIT_USAGE
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackClientError

    from .app import DEFAULT_API_URL, build_app

    api_url = os.environ.get("SLACK_API_URL") or DEFAULT_API_URL
    try:
        app = build_app(service, token=os.environ["SLACK_BOT_TOKEN"],
                        signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""), api_url=api_url,
                        channel_tags=channel_tags(args.channel_tags))
    except BoltError:
        print("faqbot: Slack refused SLACK_BOT_TOKEN (auth.test failed): " + WHERE["SLACK_BOT_TOKEN"], file=sys.stderr)
        return EXIT_USAGE
    except (SlackClientError, OSError) as err:
        print(f"faqbot: cannot reach the Slack API at {api_url}: {type(err).__name__}", file=sys.stderr)
        return 1
    try:
        return _socket_mode(app, app_token) if app_token else _http_mode(app, args.host, args.port)
    except KeyboardInterrupt:
        return 0


def _socket_mode(app, app_token: str) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    logging.getLogger("faqbot.slack").info("connecting in Socket Mode")
    SocketModeHandler(app, app_token).start()
    return 0


def _http_mode(app, host: str, port: int) -> int:
    from .server import EVENTS_PATH, SlackServer

    with SlackServer(app, host, port) as server:
        logging.getLogger("faqbot.slack").info("listening on http://%s:%d%s", host, server.port, EVENTS_PATH)
        server.serve_forever()
    return 0
