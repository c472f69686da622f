"""Messages that are not questions: greetings, thanks, an ok or a goodbye, a call for help, or nothing at all."""

from __future__ import annotations

import re

from bot.engine.reply import Reason
from bot.engine.text import has_han, words

GREETINGS = frozenset(
    "hi hello hey heya hiya yo howdy hallo morning afternoon evening good gm sup hola "
    "你好 您好 嗨 哈喽 哈啰 早 早上好 上午好 下午好 晚上好 大家好 在吗 在不在".split()
)
THANKS = frozenset(
    "thanks thank thx thnx thanx tks ty tysm cheers appreciated appreciate great cool nice awesome perfect "
    "谢谢 多谢 感谢 谢啦 谢了 谢谢你 谢谢您 非常感谢 辛苦了".split()
)
# An acknowledgement or a goodbye: the person is done for now.
CLOSING = frozenset(
    "ok okay okey okie k kk alright understood noted bye byebye goodbye cya later see ttyl "
    "好 好的 好滴 好嘞 行 嗯 嗯嗯 明白 明白了 懂了 知道了 了解 收到 再见 拜拜 回见 下次见".split()
)
SMALL_TALK = GREETINGS | THANKS | CLOSING  # may stand together: "ok thanks, bye"
HELP = frozenset("help topics topic menu commands list faq 帮助 话题 主题 目录 菜单 列表 指令 命令".split())
# Words that may stand around the above without making a question of it.
FILLER = frozenset(
    "a an the you u your all there everyone everybody team folks guys so very much lot lots "
    "bot faqbot again me please pls plz show some what can do are is of for with and 呀 啊 哦 啦 吗 呢 吧 "
    "了 的 你 我 么 请 大家 一下 机器人 有 哪些 什么 可以 能 做 问 给".split()
)


_HAN_WORDS = re.compile("|".join(sorted((w for w in SMALL_TALK | HELP | FILLER if has_han(w)), key=len, reverse=True)))


def classify(text: str) -> Reason | None:
    """EMPTY, CLOSING, THANKS, HELP or GREETING when `text` is not a question, else None."""
    tokens = []
    for token in words(text):
        if has_han(token):
            found = _HAN_WORDS.findall(token)
            if _strip_particles(_HAN_WORDS.sub("", token)):
                return None  # Chinese words beyond small talk: a question
            tokens.extend(found)
        else:
            tokens.append(token)
    tokens = [t for t in tokens if t not in FILLER]
    if not tokens:
        return Reason.EMPTY
    for kind, vocabulary in ((Reason.CLOSING, CLOSING), (Reason.THANKS, THANKS), (Reason.HELP, HELP),
                             (Reason.GREETING, GREETINGS)):
        if all(t in vocabulary or t in SMALL_TALK for t in tokens) and any(t in vocabulary for t in tokens):
            return kind
    return None


def _strip_particles(token: str) -> str:
    return token.strip("呀啊哦啦吗呢吧了的么～")


_QUESTION_WORDS = frozenset("what how why when where who whom whose which can could should would will is are am was "
                            "were does do did may might shall has have any anyone".split())
_ASKING_HAN = re.compile("[吗呢么嘛]|怎|什么|如何|为什么|为何|哪|是否|能否|可否|多少|几|请问")


def asks(text: str) -> bool:
    """Whether `text` reads as a question (a question mark, a question word first, a Chinese asking word), as
    opposed to a remark. For messages not addressed to the bot, which get a "did you mean" only when asking."""
    if "?" in text or "？" in text or _ASKING_HAN.search(text):
        return True
    first = words(text)[:1]
    return bool(first) and first[0].lower() in _QUESTION_WORDS
