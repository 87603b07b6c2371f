"""Staff who may see a client correct a recorded outcome or a confirmation: one audited,
version-checked change, with a line in the conversation; a corrected confirmation changes
the reminders still to come as the client's own answer would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.helpers import page_text
from tests.integration.answer_tools import OWNER, appointment, reminded, waiting


def audit_of(stores, client, action: str) -> list:
    from chalicelib.store.models import AuditModel

    subject = f"client#{client.client_id}"
    return [r for r in AuditModel.query(subject) if r.action == action]


def correction_url(appt) -> str:
    return f"/clients/{appt.client_id}/appointments/{appt.appointment_id}/correct"


def test_a_case_manager_corrects_a_confirmation_and_the_reminders_follow(
    now, stores, queue, sender, web
):
    client, appt, _ = reminded(stores, queue, sender, now)
    web.sign_in(OWNER)
    done = web.post(correction_url(appt), {"version": "1", "confirmation": "confirmed"})
    assert done.status_code == 303 and "appointment=corrected" in done.headers["Location"]
    corrected = appointment(stores, appt)
    assert corrected.confirmation.value == "confirmed" and corrected.version == 2
    left = waiting(stores, appt)
    assert [o for o, _, _ in left] == [1] and "see you" in left[0][2]

    # back to "Not confirmed": the reminder cancelled for the confirmation comes back
    web.post(correction_url(appt), {"version": "2", "confirmation": "none"})
    assert appointment(stores, appt).confirmation.value == "none"
    assert [o for o, _, _ in waiting(stores, appt)] == [3, 1]
    assert all("Reply Y to confirm" in body for _, _, body in waiting(stores, appt))

    rows = audit_of(stores, client, "appointment_correct")
    changes = sorted((r.details["from"], r.details["to"]) for r in rows)
    assert changes == [("confirmed", "none"), ("none", "confirmed")]
    lines = [e for e in stores.conversations.newest(client.client_id)[0] if e.marker]
    assert sum(1 for e in lines if e.marker == "appointment_corrected") == 2


def test_a_stale_correction_is_refused_and_changes_nothing(now, stores, queue, sender, web):
    from tests.aws_calls import writes

    _, appt, _ = reminded(stores, queue, sender, now)
    web.sign_in(OWNER)
    web.post(correction_url(appt), {"version": "1", "confirmation": "reschedule_asked"})
    with writes() as written:
        stale = web.post(correction_url(appt), {"version": "1", "confirmation": "confirmed"})
    assert stale.status_code == 409 and "Someone changed this appointment" in page_text(stale)
    assert written == []
    assert appointment(stores, appt).confirmation.value == "reschedule_asked"
    assert waiting(stores, appt) == []


def test_a_recorded_outcome_is_corrected_with_an_audit_row(stores, web):
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.appointments import add_appointment, department_texts, record_outcome
    from tests.integration.answer_tools import new_client

    staff = stores.users.get(OWNER)
    client = new_client(stores)
    zone = get_jurisdiction().zone
    texts = department_texts(stores.department_texts, get_jurisdiction(), "probation")
    began = datetime(2026, 3, 2, 10, 0, tzinfo=zone)  # a Monday, added the week before
    form = {"kind": "treatment", "date": began.date().isoformat(), "time": "10:00"}
    appt = add_appointment(
        staff,
        stores.clients,
        stores.appointments,
        texts,
        client.client_id,
        form,
        (began - timedelta(days=7)).astimezone(UTC),
    )
    record_outcome(
        staff,
        stores.clients,
        stores.appointments,
        client.client_id,
        appt.appointment_id,
        {"version": "1", "outcome": "missed"},
        (began + timedelta(hours=2)).astimezone(UTC),
    )
    web.sign_in(OWNER)
    page = page_text(web.get(f"/clients/{client.client_id}"))
    assert "Correct the outcome" in page

    refused = web.post(correction_url(appt), {"version": "2", "outcome": "maybe"})
    assert refused.status_code == 400
    done = web.post(correction_url(appt), {"version": "2", "outcome": "attended"})
    assert done.status_code == 303
    corrected = appointment(stores, appt)
    assert corrected.outcome.value == "attended" and corrected.version == 3
    (row,) = audit_of(stores, client, "appointment_correct")
    assert row.details.as_dict() == {
        "appointment": appt.appointment_id,
        "field": "outcome",
        "from": "missed",
        "to": "attended",
    }
    assert row.actor == OWNER
