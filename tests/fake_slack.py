"""A local fake of Slack for the adapter's tests: the Web API and response_url endpoints on 127.0.0.1,
and a client that sends requests signed the way Slack signs them."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

from slack_sdk.signature import SignatureVerifier

BOT_USER = "UFAQBOT"
BOT_ID = "BFAQBOT"
TEAM = "T0TEAM"
SECRET = "test-signing-secret-1234"  # what the tests' apps are given
TOKEN = "xoxb-test-token-5678"


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict
    status: int  # what the fake answered

    @property
    def dump(self) -> str:
        """Everything sent, as one string, to search for text that must (not) be there."""
        return json.dumps(self.body, ensure_ascii=False)


@dataclass(frozen=True)
class Trouble:
    """Until `until` (time.monotonic()), every call is delayed by `delay` s, or refused with 429 and this
    Retry-After."""

    until: float
    delay: float = 0.0
    retry_after: float | None = None


@dataclass
class Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    error: str = "fatal_error"
    raw: str | None = None  # this body instead of Slack's JSON error
    channel: str | None = None  # only calls for this channel fail; None: every call


class FakeSlack:
    """Answers auth.test, chat.postMessage (and any other method with ok) under /api/, and 200 "ok" to
    every POST under /respond/ (response_url). Records every request; `fail` scripts error answers."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.socket_url = ""  # what apps.connections.open hands out: a FakeSocketMode's url
        self._failures: dict[str, list[Failure]] = {}
        self.delays: dict[str, float] = {}  # path prefix -> seconds to wait before answering
        self.arrived: list[str] = []  # every request's path as it comes in, before any delay
        self.trouble = Trouble(0.0)
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps connections open, as Slack does

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                kind = self.headers.get("Content-Type", "")
                body = json.loads(raw) if "json" in kind and raw else dict(parse_qsl(raw))
                with fake._changed:
                    fake.arrived.append(self.path)
                    fake._changed.notify_all()
                trouble = fake.trouble if time.monotonic() < fake.trouble.until else Trouble(0.0)
                time.sleep(max((d for p, d in fake.delays.items() if self.path.startswith(p)), default=trouble.delay))
                if trouble.retry_after is not None:
                    status, headers = 429, {"Retry-After": f"{trouble.retry_after:g}"}
                    answer = json.dumps({"ok": False, "error": "ratelimited"})
                else:
                    status, headers, answer = fake._answer(self.path, body)
                data = answer.encode("utf-8")
                try:
                    self.send_response(status)
                    for name, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the caller gave up waiting: not delivered
                    return
                with fake._changed:
                    fake.requests.append(Recorded(self.path, dict(self.headers), body, status))
                    fake._changed.notify_all()

            def log_message(self, *args) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api_url = f"{self.base}/api/"

    def troubled(self, seconds: float, *, delay: float = 0.0, retry_after: float | None = None) -> None:
        """Slow (every call delayed `delay` s) or rate limiting (429, Retry-After) for the next `seconds`."""
        self.trouble = Trouble(time.monotonic() + seconds, delay, retry_after)

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/respond/{name}"

    def fail(self, path: str, status: int, headers: dict[str, str] | None = None, times: int = 1,
             error: str | None = None, raw: str | None = None, channel: str | None = None) -> None:
        """The next `times` requests to `path` (e.g. "/api/chat.postMessage"), or with `channel` those for that
        channel, get this error (or `raw`)."""
        error = error or ("ratelimited" if status == 429 else "fatal_error")
        self._failures.setdefault(path, []).append(Failure(status, headers or {}, times, error, raw, channel))

    def _answer(self, path: str, body: dict) -> tuple[int, dict[str, str], str]:
        queue = [f for f in self._failures.get(path, []) if f.channel in (None, body.get("channel"))]
        if queue:
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                self._failures[path].remove(failure)
            if failure.raw is not None:
                return failure.status, failure.headers, failure.raw
            return failure.status, failure.headers, json.dumps({"ok": False, "error": failure.error})
        if path.startswith("/respond/"):
            return 200, {"Content-Type": "text/plain"}, "ok"
        if path == "/api/auth.test":
            return 200, {}, json.dumps({"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM,
                                        "user": "faqbot", "team": "Team", "url": "https://team.example/"})
        if path == "/api/apps.connections.open":
            return 200, {}, json.dumps({"ok": True, "url": self.socket_url})
        if path == "/api/chat.postMessage":
            return 200, {}, json.dumps({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}",
                                        "message": {"text": body.get("text", "")}})
        return 200, {}, json.dumps({"ok": True})

    def sent(self, prefix: str, *, ok_only: bool = True) -> list[Recorded]:
        with self._changed:
            return [r for r in self.requests if r.path.startswith(prefix) and (r.status == 200 or not ok_only)]

    def wait_arrived(self, prefix: str, timeout: float = 30.0) -> None:
        """Returns once a request to a path starting with `prefix` has come in (it may still be delayed)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not any(path.startswith(prefix) for path in self.arrived):
                left = deadline - time.monotonic()
                assert left > 0, f"no request to {prefix} within {timeout} s: {self.arrived}"
                self._changed.wait(left)

    def wait_for(self, prefix: str, count: int = 1, timeout: float = 30.0) -> list[Recorded]:
        """The successful requests to paths starting with `prefix`, once there are at least `count`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := self.sent(prefix)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(found)} request(s) to {prefix}, expected {count}: "
                                         f"{[r.path for r in self.requests]}")
                self._changed.wait(left)
            return found

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the listen backlog: replies come in bursts


