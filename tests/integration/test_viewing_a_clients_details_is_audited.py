"""Opening a client's details to edit them (their notes, numbers) is a view of their record:
it is written to the audit trail like opening their conversation (issue 21, item 3)."""

from __future__ import annotations

import secrets

import pytest

from chalicelib.domain.clients import Client
from chalicelib.store.audit import client_subject
from tests.helpers import WebVisitor, fresh_phone

pytestmark = pytest.mark.any_hour


def test_opening_a_clients_edit_page_writes_a_view_of_their_details(http, stores):
    name = "Details" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )
    kristina = WebVisitor(http).sign_in("kristina")

    assert kristina.get(f"/clients/{client.client_id}/edit").status_code == 200

    (row,) = stores.audit.trail(client_subject(client.client_id), limit=10)
    assert (row.actor, row.action) == ("kristina", "view_details")


def newest(stores, client_id: str):
    return stores.audit.trail(client_subject(client_id), limit=1)[0]


def test_opening_a_scheduled_text_or_an_appointment_to_edit_it_is_in_the_trail(http, stores):
    from datetime import timedelta

    from chalicelib.config import get_jurisdiction
    from chalicelib.domain.scheduling import ScheduledText
    from chalicelib.services.appointments import add_appointment, department_texts
    from tests.clock import real_now

    name = "Editing" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )
    later = real_now() + timedelta(days=3)
    text = stores.scheduled.add(
        ScheduledText(
            client.client_id, secrets.token_hex(16), "probation", "kristina", "kristina",
            "See you Thursday", later,
        )
    )  # fmt: skip
    zone = get_jurisdiction().zone
    day = (later.astimezone(zone) + timedelta(days=7)).date().isoformat()
    appointment = add_appointment(
        stores.users.get("kristina"),
        stores.clients,
        stores.appointments,
        department_texts(stores.department_texts, get_jurisdiction(), "probation"),
        client.client_id,
        {"kind": "treatment", "date": day, "time": "10:00"},
        real_now(),
    )
    kristina = WebVisitor(http).sign_in("kristina")
    try:
        opens_and_is_recorded(kristina, stores, client, text, appointment)
    finally:  # no later test's sweep, at any instant, may find these texts due
        for waiting in stores.scheduled.pending_for_client(client.client_id):
            stores.scheduled.fail(waiting, "the test is over")


def opens_and_is_recorded(kristina, stores, client, text, appointment) -> None:
    path = f"/clients/{client.client_id}/scheduled/{text.scheduled_id}/edit"
    assert kristina.get(path).status_code == 200
    row = newest(stores, client.client_id)
    assert (row.actor, row.action, row.details) == (
        "kristina", "view_details", {"scheduled_text": text.scheduled_id}
    )  # fmt: skip

    path = f"/clients/{client.client_id}/appointments/{appointment.appointment_id}/edit"
    assert kristina.get(path).status_code == 200
    row = newest(stores, client.client_id)
    assert (row.actor, row.action, row.details) == (
        "kristina", "view_details", {"appointment": appointment.appointment_id}
    )  # fmt: skip
