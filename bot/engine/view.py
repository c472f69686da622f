"""One platform-neutral view of what the bot says: which lines, choices, links and buttons a reply
shows. Every adapter maps a View to its platform's idiom (Block Kit, embeds, terminal text) and
decides nothing about what is shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.engine.faq import Source
from bot.engine.markdown import plain
from bot.engine.reply import EntryRef, Kind, Reason, Reply
from bot.engine.wording import TEXTS, say


class Shape(StrEnum):
    ANSWER = "answer"  # an entry's answer: title, body, sources, related, votes
    CHOICES = "choices"  # words of the bot's own, then entries to choose from ("did you mean", no answer, help)
    NOTICE = "notice"  # one short line (flood limit, thanks for the feedback, an entry that is gone)


class Action(StrEnum):
    PICK = "pick"  # a "did you mean" choice: its answer takes the place of the question's reply
    OPEN = "open"  # a topic (related, closest, browsing): answered in a new message


class Note(StrEnum):
    """Lines each platform words its own way (its `TEXTS` has the key)."""

    BROWSE = "browse"  # how to browse the topics, or ask again
    USAGE = "usage"  # how to ask this bot


@dataclass(frozen=True)
class Choice:
    id: str
    label: str  # the entry's question, in the reply's language
    action: Action
    number: int  # as a terminal numbers it: the choices first, then the related entries


@dataclass(frozen=True)
class View:
    shape: Shape
    lang: str
    reason: Reason | None = None
    entry_id: str | None = None
    title: str | None = None
    body: str | None = None
    intro: tuple[Note, ...] = ()  # before everything
    lines: tuple[str, ...] = ()  # the bot's own words, before the choices
    choices: tuple[Choice, ...] = ()
    related: tuple[Choice, ...] = ()
    sources: tuple[Source, ...] = ()
    asked: str | None = None  # the question, shown back to the asker
    matched: str | None = None  # the phrasing it matched, when that reads differently
    notes: tuple[Note, ...] = ()  # after everything
    votes: bool = False  # 👍 / 👎 under an answer
    private: bool = False  # only the person who asked or clicked sees it
    shareable: bool = False  # "Share in channel" under a private answer
    notice: str | None = None  # a NOTICE's text key
    notice_args: tuple[str, ...] = ()  # filled into the NOTICE's text
    asker_lang: str | None = None  # the asker's language, when the answer is written only in another
    lead: str | None = None  # given back with a click on a choice, so the pick is recorded with what was asked

    @property
    def language_line(self) -> str | None:
        """One line, in the asker's language, saying the answer is written in another."""
        if self.asker_lang is None:
            return None
        return say(self.asker_lang, "written_in").format(say(self.asker_lang, f"language_{self.lang}"))

    @property
    def ui_lang(self) -> str:
        """The language of what frames the answer (labels, buttons, notes): the asker's, whatever the answer's."""
        return self.asker_lang or self.lang

    def source_label(self, source: Source) -> str | None:
        """A label such as "(in Chinese)", in the asker's language, for a source in another language than the
        answer's."""
        if source.lang is None or source.lang == self.lang:
            return None
        return say(self.ui_lang, "in_language").format(say(self.ui_lang, f"language_{source.lang}"))

    @property
    def options(self) -> tuple[Choice, ...]:
        return self.choices + self.related


def view_of(reply: Reply, *, private: bool = False, lead: str | None = None) -> View:
    """What `reply` shows. `private`: only the asker sees it; an answer may then be shared."""
    lang, asked = reply.lang, reply.asked.strip() or None
    if reply.kind == Kind.ANSWER:
        matched = reply.matched if reply.matched and reply.matched.casefold() != (asked or "").casefold() else None
        return View(Shape.ANSWER, lang, reply.reason, reply.entry_id, reply.title, reply.body,
                    related=_choices(reply.related, Action.OPEN, start=1), sources=reply.sources,
                    asked=None if reply.reason == Reason.PICKED else asked, matched=matched, votes=True,
                    private=private, shareable=private, asker_lang=reply.asker_lang, lead=lead)
    action = Action.PICK if reply.kind == Kind.SUGGEST else Action.OPEN
    lines, intro, notes = [say(lang, reply.reason)], (), ()
    if reply.kind == Kind.SUGGEST or reply.reason == Reason.NO_MATCH:
        notes = (Note.BROWSE,)
    else:
        asked = None  # small talk is not echoed
    if reply.reason == Reason.NO_MATCH and reply.suggestions:
        lines.append(say(lang, "closest"))
    elif reply.reason in (Reason.GREETING, Reason.EMPTY) and reply.suggestions:
        lines.append(say(lang, "examples"))
    elif reply.reason == Reason.HELP:
        intro = (Note.USAGE,)
    return View(Shape.CHOICES, lang, reply.reason, intro=intro, lines=tuple(lines),
                choices=_choices(reply.suggestions, action, start=1), asked=asked, notes=notes, private=private,
                lead=lead)


def notice(key: str, lang: str, *, private: bool = False, args: tuple[str, ...] = ()) -> View:
    """A NOTICE: `key` in the platform's words, else the engine's, with `args` filled in."""
    return View(Shape.NOTICE, lang, notice=key, private=private, notice_args=args)


def notice_text(view: View, texts: Mapping[str, Mapping[str, str]] = TEXTS) -> str:
    """A NOTICE's text, in `texts`' words (an adapter's, else the engine's)."""
    text = say(view.lang, view.notice or "", texts)
    return text.format(*view.notice_args) if view.notice_args else text


def _choices(refs: tuple[EntryRef, ...], action: Action, *, start: int) -> tuple[Choice, ...]:
    return tuple(Choice(ref.id, ref.question, action, n) for n, ref in enumerate(refs, start=start))


def _labelled(text: str, label: str | None) -> str:
    return f"{text} {label}" if label else text


def plain_text(view: View, texts: Mapping[str, Mapping[str, str]] = TEXTS) -> str:
    """The view as plain text, choices numbered; notes in `texts`' words (an adapter's, else the engine's)."""
    def said(key: str) -> str:
        return say(view.ui_lang, key, texts)

    if view.shape is Shape.NOTICE:
        return notice_text(view, texts)
    lines = [said(note) for note in view.intro]
    if view.shape is Shape.ANSWER:
        lines += [view.language_line] if view.language_line else []
        lines.append(plain(view.body or ""))
    lines += view.lines
    lines += [f"{c.number}. {c.label}" for c in view.choices]
    if view.related:
        lines += ["", said("related"), *(f"{c.number}. {c.label}" for c in view.related)]
    if view.sources:
        lines += ["", said("sources"), *(f"- {_labelled(s.url, view.source_label(s))}" for s in view.sources)]
    lines += [said(note) for note in view.notes]
    return "\n".join(lines)
