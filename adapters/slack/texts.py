"""What the Slack adapter says in its own words, in both languages (the engine's words are in bot.engine.wording)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "browse": "Type `/faq help` to browse the topics, or ask in other words.",
        "usage": "Mention me with a question, send me a direct message, or type `/faq` and your question.",
        "helpful": "👍 Helpful",
        "not_helpful": "👎 Not helpful",
        "failed": "Sorry, Slack didn't let me send the answer just now. Please try again in a minute.",
        "not_posted": "Sorry, Slack didn't let me send the answer in that channel. If I'm not a member there, "
                      "invite me with `/invite @faqbot` and ask again; otherwise try again in a minute.",
        "gone": "That FAQ entry no longer exists. Type `/faq help` to browse the topics.",
        "shortened": "(The answer was shortened to fit in one Slack message.)",
        "home_title": "faqbot",
        "home_intro": "I answer questions from the FAQ, in English or Chinese. Click a topic and I'll "
                      "answer it in our direct messages.",
        "home_most_asked": "Most asked in the last 30 days",
        "home_other": "Other topics",
    },
    "zh": {
        "browse": "输入 `/faq help` 可以浏览话题，也可以换个说法再问。",
        "usage": "提及我并提问、给我发私信，或者输入 `/faq` 加上你的问题。",
        "helpful": "👍 有帮助",
        "not_helpful": "👎 没帮助",
        "failed": "抱歉，Slack 暂时没能发出回答，请过一分钟再试。",
        "not_posted": "抱歉，Slack 没让我在那个频道里发出回答。如果我还不是频道成员，请用 `/invite @faqbot` 邀请我后再问；"
                      "否则请过一分钟再试。",
        "gone": "这个 FAQ 条目已不存在。输入 `/faq help` 可以浏览话题。",
        "shortened": "（回答太长，已截短以放进一条 Slack 消息。）",
        "home_title": "faqbot",
        "home_intro": "我从 FAQ 里回答问题，中文英文都可以。点一个话题，我会在私信里回答。",
        "home_most_asked": "最近 30 天问得最多的",
        "home_other": "其他话题",
    },
}

