"""The sender refuses exactly what the page refuses (domain/send_block.py): a text scheduled
before the number turned out to be a landline is not handed to Twilio when it falls due."""

from __future__ import annotations

import secrets

import pytest

from tests.helpers import outbound_entry
from tests.integration.test_scheduled_sending import (
    MINUTE,
    deliver,
    new_client,
    plan,
    sweep,
    texts_to,
)

# reads the clock, but a refusal at send time: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour


def landline_found(stores, client) -> None:
    """An earlier text to the client came back undelivered, 30006: a landline."""
    from chalicelib.domain.delivery import LANDLINE, effect_on_client
    from chalicelib.store.outbound import StatusChange, ref_for

    entry = outbound_entry(client, secrets.token_hex(16), "Earlier text")
    assert stores.outbound.start(entry, "digest") is None
    change = StatusChange("undelivered", LANDLINE, effect_on_client("undelivered", LANDLINE))
    assert stores.outbound.change_status(ref_for(entry), change)


def test_a_text_scheduled_before_the_number_proved_a_landline_is_not_sent(
    now, stores, queue, sender, twilio
):
    from chalicelib.domain.send_block import why_sending_is_off

    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    landline_found(stores, client)
    blocked = why_sending_is_off(stores.clients.get(client.client_id))
    assert "landline" in blocked  # what the page shows, with its send forms off

    sweep(stores, queue, now)
    assert deliver(queue, sender, client, now) == ["refused"]

    assert texts_to(twilio, client.phone) == []
    final = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert final.state.value == "failed" and final.failure == blocked
    lines = [e for e in stores.conversations.newest(client.client_id)[0] if e.marker]
    assert any(m.marker == "scheduled_not_sent" and "landline" in m.body for m in lines)
    assert stores.clients.get(client.client_id).scheduled_count == 0
