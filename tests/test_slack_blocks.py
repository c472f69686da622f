"""Reply -> Block Kit: what each kind of reply looks like in Slack, and Slack's limits."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_BUTTON_TEXT,
    MAX_SECTION_TEXT,
    escape,
    render,
    unescape,
)
from bot.engine import Engine, EntryRef, Reply, Thresholds
from bot.engine.faq import Source
from bot.engine.view import view_of
from bot.engine.wording import say, split_text


def show(reply: Reply, *, shareable: bool = False):
    """What the adapter renders for a reply, through the one platform-neutral view."""
    return render(view_of(reply, private=shareable))


ENTITY_CUT = re.compile(r"&(a|am|amp|l|lt|g|gt)?$")  # a piece ending inside an escape


def sections(message) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def contexts(message) -> list[str]:
    return [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]]


def buttons(message) -> list[dict]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def answer(body: str, **fields) -> Reply:
    defaults = dict(kind="answer", lang="en", text=body, reason="confident", asked="q?", entry_id="e1",
                    title="The title?", body=body, matched="the phrasing")
    return Reply(**{**defaults, **fields})


def assert_within_limits(message) -> None:
    assert len(message.blocks) <= MAX_BLOCKS
    assert all(len(t) <= MAX_SECTION_TEXT for t in sections(message) + contexts(message))
    assert all(len(b["text"]["text"]) <= MAX_BUTTON_TEXT and len(b["value"]) <= 2000 for b in buttons(message))
    for block in message.blocks:
        if block["type"] == "actions":
            ids = [e["action_id"] for e in block["elements"]]
            assert len(ids) == len(set(ids)) <= 25


# --- answers --------------------------------------------------------------------------------------


def test_answer_has_title_body_matched_phrasing_sources_related_and_votes(engine, faq):
    reply = engine.answer("What is GPT?")
    message = show(reply)
    entry = faq.get("what-is-gpt")
    assert sections(message)[0] == f"*What is GPT?*\n{escape(entry.answer['en'].strip())}"
    assert "You asked: What is GPT?" in contexts(message)
    assert not any(c.startswith("Matched:") for c in contexts(message))  # it reads just like the question
    reworded = show(engine.answer("what does the GPT abbreviation stand for"))
    assert any(c.startswith("Matched: ") for c in contexts(reworded))
    assert any(f"<{entry.sources[0]}>" in c for c in contexts(message))
    related = [b for b in buttons(message) if b["action_id"].startswith("faq_related_")]
    assert [b["value"] for b in related] == [f"{r.id}|en" for r in reply.related]
    assert [b["text"]["text"] for b in related] == [r.question for r in reply.related]
    up, down = buttons(message)[-2:]
    assert (up["action_id"], down["action_id"]) == ("faq_feedback_up", "faq_feedback_down")
    assert "👍" in up["text"]["text"] and "👎" in down["text"]["text"]
    assert up["value"] == down["value"] == "what-is-gpt|en"
    assert message.text.startswith(entry.answer["en"][:40])
    assert_within_limits(message)


def test_only_a_shareable_answer_has_the_share_button(engine):
    reply = engine.answer("What is GPT?")
    assert "faq_share" not in [b["action_id"] for b in buttons(show(reply))]
    share = buttons(show(reply, shareable=True))[-1]
    assert share["action_id"] == "faq_share" and share["value"] == "what-is-gpt|en"


def test_chinese_answer_is_labelled_in_chinese(engine):
    message = show(engine.answer("什么是 RLHF？"))
    assert sections(message)[0].startswith("*什么是 RLHF")
    assert any(c.startswith("你的问题：") for c in contexts(message))
    assert "👍 有帮助" in [b["text"]["text"] for b in buttons(message)]


def test_a_picked_answer_does_not_echo_a_question(engine):
    message = show(engine.reply_for("rlhf", "en", asked="What is RLHF?"))
    assert not any(c.startswith("You asked") for c in contexts(message))


def test_long_answer_is_split_at_paragraphs_into_sections_within_the_limit():
    paragraphs = [f"Paragraph {n}. " + "word " * 300 for n in range(8)]  # ~1,520 characters each
    message = show(answer("\n\n".join(paragraphs)))
    parts = sections(message)
    assert len(parts) > 3 and all(len(p) <= MAX_SECTION_TEXT for p in parts)
    assert all(p.removeprefix("*The title?*\n").startswith("Paragraph") for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(f"*The title?* {' '.join(paragraphs)}".split())


def test_a_huge_answer_fits_in_fifty_blocks_and_says_it_was_shortened():
    message = show(answer("\n\n".join("x" * 2900 for _ in range(80))))
    assert len(message.blocks) == MAX_BLOCKS
    assert "(The answer was shortened to fit in one Slack message.)" in contexts(message)
    assert sections(message)[-2].endswith("…") or sections(message)[-1].endswith("…")
    assert_within_limits(message)


def test_long_button_texts_are_shortened_with_an_ellipsis():
    long = EntryRef("e2", "Why " + "very " * 30 + "long?")
    message = show(answer("body", related=(long,)))
    (related,) = [b for b in buttons(message) if b["action_id"] == "faq_related_0"]
    assert len(related["text"]["text"]) <= MAX_BUTTON_TEXT and related["text"]["text"].endswith("…")


def test_text_that_pings_is_escaped_everywhere_it_is_echoed():
    message = show(answer("Use <b> & <!here>", asked="<!channel> <@U1> & <!everyone>", matched="<!here>",
                           title="<@U2>?", sources=(Source("https://example.org/?a=1&b=<2>"),)))
    dump = str(message.payload())
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U1>", "<@U2>", "<b>"):
        assert ping not in dump
    assert "You asked: &lt;!channel&gt; &lt;@U1&gt; &amp; &lt;!everyone&gt;" in contexts(message)
    assert "&lt;!here&gt;" in message.text


def test_notification_text_is_bounded():
    assert len(show(answer("y" * 50_000)).text) <= 3000


# --- did you mean, and no answer ----------------------------------------------------------------


def test_suggestions_are_one_pick_button_each(engine):
    reply = Engine(engine.faq, thresholds=Thresholds(answer=1.01)).answer("What is GPT?")
    assert reply.kind == "suggest"
    message = show(reply)
    assert sections(message)[0] == say("en", reply.reason)
    picks = buttons(message)
    assert [b["action_id"] for b in picks] == [f"faq_pick_{n}" for n in range(len(reply.suggestions))]
    assert [b["value"] for b in picks] == [f"{s.id}|en" for s in reply.suggestions]


def test_no_answer_is_honest_offers_the_closest_topics_and_how_to_browse(engine):
    reply = engine.answer("How is Azure Blob Storage billed?")
    assert reply.kind == "fallback" and reply.reason == "no_match"
    message = show(reply)
    assert sections(message)[0].startswith(say("en", "no_match"))
    assert [b["value"] for b in buttons(message)] == [f"{s.id}|en" for s in reply.suggestions]
    assert any("/faq help" in c for c in contexts(message))
    assert "You asked: How is Azure Blob Storage billed?" in contexts(message)


def test_help_lists_the_topics_as_buttons(engine):
    message = show(engine.answer("help"))
    assert len(buttons(message)) == 25
    assert_within_limits(message)


# --- escaping and splitting ---------------------------------------------------------------------


def test_escape_and_unescape_are_inverse():
    assert escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"
    assert unescape(escape("a & <b> &amp;")) == "a & <b> &amp;"


def test_split_never_cuts_inside_an_entity():
    text = escape("&" * 2000)  # 10,000 characters, no boundary anywhere
    pieces = split_text(text, MAX_SECTION_TEXT)
    assert "".join(pieces) == text
    assert all(len(p) <= MAX_SECTION_TEXT and not ENTITY_CUT.search(p) for p in pieces)


@given(st.text(alphabet=st.sampled_from(list("ab &<>\n")), max_size=3000), st.integers(min_value=20, max_value=400))
def test_split_keeps_every_character_and_the_limit(raw, limit):
    text = escape(raw)
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit and not ENTITY_CUT.search(p) for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
