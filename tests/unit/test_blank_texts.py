"""What looks empty on a phone counts as empty: a text, a client's name, a reminder's
wording or a required note made only of characters that draw nothing (the braille blank,
Hangul fillers, variation selectors, tag characters, zero-width and ignorable formats)."""

from __future__ import annotations

import pytest

from chalicelib.domain.clients import ClientDetails
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.message_body import checked_body, has_visible_text
from chalicelib.domain.reminder_texts import Purpose, check_template
from chalicelib.domain.retirement import retire_form

BLANKS = {
    "braille pattern blank": "\u2800",
    "hangul filler": "\u3164",
    "halfwidth hangul filler": "\uffa0",
    "hangul choseong and jungseong fillers": "\u115f\u1160",
    "khmer inherent vowels": "\u17b4\u17b5",
    "combining grapheme joiner": "\u034f",
    "variation selectors": "\ufe0f\ufe00",
    "variation selectors supplement": "\U000e0100",
    "tag characters": "\U000e0041\U000e007f",
    "mongolian free variation selector": "\u180b",
    "khitan small script filler": "\U00016fe4",
    "musical null notehead and formats": "\U0001d159\U0001d173",
    "invisible operators and word joiner": "\u2060\u2061\u2062\u2063\u2064",
    "zero width space, joiners, marks": "\u200b\u200c\u200d\u200e\u200f",
    "soft hyphen and arabic letter mark": "\u00ad\u061c",
    "byte order mark": "\ufeff",
    "ideographic and no-break spaces": "\u3000\u00a0\u2007",
    "a mix, twice": "\u2800\u3164\u200b \u2800\u3164",
}


@pytest.mark.parametrize("body", BLANKS.values(), ids=BLANKS.keys())
def test_a_text_of_only_blank_characters_is_refused(body):
    assert not has_visible_text(body)
    with pytest.raises(ValidationFailed) as refused:
        checked_body(body)
    assert refused.value.field_errors["body"] == "Write a message first."


@pytest.mark.parametrize(
    "body",
    ["ok", "\u2800ok\u2800", "👍🏽", "\u0301", "\U0001faf6", "ㅤa", "\u2801"],
    ids=[
        "word",
        "word between blanks",
        "emoji with skin tone",
        "lone accent",
        "new emoji",
        "filler then letter",
        "braille dot",
    ],
)
def test_a_text_with_anything_visible_is_kept(body):
    assert has_visible_text(body)
    assert checked_body(body)


@pytest.mark.parametrize("name", ["\u2800", "\u3164\u3164", "\u115f"])
def test_a_client_name_of_only_blank_characters_is_missing(name):
    form = {"first_name": name, "last_name": "Tran", "phone": "+1 801 555 0142"}
    with pytest.raises(ValidationFailed) as refused:
        ClientDetails.from_form(form)
    assert refused.value.field_errors == {"first_name": "Enter the client's first name."}


@pytest.mark.parametrize("purpose", list(Purpose))
def test_reminder_wording_of_only_blank_characters_is_refused(purpose):
    with pytest.raises(ValidationFailed) as refused:
        check_template("\u2800\u3164", purpose)
    assert "Write the text." in " ".join(refused.value.field_errors.values())


def test_a_blank_note_does_not_explain_other():
    with pytest.raises(ValidationFailed) as refused:
        retire_form({"reason": "other", "note": "\u2800", "version": "1"})
    assert "note" in refused.value.field_errors


def test_a_blank_note_does_not_explain_dismissing_a_number_for_another_reason():
    from datetime import UTC, datetime

    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
    from chalicelib.domain.users import Role, User
    from chalicelib.services import unclaimed
    from tests.fakes import FakeUnclaimedStore

    store = FakeUnclaimedStore()
    text = ConversationEntry(
        "",
        "SM1",
        datetime(2027, 5, 4, 19, 0, tzinfo=UTC),
        EntryKind.TEXT,
        "hi",
        Direction.INBOUND,
        "+13035550199",
        "received",
        sid="SM1",
    )
    store.record("probation", text)
    dana = User("dana", "Dana", "d@county.invalid", Role.SUPERVISOR, "probation")
    with pytest.raises(ValidationFailed) as refused:
        unclaimed.dismiss(
            dana, store, "13035550199", {"reason": "other", "detail": "\u3164", "seen": "1"}
        )
    assert "detail" in refused.value.field_errors
