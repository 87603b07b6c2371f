""" "Last contact" is the last delivered or received text, never a text that went nowhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.store.inbound import InboundChange
from infra.local.fake_twilio import UNREACHABLE_NUMBER
from tests.helpers import fresh_phone, new_sid
from tests.integration.test_texting import PROBATION, add_client, send

# reads the clock, but a reply hours old: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour


def test_a_text_that_reached_no_phone_is_not_contact_but_a_delivered_one_is(web, stack, stores):
    # The demo's unreachable number (30003): unlike a landline's, it does not turn sending
    # off, so other tests texting the same client leave this one able to send.
    kristina = web.sign_in("kristina")
    ray = next(c for c in stores.clients.caseload("kristina") if c.phone == UNREACHABLE_NUMBER)
    before = stores.clients.get(ray.client_id).last_contact_at
    assert send(kristina, ray.client_id, "Are you there?").status_code == 303
    stack.twilio.wait_for_callbacks()
    assert stores.conversations.newest(ray.client_id)[0][0].status == "undelivered"
    assert stores.clients.get(ray.client_id).last_contact_at == before

    reached = add_client(kristina, "Mobile", "Phone", fresh_phone())
    send(kristina, reached, "Are you there?")
    stack.twilio.wait_for_callbacks()
    [text] = stores.conversations.newest(reached)[0]
    assert text.status == "delivered"
    assert stores.clients.get(reached).last_contact_at == text.at


def test_a_reply_is_contact_and_a_replayed_older_one_does_not_move_it_back(now, web, stack, stores):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    client_id = add_client(kristina, "Re", "Ply", phone)
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="On my way")
    [reply] = stores.conversations.newest(client_id)[0]
    assert stores.clients.get(client_id).last_contact_at == reply.at

    kept_earlier = ConversationEntry(  # as the fallback replay files it: when it was kept
        client_id=client_id,
        entry_id=(sid := new_sid()),
        at=now - timedelta(hours=2),
        kind=EntryKind.TEXT,
        body="Sent during the outage",
        direction=Direction.INBOUND,
        phone=phone,
        status="received",
        sid=sid,
    )
    client = stores.clients.get(client_id)
    assert stores.inbound.store_inbound(client, kept_earlier, InboundChange()).stored

    after = stores.clients.get(client_id)
    assert after.last_contact_at == reply.at and after.inbound_count == 2
