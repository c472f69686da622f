"""Normalisation: what a question (and every FAQ phrasing) turns into before matching."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from support import FAQ_DIR

from bot.engine.loading import load_faq
from bot.engine.text import Synonyms, bare, bigrams, clean, has_han, stem, terms


@pytest.fixture(scope="module")
def shipped_synonyms() -> Synonyms:
    return Synonyms(load_faq(FAQ_DIR).synonyms)


# --- width, script, case ------------------------------------------------------------------------


def test_full_width_to_half_width():
    assert terms("ＧＰＴ－４") == ["gpt4"]
    assert clean("ＡＢＣ１２３") == "abc123"
    assert terms("ｃｈａｔＧＰＴ") == ["chatgpt"]
    assert terms("ＧＰＴ－４") == terms("GPT-4")


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("購買", "购买"), ("大語言模型", "大语言模型"), ("計費", "计费"), ("這個模型準確嗎", "这个模型准确吗")],
)
def test_traditional_to_simplified(traditional, simplified):
    assert clean(traditional) == simplified
    assert terms(traditional) == terms(simplified)


def test_ma_is_a_stop_word_after_conversion():
    assert terms("購買嗎") == ["购买"]
    assert terms("购买吗") == ["购买"]
    assert "嗎" not in "".join(terms("購買嗎？")) and "吗" not in "".join(terms("購買嗎？"))


def test_casefold():
    assert clean("Straße") == "strasse"
    assert clean("ChatGPT") == "chatgpt"
    assert terms("AZURE OPENAI") == terms("azure openai") == ["azure", "openai"]
    assert clean("ΣΊΣΥΦΟΣ") == "σίσυφοσ"


# --- invisible characters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "char",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c",
     "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\ufe0f", "\U000e0041"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_zero_width_and_bidi_inside_a_word_are_removed(char):
    assert clean(f"Chat{char}GPT") == "chatgpt"
    assert terms(f"what is chat{char}gpt{char}?") == ["chatgpt"]
    assert terms(f"大{char}语言模型") == terms("大语言模型")


def test_every_format_character_is_dropped_by_clean():
    format_chars = [chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]
    assert len(format_chars) > 150  # the loop really covers the category
    kept = [f"U+{ord(c):04X}" for c in format_chars if clean(f"a{c}b") != "ab"]
    assert not kept, f"format (Cf) characters that clean() keeps: {kept}"


def test_lone_surrogates_and_controls_do_not_break_clean():
    assert clean("gpt\ud800\udfff") == "gpt"
    assert terms("what\x00is\x07gpt") == ["gpt"]
    assert terms("what\tis\ngpt") == ["gpt"]


# --- punctuation --------------------------------------------------------------------------------


@pytest.mark.parametrize("mark", list("，。！？、；：「」『』（）【】《》〈〉…—～·"))
def test_cjk_punctuation_separates_and_disappears(mark):
    got = terms(f"模型{mark}数据{mark}")
    assert got == ["模型", "数据"], got
    assert terms(f"gpt{mark}chatgpt") == ["gpt", "chatgpt"]


def test_question_marks_and_commas_in_english():
    assert terms("What is GPT?") == terms("what is gpt") == ["gpt"]
    assert terms("GPT, ChatGPT, and Azure!") == ["gpt", "chatgpt", "azure"]


# --- version tokens -----------------------------------------------------------------------------


def test_versions_tell_questions_apart():
    with_version = terms("GPT-4 vs ChatGPT")
    without = terms("GPT vs ChatGPT")
    assert with_version != without
    assert "gpt4" in with_version and "gpt" not in with_version
    assert "gpt" in without and "gpt4" not in without


@pytest.mark.parametrize("spelling", ["gpt 4", "gpt-4", "GPT4", "GPT-4", "gpt\u20114", "gpt \u2013 4", "Ｇｐｔ－４"])
def test_version_spellings_give_the_same_term(spelling):
    assert terms(spelling) == ["gpt4"]


def test_versions_with_decimals_and_suffixes():
    assert terms("GPT-3.5") == terms("gpt 3.5") == ["gpt3.5"]
    assert terms("gpt 4o") == terms("GPT-4o") == ["gpt4o"]
    assert terms("GPT-3") != terms("GPT-3.5")


# --- synonyms -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synonyms() -> Synonyms:
    return Synonyms([
        ["azure openai", "aoai", "azure open ai", "azure 的 openai"],
        ["llm", "large language model", "大语言模型", "大模型"],
        ["finetune", "fine-tune", "fine tuning", "微调", "精调"],
    ])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aoai", ["azureopenai"]),
        ("Azure OpenAI", ["azureopenai"]),
        ("azure open ai", ["azureopenai"]),
        ("AOAI cost", ["azureopenai", "cost"]),
        ("what is a large language model?", ["llm"]),
        ("Large Language Model", ["llm"]),
        ("LLM", ["llm"]),
        ("什么是大语言模型", ["llm"]),
        ("什麼是大語言模型", ["llm"]),
        ("大模型", ["llm"]),
        ("azure 的 openai 怎么收费", ["azureopenai", "收费"]),
        ("how to fine-tune", ["finetune"]),
        ("fine tuning", ["finetune"]),
        ("Fine-Tune", ["finetune"]),
        ("可以微调吗", ["finetune"]),
        ("精調", ["finetune"]),
    ],
)
def test_synonyms_fold_onto_the_first_term(synonyms, text, expected):
    assert terms(text, synonyms) == expected


@pytest.mark.parametrize("text", ["AzureOpenAI", "azure  openai", "Azure\u3000OpenAI", "large  language   model"])
def test_multi_word_synonyms_match_with_or_without_spaces(synonyms, text):
    # synonyms.yaml: "Multi-word terms match with or without spaces"
    expected = ["azureopenai"] if "azure" in text.casefold() else ["llm"]
    assert terms(text, synonyms) == expected


def test_synonyms_match_whole_words_only(synonyms):
    assert terms("aoaix", synonyms) == ["aoaix"]
    assert terms("xaoai", synonyms) == ["xaoai"]
    assert "llm" not in terms("llms", synonyms)  # not a variant in this small set


def test_without_synonyms_nothing_is_folded():
    assert terms("aoai") == ["aoai"]
    assert terms("large language model") == ["large", "language", "model"]


def test_shipped_synonyms(shipped_synonyms):
    def same(a: str, b: str) -> bool:
        return sorted(terms(a, shipped_synonyms)) == sorted(terms(b, shipped_synonyms))

    assert same("GPT vs ChatGPT", "GPT 和 ChatGPT 有什么区别")
    assert same("How is AOAI billed?", "Azure OpenAI 怎么收费？")
    assert same("什麼是大語言模型", "what is an LLM")
    assert terms("chat gpt", shipped_synonyms) == ["chatgpt"]


# --- stop words and Chinese ---------------------------------------------------------------------


def test_english_stop_words():
    assert terms("what is the GPT") == ["gpt"]
    assert terms("Can you please tell me what a transformer is?") == ["transformer"]
    assert terms("the is a what of and") == []


def test_chinese_stop_words():
    assert terms("请问什么是模型呢") == ["模型"]
    assert terms("我想知道一下模型吧") == ["模型"]
    assert terms("吗呢吧啊") == []
    assert terms("什么是") == []


def test_chinese_bigrams():
    assert terms("大语言模型") == ["大语", "语言", "言模", "模型"]
    assert terms("模型") == ["模型"]
    assert bigrams("abcd") == ["ab", "bc", "cd"]
    assert bigrams("a") == ["a"]
    # bigrams never bridge a stop word or punctuation
    assert terms("模型的数据") == ["模型", "数据"]


def test_mixed_chinese_and_english():
    assert terms("GPT 和 ChatGPT 有什么区别") == ["gpt", "chatgpt", "区别"]
    assert has_han("GPT 是什么") and not has_han("GPT？！")


# --- chat markup --------------------------------------------------------------------------------


@pytest.mark.parametrize("markup", ["<@U123>", "<@U123ABC>", "<@!123456789>", "<!channel>", "<!here>", "<!everyone>",
                                    "<#C1|general>"])
def test_chat_markup_is_stripped(markup):
    assert terms(f"{markup} what is GPT?") == ["gpt"]
    assert terms(f"what is GPT {markup}") == ["gpt"]
    assert clean(markup).strip() == ""


def test_markup_does_not_swallow_the_question():
    assert terms("<@U123>what is gpt") == ["gpt"]
    assert terms("is gpt < chatgpt?") == ["gpt", "chatgpt"]
    assert "gpt" in terms("<b>gpt</b>")  # not chat markup


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("checking", "check"), ("models", "model"), ("trained", "train"), ("running", "run"),
        ("companies", "company"), ("classes", "class"),
        # nothing is cut when no everyday word would remain, or the word is short
        ("news", "news"), ("status", "status"), ("analysis", "analysis"), ("thing", "thing"), ("gpus", "gpus"),
    ],
)
def test_stemming_only_leaves_real_words(word, expected):
    assert stem(word) == expected


def test_synonym_targets_are_not_stemmed():
    synonyms = Synonyms([["billing", "pricing", "收费"]])
    assert terms("Azure pricing", synonyms) == ["azure", "billing"]
    assert terms("Azure billing", None) == ["azure", "bill"]


@pytest.mark.parametrize(("text", "is_bare"), [
    ("Azure OpenAI", True), ("GPT or LLM?", True), ("模型", True), ("微软 AI", True), ("云计算", True),
    ("什么是大模型", True), ("什么是大模型呢", False), ("what is azure openai", False),
    ("how do I book in with a doctor", False), ("大模型到底是指什么", False), ("ChatGPT 就是 GPT 吗？", False),
    ("", True), ("?!", True),  # no words: no candidate either, so never "too broad"
])
def test_a_bare_topic_is_three_words_at_most_two_chinese_characters_counting_as_one(text, is_bare):
    assert bare(text) is is_bare
