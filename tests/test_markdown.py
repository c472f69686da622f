"""Markdown in answers, as each platform shows it: plain text with the URLs in a terminal, mrkdwn in Slack,
Markdown kept in Discord."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleSession
from adapters.discord.render import render as discord_render
from adapters.slack.blocks import mrkdwn
from adapters.slack.blocks import render as slack_render
from bot.engine import build_engine
from bot.engine.markdown import plain
from bot.engine.view import view_of
from bot.serving import Service

ANSWER = """\
Use the **reset page**: [reset it here](https://example.org/reset), or see <https://example.org/help>.

## If that fails
* Call the _helpdesk_ on `#4040`
1. Wait ~~a day~~ an hour
> Never share your password with <!channel>.
```
passwd --expire
```
Keep snake_case_names and 2*3*4 as they are."""


def test_plain_text_drops_the_markup_and_keeps_every_url():
    assert plain(ANSWER).splitlines() == [
        "Use the reset page: reset it here (https://example.org/reset), or see https://example.org/help.",
        "",
        "If that fails",
        "- Call the helpdesk on #4040",
        "1. Wait a day an hour",
        "> Never share your password with <!channel>.",
        "    passwd --expire",
        "Keep snake_case_names and 2*3*4 as they are.",
    ]


def test_slack_gets_mrkdwn_with_its_links_and_nothing_that_pings():
    assert mrkdwn(ANSWER).splitlines() == [
        "Use the *reset page*: <https://example.org/reset|reset it here>, or see "
        "<https://example.org/help|https://example.org/help>.",
        "",
        "*If that fails*",
        "• Call the _helpdesk_ on `#4040`",
        "1. Wait ~a day~ an hour",
        "> Never share your password with &lt;!channel&gt;.",
        "`passwd --expire`",
        "Keep snake_case_names and 2*3*4 as they are.",
    ]


@pytest.mark.parametrize("text, slack", [
    ("a [x|y](https://e.org/a?b=1&c=2) link", "a <https://e.org/a?b=1&amp;c=2|x¦y> link"),
    ("not a [link](javascript:alert(1))", "not a [link](javascript:alert(1))"),
    ("\\*not bold\\*", "*not bold*"),
    ("[Wiki](https://evil|https://wiki.corp)", "<https://evil%7Chttps://wiki.corp|Wiki>"),  # no label smuggled in
])
def test_slack_links_and_escapes(text, slack):
    assert mrkdwn(text) == slack


@pytest.fixture
def engine(make_faq):
    faq = ("- id: reset\n  questions:\n    en: [How do I reset my password?]\n"
           "  answer:\n    en: |\n" + "".join(f"      {line}\n" for line in ANSWER.splitlines()))
    return build_engine(make_faq({"a.yaml": faq}))


def test_each_platform_renders_the_answer_its_way(engine):
    reply = engine.reply_for("reset", "en")
    console = ConsoleSession(Service(engine)).text("How do I reset my password?")
    assert "reset it here (https://example.org/reset)" in console and "**" not in console
    (section, *_) = slack_render(view_of(reply)).blocks
    assert "<https://example.org/reset|reset it here>" in section["text"]["text"]
    assert "reset it here (https://example.org/reset)" in slack_render(view_of(reply)).text
    (message,) = discord_render(view_of(reply))
    assert "[reset it here](https://example.org/reset)" in message.embeds[0].description
    assert "**reset page**" in message.embeds[0].description
