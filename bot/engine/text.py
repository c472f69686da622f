"""Turn a question (or a FAQ phrasing) into the terms the matcher compares.

Both sides go through the same pipeline, so whatever it does to a question it also
did to every phrasing: NFKC, casefold, invisible characters out, Traditional to
Simplified Chinese, version tokens joined ("GPT 4" -> "gpt4"), synonyms folded onto
one canonical term, stop words out, Chinese cut into character bigrams.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache

import opencc

HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef\u3005\u3007"
_HAN_CHAR = re.compile(f"[{HAN}]")

# Format characters (Unicode category Cf: zero-width, bidi controls, soft hyphen, tags),
# variation selectors and lone surrogates are invisible to a reader, so they are dropped;
# control characters separate words.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# Chat markup that is not part of the question: <@U123>, <@!123>, <#C1|general>, <!here>.
_CHAT_MARKUP = re.compile(r"<[@#!][^<>\s]{0,80}>")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s(?![a-z])")
_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")
# "gpt-4", "gpt 4", "GPT-3.5", "gpt 4o" -> one token: versions tell entries apart.
_VERSION = re.compile(r"(?<![a-z0-9])([a-z]+)(?:\s*-\s*|\s)?(\d{1,2}(?:\.\d{1,2})?[a-z]?)(?![a-z0-9.])")
_SPACES = re.compile(r"\s+")
_LATIN_WORD = re.compile(r"(?<![a-z0-9])[a-z]{4,}(?![a-z0-9])")
_TOKEN = re.compile(f"[{HAN}]+|[^\\W_{HAN}]+(?:\\.[0-9]+)*[+#]*")

ENGLISH_STOP_WORDS = frozenset(
    """a an the is are was were be been being am do does did doing done have has had having
    i me my mine myself we us our ours you your yours he him his she her it its they them their
    this that these those there here what whats which whose when where how hows
    can could would should will shall may might must cannot cant wont dont doesnt didnt isnt
    arent wasnt im ive id youre thats theres
    to of in on at by for with about from into onto as if or and but so than then also too not no
    new out up down over again once everyone everybody anything something nothing whether
    while both each few more most other such ever every else etc eg ie via among around upon yet
    already still though although because since until unless however maybe perhaps probably quite
    rather somewhat lot lots hmm sorry silly curious
    just quick question questions q wondering wonder know knows tell explain explained anyone
    someone somebody anybody team guys folks all any some really actually basically very
    ok okay um uh hey hi hello please pls plz thanks thank thx yes yeah bot faqbot
    s t d ll re ve m get got gets let lets like kind sort thing things stuff go goes going went
    eli5 simple simply plain terms exactly even heard hear say says said mean means meant
    """.split()
)

# Removed from inside a run of Chinese text (longest first); single characters only
# where they are almost never part of a content word.
CHINESE_STOP_PHRASES: tuple[str, ...] = tuple(
    sorted(
        """你好 您好 大家好 哈喽 谢谢 多谢 麻烦 请问 请教 想问 想知道 问一下 一下 知道 告诉 了解 什么 什么样 啥 怎么 怎么样 怎样 如何
        是否 是不是 不是 就是 还是 也是 但是 总是 有没有 能不能 可不可以 会不会 要不要 可以 能否
        我们 你们 他们 大家 各位 这个 那个 这些 那些 这样 那样 一个 哪些 哪个 哪里 到底 究竟
        其实 真的 东西 通俗 讲讲 说说 介绍 解释 简单 听说 有人 一点 吗 呢 吧 啊 呀 嘛 哦 么 了 的 是 我 你 您
        咱 就 都 也 很 什么叫 所谓 叫做 都在说 在说 整天 最近 经常 一直 老是 两者 之间
        有何 有啥 是啥 一些 有些 方面 情况 问题 一般 通常 具体 主要 比如 例如""".split(),
        key=len,
        reverse=True,
    )
)
_KEEP_WORDS = ("目的",)  # words that contain a stop character but carry meaning
# A single character left between stop phrases is almost always a function word.
_LONE_FUNCTION_CHARS = frozenset("能有在和与及或对把被让给会要想用去来说做又才再还跟同叫")


def has_han(text: str) -> bool:
    return _HAN_CHAR.search(text) is not None


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def clean(text: str) -> str:
    """NFKC, casefold, invisible characters and chat markup out, Traditional -> Simplified."""
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))  # first: OpenCC rejects lone surrogates
    text = _CHAT_MARKUP.sub(" ", unicodedata.normalize("NFKC", text)).casefold()
    text = _INVISIBLE.sub("", text).translate(_DASHES)  # NFKC can produce format characters
    if has_han(text):
        text = _t2s().convert(text)
    return text


class Synonyms:
    """Folds every variant of a group of equivalent terms onto the group's first term."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self.canonical: dict[str, str] = {}
        for group in groups:
            variants = [_join_versions(clean(v)).strip() for v in group]
            variants = [v for v in variants if v]
            if not variants:
                continue
            target = _canonical_token(variants[0])
            for variant in variants:
                self.canonical.setdefault(variant, target)
        # Variants match with any spacing, so they are looked up with the spaces taken out.
        self._spaceless = {_SPACES.sub("", v): t for v, t in reversed(self.canonical.items())}
        self.targets = frozenset(self.canonical.values())
        self._pattern = _variant_pattern(self.canonical)

    def apply(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: f" {self._spaceless[_SPACES.sub('', m.group(0))]} ", text)


