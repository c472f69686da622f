"""What the Discord adapter says in its own words, in both languages (the engine's words are in bot.engine.wording)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "browse": "Use /help to browse the topics, or ask in other words.",
        "usage": "Mention me with a question, send me a direct message, or use /faq: it suggests FAQ questions "
                 "while you type.",
        "helpful": "Helpful",
        "not_helpful": "Not helpful",
        "gone": "That FAQ entry no longer exists. Use /help to browse the topics.",
        "failed": "Sorry, something went wrong while answering. Please try again in a minute.",
    },
    "zh": {
        "browse": "使用 /help 可以浏览话题，也可以换个说法再问。",
        "usage": "提及我并提问、给我发私信，或者使用 /faq：输入时会提示 FAQ 里的问题。",
        "helpful": "有帮助",
        "not_helpful": "没帮助",
        "gone": "这个 FAQ 条目已不存在。使用 /help 可以浏览话题。",
        "failed": "抱歉，回答时出了问题，请过一分钟再试。",
    },
}

