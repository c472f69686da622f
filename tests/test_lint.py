"""`lint`: schema problems plus phrasings the engine would not answer with their own entry."""

from __future__ import annotations

from support import ALIKE, BINS, FAQ_DIR, SMALL_FAQ, line_no

from bot.engine import build_engine
from bot.engine.answering import Context
from bot.engine.yamlsafe import Limits
from bot.improve.lint import lint, near_duplicates, same_words
from bot.improve.spelling import spelling_notes


def test_shipped_faq_lints_clean():
    problems = lint(FAQ_DIR)
    assert problems == [], "\n".join(map(str, problems))


def test_small_faq_lints_clean(make_faq):
    assert lint(make_faq({"fruit.yaml": SMALL_FAQ})) == []


def test_identical_phrasings_in_two_entries_are_a_collision(make_faq):
    text = SMALL_FAQ.replace("      - What is a pear?\n", "      - What is a pear?\n      - Tell me about apples\n")
    directory = make_faq({"fruit.yaml": text})
    problems = lint(directory)
    texts = [str(p) for p in problems]
    collisions = [t for t in texts if "'Tell me about apples'" in t]
    assert collisions, texts
    for message in collisions:
        # both ids are named: the entry that has the phrasing a second time, and the first one
        assert "entry 'fruit-pear'" in message and "'fruit-apple'" in message
        assert "field 'questions.en[1]'" in message
        assert message.startswith(f"{directory / 'fruit.yaml'}:{line_no(text, '- id: fruit-pear')}, ")
    assert any("keep it in one entry only" in m or "collision" in m for m in collisions)


def test_phrasings_equal_after_normalisation_collide(make_faq):
    # Traditional vs Simplified, case and punctuation: the same phrasing to the matcher
    text = SMALL_FAQ.replace("      - 梨是什么？\n", "      - 梨是什么？\n      - 蘋果是什麼\n")
    problems = [str(p) for p in lint(make_faq({"fruit.yaml": text}))]
    assert any("entry 'fruit-pear'" in p and "'fruit-apple'" in p and "蘋果是什麼" in p for p in problems), problems


def test_phrasing_without_content_words(make_faq):
    text = SMALL_FAQ.replace("      - What is a pear?\n", "      - What is a pear?\n      - What is it?\n")
    problems = [str(p) for p in lint(make_faq({"fruit.yaml": text}))]
    assert any("'What is it?'" in p and "no words the matcher can use" in p and "entry 'fruit-pear'" in p
               for p in problems), problems


def test_phrasing_that_reads_as_small_talk(make_faq):
    text = SMALL_FAQ.replace("      - What is a pear?\n", "      - What is a pear?\n      - hello pear\n")
    text = text.replace("      - 梨是什么？\n", "      - 梨是什么？\n      - 谢谢\n")
    problems = [str(p) for p in lint(make_faq({"fruit.yaml": text}))]
    assert any("'谢谢'" in p and "small talk" in p for p in problems), problems


def test_not_question_answered_by_its_entry_is_reported(make_faq):
    text = SMALL_FAQ.replace('  sources: ["https://example.org/apple"]\n',
                             '  sources: ["https://example.org/apple"]\n  not_questions:\n    en: [What is an apple?]\n')
    problems = [str(p) for p in lint(make_faq({"fruit.yaml": text}))]
    assert any("entry 'fruit-apple'" in p and "not_questions.en[0]" in p and "must not answer" in p
               for p in problems), problems


def test_broken_faq_lists_all_problems(make_faq):
    directory = make_faq({
        "fruit.yaml": SMALL_FAQ.replace("related: [fruit-pear]", "related: [fruit-peach]"),
        "more.yaml": (
            "- id: Bad_Id\n  questions:\n    en: [What?]\n  answer:\n    en: That.\n"
            "- id: no-answer\n  questions:\n    en: [Where?]\n"
            "- id: typo\n  questions:\n    en: [When?]\n  anser:\n    en: Now.\n"
        ),
        "syntax.yaml": "- id: a\n  questions:\n    en: [x]\n   answer: y\n",
        "synonyms.yaml": "- [apple, pomme]\n- [pear, pomme]\n",
    })
    problems = [str(p) for p in lint(directory, Limits())]
    expected = [
        (str(directory / "fruit.yaml"), "unknown id 'fruit-peach'"),
        (str(directory / "more.yaml"), "'Bad_Id' is not a valid id"),
        (str(directory / "more.yaml"), "entry 'no-answer'"),
        (str(directory / "more.yaml"), "did you mean 'answer'?"),
        (str(directory / "syntax.yaml") + ":4", "not valid YAML"),
        ("synonyms.yaml", "'pomme'"),
    ]
    for where, what in expected:
        assert any(where in p and what in p for p in problems), f"{where} / {what} missing from:\n" + "\n".join(problems)



def test_an_entry_in_one_language_is_no_problem(make_faq):
    assert lint(make_faq({"faq.yaml": ALIKE}), semantic="on") == []


