"""A callback that finds a text by its id but names another sid than the one filed for it
changes nothing (the in-memory store keeps the same rule as the real one)."""

from __future__ import annotations

from chalicelib.services.delivery_status import StatusCallback, record_status
from tests.fakes import new_sid
from tests.unit.services.test_delivery_status import start_text, status_of


def test_a_callback_with_a_sid_other_than_the_texts_own_is_stale(outbound, new_client):
    draft_id, ref = start_text(outbound, new_client())
    sid = new_sid()
    outbound.record_sent(ref, draft_id, "kristina", sid, "queued", 1)
    record_status(StatusCallback(sid, "delivered", None, draft_id), outbound)
    stranger = new_sid()

    outcome = record_status(StatusCallback(stranger, "read", None, draft_id), outbound)

    assert outcome == "stale"
    assert status_of(outbound, ref) == "delivered" and outbound.entries[ref].sid == sid
    assert stranger not in outbound.sids


def test_the_first_callback_files_its_sid_and_a_later_one_must_match_it(outbound, new_client):
    draft_id, ref = start_text(outbound, new_client())
    first, other = new_sid(), new_sid()

    assert record_status(StatusCallback(first, "sent", None, draft_id), outbound) == "applied"
    assert record_status(StatusCallback(other, "delivered", None, draft_id), outbound) == "stale"
    assert record_status(StatusCallback(first, "delivered", None, draft_id), outbound) == "applied"
    assert outbound.entries[ref].sid == first
