"""A status callback that names a text by its id but carries another MessageSid than the one
filed for that text changes nothing: not the sid, not the status, not the sid index."""

from __future__ import annotations

import secrets

import pytest

from tests.helpers import fresh_phone, new_sid, outbound_entry, signed_webhook


@pytest.fixture()
def delivered(stores):
    """A text Twilio took (sid filed) and delivered."""
    from chalicelib.domain.clients import Client
    from chalicelib.store.outbound import StatusChange, ref_for

    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Sid", "Sidguard", fresh_phone())
    )
    entry = outbound_entry(client, secrets.token_hex(16), "Court is at 9")
    assert stores.outbound.start(entry, "digest") is None
    sid = new_sid()
    stores.outbound.record_sent(ref_for(entry), entry.entry_id, "kristina", sid, "queued", 1)
    assert stores.outbound.change_status(ref_for(entry), StatusChange("delivered"))
    return entry, sid


def test_a_callback_for_a_text_with_another_sid_leaves_the_text_alone(http, stores, delivered):
    entry, sid = delivered
    stranger = new_sid()
    form = {"MessageSid": stranger, "MessageStatus": "read", "To": "+13855550199"}

    answer = signed_webhook(http, f"/webhooks/twilio/status/{entry.entry_id}", form)

    assert answer.status_code == 204
    text = stores.outbound.first_attempt(entry.entry_id).entry
    assert (text.sid, text.status) == (sid, "delivered")
    found = stores.outbound.find_sid(stranger)
    assert found is None or found.ref is None  # not filed as this text's sid


def test_a_callback_with_the_texts_own_sid_still_moves_it_forward(http, stores, delivered):
    entry, sid = delivered
    form = {"MessageSid": sid, "MessageStatus": "read", "To": "+13855550199"}

    answer = signed_webhook(http, f"/webhooks/twilio/status/{entry.entry_id}", form)

    assert answer.status_code == 204

    text = stores.outbound.first_attempt(entry.entry_id).entry
    assert (text.sid, text.status) == (sid, "read")
