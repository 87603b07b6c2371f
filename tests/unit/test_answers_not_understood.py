"""A reply that reads like an answer to a reminder but is not one word of the vocabulary is
"not understood": flagged for the case manager, never guessed at. What a confirmation does to
the reminders still to come follows the jurisdiction's setting."""

from __future__ import annotations

import pytest

from chalicelib.domain.confirmations import (
    AfterConfirmation,
    answer_in,
    keeps_after_confirmation,
    unclear,
)


@pytest.mark.parametrize(
    "body",
    [
        "Y Y",
        "yes no",
        "Yes, no",
        "maybe",
        "Maybe?",
        "idk",
        "IDK!",
        "Y?",
        "yes?",
        "ok ok",
        "no no no",
        "not sure",
        "I don’t know",
        "Tal vez",
        "no sé",
        "¿Sí?",
        "quizás",
        "Si no",
    ],
)
def test_a_short_reply_of_answer_and_doubt_words_is_not_understood(body: str):
    assert answer_in(body) is None
    assert unclear(body)


@pytest.mark.parametrize(
    "body",
    [
        "Y",
        "Yes!",
        "No",
        "Sí",
        "can't",
        "yes but I will be late",  # a message for the case manager, as any text
        "ok thanks",
        "Who is this?",
        "yes no maybe yes no",  # five words: a message, not an attempt at an answer
        "",
        "   ",
        "👍",
        "STOP",
    ],
)
def test_answers_and_ordinary_texts_are_not_flagged_as_not_understood(body: str):
    assert not unclear(body)


@pytest.mark.parametrize(
    ("setting", "kept"),
    [
        (AfterConfirmation.DAY_BEFORE, {1}),
        (AfterConfirmation.SEE_YOU, {7, 3, 1, 0}),
        (AfterConfirmation.SKIP, set()),
    ],
)
def test_which_reminders_still_go_after_a_confirmation(setting: AfterConfirmation, kept: set[int]):
    assert {o for o in (7, 3, 1, 0) if keeps_after_confirmation(setting, o)} == kept
