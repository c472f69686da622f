"""A reply rendered as a Slack message from its view: Block Kit blocks and a plain `text` for notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.engine.markdown import Block, Line, Span, Style
from bot.engine.markdown import render as render_markdown
from bot.engine.view import Action, Choice, Shape, View, notice_text, plain_text
from bot.engine.wording import say, shorten, split_text

from .texts import TEXTS

MAX_SECTION_TEXT = 3000
MAX_BLOCKS = 50
MAX_BUTTON_TEXT = 75
MAX_BUTTONS_PER_ACTIONS = 25
MAX_VALUE = 2000
MAX_NOTIFICATION_TEXT = 3000

PICK = "faq_pick"  # a "did you mean" suggestion: replaces the question's message with the answer
RELATED = "faq_related"  # a related or browsed topic: answered in a new message
ACTIONS = {Action.PICK: PICK, Action.OPEN: RELATED}
SHARE = "faq_share"
FEEDBACK_UP = "faq_feedback_up"
FEEDBACK_DOWN = "faq_feedback_down"
ASK_ABOUT = "faqbot_ask"  # the message shortcut "Ask faqbot" (slack/manifest.yaml)


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


_MARKS = {Style.BOLD: "*", Style.ITALIC: "_", Style.STRIKE: "~", Style.CODE: "`"}


def _mrkdwn_span(span: Span) -> str:
    if span.style is Style.LINK:
        # a | in the address would end it there and make the rest the link's label
        return f"<{escape(span.url).replace('|', '%7C')}|{escape(span.text).replace('|', '¦')}>"
    mark = _MARKS.get(span.style, "")
    return f"{mark}{escape(span.text)}{mark}"


def _mrkdwn_line(line: Line, text: str) -> str:
    if line.block is Block.HEADING:
        return f"*{text}*"
    if line.block is Block.ITEM:
        return f"{line.indent}{'•' if line.marker == '-' else line.marker} {text}"
    if line.block is Block.QUOTE:
        return f"> {text}"  # a quote mark, which Slack wants unescaped
    return text


def mrkdwn(markdown: str) -> str:
    """An answer's Markdown in Slack's mrkdwn: `<url|text>` links, `*bold*`, `_italics_`, • items; whatever
    the person's text holds is escaped, so it never pings."""
    return render_markdown(markdown, _mrkdwn_span, _mrkdwn_line)


class Value(NamedTuple):
    entry_id: str
    lang: str
    lead: str | None  # View.lead: the service records a pick with what was asked


def button_value(entry_id: str, lang: str, lead: str | None = None) -> str:
    return f"{entry_id}|{lang}|{lead}" if lead else f"{entry_id}|{lang}"


def parse_value(value: str) -> Value:
    """Also a value without a lead, as buttons posted before there were leads have."""
    entry_id, _, rest = value.partition("|")
    lang, _, lead = rest.partition("|")
    return Value(entry_id, lang or "en", lead or None)


def render(view: View) -> Message:
    """The whole view as one message."""
    if view.shape is Shape.NOTICE:
        text = notice_text(view, TEXTS)
        return Message(text=escape(text), blocks=(section(escape(text)),))
    blocks = _answer(view) if view.shape is Shape.ANSWER else _choices(view)
    text = plain_text(view, TEXTS)
    return Message(text=escape(shorten(text, MAX_NOTIFICATION_TEXT)), blocks=tuple(blocks))


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


def choice_buttons(choices: tuple[Choice, ...], lang: str, lead: str | None = None) -> list[dict]:
    # action_id must be unique within a block, so each button gets its own suffix
    return [button(c.label, f"{ACTIONS[c.action]}_{n}", button_value(c.id, lang, lead))
            for n, c in enumerate(choices)]


def _answer(view: View) -> list[dict]:
    lang, value = view.ui_lang, button_value(view.entry_id or "", view.lang)
    tail = []
    echoed = [escape(view.language_line)] if view.language_line else []
    echoed += [_asked(view)] if view.asked else []
    if view.matched:
        echoed.append(say(lang, "matched").format(escape(view.matched)))
    if echoed:
        tail.append(context(*echoed))
    if view.sources:
        links = " · ".join(f"<{escape(s.url)}>" + (f" {escape(label)}" if (label := view.source_label(s)) else "")
                           for s in view.sources)
        tail.append(context(f"{escape(say(lang, 'sources'))} {links}"))
    if view.related:
        tail.append(section(escape(say(lang, "related"))))
        tail += actions(choice_buttons(view.related, view.lang, view.lead))
    buttons = []
    if view.votes:
        buttons += [button(say(lang, "helpful", TEXTS), FEEDBACK_UP, value),
                    button(say(lang, "not_helpful", TEXTS), FEEDBACK_DOWN, value)]
    if view.shareable:
        buttons.append(button(say(lang, "share"), SHARE, value, style="primary"))
    tail += actions(buttons)

    title = escape((view.title or "").strip())
    body = mrkdwn(view.body or "")
    pieces = split_text(f"*{title}*\n{body}" if title else body, MAX_SECTION_TEXT)
    room = MAX_BLOCKS - len(tail)
    if len(pieces) > room:
        pieces = pieces[: room - 1]
        pieces[-1] = shorten(pieces[-1], MAX_SECTION_TEXT - 2) + " …"
        tail.insert(0, context(say(lang, "shortened", TEXTS)))
    return [section(p) for p in pieces] + tail


def _choices(view: View) -> list[dict]:
    """What the bot says, then the entries to choose from as buttons."""
    lang = view.lang
    words = [say(lang, note, TEXTS) for note in view.intro] + list(view.lines)
    blocks = [section(escape("\n".join(words)))]
    blocks += actions(choice_buttons(view.choices, lang, view.lead))
    footer = ([_asked(view)] if view.asked else []) + [say(lang, note, TEXTS) for note in view.notes]
    if footer:
        blocks.append(context(*footer))
    return blocks[:MAX_BLOCKS]


def _asked(view: View) -> str:
    return say(view.ui_lang, "asked").format(escape(shorten(view.asked or "", 500)))
