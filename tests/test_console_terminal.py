"""`faqbot chat` at a real terminal: a pseudo-terminal whose far end is a `faqbot chat` process, with the
terminal as its controlling one, so keys arrive as a person types them and Ctrl-C is a real SIGINT."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest
from support import faqbot_command, keep

termios = pytest.importorskip("termios")  # a POSIX terminal
fcntl = pytest.importorskip("fcntl")

LEFT = b"\x1b[D"
CTRL_C, CTRL_D = b"\x03", b"\x04"


class Terminal:
    """A person at a terminal running `command`."""

    def __init__(self, command: list[str]) -> None:
        self.master, slave = os.openpty()
        self.initial = termios.tcgetattr(self.master)  # as a shell leaves it: echo on, whole lines
        env = dict(os.environ, TERM="xterm", FAQBOT_SEMANTIC="off", PYTHONIOENCODING="utf-8")
        env.pop("FAQBOT_CONFIG", None)
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, preexec_fn=_controlling_terminal)
        os.close(slave)
        self.seen = b""
        self.shown = 0  # how much of `seen` the test has looked at

    def wait_for(self, wanted: bytes, timeout: float = 60) -> bytes:
        """Everything shown since the last wait, up to and including `wanted`."""
        deadline = time.monotonic() + timeout
        while wanted not in self.seen[self.shown:]:
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                raise AssertionError(f"{wanted!r} never shown; shown: {self.seen[self.shown:]!r}")
        start, self.shown = self.shown, self.seen.index(wanted, self.shown) + len(wanted)
        return self.seen[start:self.shown]

    def rest(self, timeout: float = 30) -> bytes:
        """What is shown until the process ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(deadline - time.monotonic()):
            pass
        start, self.shown = self.shown, len(self.seen)
        return self.seen[start:]

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def settings(self) -> list:
        return termios.tcgetattr(self.master)

    def exit_code(self, timeout: float = 30) -> int:
        return self.process.wait(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        os.close(self.master)
        keep(self.seen.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(0.0, min(timeout, 1.0)))
        if not ready:
            return self.process.poll() is None or bool(select.select([self.master], [], [], 0)[0])
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the far end closed: the process is gone
            return False
        self.seen += chunk
        return bool(chunk)


def _controlling_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@pytest.fixture
def chat():
    terminals = []

    def start(*command: str) -> Terminal:
        terminal = Terminal(list(command) or [*faqbot_command(), "chat"])
        terminals.append(terminal)
        terminal.wait_for(b"> ")
        return terminal

    yield start
    for terminal in terminals:
        terminal.close()


def test_arrow_keys_edit_the_line(chat, faq):
    terminal = chat()
    terminal.type(b"What is T?" + LEFT + LEFT + b"GP\r")  # "What is GPT?", mended with the cursor
    shown = terminal.wait_for(b"\n> ")
    assert faq.get("what-is-gpt").answer["en"][:40].encode() in shown
    assert b"^[[D" not in shown


def test_up_arrow_brings_back_the_last_question(chat, faq):
    terminal = chat()
    terminal.type(b"What is RLHF?\r")
    terminal.wait_for(b"\n> ")
    terminal.type(b"\x1b[A\r")
    shown = terminal.wait_for(b"\n> ")
    assert faq.get("rlhf").answer["en"][:40].encode() in shown


def test_ctrl_d_ends_on_a_new_line(chat):
    terminal = chat()
    terminal.type(CTRL_D)
    rest = terminal.rest()
    assert terminal.exit_code() == 0
    assert rest.endswith(b"\n") and b"Traceback" not in rest


def test_ctrl_c_ends_cleanly_and_gives_the_terminal_back(chat):
    terminal = chat()
    terminal.type(b"half a quest")
    terminal.wait_for(b"quest")
    terminal.type(CTRL_C)
    rest = terminal.rest()
    assert terminal.exit_code() == 0
    assert b"Traceback" not in rest and b"KeyboardInterrupt" not in rest
    assert rest.endswith(b"\n")
    assert terminal.settings()[3] == terminal.initial[3]  # echo and line mode as they were


def test_without_readline_it_still_chats_quietly(chat, faq):
    # The interpreter as on a platform without readline: importing it fails.
    terminal = chat(sys.executable, "-c", "import sys; sys.modules['readline'] = None; from bot.cli import main; "
                    "sys.exit(main(['chat']))")
    terminal.type(b"What is GPT?\r")
    shown = terminal.wait_for(b"\n> ")
    assert faq.get("what-is-gpt").answer["en"][:40].encode() in shown
    terminal.type(CTRL_D)
    rest = terminal.rest()
    assert terminal.exit_code() == 0 and b"readline" not in shown + rest and b"Traceback" not in rest
