"""The console adapter: a conversation with the engine in a terminal, or in a test."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.engine import Context, Engine, Reply

QUIT = frozenset({"quit", "exit", ":q", "退出"})


class ConsoleSession:
    """Feed it what a person types; a number picks one of the last reply's numbered options."""

    def __init__(self, engine: Engine, *, lang: str | None = None) -> None:
        self.engine = engine
        self.lang = lang
        self.last: Reply | None = None

    def send(self, line: str) -> Reply:
        reply = self._pick(line.strip()) or self.engine.answer(line, Context(lang=self.lang))
        self.last = reply
        return reply

    def _pick(self, line: str) -> Reply | None:
        if self.last is None or not (line.isascii() and line.isdigit()) or not 1 <= int(line) <= len(self.last.options):
            return None
        chosen = self.last.options[int(line) - 1]
        return self.engine.reply_for(chosen.id, self.lang or self.last.lang, asked=chosen.question)


def main(engine: Engine, *, lang: str | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    session = ConsoleSession(engine, lang=lang)
    interactive = stdin.isatty()
    if interactive:
        print('Ask a question (a number picks an option; "quit" to leave).', file=stdout)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip().casefold() in QUIT:
            return 0
        if line.strip():
            print(session.send(line).text + "\n", file=stdout, flush=True)