class FakeSocketMode:
    """Socket Mode's websocket on 127.0.0.1 (plain ws://, which slack_sdk allows off port 443): says hello
    to each connection, sends it the envelopes queued with `send`, and records what the app sends back."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455

    def __init__(self) -> None:
        self.received: list[dict] = []
        self._outbox: list[dict] = []
        self._changed = threading.Condition()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self.url = f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link"

    def send(self, envelope: dict) -> None:
        with self._changed:
            self._outbox.append(envelope)
            self._changed.notify_all()

    def wait_for_ack(self, envelope_id: str, timeout: float = 30.0) -> dict:
        with self._changed:
            if not self._changed.wait_for(lambda: any(m.get("envelope_id") == envelope_id for m in self.received),
                                          timeout):
                raise AssertionError(f"no ack for {envelope_id}: {self.received}")
            return next(m for m in self.received if m.get("envelope_id") == envelope_id)

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            key = next(line.split(":", 1)[1].strip() for line in request.decode().split("\r\n")
                       if line.lower().startswith("sec-websocket-key:"))
            accept = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
            connection.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
            connection.sendall(_frame(0x1, json.dumps({"type": "hello", "num_connections": 1}).encode()))
            connection.settimeout(0.05)
            sent = 0
            while not self._closing.is_set():
                with self._changed:
                    outgoing, sent = self._outbox[sent:], len(self._outbox)
                for envelope in outgoing:
                    connection.sendall(_frame(0x1, json.dumps(envelope).encode()))
                try:
                    opcode, data = _read_frame(connection)
                except TimeoutError:
                    continue
                except (ConnectionError, OSError):
                    return
                if opcode == 0x8:
                    return
                if opcode == 0x9:
                    connection.sendall(_frame(0xA, data))
                elif opcode == 0x1:
                    with self._changed:
                        self.received.append(json.loads(data))
                        self._changed.notify_all()


def _frame(opcode: int, data: bytes) -> bytes:
    """A server frame: final, unmasked."""
    if len(data) < 126:
        header = struct.pack("!BB", 0x80 | opcode, len(data))
    elif len(data) < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, len(data))
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, len(data))
    return header + data


def _read_frame(connection: socket.socket) -> tuple[int, bytes]:
    """One client frame (always masked); a timeout before its first byte raises TimeoutError."""
    first, second = _read_exactly(connection, 2, idle_ok=True)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", _read_exactly(connection, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", _read_exactly(connection, 8))
    mask = _read_exactly(connection, 4) if second & 0x80 else b"\0\0\0\0"
    data = _read_exactly(connection, length)
    return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def _read_exactly(connection: socket.socket, count: int, *, idle_ok: bool = False) -> bytes:
    data = b""
    while len(data) < count:
        try:
            chunk = connection.recv(count - len(data))
        except TimeoutError:
            if idle_ok and not data:
                raise
            continue
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


class SignedClient:
    """Sends requests to the app at `url` (its /slack/events), signed with `secret` like Slack does."""

    def __init__(self, url: str, secret: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.verifier = SignatureVerifier(secret)
        self.clock = clock

    def post(self, body: str, content_type: str, *, timestamp: str | None = "now", signature: str | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        sent = {"Content-Type": content_type, **(headers or {})}
        if timestamp == "now":
            timestamp = str(int(self.clock()))
        if timestamp is not None:
            sent["X-Slack-Request-Timestamp"] = timestamp
            sent["X-Slack-Signature"] = signature or self.verifier.generate_signature(timestamp=timestamp, body=body)
        request = urllib.request.Request(self.url, data=body.encode("utf-8"), headers=sent, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Answer(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            return Answer(err.code, err.read().decode("utf-8"))

    def command(self, text: str, *, response_url: str, user: str = "U1", channel: str = "C1", **options) -> Answer:
        form = {"token": "legacy", "team_id": TEAM, "team_domain": "team", "channel_id": channel,
                "channel_name": "general", "user_id": user, "user_name": "someone", "command": "/faq",
                "text": text, "api_app_id": "A1", "response_url": response_url, "trigger_id": "1.2.3"}
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **options)

    def event(self, event: dict, *, event_id: str = "Ev1", retry: int | None = None, **options) -> Answer:
        body = event_callback(event, event_id)
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(json.dumps(body), "application/json", headers=headers, **options)

    def click(self, action_id: str, value: str, *, response_url: str, ephemeral: bool = False,
              channel: str = "C1", message: dict | None = None, user: str = "U1") -> Answer:
        payload = {"type": "block_actions", "team": {"id": TEAM, "domain": "team"}, "user": {"id": user},
                   "api_app_id": "A1", "token": "legacy", "trigger_id": "1.2.3", "response_url": response_url,
                   "container": {"type": "message", "message_ts": "111.222", "channel_id": channel,
                                 "is_ephemeral": ephemeral},
                   "channel": {"id": channel, "name": "general"},
                   "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                                "text": {"type": "plain_text", "text": "x"}, "action_ts": "111.333"}]}
        if message is not None:
            payload["message"] = message
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def event_callback(event: dict, event_id: str = "Ev1") -> dict:
    """What the Events API delivers (over HTTP, or as a Socket Mode envelope's payload)."""
    return {"token": "legacy", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback", "event_id": event_id,
            "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]}


def get(url: str) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return Answer(response.status, response.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.read().decode("utf-8"))
