"""Constants and small helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.serving.events import Asked, Voted

ROOT = Path(__file__).resolve().parents[1]
FAQ_DIR = ROOT / "faq"
EVAL_CASES = ROOT / "tests" / "eval" / "cases.yaml"

# The 31 required topics (id -> canonical question en, zh), copied from the FAQ's topic list
# so that the tests do not depend on any file outside the repository.
CANONICAL: dict[str, tuple[str, str]] = {
    "gpt-chatgpt-azure-openai": ("What is the relationship between GPT, ChatGPT and Azure OpenAI?", "GPT、ChatGPT 和 Azure OpenAI 是什么关系？"),
    "azure-openai-includes-chatgpt": ("Does buying Azure OpenAI give me ChatGPT?", "购买了 Azure OpenAI 就等于买了 ChatGPT 吗？"),
    "chatgpt-plus-azure-impact": ("ChatGPT Plus stopped accepting new users - does that affect Azure OpenAI?", "ChatGPT Plus 暂停接受新用户，会影响 Azure OpenAI 吗？"),
    "openai-vs-azure-openai": ("What is the difference between OpenAI and Azure OpenAI?", "OpenAI 和 Azure OpenAI 有什么区别？"),
    "azure-openai-billing": ("How is Azure OpenAI billed?", "Azure OpenAI 怎么收费？"),
    "azure-openai-data-privacy": ("How does Azure OpenAI handle data privacy and compliance?", "Azure OpenAI 在数据隐私和合规方面有什么优势？"),
    "fine-tuning": ("Can we fine-tune the models on our own data?", "可以用我们自己的数据微调模型吗？"),
    "azure-openai-target-users": ("Who is Azure OpenAI for, and who is the OpenAI API for?", "Azure OpenAI 和 OpenAI API 分别适合什么样的用户？"),
    "microsoft-office-gpt": ("Is GPT built into Microsoft Word and Excel?", "微软 Word 和 Excel 里集成了 GPT 吗？"),
    "no-code-power-platform": ("Can we build GPT apps without writing code?", "不写代码能用 Azure OpenAI 搭建应用吗？"),
    "token-limit": ("How much text can GPT take at once (token limit)?", "GPT 一次能输入多长的文本？token 限制是多少？"),
    "gpt-accuracy": ("Can I trust GPT's answers to be accurate?", "GPT 的回答准确吗？可以完全相信吗？"),
    "restrict-to-private-knowledge": ("Can we make GPT answer only from our company's private knowledge?", "能让 GPT 只回答我们企业私域知识的问题吗？"),
    "can-chatgpt-replace-staff": ("Can ChatGPT do everything, or replace our staff?", "ChatGPT 是万能的吗？能替代员工吗？"),
    "enterprise-getting-started": ("How should our company get started with Azure OpenAI?", "企业应该如何开始落地 Azure OpenAI？"),
    "what-is-gpt": ("What is GPT?", "什么是 GPT？"),
    "what-is-chatgpt": ("What is ChatGPT?", "什么是 ChatGPT？"),
    "chatgpt-vs-gpt": ("What is the difference between ChatGPT and GPT?", "ChatGPT 和 GPT 有什么区别？"),
    "gpt4-vs-chatgpt": ("How is GPT-4 different from ChatGPT?", "GPT-4 和 ChatGPT 有什么区别？"),
    "chatgpt-free-vs-plus": ("Which model does free ChatGPT use, and what does Plus give me?", "ChatGPT 免费版和 Plus 版用的是什么模型？"),
    "what-is-llm": ("What is a large language model (LLM)?", "什么是大语言模型（大模型）？"),
    "gpt3-parameters": ("How many parameters does GPT-3 have?", "GPT-3 有多少参数？"),
    "transformer": ("What is the Transformer architecture, and who invented it?", "Transformer 架构是什么，是谁提出的？"),
    "rlhf": ("What is RLHF?", "什么是 RLHF（基于人类反馈的强化学习）？"),
    "chatgpt-key-techniques": ("Which key techniques turned GPT into ChatGPT?", "从 GPT 到 ChatGPT 用了哪些关键技术？"),
    "chatgpt-conversation-memory": ("Does ChatGPT remember earlier messages in a conversation?", "ChatGPT 能记住多轮对话的上下文吗？"),
    "agi-aigc": ("What do AGI and AIGC mean?", "AGI 和 AIGC 是什么意思？"),
    "open-source-llms": ("Which open-source large language models are there?", "有哪些开源大模型？"),
    "why-open-source-llm": ("Why use an open-source model instead of GPT?", "为什么要用开源大模型而不是 GPT？"),
    "local-deployment-hardware": ("What hardware do I need to run a model locally?", "本地部署大模型需要什么显卡？"),
    "learn-llm-development": ("How do I start learning LLM application development?", "如何开始学习大模型开发？"),
}
TOPIC_IDS = tuple(CANONICAL)
assert len(TOPIC_IDS) == 31

# A helpdesk's FAQ in English, two entries
HELPDESK = """\
- id: vpn
  questions:
    en: [How do I connect to the VPN?, VPN setup]
  answer:
    en: Install the GlobalProtect client from the software portal and sign in with your work account.
- id: vacation
  questions:
    en: [How many vacation days do I get?, annual leave allowance]
  answer:
    en: Everyone gets 25 days of paid vacation a year, plus public holidays.
