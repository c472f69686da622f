"""The console adapter: a conversation in a terminal (`faqbot chat`), or in a test. `ConsoleSession` is
the in-memory backend: one line in, what the bot says out, through the same Service as every platform."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from bot.engine.view import View, plain_text
from bot.serving import Service, Where
from bot.serving.runner import Adapter, Runtime
from bot.serving.service import Question

PROMPT = "> "
QUIT = frozenset({"quit", "exit", ":q", "退出"})
TEXTS = {
    "en": {"usage": 'Ask a question in your own words; a number picks an option; "quit" leaves.',
           "browse": 'Type "help" to see the topics, or ask in other words.'},
    "zh": {"usage": "用自己的话提问；输入数字选择选项；输入“退出”离开。",
           "browse": "输入“帮助”查看话题，也可以换个说法再问。"},
}


class ConsoleSession:
    """Feed it what a person types; a number picks one of the last reply's numbered options."""

    def __init__(self, service: Service, *, lang: str | None = None, where: Where = Where("console")) -> None:
        self.service = service
        self.lang = lang
        self.where = where
        self.offered: View | None = None  # the reply whose numbered options a number picks

    def send(self, line: str) -> View | None:
        """What the bot shows for `line`; None when it says nothing."""
        view = (self.service.choose(line, self.offered, self.where, lang=self.lang)
                or self.service.ask(Question(line, self.where, lang=self.lang)))
        self.offered = self.service.on_offer(view, self.offered)
        return view

    def text(self, line: str) -> str:
        view = self.send(line)
        return "" if view is None else plain_text(view, TEXTS)


def converse(session: ConsoleSession, *, stdin: TextIO, stdout: TextIO) -> None:
    """Reads lines until the input ends (Ctrl-D) or the person quits."""
    interactive = stdin.isatty()
    if interactive:
        print(plain_text(session.service.notice("usage", lang=session.lang), TEXTS), file=stdout)
    read = _line_reader(stdin, stdout, interactive)
    while True:
        try:
            line = read()
        except EOFError:
            if interactive:
                print(file=stdout, flush=True)  # after Ctrl-D the shell's prompt starts on a line of its own
            return
        if line.strip().casefold() in QUIT:
            return
        if line.strip():
            print(session.text(line) + "\n", file=stdout, flush=True)


def _line_reader(stdin: TextIO, stdout: TextIO, interactive: bool) -> Callable[[], str]:
    """One line a call; EOFError at the end. At a terminal, with line editing and history when the
    platform has readline."""
    if interactive and stdin is sys.stdin and stdout is sys.stdout:
        try:
            import readline  # noqa: F401  (input() edits lines and keeps a history once it is loaded)
        except ImportError:
            pass
        return lambda: input(PROMPT)

    def read() -> str:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            raise EOFError
        return line

    return read


def add_options(options: argparse._ArgumentGroup) -> None:
    options.add_argument("--lang", choices=("en", "zh"), help="reply in this language")


class Conversation:
    def __init__(self, runtime: Runtime, args: argparse.Namespace) -> None:
        session = ConsoleSession(runtime.service, lang=args.lang)
        self.terminal = Terminal.of(sys.stdin)

        def talk() -> None:
            try:
                converse(session, stdin=sys.stdin, stdout=sys.stdout)
            finally:
                runtime.stopping.set()

        self.thread = threading.Thread(target=talk, name="faqbot-console", daemon=True)
        self.thread.start()
        runtime.health.ready("console")

    def stop(self, timeout: float) -> None:
        """Nothing to wait for: the service waits for a question in hand, and a prompt still waiting for
        input ends with the process. A prompt left by Ctrl-C gives the terminal back as it found it."""
        if self.thread.is_alive():
            self.terminal.restore()
            print(file=sys.stdout, flush=True)


@dataclass(frozen=True)
class Terminal:
    """The terminal's settings as they were at the start, to put back when a prompt is cut short."""

    fd: int | None
    settings: list | None

    @classmethod
    def of(cls, stream: TextIO) -> Terminal:
        try:
            import termios
        except ImportError:  # no POSIX terminal (Windows)
            return cls(None, None)
        try:
            fd = stream.fileno()
            return cls(fd, termios.tcgetattr(fd)) if stream.isatty() else cls(None, None)
        except (OSError, ValueError, termios.error):  # no terminal here
            return cls(None, None)

    def restore(self) -> None:
        if self.fd is None:
            return
        import termios

        try:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.settings)
        except (OSError, termios.error):
            pass


# serves_status: a terminal conversation has no status port of its own and wants none from the runner
ADAPTER = Adapter(add_options=add_options, start=Conversation, serves_status=lambda args: True)
