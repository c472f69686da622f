"""The App Home tab (views.publish): what faqbot is, how to ask, the topics by tag as buttons, and what was
asked most in the last 30 days. A click answers in the person's direct messages with the bot."""

from __future__ import annotations

from bot.engine.wording import say
from bot.serving.service import Home

from .blocks import actions, button, button_value, escape
from .texts import TEXTS

HOME_TOPIC = "faq_home"  # a topic's button: faq_home_0, faq_home_1... (unique within its actions block)
MAX_BLOCKS = 100  # Slack's limit for a view


def home_view(home: Home) -> dict:
    lang = home.lang
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": say(lang, "home_title", TEXTS)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": say(lang, "home_intro", TEXTS)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": say(lang, "usage", TEXTS)}},
    ]
    sections = ([(say(lang, "home_most_asked", TEXTS), home.most_asked)] if home.most_asked else []) + [
        (tag or say(lang, "home_other", TEXTS), refs) for tag, refs in home.topics]
    for title, refs in sections:
        group = [{"type": "divider"}, {"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(title)}*"}}]
        group += actions([button(ref.question, f"{HOME_TOPIC}_{n}", button_value(ref.id, lang))
                          for n, ref in enumerate(refs)])
        if len(blocks) + len(group) > MAX_BLOCKS - 1:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": say(lang, "browse", TEXTS)}]})
            break
        blocks += group
    return {"type": "home", "blocks": blocks}

