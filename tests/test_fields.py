from __future__ import annotations

import numpy
import pytest

from bot.engine.fields import Field

ANSWERS = [
    "Claim travel costs in the expense tool. Taxis and cabs to the airport are refunded.",
    "Order monitors and keyboards from the IT portal.",
    "Meeting rooms are booked in the calendar; cancel the ones you do not need.",
]


def test_an_entry_holding_the_question_s_words_scores_highest():
    field = Field.of(ANSWERS)
    scores = field.scores("can I expense a cab?")
    assert int(numpy.argmax(scores)) == 0
    assert scores[1] == 0.0 and scores[2] == 0.0
    assert 0.0 < scores[0] < 1.0


def test_scores_are_a_share_of_the_best_the_question_could_get():
    field = Field.of(ANSWERS)
    # a word no entry has lowers every share: the question is partly about something else
    assert field.scores("expense cab kubernetes")[0] < field.scores("expense cab")[0]
    assert not field.scores("").any()
    assert not field.scores("the and of").any()  # stop words only


def test_chinese_text_is_read_in_character_pairs():
    field = Field.of(["出租车费可以报销，请保留收据。", "显示器在 IT 门户网站订购。"])
    scores = field.scores("打车的钱能报销吗")
    assert scores[0] > scores[1] == 0.0


def test_a_field_saved_and_loaded_back_scores_alike(tmp_path):
    field = Field.of(ANSWERS)
    field.save(tmp_path, "words")
    again = Field.load(tmp_path, "words", len(ANSWERS))
    for question in ("can I expense a cab?", "book a meeting room", "nothing known here"):
        assert numpy.allclose(again.scores(question), field.scores(question))


def test_a_stored_field_for_another_faq_is_refused(tmp_path):
    Field.of(ANSWERS).save(tmp_path, "words")
    with pytest.raises(ValueError, match="does not fit"):
        Field.load(tmp_path, "words", 2)  # fewer entries than the postings name
    (tmp_path / "words-idf.npy").unlink()
    with pytest.raises(OSError):
        Field.load(tmp_path, "words", len(ANSWERS))
