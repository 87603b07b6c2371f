"""Every way a DynamoDB write can fail, injected: nothing is acknowledged that was not
stored, and nothing is stored twice.

Twilio is answered 200 only when the text (or status) is stored, or was stored before;
a conflict or throttling that outlasts the retries answers 503 so Twilio tries again. A
status callback, which Twilio never retries, is kept for the replay job instead.
"""

from __future__ import annotations

import pytest

from tests.dynamodb_faults import failing_dynamodb, recording_dynamodb
from tests.helpers import fresh_phone, new_sid, outbound_entry, signed_webhook

PROBATION = "+18015550100"
ALWAYS = 100  # more failures than any retry budget


@pytest.fixture()
def client(stores):
    import secrets

    from chalicelib.domain.clients import Client

    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Write", "Failure", fresh_phone())
    )


def text_from(http, phone: str, sid: str, body: str = "are we still on for Tuesday"):
    return signed_webhook(
        http,
        "/webhooks/twilio/sms",
        {"MessageSid": sid, "From": phone, "To": PROBATION, "Body": body},
    )


def stored_sids(stores, client_id: str) -> list[str]:
    return [e.sid for e in stores.conversations.newest(client_id, limit=100)[0] if e.sid]


def test_a_transaction_conflict_is_retried_and_the_text_stored_once(http, stores, client):
    sid = new_sid()
    with failing_dynamodb(reason="TransactionConflict", times=2) as injected:
        answer = text_from(http, client.phone, sid)
    assert answer.status_code == 200 and injected.failed == 2
    assert stored_sids(stores, client.client_id) == [sid]
    assert stores.clients.get(client.client_id).unread_count == 1


@pytest.mark.parametrize(
    ("reason", "whole_request"),
    [
        ("TransactionConflict", False),
        ("ThrottlingError", False),
        ("ThrottlingException", True),
        ("ProvisionedThroughputExceededException", True),
        ("InternalServerError", True),
    ],
)
def test_a_failure_that_outlasts_the_retries_answers_503_and_stores_nothing(
    http, stores, client, reason, whole_request
):
    sid = new_sid()
    with failing_dynamodb(reason=reason, times=ALWAYS, whole_request=whole_request) as injected:
        answer = text_from(http, client.phone, sid)
    assert answer.status_code == 503
    assert injected.failed > 3  # retried with back-off before giving up
    assert stored_sids(stores, client.client_id) == []
    assert stores.clients.get(client.client_id).unread_count == 0
    again = text_from(http, client.phone, sid)  # Twilio's retry, once DynamoDB is well
    assert again.status_code == 200
    assert stored_sids(stores, client.client_id) == [sid]


def test_a_repeated_message_sid_is_a_duplicate_not_a_failure(http, stores, client):
    sid = new_sid()
    assert text_from(http, client.phone, sid).status_code == 200
    with recording_dynamodb() as seen:
        assert text_from(http, client.phone, sid).status_code == 200
    assert len(seen.passed) == 1  # tried once; the guard's failed condition is the answer
    assert stored_sids(stores, client.client_id) == [sid]
    assert stores.clients.get(client.client_id).unread_count == 1


def test_an_unclaimed_text_is_not_reported_stored_when_the_write_failed(http, stores):
    stranger, sid = fresh_phone(), new_sid()
    with failing_dynamodb(reason="TransactionConflict", times=ALWAYS):
        assert text_from(http, stranger, sid).status_code == 503
    assert stores.unclaimed.get("probation", stranger) is None
    answer = text_from(http, stranger, sid)
    assert answer.status_code == 200 and "<Message>" in answer.body.decode()  # the auto-reply
    waiting = stores.unclaimed.texts("probation", stranger)
    assert [(t.kind, t.sid or t.details["in_reply_to"]) for t in waiting] == [
        ("text", sid),
        ("system", sid),  # the auto-reply, written with the text
    ]


def replay_statuses():
    import app as app_module
    from infra.local.scheduler import scheduled_event

    return app_module.replay_statuses(scheduled_event("replay-statuses"), None)


def test_a_status_callback_that_could_not_be_stored_is_kept_and_lands_on_replay(
    http, stores, client
):
    outbound_id = "c0ffee" * 5 + "00"
    entry = outbound_entry(client, outbound_id, "Court is at 9")
    assert stores.outbound.start(entry, "digest") is None
    sid = new_sid()
    path = f"/webhooks/twilio/status/{outbound_id}"
    form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    with failing_dynamodb(reason="TransactionConflict", times=ALWAYS):
        assert signed_webhook(http, path, form).status_code == 204  # kept, not stored
    assert stores.conversations.newest(client.client_id)[0][0].status == "sending_to_twilio"
    assert replay_statuses()["replayed"] >= 1
    text = stores.conversations.newest(client.client_id)[0][0]
    assert (text.status, text.error_code) == ("undelivered", 30003)
    assert stores.clients.get(client.client_id).delivery_problem


def test_a_throttled_parking_of_an_early_status_is_kept_and_parked_on_replay(http, stores):
    sid = new_sid()
    form = {"MessageSid": sid, "MessageStatus": "sent"}
    with failing_dynamodb("UpdateItem", reason="ThrottlingException", times=ALWAYS):
        assert signed_webhook(http, "/webhooks/twilio/status", form).status_code == 204
    assert stores.outbound.find_sid(sid) is None
    assert replay_statuses()["replayed"] >= 1
    assert stores.outbound.find_sid(sid).early_status == "sent"


def test_inbound_transactions_update_no_item_shared_by_other_clients(http, stores):
    """The department-wide activity counter is gone: a text's transaction puts its guard and
    its entry and updates its own client, nothing every text of the department updates."""
    import secrets

    from chalicelib.domain.clients import Client

    clients = [
        stores.clients.add(
            Client(secrets.token_hex(10), "probation", "kristina", "Shared", "Key", fresh_phone())
        )
        for _ in range(3)
    ]
    with recording_dynamodb() as seen:
        for client in clients:
            assert text_from(http, client.phone, new_sid()).status_code == 200
    updated = [
        (item["Update"]["TableName"], repr(sorted(item["Update"]["Key"].items())))
        for call in seen.passed
        for item in call["TransactItems"]
        if "Update" in item
    ]
    assert len(seen.passed) == 3
    # each text updates its own client and its readers' unread items for that client: no
    # item is shared with another client's texts
    assert len(updated) == len(set(updated))
    own = {c.client_id for c in clients}
    for call in seen.passed:
        keys = [item["Update"]["Key"] for item in call["TransactItems"] if "Update" in item]
        assert len({key["client_id"]["S"] for key in keys}) == 1
        assert {key["client_id"]["S"] for key in keys} <= own
