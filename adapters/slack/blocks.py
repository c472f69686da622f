"""The engine's Reply rendered as a Slack message: Block Kit blocks and a plain `text` for notifications."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import EntryRef, Reply
from bot.engine.wording import say, shorten

from .texts import TEXTS

MAX_SECTION_TEXT = 3000
MAX_BLOCKS = 50
MAX_BUTTON_TEXT = 75
MAX_BUTTONS_PER_ACTIONS = 25
MAX_VALUE = 2000
MAX_NOTIFICATION_TEXT = 3000

PICK = "faq_pick"  # a "did you mean" suggestion: replaces the question's message with the answer
RELATED = "faq_related"  # a related or browsed topic: answered in a new message
SHARE = "faq_share"
FEEDBACK_UP = "faq_feedback_up"
FEEDBACK_DOWN = "faq_feedback_down"


@dataclass(frozen=True)
class Message:
    text: str  # shown in notifications and by clients that cannot show blocks
    blocks: tuple[dict, ...]

    def payload(self) -> dict:
        return {"text": self.text, "blocks": list(self.blocks)}


def escape(text: str) -> str:
    """Slack's three control characters, so that `<!channel>` or `<@U1>` in echoed text never pings."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Message and command text as the person typed it (Slack sends the three characters escaped)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Cut escaped mrkdwn into pieces of at most `limit` characters, at a paragraph, line or word
    boundary when there is one, and never inside an `&amp;`-style entity."""
    pieces = []
    text = text.strip()
    while len(text) > limit:
        window = text[: limit + 1]
        for boundary in ("\n\n", "\n", " "):
            cut = window.rfind(boundary)
            if cut > 0:
                head, text = text[:cut], text[cut + len(boundary):]
                break
        else:
            cut = limit
            entity = text.rfind("&", max(0, cut - 5), cut)
            if entity > 0 and ";" not in text[entity:cut]:
                cut = entity
            head, text = text[:cut], text[cut:]
        pieces.append(head.rstrip())
        text = text.lstrip()
    if text:
        pieces.append(text)
    return pieces


def button_value(entry_id: str, lang: str) -> str:
    return f"{entry_id}|{lang}"


def parse_value(value: str) -> tuple[str, str]:
    entry_id, _, lang = value.partition("|")
    return entry_id, lang or "en"


def render(reply: Reply, *, shareable: bool = False) -> Message:
    """The whole reply as one message. `shareable` adds the "Share in channel" button to an answer."""
    blocks = _answer(reply, shareable) if reply.kind == "answer" else _choices(reply)
    return Message(text=escape(shorten(reply.text, MAX_NOTIFICATION_TEXT)), blocks=tuple(blocks))


def notice(lang: str, key: str) -> Message:
    """One of the adapter's own short messages (feedback thanks, flood limit, errors)."""
    text = say(lang, key, TEXTS)
    return Message(text=text, blocks=(section(text),))


def section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(mrkdwn, MAX_SECTION_TEXT)}}


def context(*mrkdwn: str) -> dict:
    elements = [{"type": "mrkdwn", "text": shorten(t, MAX_SECTION_TEXT)} for t in mrkdwn[:10]]
    return {"type": "context", "elements": elements}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    element = {"type": "button", "action_id": action_id, "value": value[:MAX_VALUE],
               "text": {"type": "plain_text", "text": shorten(text, MAX_BUTTON_TEXT), "emoji": True}}
    if style:
        element["style"] = style
    return element


def actions(buttons: list[dict]) -> list[dict]:
    return [{"type": "actions", "elements": buttons[i: i + MAX_BUTTONS_PER_ACTIONS]}
            for i in range(0, len(buttons), MAX_BUTTONS_PER_ACTIONS)]


def topic_buttons(refs: tuple[EntryRef, ...], action: str, lang: str) -> list[dict]:
    # action_id must be unique within a block, so each button gets its own suffix
    return [button(ref.question, f"{action}_{n}", button_value(ref.id, lang)) for n, ref in enumerate(refs)]


def _answer(reply: Reply, shareable: bool) -> list[dict]:
    lang, value = reply.lang, button_value(reply.entry_id or "", reply.lang)
    tail = []
    echoed = [_asked(reply)] if reply.asked.strip() and reply.reason != "picked" else []
    if reply.matched:
        echoed.append(say(lang, "matched", TEXTS).format(escape(reply.matched)))
    if echoed:
        tail.append(context(*echoed))
    if reply.sources:
        links = " · ".join(f"<{escape(url)}>" for url in reply.sources)
        tail.append(context(f"{escape(say(lang, 'sources'))} {links}"))
    if reply.related:
        tail.append(section(escape(say(lang, "related"))))
        tail += actions(topic_buttons(reply.related, RELATED, lang))
    votes = [button(say(lang, "helpful", TEXTS), FEEDBACK_UP, value),
             button(say(lang, "not_helpful", TEXTS), FEEDBACK_DOWN, value)]
    if shareable:
        votes.append(button(say(lang, "share", TEXTS), SHARE, value, style="primary"))
    tail += actions(votes)

    title = escape((reply.title or "").strip())
    pieces = split_text(f"*{title}*\n{escape(reply.body or '')}" if title else escape(reply.body or ""))
    room = MAX_BLOCKS - len(tail)
    if len(pieces) > room:
        pieces = pieces[: room - 1]
        pieces[-1] = shorten(pieces[-1], MAX_SECTION_TEXT - 2) + " …"
        tail.insert(0, context(say(lang, "shortened", TEXTS)))
    return [section(p) for p in pieces] + tail


def _choices(reply: Reply) -> list[dict]:
    """A "did you mean" (suggest) or a reply with no answer (fallback): words, then topics as buttons."""
    lang = reply.lang
    if reply.kind == "suggest":
        lines, action = [say(lang, reply.reason)], PICK
    elif reply.reason == "no_match":
        lines, action = [say(lang, "no_match")] + ([say(lang, "closest")] if reply.suggestions else []), RELATED
    elif reply.reason in ("greeting", "empty") and reply.suggestions:
        lines, action = [say(lang, reply.reason), say(lang, "examples")], RELATED
    else:
        lines, action = [say(lang, reply.reason)], RELATED
    blocks = [section(escape("\n".join(lines)))]
    blocks += actions(topic_buttons(reply.suggestions, action, lang))
    echo_question = reply.asked.strip() and (reply.kind == "suggest" or reply.reason == "no_match")
    blocks.append(context(*([_asked(reply)] if echo_question else []), say(lang, "browse", TEXTS)))
    return blocks[:MAX_BLOCKS]


def _asked(reply: Reply) -> str:
    return say(reply.lang, "asked", TEXTS).format(escape(shorten(reply.asked.strip(), 500)))
