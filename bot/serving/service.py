"""What adapters talk to. The service holds the engine in service now and decides everything that is the
same on every platform: channel scope, the flood limit and what the person then sees, help, picks, votes,
the language of notices, the bot's own mention. Adapters only translate events in and views out."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.engine.answering import Context, Engine, detect_language, in_scope
from bot.engine.complete import Completer
from bot.engine.reply import EntryRef, Kind, Reason, Reply
from bot.engine.smalltalk import asks, classify
from bot.engine.view import Action, Shape, View, notice, view_of
from bot.serving.events import Asked, NoRecorder, Recorder, Voted, Where
from bot.serving.flood import FloodLimit, FloodRule, Verdict
from bot.serving.inflight import InFlight
from bot.serving.leads import Leads, is_lead
from bot.serving.once import Once, Recent
from bot.serving.shared import Shared

log = logging.getLogger("faqbot")
MAX_OPTION_DIGITS = 6  # a longer number is a question, not a pick
CONVERSATIONS_KEPT = 86400.0  # seconds a conversation the bot replied in is followed after its last reply
OFFERS_KEPT = 900.0  # seconds a reply's numbered options may be picked by typing the number
MOST_ASKED_FRESH = 600.0  # seconds the most asked entries read from the store are shown before being read again
MOST_ASKED_WAIT = 0.5  # a Home tab waits this long for them at most: a database away must not stall the answers
HOME_FRESH = 300.0  # seconds a person's home page stands once shown, unless the FAQ changes


@dataclass(frozen=True)
class Question:
    text: str  # as the platform delivered it, the bot's own mention included
    where: Where = Where()
    me: str | None = None  # the bot's own user id on the platform: its mention is no part of the question
    private: bool = False  # only the asker sees the reply (a slash command): an answer may then be shared
    command: bool = False  # an explicit call of the bot (/faq): nothing asked, or "help", means help
    lang: str | None = None  # reply in this language
    # Where the reply goes, when that is a conversation (a Slack thread, a Discord thread or reply chain): once
    # the bot has replied there, the asker's later messages there are followed up without a mention.
    thread: str | None = None
    # The platform's name for this message: one delivered twice (as a mention and as a message, or to two
    # replicas) is answered once. None: a command or a click, which the platform delivers once.
    key: str | None = None


# What a platform's channel ids look like, where it is known: a channel of auto_answer may be on the platform only
# if its id does (Slack's are letters and digits, Discord's numbers)
CHANNEL_IDS: dict[str, Callable[[str], bool]] = {"discord": str.isdigit}


@dataclass(frozen=True)
class Home:
    """What a platform's home page for the bot shows (Slack's App Home tab): how to ask, the topics by tag
    (entries without a tag under ""), and the entries answered most often lately, when that is known."""

    lang: str
    topics: tuple[tuple[str, tuple[EntryRef, ...]], ...]
    most_asked: tuple[EntryRef, ...] = ()


@dataclass(frozen=True)
class Completion:
    choices: tuple[EntryRef, ...]
    lead: str | None = None  # what was typed, for the pick of a choice (View.lead)


class Via(StrEnum):
    """How a person chose an entry instead of asking."""

    SUGGESTION = "suggestion"  # a "did you mean" choice
    TOPIC = "topic"  # a related, closest or browsed topic
    AUTOCOMPLETE = "autocomplete"  # a choice offered while typing


class Service:
    """Answers with the current engine (a reload swaps it), scopes channels to their tags, applies one flood
    limit per person across every platform it serves (and every replica, with `shared`), takes each message
    once, and records every question, pick and vote."""

    def __init__(self, engine: Engine, *, recorder: Recorder | None = None,
                 channels: Mapping[str, frozenset[str]] | None = None, flood: FloodRule = FloodRule(),
                 log_bodies: bool = False, shared: Shared | None = None,
                 auto_answer: frozenset[str] = frozenset(), follow_ups: frozenset[str] | None = None,
                 most_asked: Callable[[], list[tuple[str, int]]] | None = None) -> None:
        self._serving = (engine, Completer(engine))
        self.served = 0  # how many times the FAQ was replaced: a home page shown before shows an older FAQ
        self.homes = Recent(HOME_FRESH)  # (person, self.served) whose home page was shown lately
        self.recorder = recorder or NoRecorder()
        self.channels = dict(channels or {})
        self.flood = FloodLimit(flood)
        self.taken = Once()
        self.conversations = Recent(CONVERSATIONS_KEPT)  # (thread, user) the bot replied to
        self.offers: Recent[View] = Recent(OFFERS_KEPT)  # (platform, workspace, channel, user): the last reply there
        self.shared = shared
        self.auto_answer = auto_answer  # channels whose every new post is answered, when the FAQ has the answer
        self.follow_ups = follow_ups  # the platforms whose conversations are followed; None: every one
        self.most_asked = most_asked  # (entry id, times) answered most often lately: the store's, when there is one
        self._most_asked_read: tuple[float, list[tuple[str, int]]] = (-MOST_ASKED_FRESH, [])  # (when read, what)
        self._most_asked_reading: tuple[float, Future[list[tuple[str, int]]]] | None = None  # (began, the read)
        self._most_asked_lock = threading.Lock()
        self.log_bodies = log_bodies
        self.answering = InFlight()
        self.leads = Leads()

    @property
    def engine(self) -> Engine:
        return self._serving[0]

    def replace(self, engine: Engine) -> None:
        """Serve a new FAQ from the next question on; one already being answered finishes on the old one. Its
        completion is ready first: called off the event loop (a reload's thread), that is where it is built."""
        completer = Completer(engine)
        completer.warm()
        self._serving = (engine, completer)
        self.served += 1

    def warm_up(self) -> None:
        """Builds the current FAQ's completion before anyone types: for a thread beside the event loop at start."""
        self._serving[1].warm()

    # --- what adapters call -----------------------------------------------------------------------

    def ask(self, question: Question) -> View | None:
        """What to say to a question, or None to stay quiet (a flood already told, in public, to wait)."""
        if question.key is not None and not self.first(question.key):
            return None
        text = without_mention(question.text, question.me)
        if (picked := self._typed_pick(question, text)) is not None:
            return picked
        lang = question.lang or self.language_of(text)
        verdict = self._flood(question.where)
        if verdict is not Verdict.ANSWER:
            # Told once where others see it; every time where only the asker does (a command must be answered).
            told = verdict is Verdict.IGNORE and not question.private
            return None if told else notice("flood", lang, private=question.private)
        if classify(text) is Reason.HELP or (question.command and not text.strip()):
            return self._offering(question.where, self.help(question.where, lang, private=question.private))
        reply, lead = self._answer(text, Context(lang=question.lang), question.where)
        self._converse(question)
        return self._offering(question.where, view_of(reply, private=question.private, lead=lead))

    def overhear(self, question: Question, *, top_level: bool) -> View | None:
        """A message not addressed to the bot: a new post (`top_level`) in a channel it answers on its own, or a
        message in a conversation it took part in. A reply only when there is something worth saying: for a
        post, a direct answer; in a conversation, an answer from the asker's own thread, or a "did you mean"
        when the message reads as a question. Nothing else, not even a notice: thanks, chatter between
        people and questions the FAQ cannot answer get silence, and are not recorded."""
        if not self.listening(question, top_level=top_level):
            return None  # most channel messages: nothing claimed, nothing written
        if question.key is not None and not self.first(question.key):
            return None
        where = question.where
        text = without_mention(question.text, question.me)
        if not top_level and (picked := self._typed_pick(question, text)) is not None:
            return picked  # the asker answering the bot's numbered options in their conversation
        if classify(text) is not None:
            return None
        reply, latency_ms = self._reply(text, Context(lang=question.lang), where)
        worth = reply.kind is Kind.ANSWER or (not top_level and reply.kind is Kind.SUGGEST and asks(text))
        if not worth or self._flood(where) is not Verdict.ANSWER:
            return None
        lead = self._asked(text, reply, where, latency_ms)
        self._converse(question)
        return self._offering(question.where, view_of(reply, private=question.private, lead=lead))

    def first(self, key: str) -> bool:
        """True the first time a message (a platform's key for it) is taken, by this process or, with `shared`,
        by any replica: a platform may deliver one message twice, or to two replicas."""
        taken_here = self.taken.first(key)
        shared = self.shared.claim(key) if self.shared is not None else None
        return taken_here if shared is None else shared

    def ask_about(self, text: str, where: Where, *, lang: str | None = None) -> View:
        """A message someone asked the bot about ("Ask faqbot" on any message; `where.user` is who asked): the
        answer, for everyone, when the FAQ has one; else a notice only they see."""
        lang = lang or self.language_of(text)
        if self._flood(where) is not Verdict.ANSWER:
            return notice("flood", lang, private=True)
        reply, lead = self._answer(text.strip(), Context(), where)
        if reply.kind is not Kind.ANSWER:
            return notice("nothing_for_message", lang, private=True)
        return view_of(reply, lead=lead)

    def home(self, lang: str | None = None) -> Home:
        """The bot's home page: every topic a person may ask about (context-only entries aside), by tag, and
        what was asked most. Not a question: nothing is recorded."""
        engine = self.engine
        lang = lang or engine.language
        by_tag: dict[str, list[EntryRef]] = {}
        for ref in engine.topics(lang):
            entry = engine.faq.get(ref.id)
            by_tag.setdefault(entry.tags[0] if entry and entry.tags else "", []).append(ref)
        named = sorted((tag, tuple(refs)) for tag, refs in by_tag.items() if tag)
        topics = tuple(named + ([("", tuple(by_tag[""]))] if "" in by_tag else []))
        most = []
        for entry_id, _ in self._lately_most_asked():
            entry = engine.faq.get(entry_id)
            if entry is not None:  # an entry since removed from the FAQ is not offered
                most.append(EntryRef(entry.id, entry.question(lang)))
        return Home(lang, topics, tuple(most))

    def home_for(self, person: str, lang: str | None = None) -> Home | None:
        """`person`'s home page, or None when it was shown to them within HOME_FRESH seconds for the FAQ served
        now: a platform that asks each time the page is opened (Slack's App Home) need not show it again."""
        shown = (person, self.served)
        if not self.homes.first(shown):
            return None
        page = self.home(lang)
        if self._most_asked_pending():  # shown without the most asked: the next opening shows them, once read
            self.homes.forget(shown)
        return page

    def _most_asked_pending(self) -> bool:
        reading = self._most_asked_reading
        return reading is not None and not reading[1].done()

    def _lately_most_asked(self) -> list[tuple[str, int]]:
        """The store's most asked, read at most every MOST_ASKED_FRESH seconds: a Home tab opened by each person
        in turn must not query the database each time (nor wait for one that is away)."""
        read_at, found = self._most_asked_read
        if self.most_asked is None or time.monotonic() - read_at < MOST_ASKED_FRESH:
            return found
        with self._most_asked_lock:
            if self._most_asked_reading is None or self._most_asked_reading[1].done():
                self._most_asked_reading = (time.monotonic(), Future())
                # read on a thread of its own: this one answers everybody's questions
                threading.Thread(target=self._read_most_asked, args=(self._most_asked_reading[1],),
                                 name="faqbot-most-asked", daemon=True).start()
            began, reading = self._most_asked_reading
        try:  # the read's first half second at most, whoever asks: pages opened while it hangs do not wait again
            return reading.result(timeout=max(0.0, began + MOST_ASKED_WAIT - time.monotonic()))
        except TimeoutError:  # the page shows what was read before; the next one, what this read finds
            return found

    def _read_most_asked(self, reading: Future[list[tuple[str, int]]]) -> None:
        try:
            found = self.most_asked()
        except Exception:
            log.exception("reading the most asked entries failed")
            found = self._most_asked_read[1]
        self._most_asked_read = (time.monotonic(), found)
        reading.set_result(found)

    def help(self, where: Where, lang: str, *, private: bool = True) -> View:
        """How to ask, and the topics of this channel. Not a question: nothing is matched or recorded."""
        return view_of(self.engine.help(lang, self.scope(where)), private=private)

    def pick(self, entry_id: str, lang: str, where: Where, *, via: Via, private: bool = False,
             lead: str | None = None) -> View:
        """An entry a person chose: answered and recorded as a pick, with the words that led to it when `lead`
        (the View.lead of the reply it was chosen from) is known here. A choice typed into a command
        (autocomplete) counts against the flood limit like a question. An entry that is gone, or outside the
        channel's scope (a stale or forged choice), gets a notice only the chooser sees."""
        if via is Via.AUTOCOMPLETE and self._flood(where) is not Verdict.ANSWER:
            return notice("flood", lang, private=True)  # typed into a command: only the asker sees it
        started, engine, tags = time.perf_counter(), self.engine, self.scope(where)
        entry = engine.faq.get(entry_id)
        if entry is None:
            return notice("gone", lang, private=True)
        reply = engine.reply_for(entry_id, lang, asked=entry.question(lang), tags=tags)
        if reply is None:
            return notice("elsewhere", lang, private=True)
        led_by = lead if is_lead(lead) else None  # unknown here, it may still link the pick in a shared store
        if self.leads.offered(led_by, entry_id) is False:
            led_by = None  # a choice the reply never offered (typed by hand): the words are not linked to it
        asked = self.leads.words(led_by) or ""
        onward = self._asked(asked, reply, where, (time.perf_counter() - started) * 1000, via=via, led_by=led_by)
        return self._offering(where, view_of(reply, private=private, lead=onward))

    def choose(self, typed: str, offered: View | None, where: Where, *, lang: str | None = None,
               private: bool = False) -> View | None:
        """A number typed to pick one of the options `offered` (the last reply) shows, in any width ("2",
        "２"): that option's answer, or a notice naming the numbers there are, or saying there is nothing to
        pick (no question is matched or recorded). None when `typed` is no number: then it is a question."""
        number = option_number(typed)
        if number is None:
            return None
        said = lang or (offered.asker_lang or offered.lang if offered is not None else self.language_of(typed))
        options = offered.options if offered is not None else ()
        if not options:
            return notice("no_options", said, private=private)
        if not 1 <= number <= len(options):
            key = "no_option" if len(options) > 1 else "no_option_one"
            return notice(key, said, args=(str(number), str(len(options))), private=private)
        chosen = options[number - 1]
        via = Via.SUGGESTION if chosen.action is Action.PICK else Via.TOPIC
        return self.pick(chosen.id, lang or offered.lang, where, via=via, lead=offered.lead, private=private)

    def _typed_pick(self, question: Question, text: str) -> View | None:
        """A number typed to the bot where its last reply to the same person, within OFFERS_KEPT, showed numbered
        options: Service.choose, as in the console. None otherwise: a number with no reply before it is a question.
        What a replica remembers: a number another replica's reply offered is read as a question."""
        offered = self.offers.get(_offer_key(question.where))
        if offered is None or option_number(text) is None:
            return None
        return self.choose(text, offered, question.where, lang=question.lang, private=question.private)

    def _offering(self, where: Where, view: View | None) -> View | None:
        """`view`, kept as what a number typed next by the same person there picks from (Service.on_offer)."""
        key = _offer_key(where)
        if (shown := self.on_offer(view, self.offers.get(key))) is not None:
            self.offers.put(key, shown)
        return view

    @staticmethod
    def on_offer(reply: View | None, before: View | None) -> View | None:
        """What a typed number picks from next: `reply`'s options, or, after a notice ("there is no option 9",
        a flood) or silence, still the ones `before`."""
        return before if reply is None or reply.shape is Shape.NOTICE else reply

    def share(self, entry_id: str, lang: str, where: Where) -> View:
        """An answer a person shares with the channel (its asking was recorded already)."""
        entry, tags = self.engine.faq.get(entry_id), self.scope(where)
        reply = self.engine.reply_for(entry_id, lang, asked=entry.question(lang), tags=tags) if entry else None
        if reply is None:
            return notice("gone" if entry is None else "elsewhere", lang, private=True)
        return view_of(reply)

    def vote(self, entry_id: str, *, up: bool, where: Where, lang: str = "en") -> View:
        """Recorded only for an entry this FAQ has and this channel may show (a forged or stale vote is
        not); the thanks are for the voter alone."""
        entry, tags = self.engine.faq.get(entry_id), self.scope(where)
        if entry is None:
            return notice("gone", lang, private=True)
        if tags is not None and not in_scope(entry, tags):
            return notice("elsewhere", lang, private=True)
        self._record(self.recorder.voted, Voted(at=time.time(), where=where, entry_id=entry_id, up=up))
        return notice("feedback_thanks", lang, private=True)

    def notice(self, key: str, *, asked: str = "", lang: str | None = None, private: bool = False) -> View:
        """One of the short things said alike everywhere, in `lang` or else the language of `asked`."""
        return notice(key, lang or self.language_of(asked), private=private)

    def complete(self, typed: str, *, where: Where = Where(), lang: str | None = None, limit: int = 25,
                 max_chars: int = 100) -> Completion:
        """The entries to offer while `typed` is being typed. Not a question: nothing is recorded until one
        is picked, and then with what was typed."""
        completer = self._serving[1]
        choices = completer.complete(typed, lang=lang, tags=self.scope(where), limit=limit, max_chars=max_chars)
        lead = None
        if typed.strip() and choices:
            lead = self.leads.keep(typed.strip(), (c.id for c in choices), owner=f"{where.platform}:{where.user}")
        return Completion(choices, lead)

    # --- the engine, scoped and recorded ----------------------------------------------------------

    def answer(self, text: str, context: Context = Context(), where: Where = Where()) -> Reply:
        """The engine's reply in this channel's scope, recorded. No flood limit: for callers that are no chat
        platform (ask() applies it)."""
        return self._answer(text, context, where)[0]

    def _answer(self, text: str, context: Context, where: Where) -> tuple[Reply, str | None]:
        reply, latency_ms = self._reply(text, context, where)
        return reply, self._asked(text, reply, where, latency_ms)

    def _reply(self, text: str, context: Context, where: Where) -> tuple[Reply, float]:
        """The engine's reply in this channel's scope, and how many ms it took; nothing recorded yet."""
        engine = self.engine  # one engine for the whole question, even if a reload lands meanwhile
        if context.tags is None:
            context = replace(context, tags=self.scope(where))
        with self.answering.track():
            started = time.perf_counter()
            reply = engine.answer(text, context)
        return reply, (time.perf_counter() - started) * 1000

    def overhears(self, platform: str) -> bool:
        """Whether messages on `platform` that do not mention the bot may get a reply (Discord must then ask for the
        Message Content intent): a channel it answers on its own may be there, or it follows conversations there
        (`follow_ups` None: on every platform)."""
        shaped = CHANNEL_IDS.get(platform)
        posts = any(shaped is None or shaped(channel) for channel in self.auto_answer)
        return posts or self.follow_ups is None or platform in self.follow_ups

    def listening(self, question: Question, *, top_level: bool) -> bool:
        """Whether a message not addressed to the bot is one `overhear` may reply to: a post in a help channel,
        or a message in a conversation the bot took part in. Cheap: no engine, at most one lookup."""
        where = question.where
        if top_level:
            return where.channel in self.auto_answer
        followed = self.follow_ups is None or where.platform in self.follow_ups
        return followed and bool(question.thread) and self._in_conversation(question.thread, where.user)

    def _converse(self, question: Question) -> None:
        if question.thread is None:
            return
        key = f"{question.thread}:{question.where.user}"
        self.conversations.add(key)
        if self.shared is not None:
            self.shared.remember(key)

    def _in_conversation(self, thread: str, user: str) -> bool:
        key = f"{thread}:{user}"
        # what this replica remembers counts too: it may have replied while the shared database was away
        return key in self.conversations or bool(self.shared is not None and self.shared.known(key))

    def _flood(self, where: Where) -> Verdict:
        here = self.flood.check(f"{where.platform}:{where.user}")  # kept up to date for when `shared` is away
        shared = self.shared.flood(where.platform, where.user) if self.shared is not None else None
        return here if shared is None else shared

    def scope(self, where: Where) -> frozenset[str] | None:
        """The tags the entries answering in this channel must have; None: any entry."""
        return self.channels.get(where.channel)

    def language_of(self, text: str) -> str:
        return detect_language(text, self.engine.language)

    def _asked(self, text: str, reply: Reply, where: Where, latency_ms: float, *, via: Via | None = None,
               led_by: str | None = None) -> str | None:
        """Records the question or pick; returns the lead a pick of one of the reply's options will give back."""
        lead = self.leads.keep(text, (o.id for o in reply.options)) if reply.options else None
        event = Asked(at=time.time(), where=where, question=text, kind=str(reply.kind), reason=str(reply.reason),
                      lang=reply.lang, entry_id=reply.entry_id, score=reply.score, latency_ms=latency_ms,
                      lead=lead, led_by=led_by, via=None if via is None else str(via))
        self._log(event)
        self._record(self.recorder.asked, event)
        return lead

    def _log(self, event: Asked) -> None:
        facts = {"platform": event.where.platform, "kind": event.kind, "reason": event.reason,
                 "entry": event.entry_id, "score": round(event.score, 3), "latency_ms": round(event.latency_ms, 3)}
        if event.via is not None:
            facts["via"] = event.via
        if self.log_bodies:
            facts["question"] = event.question
        log.info("%s %s: %s%s%s", event.where.platform, "pick" if event.via else "question", event.kind,
                 f" {event.entry_id}" if event.entry_id else "",
                 f" for {event.question!r}" if self.log_bodies else "", extra=facts)

    @staticmethod
    def _record(record, event) -> None:
        try:
            record(event)
        except Exception:  # a recorder's fault must never cost anyone an answer
            log.exception("recording %s failed", type(event).__name__)


def option_number(typed: str) -> int | None:
    """The number in `typed` when that is all it is, digits of any width folded (NFKC) to ASCII."""
    folded = unicodedata.normalize("NFKC", typed).strip()
    return int(folded) if folded.isascii() and folded.isdigit() and len(folded) <= MAX_OPTION_DIGITS else None


def _offer_key(where: Where) -> tuple[str, str, str, str]:
    return (where.platform, where.workspace, where.channel, where.user)


def without_mention(text: str, me: str | None) -> str:
    """`text` without mentions of `me`, in Slack's (<@U1>, <@U1|name>) and Discord's (<@1>, <@!1>) forms."""
    if not me:
        return text.strip()
    return re.sub(rf"<@!?{re.escape(me)}(\|[^>]*)?>", " ", text).strip()
