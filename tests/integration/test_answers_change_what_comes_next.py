"""A client's answer changes the reminders still to come: after "Y" they stop asking for a
confirmation (as the jurisdiction's ``after_confirmation`` says), after "N" they stop, and a
reply that reads like an answer but is none is flagged for the case manager, never guessed.
Twilio retrying the same reply changes all of that once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.helpers import new_sid
from tests.integration.answer_tools import (
    OWNER,
    answer,
    appointment,
    department_texts,
    reminded,
    waiting,
)

QUESTION = "Reply Y to confirm"


def caseload_row(web, client) -> str:
    """The client's row on Marcus's caseload, most recent contact first (they just texted;
    the order by name would put them on a later page)."""
    page = web.sign_in(OWNER).get("/caseload?order=recent").body.decode()
    start = page.index(f'data-client="{client.client_id}"')
    return page[start : page.index("</li>", start)]


def markers_of(stores, client, kind: str) -> list:
    entries = stores.conversations.newest(client.client_id)[0]
    return [e for e in entries if e.marker == kind]


def test_after_yes_only_the_day_before_reminder_still_goes_and_asks_nothing(
    now, stores, queue, sender, http
):
    client, appt, _ = reminded(stores, queue, sender, now)
    assert [(o, s) for o, s, _ in waiting(stores, appt)] == [(3, "scheduled"), (1, "scheduled")]

    sid = new_sid()
    assert b"Thank you" in answer(http, client, "Y", sid).body
    assert b"Thank you" in answer(http, client, "Y", sid).body  # Twilio's retry

    left = waiting(stores, appt)
    assert [(o, s) for o, s, _ in left] == [(1, "scheduled")]
    assert QUESTION not in left[0][2] and "see you" in left[0][2]
    assert appointment(stores, appt).confirmation.value == "confirmed"
    day_before = [
        r for r in stores.appointments.reminders_of(client.client_id, appt.appointment_id)
    ]
    assert {r.reminder_offset: r.version for r in day_before}[1] == 2  # changed once
    assert len(markers_of(stores, client, "appointment_answer")) == 1


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("see_you", [3, 1]), ("skip", []), ("day_before", [1])],
)
def test_after_yes_the_jurisdiction_setting_decides_what_still_goes(
    now, stores, queue, sender, setting, expected
):
    from chalicelib.domain.confirmations import AfterConfirmation
    from chalicelib.services.appointments import Texts, answer_reminder

    client, appt, _ = reminded(stores, queue, sender, now)
    texts = department_texts(stores)
    texts = Texts(
        replace(texts.jurisdiction, after_confirmation=AfterConfirmation(setting)), texts.custom
    )
    sid = new_sid()
    for _ in range(2):  # the same reply applied twice changes things once
        answered = answer_reminder(client, sid, "yes", stores.appointments, texts, now)
        assert answered is not None and "Thank you" in answered.reply

    left = waiting(stores, appt)
    assert [o for o, _, _ in left] == expected
    assert all(QUESTION not in body and "see you" in body for _, _, body in left)
    cancelled = [
        r.reminder_offset
        for r in stores.appointments.reminders_of(client.client_id, appt.appointment_id)
        if r.state.value == "cancelled"
    ]
    assert sorted(cancelled) == sorted({3, 1} - set(expected))
    assert stores.clients.get(client.client_id).scheduled_count == len(expected)


def test_after_no_the_reminders_for_that_date_stop_and_the_caseload_shows_it(
    now, stores, queue, sender, http, web
):
    client, appt, _ = reminded(stores, queue, sender, now)
    before = stores.unread.count(OWNER, client.client_id)

    sid = new_sid()
    assert b"case manager will contact you" in answer(http, client, "No", sid).body
    assert b"case manager will contact you" in answer(http, client, "No", sid).body

    assert waiting(stores, appt) == []
    assert appointment(stores, appt).confirmation.value == "reschedule_asked"
    after = stores.clients.get(client.client_id)
    assert stores.unread.count(OWNER, client.client_id) == before + 1  # seen as new
    assert after.appointments[appt.appointment_id].endswith("|reschedule_asked")
    assert after.scheduled_count == 0
    assert len(markers_of(stores, client, "appointment_answer")) == 1
    row = caseload_row(web, client)
    assert 'badge-reschedule">Asked to reschedule<' in row


def test_a_reply_that_is_not_understood_is_flagged_never_guessed_at(
    now, stores, queue, sender, http, web
):
    client, appt, _ = reminded(stores, queue, sender, now)
    before = waiting(stores, appt)

    sid = new_sid()
    for _ in range(2):  # Twilio's retry flags it once
        flagged = answer(http, client, "Y Y", sid)
        assert flagged.status_code == 200 and b"<Message>" not in flagged.body

    assert waiting(stores, appt) == before  # nothing changed for the client
    assert appointment(stores, appt).confirmation.value == "not_understood"
    lines = markers_of(stores, client, "appointment_unclear")
    assert len(lines) == 1 and "not understood" in lines[0].body
    summary = stores.clients.get(client.client_id).appointments[appt.appointment_id]
    assert summary.endswith("|not_understood")
    row = caseload_row(web, client)
    assert "Answer not understood" in row
    texts = [e.body for e in stores.conversations.newest(client.client_id)[0] if not e.marker]
    assert "Y Y" in texts  # still an ordinary text in the conversation

    assert b"Thank you" in answer(http, client, "Y").body  # a clear answer settles it
    assert appointment(stores, appt).confirmation.value == "confirmed"


def test_an_unsure_reply_after_a_confirmation_is_flagged_but_keeps_the_confirmation(
    now, stores, queue, sender, http
):
    client, appt, _ = reminded(stores, queue, sender, now)
    answer(http, client, "Y")
    assert b"<Message>" not in answer(http, client, "maybe").body
    assert appointment(stores, appt).confirmation.value == "confirmed"
    assert len(markers_of(stores, client, "appointment_unclear")) == 1


def test_an_unsure_reply_with_nothing_reminded_is_an_ordinary_text(now, stores, http):
    from tests.integration.answer_tools import new_client

    client = new_client(stores)
    assert b"<Message>" not in answer(http, client, "maybe").body
    assert markers_of(stores, client, "appointment_unclear") == []


def test_a_yes_and_what_it_does_to_the_reminders_ride_on_its_texts_one_transaction(
    now, stores, queue, sender, http
):
    from tests.dynamodb_calls import counting

    client, appt, _ = reminded(stores, queue, sender, now)
    with counting() as calls:
        assert b"Thank you" in answer(http, client, "Y").body
    assert calls["TransactWriteItems"] == 1, calls  # the text, the answer, its reminders
    assert [o for o, _, _ in waiting(stores, appt)] == [1]
