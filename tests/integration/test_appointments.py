"""Appointments schedule their own reminders, move and cancel them as a difference, and a
client's "Y" after a reminder confirms the appointment, once, with a thank-you reply.

Runs the use cases against moto, and the reminders through the real sweep, queue and
sender (the fake Twilio on the other end), as tests/integration/test_scheduled_sending.py.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.clock import real_now
from tests.helpers import fresh_phone, new_sid, signed_webhook
from tests.integration.test_scheduled_sending import deliver, state_of, sweep, texts_to

DENVER = ZoneInfo("America/Denver")


def new_client(stores, phone: str | None = None):
    """A client of Kristina's with a name of its own (caseload tests look clients up by
    name, and these get replies, so unread counts)."""
    import secrets

    from chalicelib.domain.clients import Client

    name = "Appt" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, phone or fresh_phone())
    )


@pytest.fixture()
def staff(stores):
    return stores.users.get("kristina")


@pytest.fixture()
def texts(stack, stores):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.appointments import department_texts

    return department_texts(stores.department_texts, get_jurisdiction(), "probation")


def form_for(starts_local: datetime, kind: str = "court", place: str = "Room W43") -> dict:
    return {
        "kind": kind,
        "date": starts_local.date().isoformat(),
        "time": starts_local.strftime("%H:%M"),
        "place": place,
        "notes": "Bring the letter from the treatment provider",
    }


def add(stores, staff, texts, client, starts_local: datetime, now: datetime, **kw):
    from chalicelib.services.appointments import add_appointment

    return add_appointment(
        staff,
        stores.clients,
        stores.appointments,
        texts,
        client.client_id,
        form_for(starts_local, **kw),
        now,
    )


def reminders(stores, appt):
    found = stores.appointments.reminders_of(appt.client_id, appt.appointment_id)
    return sorted(found, key=lambda r: r.send_at)


def local(text) -> str:
    return text.send_at.astimezone(DENVER).strftime("%Y-%m-%d %H:%M")


def test_a_court_date_gets_reminders_at_nine_local_across_a_clock_change(stores, staff, texts):
    """Offsets 7, 3, 1 for a court date on Tue 16 March 2027 at 10:00: clocks go forward on
    Sunday the 14th, and every reminder still goes at 9:00 on the wall clock."""
    client = new_client(stores)
    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    appt = add(stores, staff, texts, client, datetime(2027, 3, 16, 10, 0, tzinfo=DENVER), now)
    found = reminders(stores, appt)
    assert [local(r) for r in found] == ["2027-03-09 09:00", "2027-03-13 09:00", "2027-03-15 09:00"]
    assert [r.send_at.hour for r in found] == [16, 16, 15]  # MST, MST, then MDT
    assert {r.not_after for r in found} == {appt.starts_at}
    assert "Reply Y" in found[0].body and "Room W43" in found[0].body
    assert "treatment provider" not in found[0].body  # notes are for staff only
    fresh = stores.clients.get(client.client_id)
    assert fresh.scheduled_count == 3
    assert appt.appointment_id in fresh.appointments


def test_reminders_whose_time_has_passed_are_skipped_not_sent_late(stores, staff, texts):
    client = new_client(stores)
    now = datetime(2027, 5, 3, 18, tzinfo=UTC)  # Monday noon in Denver
    appt = add(stores, staff, texts, client, datetime(2027, 5, 6, 10, 0, tzinfo=DENVER), now)
    assert [r.reminder_offset for r in reminders(stores, appt)] == [1]  # 7 and 3 days: gone


def test_moving_an_appointment_moves_its_waiting_reminders_and_adds_what_is_due_again(
    stores, staff, texts
):
    from chalicelib.domain.appointments import AppointmentDetails
    from chalicelib.services.appointments import move

    client = new_client(stores)
    now = datetime(2027, 6, 1, 15, tzinfo=UTC)
    appt = add(stores, staff, texts, client, datetime(2027, 6, 5, 10, 0, tzinfo=DENVER), now)
    before = reminders(stores, appt)
    assert [r.reminder_offset for r in before] == [3, 1]
    later = AppointmentDetails.from_form(
        form_for(datetime(2027, 6, 20, 14, 30, tzinfo=DENVER)), DENVER, now
    )
    moved = move(
        stores.appointments,
        stores.clients.get(client.client_id),
        appt,
        later,
        texts,
        staff.user_id,
        now,
    )
    after = reminders(stores, moved)
    waiting = [r for r in after if r.state.value == "scheduled"]
    assert sorted(local(r) for r in waiting) == [
        "2027-06-13 09:00",
        "2027-06-17 09:00",
        "2027-06-19 09:00",
    ]
    # the two old reminders were moved (same ids), the 7-day one added
    assert {r.scheduled_id for r in before} <= {r.scheduled_id for r in waiting}
    assert all("2:30 PM" in r.body for r in waiting)
    assert stores.clients.get(client.client_id).scheduled_count == 3


def test_cancelling_cancels_waiting_reminders_and_can_tell_the_client(
    now, stores, staff, texts, queue, sender, twilio
):
    from chalicelib.services.appointments import cancel_appointment

    client = new_client(stores)
    appt = add(stores, staff, texts, client, (now + timedelta(days=10)).astimezone(DENVER), now)
    assert len(reminders(stores, appt)) == 3
    cancel_appointment(
        staff,
        stores.clients,
        stores.appointments,
        texts,
        client.client_id,
        appt.appointment_id,
        {"version": str(appt.version), "notify": "yes"},
        now,
    )
    states = [r.state.value for r in reminders(stores, appt)]
    assert states == ["cancelled"] * 3
    assert appt.appointment_id not in stores.clients.get(client.client_id).appointments
    sweep(stores, queue, now + timedelta(seconds=5))
    assert deliver(queue, sender, client) == ["sent"]
    [notice] = texts_to(twilio, client.phone)
    assert "cancelled" in notice
    assert stores.clients.get(client.client_id).scheduled_count == 0


def test_an_edit_racing_the_sender_never_changes_a_reminder_on_its_way(
    now, stores, staff, texts, queue, sender, twilio
):
    """The reminder is claimed by a sender while the case manager moves the appointment:
    the move leaves that reminder alone (it is on its way) and schedules the new ones."""
    from chalicelib.domain.appointments import AppointmentDetails
    from chalicelib.services.appointments import move

    client = new_client(stores)
    # 10:00 five local days ahead: its 3- and 1-day reminders are still to come at any hour
    starts = (now.astimezone(DENVER) + timedelta(days=5)).replace(hour=10, minute=0)
    appt = add(stores, staff, texts, client, starts, now)
    first = reminders(stores, appt)[0]
    assert first.send_at > now
    later_now = first.send_at + timedelta(seconds=1)
    sweep(stores, queue, later_now)
    assert state_of(stores, first) == "queued"
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        barrier.wait()
        outcomes.extend(deliver(queue, sender, client, later_now))

    thread = threading.Thread(target=send)
    thread.start()
    barrier.wait()
    details = AppointmentDetails.from_form(
        form_for((now + timedelta(days=9)).astimezone(DENVER)), DENVER, now
    )
    fresh = stores.appointments.get(client.client_id, appt.appointment_id)
    move(
        stores.appointments,
        stores.clients.get(client.client_id),
        fresh,
        details,
        texts,
        staff.user_id,
        now,
    )
    thread.join(timeout=60)
    states = {r.scheduled_id: r.state.value for r in reminders(stores, appt)}
    sent = texts_to(twilio, client.phone)
    if outcomes == ["sent"]:  # the sender won: the old text went once, nothing changed it
        assert states[first.scheduled_id] == "sent" and len(sent) == 1
    else:  # the move won: the queued message was stale, nothing went out
        assert outcomes == ["stale"] and sent == []
    assert sum(1 for s in states.values() if s == "scheduled") >= 3


def test_a_reminder_after_its_appointment_began_is_expired_visibly(
    now, stores, staff, texts, queue, sender, twilio
):
    client = new_client(stores)
    appt = add(stores, staff, texts, client, (now + timedelta(days=2)).astimezone(DENVER), now)
    after_start = appt.starts_at + timedelta(minutes=5)
    sweep(stores, queue, after_start)
    outcomes = deliver(queue, sender, client, after_start)
    assert outcomes and set(outcomes) == {"expired"}
    assert {r.state.value for r in reminders(stores, appt)} == {"expired"}
    assert texts_to(twilio, client.phone) == []
    lines = [e.body for e in stores.conversations.newest(client.client_id)[0]]
    assert any("Expired" in line for line in lines)


def reply(http, client, body: str, sid: str | None = None):
    return signed_webhook(
        http,
        "/webhooks/twilio/sms",
        {
            "MessageSid": sid or new_sid(),
            "From": client.phone,
            "To": "+18015550100",
            "Body": body,
            "NumMedia": "0",
        },
    )


def test_y_after_a_reminder_confirms_the_nearest_reminded_appointment_once(
    now, stores, staff, texts, queue, sender, twilio, http
):
    client = new_client(stores, fresh_phone())
    soon = add(stores, staff, texts, client, (now + timedelta(days=2)).astimezone(DENVER), now)
    later = add(stores, staff, texts, client, (now + timedelta(days=20)).astimezone(DENVER), now)
    first = reminders(stores, soon)[0]
    sweep(stores, queue, first.send_at + timedelta(seconds=1))
    assert "sent" in deliver(queue, sender, client, first.send_at + timedelta(seconds=1))
    assert stores.appointments.get(client.client_id, soon.appointment_id).reminded_at

    sid = new_sid()
    answered = reply(http, client, " Yes! ", sid)
    assert answered.status_code == 200
    assert b"Thank you" in answered.body
    again = reply(http, client, " Yes! ", sid)  # Twilio's retry: same reply, applied once
    assert b"Thank you" in again.body
    confirmed = stores.appointments.get(client.client_id, soon.appointment_id)
    assert confirmed.confirmation.value == "confirmed"
    assert confirmed.version == soon.version + 1
    untouched = stores.appointments.get(client.client_id, later.appointment_id)
    assert untouched.confirmation.value == "none"  # never reminded yet
    summary = stores.clients.get(client.client_id).appointments
    assert summary[soon.appointment_id].endswith("|confirmed")
    markers = [e for e in stores.conversations.newest(client.client_id)[0] if e.marker]
    assert sum(1 for m in markers if m.marker == "appointment_answer") == 1


def test_no_asks_to_reschedule_stop_wins_and_other_texts_stay_texts(
    now, stores, staff, texts, queue, sender, http
):
    client = new_client(stores, fresh_phone())
    appt = add(stores, staff, texts, client, (now + timedelta(days=2)).astimezone(DENVER), now)
    first = reminders(stores, appt)[0]
    sweep(stores, queue, first.send_at + timedelta(seconds=1))
    deliver(queue, sender, client, first.send_at + timedelta(seconds=1))

    assert b"<Message>" not in reply(http, client, "yes but I will be late").body
    assert stores.appointments.get(client.client_id, appt.appointment_id).confirmation.value == (
        "none"
    )
    answered = reply(http, client, "Can't")
    assert b"case manager will contact you" in answered.body
    asked = stores.appointments.get(client.client_id, appt.appointment_id)
    assert asked.confirmation.value == "reschedule_asked"
    stop = reply(http, client, "STOP")
    assert b"Thank" not in stop.body
    assert stores.clients.get(client.client_id).opted_out


def test_a_yes_with_nothing_reminded_is_an_ordinary_text(now, stores, staff, texts, http):
    client = new_client(stores, fresh_phone())
    add(stores, staff, texts, client, (now + timedelta(days=5)).astimezone(DENVER), now)
    assert b"<Message>" not in reply(http, client, "Y").body


def test_outcome_only_after_the_appointment_and_it_leaves_the_caseload_summary(
    now, stores, staff, texts
):
    from chalicelib.domain.errors import ValidationFailed
    from chalicelib.services.appointments import record_outcome

    client = new_client(stores)
    appt = add(stores, staff, texts, client, (now + timedelta(days=1)).astimezone(DENVER), now)
    with pytest.raises(ValidationFailed):
        record_outcome(
            staff,
            stores.clients,
            stores.appointments,
            client.client_id,
            appt.appointment_id,
            {"version": "1", "outcome": "attended"},
            now,
        )
    with time_machine.travel(appt.starts_at + timedelta(hours=2), tick=False):
        done = record_outcome(
            staff,
            stores.clients,
            stores.appointments,
            client.client_id,
            appt.appointment_id,
            {"version": "1", "outcome": "missed"},
            real_now(),  # two hours after it began
        )
    assert done.outcome.value == "missed"
    assert appt.appointment_id not in stores.clients.get(client.client_id).appointments


def test_a_client_stored_before_appointments_existed_gets_a_summary(now, stores, staff, texts):
    from chalicelib.store.models import ClientModel

    client = new_client(stores)
    ClientModel(client.client_id).update(actions=[ClientModel.appointments.remove()])
    old = stores.clients.get(client.client_id)
    assert old.appointments is None
    appt = add(stores, staff, texts, client, (now + timedelta(days=4)).astimezone(DENVER), now)
    assert appt.appointment_id in stores.clients.get(client.client_id).appointments


def test_cancelling_after_the_sweep_queued_a_reminder_sends_nothing(
    now, stores, staff, texts, queue, sender, twilio
):
    """The sweep has put the reminder on the queue; the appointment is cancelled before a
    sender takes it: the queue message finds it cancelled and nothing goes out."""
    from chalicelib.services.appointments import cancel_appointment

    client = new_client(stores)
    appt = add(stores, staff, texts, client, (now + timedelta(days=2)).astimezone(DENVER), now)
    first = reminders(stores, appt)[0]
    due = first.send_at + timedelta(seconds=1)
    sweep(stores, queue, due)
    assert state_of(stores, first) == "queued"
    cancel_appointment(
        staff,
        stores.clients,
        stores.appointments,
        texts,
        client.client_id,
        appt.appointment_id,
        {"version": str(appt.version)},
        now,
    )
    assert deliver(queue, sender, client, due) == ["stale"]
    assert texts_to(twilio, client.phone) == []
    assert stores.clients.get(client.client_id).scheduled_count == 0
