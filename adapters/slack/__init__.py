"""The Slack adapter: `faqbot run slack [--port N]`.

Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode with every request at POST /slack/events.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from bot.serving.runner import Adapter, Runtime, StartError, Variable

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
LISTENER_THREADS = 10  # bolt's default pool size; questions take well under a millisecond each

log = logging.getLogger("faqbot.slack")


def add_options(options: argparse._ArgumentGroup) -> None:
    options.add_argument("--port", type=int, default=None, help="HTTP mode: the port to listen on "
                         "(default: http.port, 3000)")
    options.add_argument("--host", default=None, help="HTTP mode: the address to listen on (default: http.host, all)")


def socket_mode() -> bool:
    return bool(os.environ.get("SLACK_APP_TOKEN"))


def check(args: argparse.Namespace) -> list[str]:
    needed = ["SLACK_BOT_TOKEN"] + ([] if socket_mode() else ["SLACK_SIGNING_SECRET"])
    return [f"{name} is not set: {WHERE[name]}" for name in needed if not os.environ.get(name)]


def unreachable(what: str, host: str, err: Exception) -> StartError:
    return StartError(f"cannot reach {what} at {host} ({type(err).__name__}): check this machine's network, DNS "
                      "and proxy (HTTPS_PROXY) access to it", code=1)


def start(runtime: Runtime, args: argparse.Namespace):
    app_token = os.environ.get("SLACK_APP_TOKEN")

    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackClientError

    from .app import DEFAULT_API_URL, build_app

    api_url = os.environ.get("SLACK_API_URL") or DEFAULT_API_URL
    listeners = ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="faqbot-slack")
    try:
        app = build_app(runtime.service, token=os.environ["SLACK_BOT_TOKEN"],
                        signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""), api_url=api_url,
                        listener_executor=listeners)
    except BoltError:
        raise StartError("Slack refused SLACK_BOT_TOKEN (auth.test failed): " + WHERE["SLACK_BOT_TOKEN"]) from None
    except (SlackClientError, OSError) as err:
        raise unreachable("the Slack API", urlsplit(api_url).hostname or api_url, err) from None
    if runtime.config.notify_slack:
        runtime.reload_listeners.append(lambda text: app.client.chat_postMessage(
            channel=runtime.config.notify_slack, text=text[:3000]))
    if app_token:
        return SocketMode(app, app_token, listeners, runtime)
    return HttpMode(app, args.host or runtime.config.host, args.port or runtime.config.port, listeners, runtime)


class HttpMode:
    def __init__(self, app, host: str, port: int, listeners: ThreadPoolExecutor, runtime: Runtime) -> None:
        from .server import EVENTS_PATH, SlackServer

        try:
            self.server = SlackServer(app, host, port, status=runtime.status)
        except OSError as err:
            raise StartError(f"cannot listen on {host}:{port}: {err.strerror}; set --port or http.port", code=1)
        self.listeners = listeners
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.2,), name="faqbot-slack-http")
        self.thread.start()
        runtime.health.ready("slack")
        log.info("listening on http://%s:%d%s", host, self.server.port, EVENTS_PATH)

    def stop(self, timeout: float) -> None:
        self.server.shutdown()  # no new requests; those being read finish
        self.server.dispatching.wait_idle(timeout)
        self.listeners.shutdown(wait=True)  # replies being sent are sent
        self.server.server_close()
        self.thread.join(timeout)


class SocketMode:
    def __init__(self, app, app_token: str, listeners: ThreadPoolExecutor, runtime: Runtime) -> None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler
        from slack_sdk.errors import SlackApiError, SlackClientError

        log.info("connecting in Socket Mode")
        self.handler = SocketModeHandler(app, app_token)
        self.listeners = listeners
        try:
            self.handler.connect()
        except SlackApiError:
            raise StartError("Slack refused SLACK_APP_TOKEN (apps.connections.open failed): use an app-level token "
                             "(xapp-…) with connections:write, from your app's Basic Information page") from None
        except (SlackClientError, OSError) as err:
            raise unreachable("Slack's Socket Mode", "slack.com", err) from None
        runtime.health.ready("slack")

    def stop(self, timeout: float) -> None:
        self.handler.close()
        self.listeners.shutdown(wait=True)


ADAPTER = Adapter(add_options=add_options, start=start, check=check, serves_status=lambda args: not socket_mode(),
                  extra="slack", requires=("slack_bolt", "slack_sdk"), variables=VARIABLES)
