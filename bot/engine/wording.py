"""Everything the bot says in its own words, in both languages, and how text is cut to fit."""

from __future__ import annotations

import re

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "ambiguous": "I'm not sure which of these you mean:",
        "unsure": "Did you mean:",
        "no_match": "Sorry, the FAQ has no answer to that question.",
        "closest": "The closest topics it covers:",
        "browse": 'Say "help" to browse the topics, or ask in other words.',
        "greeting": "Hi! Ask me a question and I'll answer from the FAQ.",
        "thanks": "You're welcome! Ask me anything else whenever you like.",
        "closing": "All right! Ask me again whenever you like.",
        "empty": "Ask me a question and I'll answer from the FAQ.",
        "help": "I answer questions from the FAQ. Some of the topics:",
        "usage": "Ask me a question in your own words, in English or Chinese.",
        "examples": "For example:",
        "related": "Related:",
        "sources": "Sources:",
        "flood": "You're asking faster than I can keep up. Please wait a minute, then ask again.",
        "feedback_thanks": "Thanks for the feedback!",
        "gone": "That FAQ entry no longer exists.",
        "nothing_for_message": "The FAQ has no answer to that message.",
        "elsewhere": "That topic is not answered in this channel.",
        "no_option": "There is no option {}: pick a number from 1 to {}, or ask a question.",
        "no_option_one": "There is no option {}: there is only option 1; pick it, or ask a question.",
        "no_options": 'There is nothing to pick from here: ask a question in words, or say "help" to browse the topics.',
        "failed": "Sorry, something went wrong while answering. Please try again in a minute.",
        "asked": "You asked: {}",
        "matched": "Matched: {}",
        "share": "Share in channel",
        "written_in": "This answer is written in {}.",
        "language_en": "English",
        "language_zh": "Chinese",
        "in_language": "(in {})",
    },
    "zh": {
        "ambiguous": "我不确定你问的是下面哪一个：",
        "unsure": "你是想问：",
        "no_match": "抱歉，FAQ 里没有这个问题的答案。",
        "closest": "FAQ 里最接近的话题：",
        "browse": "发送“帮助”可以浏览话题，也可以换个说法再问。",
        "greeting": "你好！有问题尽管问，我会从 FAQ 里找答案。",
        "thanks": "不客气！还有其他问题随时问我。",
        "closing": "好的！有问题随时再来问我。",
        "empty": "请直接提问，我会从 FAQ 里找答案。",
        "help": "我可以回答 FAQ 里的问题，部分话题如下：",
        "usage": "用自己的话提问即可，中文英文都可以。",
        "examples": "例如：",
        "related": "相关问题：",
        "sources": "来源：",
        "flood": "你问得太快了，请等一分钟再问。",
        "feedback_thanks": "感谢你的反馈！",
        "gone": "这个 FAQ 条目已不存在。",
        "nothing_for_message": "FAQ 里没有这条消息的答案。",
        "elsewhere": "这个频道不回答这个话题。",
        "no_option": "没有第 {} 个选项：请输入 1 到 {} 之间的数字，或者直接提问。",
        "no_option_one": "没有第 {} 个选项：只有选项 1，请输入 1，或者直接提问。",
        "no_options": "这里没有可选的选项：请直接用文字提问，或发送“帮助”浏览话题。",
        "failed": "抱歉，回答时出了问题，请过一分钟再试。",
        "asked": "你的问题：{}",
        "matched": "匹配的问法：{}",
        "share": "分享到频道",
        "written_in": "这个答案只有{}版。",
        "language_en": "英文",
        "language_zh": "中文",
        "in_language": "（{}）",
    },
}


def say(lang: str, key: str, texts: dict[str, dict[str, str]] = TEXTS) -> str:
    """`key` in `lang` (English when the language is unknown). `texts` is an adapter's own wording; a key it
    lacks is what every platform says alike, the engine's."""
    table = texts if key in texts["en"] else TEXTS
    return table.get(lang, table["en"])[key]


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters. A cut is made between words when one is in the second half, and is
    marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut).rstrip() + "…"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at a paragraph, line, sentence or word boundary
    (the latest that keeps a piece at least half full), else inside a word but never inside an entity such
    as `&amp;` (Slack's escaping). Only white space at the cuts is lost."""
    pieces = []
    text = text.strip()
    while len(text) > limit:
        cut = _boundary(text[: limit + 1], limit // 2)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def _boundary(window: str, least: int) -> int:
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at >= least:
            return at
    sentences = [m.end() for m in _SENTENCE_END.finditer(window) if least <= m.end() < len(window)]
    if sentences:
        return sentences[-1]
    at = max(window.rfind(" "), window.rfind("\n"))  # an early line break beats cutting a word
    if at > 0:
        return at
    cut = len(window) - 1  # one word longer than the limit: no choice but to cut it
    entity = window.rfind("&", max(0, cut - 8), cut)
    return entity if entity > 0 and ";" not in window[entity:cut] else cut
