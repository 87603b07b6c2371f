"""Twilio does not retry a status callback. One that cannot be stored when it comes is kept
on a queue and applied by the replay job, as inbound texts are, never answered 503 and lost.
"""

from __future__ import annotations

import secrets

import pytest

from tests.dynamodb_faults import failing_dynamodb
from tests.helpers import fresh_phone, new_sid, outbound_entry, signed_webhook


@pytest.fixture()
def started(stores):
    """A text written before Twilio was called; Twilio took it, the answer was lost."""
    from chalicelib.domain.clients import Client

    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Kept", "Status", fresh_phone())
    )
    entry = outbound_entry(client, secrets.token_hex(16), "Court is at 9")
    assert stores.outbound.start(entry, "digest") is None
    return client, entry


def replay():
    import app as app_module
    from infra.local.scheduler import scheduled_event

    return app_module.replay_statuses(scheduled_event("replay-statuses"), None)


def test_a_status_that_cannot_be_stored_is_kept_and_applied_by_the_replay(http, stores, started):
    client, entry = started
    form = {
        "MessageSid": new_sid(),
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "To": client.phone,
    }
    with failing_dynamodb(reason="TransactionConflict", times=1000):
        answer = signed_webhook(http, f"/webhooks/twilio/status/{entry.entry_id}", form)

    assert answer.status_code == 204  # kept: Twilio has nothing to retry
    assert stores.outbound.first_attempt(entry.entry_id).entry.status == "sending_to_twilio"

    assert replay()["replayed"] >= 1

    text = stores.outbound.first_attempt(entry.entry_id).entry
    assert (text.status, text.sid) == ("undelivered", form["MessageSid"])
    assert "could not be reached" in stores.clients.get(client.client_id).delivery_problem
    replay()  # replaying again (SQS delivers at least once) changes nothing
    assert stores.outbound.first_attempt(entry.entry_id).entry.status == "undelivered"


def test_a_status_that_can_be_neither_stored_nor_kept_is_answered_503(http, stores, started):
    client, entry = started
    form = {"MessageSid": new_sid(), "MessageStatus": "delivered", "To": client.phone}
    with (
        failing_dynamodb(reason="TransactionConflict", times=1000),
        failing_dynamodb("SendMessage", reason="ServiceUnavailable", whole_request=True, times=50),
    ):
        answer = signed_webhook(http, f"/webhooks/twilio/status/{entry.entry_id}", form)

    assert answer.status_code == 503