def test_phrasings_alike_in_meaning_are_noted_once_at_the_later_entry(make_faq):
    directory = make_faq({"faq.yaml": ALIKE})
    engine = build_engine(directory, semantic="on")
    notes = [str(n) for n in near_duplicates(engine)]
    assert len(notes) == 1, notes
    assert notes[0].startswith(f"{directory / 'faq.yaml'}:{line_no(ALIKE, '- id: account-recovery')}, "
                               "entry 'account-recovery', field 'questions.en[0]': note: "
                               "'How can I recover a forgotten password?' means nearly what "
                               "'How do I reset my password?' of 'password-reset' means (cosine 0.")
    assert near_duplicates(engine, cells=1) == near_duplicates(engine)  # one row at a time, the same
    assert near_duplicates(build_engine(directory)) == []  # no semantic stage, no notes


def test_phrasings_closer_to_their_own_entry_are_not_noted(make_faq):
    text = ALIKE.replace("[How do I reset my password?]",
                         "[How do I reset my password?, How do I reset my password please?]")
    text = text.replace("[How can I recover a forgotten password?]",
                        "[How can I recover a forgotten password?, How can I recover my forgotten password?]")
    assert near_duplicates(build_engine(make_faq({"faq.yaml": text}), semantic="on")) == []


def test_a_phrasing_an_entry_repeats_is_a_problem_where_it_repeats(make_faq):
    text = SMALL_FAQ.replace("      - Tell me about apples\n", "      - Tell me about apples\n      - TELL me about  apples!\n")
    directory = make_faq({"fruit.yaml": text})
    problems = [str(p) for p in lint(directory)]
    assert problems == [f"{directory / 'fruit.yaml'}:{line_no(text, '- id: fruit-apple')}, entry 'fruit-apple', "
                        "field 'questions.en[2]': 'TELL me about  apples!' repeats 'Tell me about apples' "
                        "(questions.en[1]) of the same entry: keep one"], problems


def test_a_link_to_an_entry_with_problems_of_its_own_is_no_unknown_id(make_faq):
    text = SMALL_FAQ.replace("    en: A pear is a sweet fruit with a narrow top.\n", "")  # fruit-pear: no en answer
    problems = [str(p) for p in lint(make_faq({"fruit.yaml": text}))]
    assert any("entry 'fruit-pear'" in p and "add answer.en" in p for p in problems), problems
    assert not any("unknown id" in p for p in problems), problems
    gone = SMALL_FAQ.replace("related: [fruit-pear]", "related: [fruit-pears]")
    assert any("unknown id 'fruit-pears': did you mean 'fruit-pear'?" in str(p)
               for p in lint(make_faq({"fruit.yaml": gone})))


SPELT = SMALL_FAQ.replace("      - Tell me about apples\n", "      - Tell me about apples\n      - apple on-call rota\n").replace(
    "      - What is a pear?\n", "      - What is a pear?\n      - who is oncall for pears\n")


def test_a_term_written_apart_and_together_gets_a_note_suggesting_synonyms(make_faq):
    directory = make_faq({"fruit.yaml": SPELT})
    notes = [str(n) for n in spelling_notes(build_engine(directory))]
    assert notes == [f"{directory / 'fruit.yaml'}:{line_no(SPELT, '- id: fruit-pear')}, entry 'fruit-pear', "
                     "field 'questions.en[1]': note: 'oncall' is also written 'on-call' (entry 'fruit-apple', "
                     "questions.en[2]), and the matcher reads them as different words: if they mean the same, "
                     "add `- [oncall, on-call]` to synonyms.yaml, or write it one way"], notes
    assert not any("on-call" in str(p) or "oncall" in str(p) for p in lint(directory))  # a note, not a problem


def test_a_synonyms_group_that_folds_the_spellings_silences_the_note(make_faq):
    directory = make_faq({"fruit.yaml": SPELT, "synonyms.yaml": "- [oncall, on call]\n"})
    notes = [str(n) for n in spelling_notes(build_engine(directory))]
    assert len(notes) == 1 and "add 'on-call' to the group [oncall, on call] in synonyms.yaml" in notes[0], notes
    directory = make_faq({"fruit.yaml": SPELT.replace("on-call", "on call"), "synonyms.yaml": "- [oncall, on call]\n"})
    assert spelling_notes(build_engine(directory)) == []


def test_a_link_is_no_way_of_writing_a_word(make_faq):
    text = SMALL_FAQ.replace("    en: A pear is a sweet fruit with a narrow top.",
                             "    en: A pear is a sweet fruit; see https://example.org/peartree, mail peartree@example.org"
                             " or order at shop.example.org/peartree/big.")
    text = text.replace("    zh: 梨是一种上窄下宽的甜水果。", "    zh: 梨是一种甜水果，详见https://example.org/peartree页面。")
    text = text.replace("      - What is a pear?\n", "      - What is a pear?\n      - which pear tree grows best\n")
    assert spelling_notes(build_engine(make_faq({"fruit.yaml": text}))) == []
    written = text.replace("see https://example.org/peartree", "see our peartree page")
    assert len(spelling_notes(build_engine(make_faq({"fruit.yaml": written})))) == 1