def _canonical_token(term: str) -> str:
    return "".join(t for t in _TOKEN.findall(term)) or term


def _variant_pattern(canonical: dict[str, str]) -> re.Pattern[str] | None:
    if not canonical:
        return None
    latin = [v for v in canonical if not has_han(v[:1])]
    han = [v for v in canonical if has_han(v[:1])]
    # Latin variants match whole words only; Chinese has no word boundaries.
    parts = [f"(?<![a-z0-9]){_trie(latin)}"] if latin else []
    if han:
        parts.append(_trie(han))
    return re.compile("|".join(parts))


def _trie(words: list[str]) -> str:
    """One regex for many words, shaped as a trie so each position tries only the branches
    its next character allows; longer words win, and a space matches any spacing."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(root, "")


def _emit(node: dict, last: str) -> str:
    branches = [(r"\s*" if c == " " else re.escape(c)) + _emit(child, c) for c, child in sorted(node.items()) if c]
    if "" in node:  # a word ends here; after Latin it must not run on into a longer word
        branches.append("(?![a-z0-9])" if last.isascii() and last.isalnum() else "")
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def _join_versions(text: str) -> str:
    return _VERSION.sub(r"\1\2", _APOSTROPHE.sub("", _POSSESSIVE.sub("", text)))


_CHINESE_STOP = re.compile(_trie([*_KEEP_WORDS, *CHINESE_STOP_PHRASES]))


def _split_chinese(run: str) -> list[str]:
    pieces = _CHINESE_STOP.sub(lambda m: m.group(0) if m.group(0) in _KEEP_WORDS else " ", run).split()
    return [p for p in pieces if p not in _LONE_FUNCTION_CHARS]


def bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def stem(word: str) -> str:
    """English plural and -ing/-ed endings off, but only when a real word remains
    ("checking" -> "check", "models" -> "model", "used" -> "use"; "news" stays)."""
    if len(word) <= 4 or not word.isalpha():
        return word
    known = _known_word
    if word.endswith("ies") and known(word[:-3] + "y"):
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        base = word[:-3]
        for candidate in (base + "e", base, base[:-1] if len(base) > 2 and base[-1] == base[-2] else ""):
            if candidate and known(candidate):
                return candidate
        return word
    if word.endswith("ed"):
        base = word[:-2]
        for candidate in (base + "e", base, base[:-1] if len(base) > 2 and base[-1] == base[-2] else ""):
            if candidate and known(candidate) and len(candidate) > 2:
                return candidate
        return word
    if word.endswith("es") and word[-3] in "sxz" and known(word[:-2]):
        return word[:-2]
    if word.endswith("s") and word[-2] not in "su" and known(word[:-1]):
        return word[:-1]
    return word


def _known_word(word: str) -> bool:
    # deferred: the word list loads on first use
    from bot.engine.word_frequency import english_zipf

    zipf = english_zipf(word)
    return zipf is not None and zipf >= 3.0


def term_groups(text: str, synonyms: Synonyms | None = None,
                correct: Callable[[str], str] | None = None) -> list[list[str]]:
    """The content terms of `text` in order: each Latin word alone, each piece of Chinese
    text (between stop words and punctuation) as its list of character bigrams.
    `correct` may replace misspelt words before synonyms are folded ("azur openai")."""
    text = _join_versions(clean(text))
    if correct is not None:
        text = _LATIN_WORD.sub(lambda m: correct(m.group(0)), text)
    if synonyms is not None:
        text = synonyms.apply(text)
    groups: list[list[str]] = []
    for token in _TOKEN.findall(text):
        if has_han(token[:1]):
            groups.extend(bigrams(piece) for piece in _split_chinese(token))
        elif token not in ENGLISH_STOP_WORDS:
            groups.append([token if synonyms is not None and token in synonyms.targets else _stem(token)])
    return groups


_stem = cache(stem)


def terms(text: str, synonyms: Synonyms | None = None) -> list[str]:
    return [term for group in term_groups(text, synonyms) for term in group]


_CAPITALISED = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9]*")


def names(text: str, synonyms: Synonyms | None = None) -> frozenset[str]:
    """Terms written with a capital letter (Office, Windows, GDPR): in chat, those are names."""
    found = " ".join(_CAPITALISED.findall(unicodedata.normalize("NFKC", text)))
    return frozenset(t for group in term_groups(found, synonyms) for t in group) if found else frozenset()


def words(text: str) -> list[str]:
    """Every token of `text` after cleaning, stop words included (for small-talk checks)."""
    return _TOKEN.findall(_join_versions(clean(text)))


def bare(text: str, most: int = 3) -> bool:
    """`text` is too short to be more than a topic ("Azure OpenAI", "GPT or LLM?", "模型"): at most `most` words,
    whatever they are, two Chinese characters counting as one."""
    return sum((len(t) + 1) // 2 if has_han(t[:1]) else 1 for t in words(text)) <= most


def normalised(text: str) -> str:
    """`text` as the engine reads it, stop words included: two phrasings that differ only in case, width,
    punctuation, spacing or script normalise alike."""
    return " ".join(words(text))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(\[])|(?<=[。！？；])|\s*\n\s*")


def sentences(text: str) -> list[str]:
    """The sentences and lines of an answer that say something: two words, or four Chinese characters."""
    parts = (p.strip(" \t-*•>#") for p in _SENTENCE_END.split(text))
    return [p for p in parts if len(re.findall(r"[^\W\d_]{2,}", p)) >= 2 or len(re.findall(f"[{HAN}]", p)) >= 4]
