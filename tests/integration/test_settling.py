"""Texts nobody heard back about are settled by asking Twilio, never by sending again."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest

from tests.clock import real_now
from tests.helpers import fresh_phone, outbound_entry, page_text

PROBATION = "+18015550100"


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


@pytest.fixture()
def twilio(stack):
    yield stack.twilio
    stack.twilio.clear_faults()


def settle(stores, minutes_later: float) -> dict:
    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.settling import settle_unresolved_sends

    report = settle_unresolved_sends(
        stores.outbound,
        stores.clients,
        bootstrap.twilio(),
        get_jurisdiction(),
        real_now() + timedelta(minutes=minutes_later),
    )
    return vars(report)


def newest(stores, client_id: str):
    return stores.conversations.newest(client_id)[0][0]


def new_client(stores, phone: str):
    from chalicelib.domain.clients import Client

    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Settle", "Me", phone)
    )


def send_from_page(visitor, client_id: str, body: str):
    page = visitor.get(f"/clients/{client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    return visitor.post(f"/clients/{client_id}/messages", {"body": body, "draft_id": draft})


def test_a_send_twilio_never_got_ends_not_sent_after_asking(kristina, twilio, stores):
    phone = fresh_phone()
    client = new_client(stores, phone)
    twilio.drop_next_creates(to=phone)  # the connection drops before Twilio creates it
    answer = send_from_page(kristina, client.client_id, "Drop before create")
    assert answer.status_code == 202 and newest(stores, client.client_id).status == "unknown"
    settle(stores, minutes_later=1)  # too early: callbacks get their chance first
    assert newest(stores, client.client_id).status == "unknown"
    settle(stores, minutes_later=11)
    text = newest(stores, client.client_id)
    assert text.status == "not_sent" and "Send it again" in text.problem
    assert stores.clients.get(client.client_id).delivery_problem
    assert twilio.messages(to=phone) == []  # asking never sends
    assert "Not sent" in page_text(kristina.get(f"/clients/{client.client_id}"))


def test_a_send_twilio_has_but_never_called_back_about_takes_twilios_status(stack, stores):
    """The Lambda died after Twilio took the text, and the callback never came."""
    from infra.local.fake_twilio import sdk_client

    phone = fresh_phone()
    client = new_client(stores, phone)
    outbound_id = secrets.token_hex(16)
    entry = outbound_entry(client, outbound_id, "Twilio has this one")
    assert stores.outbound.start(entry, "digest") is None
    created = sdk_client(stack.twilio.base_url).messages.create(
        from_=PROBATION, to=phone, body="Twilio has this one"
    )
    settle(stores, minutes_later=4)
    text = newest(stores, client.client_id)
    assert text.sid == created.sid and text.status not in ("sending_to_twilio", "unknown")
    assert stores.outbound.find_sid(created.sid).ref.client_id == client.client_id
    before = len(stack.twilio.messages(to=phone))
    settle(stores, minutes_later=30)  # settled texts leave the index: nothing more happens
    assert len(stack.twilio.messages(to=phone)) == before
    assert newest(stores, client.client_id).sid == created.sid


def test_a_send_whose_lambda_died_before_calling_twilio_ends_not_sent(stores):
    client = new_client(stores, fresh_phone())
    entry = outbound_entry(client, secrets.token_hex(16), "Never reached Twilio")
    assert stores.outbound.start(entry, "digest") is None
    settle(stores, minutes_later=11)
    assert newest(stores, client.client_id).status == "not_sent"


def test_a_settled_send_is_no_longer_waiting_to_be_checked(stores):
    client = new_client(stores, fresh_phone())
    entry = outbound_entry(client, secrets.token_hex(16), "Settled at once")
    stores.outbound.start(entry, "digest")
    later = real_now() + timedelta(minutes=30)
    assert any(s.ref.client_id == client.client_id for s in stores.outbound.unresolved(later))
    from chalicelib.store.outbound import ref_for

    stores.outbound.record_sent(
        ref_for(entry), entry.entry_id, "kristina", "SM" + "a" * 32, "queued", 1
    )
    assert not any(s.ref.client_id == client.client_id for s in stores.outbound.unresolved(later))
