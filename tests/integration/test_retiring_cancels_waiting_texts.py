"""Retiring a client cancels their texts still waiting to go out, each with a line in the
conversation, so the caseload, the client's page and the department's Scheduled list stop
counting them at once (not when a sender would have refused them). A text a sender
already holds is left to the sender, which refuses a retired client's."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import page_text
from tests.integration.test_retiring_clients import add_client, retire
from tests.integration.test_scheduled_sending import plan, state_of


def test_retiring_cancels_the_clients_waiting_texts_each_with_a_line(now, web, stores):
    kristina = web.sign_in("kristina")
    client_id = add_client(kristina, "Sam", "Scheduledsoon")
    client = stores.clients.get(client_id)
    later = plan(stores, client, now + timedelta(days=2), "See you Tuesday at the office")
    queued = plan(stores, client, now + timedelta(minutes=5), "Class starts at 6")
    assert stores.scheduled.mark_queued(queued)  # due: on the send queue, still cancellable
    assert stores.clients.get(client_id).scheduled_count == 2
    assert retire(kristina, client_id).status_code == 303
    assert state_of(stores, later) == "cancelled"
    assert state_of(stores, queued) == "cancelled"
    assert stores.scheduled.pending_for_client(client_id) == []
    assert stores.clients.get(client_id).scheduled_count == 0
    listed = stores.scheduled.pending_in_department("probation", limit=1000)
    assert client_id not in {t.client_id for t in listed}
    lines = [
        e.body
        for e in stores.conversations.newest(client_id)[0]
        if e.marker == "scheduled_cancelled"
    ]
    assert len(lines) == 2
    assert any("See you Tuesday at the office" in line for line in lines)
    assert all("retired" in line for line in lines)
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Class starts at 6" in page and "retired" in page
    trail = stores.audit.trail(f"client#{client_id}")
    assert sum(1 for e in trail if e.action == "schedule_cancel") == 2


def test_a_text_a_sender_already_holds_is_left_to_the_sender(now, web, stores):
    kristina = web.sign_in("kristina")
    client_id = add_client(kristina, "Hal", "Heldtext")
    client = stores.clients.get(client_id)
    held = plan(stores, client, now + timedelta(minutes=1), "On its way")
    assert stores.scheduled.claim(held, None)  # a sender is calling Twilio with it
    assert retire(kristina, client_id).status_code == 303
    assert state_of(stores, held) == "sending"  # the sender settles it, never both
    assert stores.clients.get(client_id).scheduled_count == 1
