"""Status callbacks: a text's status only moves forward, and its client is flagged."""

from __future__ import annotations

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.delivery import ERROR_EXPLANATIONS, OPTED_OUT, UNREACHABLE
from chalicelib.services.delivery_status import StatusCallback, record_status
from chalicelib.store.outbound import OutboundRef, SidRecord
from tests.clock import real_now
from tests.fakes import FakeOutboundStore, new_draft_id, new_sid


def start_text(outbound: FakeOutboundStore, client: Client) -> tuple[str, OutboundRef]:
    """A text recorded as "sending_to_twilio", as send_text leaves it before Twilio answers."""
    draft_id = new_draft_id()
    entry = ConversationEntry(
        client_id=client.client_id,
        entry_id=draft_id,
        at=real_now(),
        kind=EntryKind.TEXT,
        body="See you Tuesday at 10.",
        direction=Direction.OUTBOUND,
        phone=client.phone,
        status="sending_to_twilio",
        author_id="kristina",
    )
    assert outbound.start(entry, "digest") is None
    return draft_id, outbound.locate(draft_id)


def status_of(outbound: FakeOutboundStore, ref: OutboundRef) -> str:
    return outbound.entries[ref].status


def test_a_callback_naming_its_outbound_id_applies_to_that_text_and_files_the_sid(
    outbound, new_client
):
    draft_id, ref = start_text(outbound, new_client())
    sid = new_sid()

    outcome = record_status(StatusCallback(sid, "sent", None, draft_id), outbound)

    assert outcome == "applied"
    assert outbound.entries[ref].status == "sent" and outbound.entries[ref].sid == sid
    assert outbound.find_sid(sid) == SidRecord(ref, None, None)


def test_a_late_sent_after_delivered_changes_nothing(outbound, new_client):
    draft_id, ref = start_text(outbound, new_client())
    sid = new_sid()
    record_status(StatusCallback(sid, "delivered", None, draft_id), outbound)

    outcome = record_status(StatusCallback(sid, "sent", None, draft_id), outbound)

    assert outcome == "stale"
    assert status_of(outbound, ref) == "delivered"


def test_a_repeated_callback_is_stale(outbound, new_client):
    draft_id, ref = start_text(outbound, new_client())
    callback = StatusCallback(new_sid(), "queued", None, draft_id)

    assert [record_status(callback, outbound) for _ in range(2)] == ["applied", "stale"]
    assert status_of(outbound, ref) == "queued"


def test_a_callback_carrying_only_a_sid_finds_the_text_the_send_filed(outbound, new_client):
    draft_id, ref = start_text(outbound, new_client())
    sid = new_sid()
    outbound.record_sent(ref, draft_id, "kristina", sid, "queued", 1)

    outcome = record_status(StatusCallback(sid, "delivered", None), outbound)

    assert outcome == "applied"
    assert status_of(outbound, ref) == "delivered"


def test_an_outbound_id_nobody_used_falls_back_to_the_sid(outbound, new_client):
    draft_id, ref = start_text(outbound, new_client())
    sid = new_sid()
    outbound.record_sent(ref, draft_id, "kristina", sid, "queued", 1)

    outcome = record_status(StatusCallback(sid, "sent", None, new_draft_id()), outbound)

    assert outcome == "applied"
    assert status_of(outbound, ref) == "sent"


def test_a_callback_for_an_unknown_sid_is_parked(outbound):
    sid = new_sid()

    outcome = record_status(StatusCallback(sid, "undelivered", UNREACHABLE), outbound)

    assert outcome == "early"
    assert outbound.find_sid(sid) == SidRecord(None, "undelivered", UNREACHABLE)
    assert outbound.entries == {}


def test_a_worse_status_for_a_parked_sid_is_stale_and_the_better_one_stays(outbound):
    sid = new_sid()
    record_status(StatusCallback(sid, "delivered", None), outbound)

    outcome = record_status(StatusCallback(sid, "sent", None), outbound)

    assert outcome == "stale"
    assert outbound.find_sid(sid).early_status == "delivered"


def test_a_sid_the_send_files_while_the_callback_looks_gets_the_status_not_parked(
    clients, new_client
):
    class SendFilesMeanwhile(FakeOutboundStore):
        """The send records Twilio's answer between the callback's look-up and its park."""

        def remember_early(self, sid: str, status: str, error_code: int | None) -> bool:
            self.record_sent(ref, draft_id, "kristina", sid, "queued", 1)
            return super().remember_early(sid, status, error_code)

    outbound = SendFilesMeanwhile(clients)
    draft_id, ref = start_text(outbound, new_client())
    sid = new_sid()

    outcome = record_status(StatusCallback(sid, "delivered", None), outbound)

    assert outcome == "applied"
    assert status_of(outbound, ref) == "delivered"
    assert outbound.find_sid(sid).early_status is None


def test_an_undelivered_text_flags_its_client_with_a_plain_reason(outbound, new_client, clients):
    client = new_client()
    draft_id, ref = start_text(outbound, client)

    record_status(StatusCallback(new_sid(), "undelivered", UNREACHABLE, draft_id), outbound)

    assert outbound.entries[ref].error_code == UNREACHABLE
    assert clients.get(client.client_id).delivery_problem == ERROR_EXPLANATIONS[UNREACHABLE]
    assert clients.get(client.client_id).opted_out is False


def test_twilio_reporting_the_client_replied_stop_opts_them_out(outbound, new_client, clients):
    client = new_client()
    draft_id, _ = start_text(outbound, client)

    record_status(StatusCallback(new_sid(), "failed", OPTED_OUT, draft_id), outbound)

    assert clients.get(client.client_id).opted_out is True


def test_a_delivered_text_clears_the_clients_delivery_problem(outbound, new_client, clients):
    client = new_client()
    failed_id, _ = start_text(outbound, client)
    record_status(StatusCallback(new_sid(), "undelivered", UNREACHABLE, failed_id), outbound)
    delivered_id, _ = start_text(outbound, client)

    record_status(StatusCallback(new_sid(), "delivered", None, delivered_id), outbound)

    assert clients.get(client.client_id).delivery_problem == ""


@pytest.mark.parametrize(
    ("sid", "status"),
    [("not-a-sid", "delivered"), (new_sid(), "exploded"), ("", ""), (new_sid("MX"), "sent")],
    ids=["not-a-sid", "unknown-status", "empty", "not-a-message-sid"],  # the same on every worker
)
def test_callbacks_twilio_could_not_have_sent_are_ignored(outbound, sid, status):
    assert record_status(StatusCallback(sid, status, None), outbound) == "ignored"
    assert outbound.sids == {}


def test_a_callback_form_is_read_with_its_error_code_and_older_status_field():
    sid = new_sid()

    callback = StatusCallback.from_form(
        {"MessageSid": sid, "SmsStatus": "failed", "ErrorCode": "30005"}, "ab" * 8
    )

    assert callback == StatusCallback(sid, "failed", 30005, "ab" * 8)
    assert callback.usable