def test_phrasings_with_the_same_words_told_apart_as_written_are_a_note_not_a_collision(make_faq):
    directory = make_faq({"bins.yaml": BINS})
    engine = build_engine(directory)
    for phrasing, entry in (("My bin wasn't collected", "missed-bin"), ("When is my bin collected?", "collection-day"),
                            ("When will my bin be collected?", "collection-day")):  # not the one the words match
        reply = engine.answer(phrasing, Context(lang="en"))
        assert (reply.kind, reply.entry_id) == ("answer", entry), phrasing
    assert lint(directory) == []
    notes = [str(n) for n in same_words(engine)]
    assert len(notes) == 1 and "entry 'missed-bin'" in notes[0] and "'collection-day'" in notes[0], notes
    assert "When is my bin collected?" in notes[0] and "My bin wasn't collected" in notes[0]
    # worded between them, the question is no phrasing: the words still cannot tell which
    assert engine.answer("my bin collected", Context(lang="en")).kind != "answer"


def test_a_phrasing_with_the_words_of_two_other_entries_names_both(make_faq):
    third = BINS + """- id: late-collection
  questions:
    en: [Has my bin been collected?]
  answer:
    en: Crews collect until 6pm.
"""
    notes = [str(n) for n in same_words(build_engine(make_faq({"bins.yaml": third})))]
    late = [n for n in notes if "entry 'late-collection'" in n]
    assert len(late) == 1 and "of 'collection-day'" in late[0] and "of 'missed-bin'" in late[0], notes


THIN = "".join(f"""
- id: topic-{i}
  questions:
    en: [{question}]
  answer:
    en: Answer {i}.
""" for i, question in enumerate(["Where do I park?", "When are you open?", "How much is membership?",
                                   "Can children come?"])) + """
- id: guests
  questions:
    en: [Can I bring a guest?, bringing a friend along]
  answer:
    en: Yes, one guest at a time.
"""


def test_a_faq_of_single_phrasings_gets_a_note_that_fails_nothing(make_faq):
    from support import run_faqbot

    faq = make_faq({"faq.yaml": THIN})
    done = run_faqbot("lint", "--faq", faq, env={"FAQBOT_SEMANTIC": "off"})
    assert done.returncode == 0, done.stdout + done.stderr
    note, verdict = done.stdout.splitlines()
    assert ": note: the entries have 1.2 phrasings each on average (4 have one: 'topic-0', 'topic-1', " in note
    assert "`faqbot learn` proposes them" in note and verdict == f"ok: {faq} has no problems; 1 note(s)"
    assert "phrasings each on average" not in run_faqbot("lint", env={"FAQBOT_SEMANTIC": "off"}).stdout  # shipped
    one = THIN.replace("[Where do I park?]", "[Where do I park?, parking]").replace(
        "[When are you open?]", "[When are you open?, opening hours]").replace(
        "[How much is membership?]", "[How much is membership?, membership price]")
    single = run_faqbot("lint", "--faq", make_faq({"faq.yaml": one}, name="one"), env={"FAQBOT_SEMANTIC": "off"})
    assert "phrasings each on average (1 has one: 'topic-3')" in single.stdout
    two = one.replace("[Can children come?]", "[Can children come?, kids]")
    assert "has one" not in two and ": note: the entries have 2.0 phrasings each on average: a question worded unlike " \
        in run_faqbot("lint", "--faq", make_faq({"faq.yaml": two}, name="two"), env={"FAQBOT_SEMANTIC": "off"}).stdout


ORDERS = """\
- id: cancel-order
  questions:
    en: [How do I cancel my order?]
  answer:
    en: Open the order and press Cancel.
- id: change-order
  questions:
    en: [How do I change my order?]
  answer:
    en: Open the order and press Edit.
"""


def test_phrasings_the_synonyms_give_the_same_words_name_the_group(make_faq):
    assert same_words(build_engine(make_faq({"orders.yaml": ORDERS}, name="alone"))) == []
    engine = build_engine(make_faq({"orders.yaml": ORDERS, "synonyms.yaml": "- [cancel, change, amend]\n"}))
    notes = [str(n) for n in same_words(engine)]
    assert len(notes) == 1 and "entry 'change-order'" in notes[0], notes
    assert notes[0].endswith("the synonyms group [cancel, change, amend] makes their words the same: if the terms "
                             "do not mean the same in this FAQ, take one out of its group")
    bins = [str(n) for n in same_words(build_engine(make_faq({"bins.yaml": BINS}, name="bins")))]
    assert bins and not [n for n in bins if "synonyms group" in n]  # the same words without any synonym