"""

# A small, valid FAQ file: two entries in two languages.
SMALL_FAQ = """\
- id: fruit-apple
  questions:
    en:
      - What is an apple?
      - Tell me about apples
    zh:
      - 苹果是什么？
  answer:
    en: An apple is a crisp fruit that grows on trees.
    zh: 苹果是一种长在树上的脆水果。
  tags: [fruit]
  related: [fruit-pear]
  sources: ["https://example.org/apple"]

- id: fruit-pear
  questions:
    en:
      - What is a pear?
    zh:
      - 梨是什么？
  answer:
    en: A pear is a sweet fruit with a narrow top.
    zh: 梨是一种上窄下宽的甜水果。
  tags: [fruit]
"""

# Two entries whose phrasings have the same words once stop words are set aside.
BINS = """\
- id: collection-day
  questions:
    en: [When is my bin collected?, When will my bin be collected?]
  answer:
    en: Enter your postcode on the bins page.
- id: missed-bin
  questions:
    en: [My bin wasn't collected]
  answer:
    en: Report it within two working days.
"""

# Three English entries, two of them close: "password" alone is a did-you-mean between them.
ACCOUNTS_FAQ = """\
- id: password-reset
  questions:
    en: [How do I reset a forgotten password?]
  answer:
    en: Use the reset link on the sign-in page.
- id: password-change
  questions:
    en: [How do I change my password?]
  answer:
    en: Open your profile and pick Change password.
- id: vpn
  questions:
    en: [How do I connect to the VPN?]
  answer:
    en: Install the VPN client and sign in.
"""
# Cases for ACCOUNTS_FAQ, with the engine's reply to each (words alone).
ACCOUNTS_CASES = """\
- q: password
  expect: password-reset        # did you mean: password-change first
- q: my password
  expect: password-reset        # did you mean: password-change first
- q: change password
  expect: password-reset        # answered: password-change
- q: forgot password
  expect: password-reset        # no answer
- q: reset password
  expect: password-reset        # right
- q: password help
  expect: password-change       # did you mean: password-change first, still no answer
- q: How do I connect to the VPN?
  expect: vpn                   # right
- q: How do I connect to the VPN?
  expect: null                  # answered: vpn
"""


# Two entries whose phrasings differ in words but not in meaning, and a third apart from both.
ALIKE = """\
- id: password-reset
  questions:
    en: [How do I reset my password?]
  answer:
    en: Use the reset link on the sign-in page.
- id: account-recovery
  questions:
    en: [How can I recover a forgotten password?]
  answer:
    en: Ask the helpdesk to verify you and send a recovery code.
- id: vpn
  questions:
    en: [How do I connect to the VPN?, VPN setup]
  answer:
    en: Install the VPN client and sign in.
"""


def line_no(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line (at or after `start`) of `text` that contains `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def faqbot_command() -> list[str]:
    """The installed `faqbot` script next to this interpreter, else `python -m bot.cli`."""
    script = Path(sys.executable).with_name("faqbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "bot.cli"]


SUBPROCESS_OUTPUT: list[str] = []  # what faqbot processes started by the tests printed, checked at the end


def keep(output: str) -> str:
    """Hands a faqbot process's output to the end-of-run check for token-shaped text."""
    SUBPROCESS_OUTPUT.append(output)
    return output


def subprocess_log_leaks() -> list[str]:
    from bot.serving.logs import TOKEN_SHAPES

    return [line for output in SUBPROCESS_OUTPUT for line in output.splitlines() if TOKEN_SHAPES.search(line)]


def run_faqbot(*args: str | Path, input: str | None = None, cwd: Path = ROOT,
               timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", **(env or {}))
    done = subprocess.run(
        [*faqbot_command(), *map(str, args)],
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=timeout,
    )
    keep(done.stdout + done.stderr)
    return done


class Kept:
    """A recorder that keeps events in a list, as the store would in its buffer."""

    def __init__(self) -> None:
        self.events: list[Asked | Voted] = []

    def asked(self, event: Asked) -> None:
        self.events.append(event)

    def voted(self, event: Voted) -> None:
        self.events.append(event)


class Lines:
    """Reads a process's output in a thread, so that it never blocks on a full pipe and a test can wait
    for a line with a deadline even while the process prints nothing."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.lines.append("")  # end of output
            self._changed.notify_all()

    def wait_for(self, found: Callable[[str], bool], timeout: float = 60) -> str:
        """The first line for which found() is true; fails once the output ends or the time is up."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    assert line, "the process ended without printing it:\n" + "".join(self.lines)[-3000:]
                    if found(line):
                        return line
                seen = len(self.lines)
                left = deadline - time.monotonic()
                assert left > 0, f"not printed within {timeout} s:\n" + "".join(self.lines)[-3000:]
                self._changed.wait(left)

    def text(self, timeout: float = 30) -> str:
        """Everything printed, once the output has ended."""
        self._thread.join(timeout)
        return keep("".join(self.lines))


def free_port() -> int:
    """A port nothing listens on, as far as anyone can know."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def from_the_cache(directory: Path, cache_dir: Path, **settings):
    """The engine of `directory` built once into `cache_dir`, then read back from it (asserted)."""
    from bot.engine import IndexCache, build_engine

    build_engine(directory, cache=IndexCache(cache_dir), **settings)
    cache = IndexCache(cache_dir)
    restored = build_engine(directory, cache=cache, **settings)
    assert cache.status == "hit"
    return restored
