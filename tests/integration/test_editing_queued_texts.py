"""A text the sweep has put on the send queue (due now, or due before the next sweep and
hidden until its time) can still be edited and cancelled from the page until a sender
claims it; after Twilio's "not now" it can be cancelled, not changed."""

from __future__ import annotations

import pytest

from tests.helpers import page_text
from tests.integration.test_scheduling_pages import (
    add_client,
    kristina,
    local_day,
    nothing_left_waiting,
    schedule,
    scheduled_ids,
    typed_in,
    zone,
)

__all__ = ["kristina", "nothing_left_waiting", "zone"]  # fixtures, used by name
pytestmark = pytest.mark.any_hour  # days ahead: the hour cannot matter


def queued_by_the_sweep(stores, client_id: str, scheduled_id: str):
    text = stores.scheduled.get(client_id, scheduled_id)
    assert stores.scheduled.mark_queued(text)
    return stores.scheduled.get(client_id, scheduled_id)


def test_a_queued_text_offers_edit_and_cancel_on_the_conversation_page(now, kristina, stores, zone):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "On the queue", local_day(now, zone, 1))
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    queued_by_the_sweep(stores, client_id, sid)

    page = kristina.get(f"/clients/{client_id}").body.decode()

    assert scheduled_ids(page, client_id) == [sid]
    assert f"/scheduled/{sid}/cancel" in page
    assert "sending now" not in page_text(kristina.get(f"/clients/{client_id}"))


def test_a_queued_text_is_edited_from_its_page_and_goes_back_to_waiting(
    now, kristina, stores, zone
):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Old wording", local_day(now, zone, 1), "10:15")
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    queued_by_the_sweep(stores, client_id, sid)

    form = kristina.get(f"/clients/{client_id}/scheduled/{sid}/edit").body.decode()
    assert typed_in(form, "schedule-body") == "Old wording" and "Save changes" in form
    saved = kristina.post(
        f"/clients/{client_id}/scheduled/{sid}",
        {
            "body": "New wording",
            "send_date": local_day(now, zone, 2),
            "send_time": "08:45",
            "version": "1",
        },
    )

    assert saved.status_code == 303, page_text(saved)
    text = stores.scheduled.get(client_id, sid)
    assert (text.body, text.state.value, text.version) == ("New wording", "scheduled", 2)


def test_a_queued_text_is_cancelled_from_the_page(now, kristina, stores, zone):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Never mind", local_day(now, zone, 1))
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    queued_by_the_sweep(stores, client_id, sid)
    kristina.get(f"/clients/{client_id}")

    cancelled = kristina.post(f"/clients/{client_id}/scheduled/{sid}/cancel", {"version": "1"})

    assert cancelled.status_code == 303
    assert stores.scheduled.get(client_id, sid).state.value == "cancelled"


def test_a_text_waiting_for_a_retry_can_be_cancelled_but_not_changed(
    now, kristina, stores, zone, sender, twilio
):
    from chalicelib.services.sending import SendOrder, send_order

    client_id = add_client(kristina)
    schedule(kristina, client_id, "Tried once", local_day(now, zone, 1))
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    queued = queued_by_the_sweep(stores, client_id, sid)
    twilio.fail_next_creates(429, count=3, to=stores.clients.get(client_id).phone)
    assert send_order(SendOrder.of(queued), sender, now) == "retry"  # Twilio: "not now"

    page = kristina.get(f"/clients/{client_id}").body.decode()
    assert scheduled_ids(page, client_id) == []  # its words go as written
    assert f"/scheduled/{sid}/cancel" in page
    opened = page_text(kristina.get(f"/clients/{client_id}/scheduled/{sid}/edit"))
    assert "Save changes" not in opened and "can still cancel" in opened
    kristina.get(f"/clients/{client_id}")
    cancelled = kristina.post(f"/clients/{client_id}/scheduled/{sid}/cancel", {"version": "1"})
    assert cancelled.status_code == 303
    assert stores.scheduled.get(client_id, sid).state.value == "cancelled"
