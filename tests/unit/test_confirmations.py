"""Replies to appointment reminders: only a whole-text answer counts, STOP never does."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.confirmations import (
    CONFIRM_WORDS,
    RESCHEDULE_WORDS,
    VOCABULARY,
    Answer,
    answer_in,
    normalise,
)
from chalicelib.domain.keywords import STOP_WORDS

WHITESPACE = st.text(st.sampled_from(" \t\n\r\u00a0\u2003\u3000"), max_size=4)
TRAILING = st.text(st.sampled_from(".!,"), max_size=5)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Y", Answer.CONFIRM),
        ("yes", Answer.CONFIRM),
        ("Yes.", Answer.CONFIRM),
        ("  YES!!  ", Answer.CONFIRM),
        ("yep", Answer.CONFIRM),
        ("Yeah,", Answer.CONFIRM),
        ("c", Answer.CONFIRM),
        ("Confirm", Answer.CONFIRM),
        ("confirmed!", Answer.CONFIRM),
        ("ok", Answer.CONFIRM),
        ("OK!", Answer.CONFIRM),
        ("Okay", Answer.CONFIRM),
        ("OK 👍", Answer.CONFIRM),
        ("ok👍🏽", Answer.CONFIRM),
        ("si", Answer.CONFIRM),
        ("Sí", Answer.CONFIRM),
        ("SÍ", Answer.CONFIRM),
        ("Si\u0301", Answer.CONFIRM),  # decomposed accent
        ("¡Sí!", Answer.CONFIRM),
        ("Confirmo", Answer.CONFIRM),
        ("confirmado.", Answer.CONFIRM),
        ("N", Answer.RESCHEDULE),
        ("no", Answer.RESCHEDULE),
        ("No.", Answer.RESCHEDULE),
        ("cant", Answer.RESCHEDULE),
        ("can't", Answer.RESCHEDULE),
        ("Can’t!", Answer.RESCHEDULE),
        ("cannot", Answer.RESCHEDULE),
        ("can not", Answer.RESCHEDULE),
        ("CAN   NOT", Answer.RESCHEDULE),
        ("Reschedule", Answer.RESCHEDULE),
        ("No puedo", Answer.RESCHEDULE),
        ("¿No puedo?", None),  # a question is not an answer
        ("reprogramar", Answer.RESCHEDULE),
        ("Cambiar", Answer.RESCHEDULE),
        ("", None),
        ("   ", None),
        ("👍", None),
        ("yes I'll be late", None),
        ("no idea what this is", None),
        ("YESSS", None),
        ("yess", None),
        ("rescheduled", None),
        ("I will be there", None),
        ("Yes?", None),
        ("y e s", None),
        ("Stop", None),
        ("STOP.", None),
    ],
)
def test_answers(body, expected):
    assert answer_in(body) is expected


def test_stop_words_are_never_answers():
    assert all(answer_in(word) is None for word in STOP_WORDS)


def test_the_two_vocabularies_do_not_overlap():
    assert not CONFIRM_WORDS & RESCHEDULE_WORDS


def casings(word: str) -> st.SearchStrategy[str]:
    """Each letter upper or lower case independently."""
    return st.tuples(*(st.sampled_from([ch.lower(), ch.upper()]) for ch in word)).map("".join)


def spellings(word: str) -> st.SearchStrategy[str]:
    """The ways a phone may write ``word``: any case, SI with or without its accent."""
    if word != "SI":
        return casings(word)
    return st.tuples(
        st.sampled_from(["s", "S"]), st.sampled_from(["i", "I", "í", "Í", "i\u0301"])
    ).map("".join)


@given(data=st.data(), word=st.sampled_from(sorted(VOCABULARY)))
def test_every_word_parses_whatever_the_case_spacing_and_trailing_marks(data, word):
    spelled = data.draw(spellings(word))
    body = data.draw(WHITESPACE) + spelled + data.draw(TRAILING) + data.draw(WHITESPACE)
    assert answer_in(body) is VOCABULARY[word]


@given(st.text())
def test_arbitrary_text_never_raises(body):
    assert answer_in(body) in (None, Answer.CONFIRM, Answer.RESCHEDULE)


def letters(text: str) -> str:
    """Only the letters, upper case, without accents: what the answer is spelled with."""
    decomposed = unicodedata.normalize("NFKD", text.upper()).upper()
    return "".join(ch for ch in decomposed if ch.isalnum())


VOCABULARY_LETTERS = {letters(word): answer for word, answer in VOCABULARY.items()}


@given(st.text().filter(lambda t: normalise(t) not in VOCABULARY))
def test_text_that_is_not_a_whole_answer_is_none(body):
    assert answer_in(body) is None


@given(st.text())
def test_an_answer_is_always_spelled_with_the_letters_of_its_word(body):
    answer = answer_in(body)
    if answer is not None:
        assert normalise(body) in VOCABULARY
        assert VOCABULARY_LETTERS[letters(body)] is answer


# Letters drawn directly, not filtered out of any text: a filter that throws most draws
# away trips Hypothesis's health check on a busy machine (it failed a run once).
@given(
    st.sampled_from(sorted(VOCABULARY)),
    st.text(alphabet=st.characters(categories=("L",)), min_size=1),
)
def test_a_word_followed_by_more_words_is_not_an_answer(word, more):
    body = f"{word} {more}"
    if normalise(body) not in VOCABULARY:  # "CAN" + "NOT" is itself an answer
        assert answer_in(body) is None
