"""Keywords, delivery-status ordering, tone and segments: the rules texting stands on."""

import pytest

from chalicelib.domain import sentiment
from chalicelib.domain.delivery import explain, moves_forward
from chalicelib.domain.keywords import Keyword, keyword_in
from chalicelib.domain.segments import count_segments, describe


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("STOP", Keyword.STOP),
        (" stop ", Keyword.STOP),
        ("Stop.", Keyword.STOP),
        ("STOPALL", Keyword.STOP),
        ("unsubscribe", Keyword.STOP),
        ("CANCEL", Keyword.STOP),
        ("end", Keyword.STOP),
        ("Quit!", Keyword.STOP),
        ("START", Keyword.START),
        ("unstop", Keyword.START),
        ("HELP", Keyword.HELP),
        ("Stop by at 3?", None),
        ("please stop texting me at work", None),
        ("YES", None),
        ("", None),
    ],
)
def test_keywords_count_only_as_the_whole_text(body, expected):
    assert keyword_in(body) is expected


def test_yes_restarts_texts_only_for_an_opted_out_client():
    assert keyword_in("Yes", opted_out=True) is Keyword.START
    assert keyword_in("Yes", opted_out=False) is None


@pytest.mark.parametrize(
    ("current", "new", "forward"),
    [
        (None, "queued", True),
        ("sending_to_twilio", "queued", True),
        ("queued", "sent", True),
        ("sent", "delivered", True),
        ("delivered", "sent", False),
        ("delivered", "delivered", False),
        ("undelivered", "delivered", False),
        ("failed", "sent", False),
        ("sent", "undelivered", True),
        ("delivered", "read", True),
    ],
)
def test_a_status_only_ever_moves_forward(current, new, forward):
    assert moves_forward(current, new) is forward


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (21610, "STOP"),
        (30003, "could not be reached"),
        (30005, "does not exist"),
        (30006, "landline"),
        (30007, "blocked"),
        ("30006", "landline"),
        (99999, "99999"),
    ],
)
def test_twilio_errors_are_explained_in_plain_words(code, words):
    assert words in explain(code)


def test_no_error_needs_no_explanation():
    assert explain(None) == "" and explain("") == ""


def test_tone_of_clear_messages():
    assert sentiment.tone(sentiment.score("Thank you so much, that helps a lot!")) == "positive"
    assert sentiment.tone(sentiment.score("I hate this, everything is falling apart")) == "negative"
    assert sentiment.tone(None) == ""


def test_a_client_is_flagged_when_recent_texts_turn_negative():
    assert not sentiment.turning_negative([-0.9, -0.9])  # too few to say
    assert sentiment.turning_negative([0.5, 0.4, -0.4, -0.5, -0.6])
    assert not sentiment.turning_negative([-0.6, -0.5, -0.4, 0.5, 0.6])


def test_only_the_newest_scores_are_kept():
    recent = []
    for i in range(15):
        recent = sentiment.remember(recent, i / 100)
    assert recent == [i / 100 for i in range(5, 15)]


@pytest.mark.parametrize(
    ("body", "segments", "encoding"),
    [
        ("", 0, "GSM-7"),
        ("x" * 160, 1, "GSM-7"),
        ("x" * 161, 2, "GSM-7"),
        ("x" * 306, 2, "GSM-7"),
        ("x" * 307, 3, "GSM-7"),
        ("{" * 80, 1, "GSM-7"),
        ("{" * 81, 2, "GSM-7"),
        ("🙂" + "x" * 68, 1, "UCS-2"),
        ("🙂" + "x" * 69, 2, "UCS-2"),
        ("ñé" * 80, 1, "GSM-7"),
        ("ç" * 70, 1, "UCS-2"),
    ],
)
def test_segments_follow_gsm7_and_ucs2_rules(body, segments, encoding):
    info = describe(body)
    assert (info["segments"], info["encoding"]) == (segments, encoding)
    if body:
        assert count_segments(body) == segments
