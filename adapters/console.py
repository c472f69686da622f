"""The console adapter: a conversation in a terminal (`faqbot chat`), or in a test. `ConsoleSession` is
the in-memory backend: one line in, what the bot says out, through the same Service as every platform."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TextIO

from bot.engine.view import Action, View, plain_text
from bot.serving import Service, Where
from bot.serving.runner import Adapter, Runtime
from bot.serving.service import Question, Via

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
        self.last: View | None = None

    def send(self, line: str) -> View | None:
        """What the bot shows for `line`; None when it says nothing."""
        view = self._pick(line.strip()) or self.service.ask(Question(line, self.where, lang=self.lang))
        self.last = view
        return view

    def text(self, line: str) -> str:
        view = self.send(line)
        return "" if view is None else plain_text(view, TEXTS)

    def _pick(self, line: str) -> View | None:
        options = self.last.options if self.last is not None else ()
        if not (line.isascii() and line.isdigit()) or not 1 <= int(line) <= len(options):
            return None
        chosen = options[int(line) - 1]
        via = Via.SUGGESTION if chosen.action is Action.PICK else Via.TOPIC
        return self.service.pick(chosen.id, self.lang or self.last.lang, self.where, via=via, lead=self.last.lead)


def converse(session: ConsoleSession, *, stdin: TextIO, stdout: TextIO) -> None:
    """Reads lines until the input ends or the person quits."""
    interactive = stdin.isatty()
    if interactive:
        print(plain_text(session.service.notice("usage", lang=session.lang or session.service.engine.language),
                         TEXTS), file=stdout)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip().casefold() in QUIT:
            return
        if line.strip():
            print(session.text(line) + "\n", file=stdout, flush=True)


def add_options(options: argparse._ArgumentGroup) -> None:
    options.add_argument("--lang", choices=("en", "zh"), help="reply in this language")


class Conversation:
    def __init__(self, runtime: Runtime, args: argparse.Namespace) -> None:
        session = ConsoleSession(runtime.service, lang=args.lang)

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
        input ends with the process."""


# serves_status: a terminal conversation has no status port of its own and wants none from the runner
ADAPTER = Adapter(add_options=add_options, start=Conversation, serves_status=lambda args: True)
