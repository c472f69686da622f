"""Everything the bot says in its own words, in both languages, and the plain-text rendering."""

from __future__ import annotations

from bot.engine.reply import EntryRef

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "ambiguous": "I'm not sure which of these you mean:",
        "unsure": "Did you mean:",
        "no_match": "Sorry, the FAQ has no answer to that question.",
        "closest": "The closest topics it covers:",
        "browse": 'Say "help" to browse the topics, or ask in other words.',
        "greeting": "Hi! Ask me a question and I'll answer from the team FAQ.",
        "thanks": "You're welcome! Ask me anything else whenever you like.",
        "empty": "Ask me a question and I'll answer from the team FAQ.",
        "help": "I answer questions from the team FAQ. Some of the topics:",
        "examples": "For example:",
        "related": "Related:",
        "sources": "Sources:",
        "flood": "You're asking faster than I can keep up. Please wait a minute, then ask again.",
        "feedback_thanks": "Thanks for the feedback!",
        "asked": "You asked: {}",
        "matched": "Matched: {}",
        "share": "Share in channel",
    },
    "zh": {
        "ambiguous": "我不确定你问的是下面哪一个：",
        "unsure": "你是想问：",
        "no_match": "抱歉，FAQ 里没有这个问题的答案。",
        "closest": "FAQ 里最接近的话题：",
        "browse": "发送“帮助”可以浏览话题，也可以换个说法再问。",
        "greeting": "你好！有问题尽管问，我会从团队 FAQ 里找答案。",
        "thanks": "不客气！还有其他问题随时问我。",
        "empty": "请直接提问，我会从团队 FAQ 里找答案。",
        "help": "我可以回答团队 FAQ 里的问题，部分话题如下：",
        "examples": "例如：",
        "related": "相关问题：",
        "sources": "来源：",
        "flood": "你问得太快了，请等一分钟再问。",
        "feedback_thanks": "感谢你的反馈！",
        "asked": "你的问题：{}",
        "matched": "匹配的问法：{}",
        "share": "分享到频道",
    },
}


def say(lang: str, key: str, texts: dict[str, dict[str, str]] = TEXTS) -> str:
    """`key` in `lang` (English when the language is unknown). `texts` is an adapter's own wording; a key it
    lacks is what every platform says alike, the engine's."""
    table = texts if key in texts["en"] else TEXTS
    return table.get(lang, table["en"])[key]


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters; a cut is marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def numbered(refs: tuple[EntryRef, ...], start: int = 1) -> list[str]:
    return [f"{n}. {ref.question}" for n, ref in enumerate(refs, start=start)]


def plain_text(lang: str, reason: str, *, body: str | None = None, suggestions: tuple[EntryRef, ...] = (),
               related: tuple[EntryRef, ...] = (), sources: tuple[str, ...] = ()) -> str:
    """The reply as plain text; options are numbered suggestions first, then related."""
    if body is not None:
        lines = [body]
    elif reason == "no_match":
        lines = [say(lang, "no_match")]
        if suggestions:
            lines += [say(lang, "closest"), *numbered(suggestions)]
        lines.append(say(lang, "browse"))
    elif reason in ("greeting", "empty"):
        lines = [say(lang, reason)]
        if suggestions:
            lines += [say(lang, "examples"), *numbered(suggestions)]
    elif reason in ("ambiguous", "unsure", "help"):
        lines = [say(lang, reason), *numbered(suggestions)]
    else:
        lines = [say(lang, reason)]
    if related:
        lines += ["", say(lang, "related"), *numbered(related, start=len(suggestions) + 1)]
    if sources:
        lines += ["", say(lang, "sources"), *(f"- {s}" for s in sources)]
    return "\n".join(lines)
