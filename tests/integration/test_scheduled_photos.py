"""A scheduled text with a photo: the attachment is kept on the scheduled text and its
MediaUrl is signed when the sender hands the text to Twilio, not when it was scheduled
(it may wait days; a URL signed then would have expired)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine

from tests.clock import real_now
from tests.integration.test_sending_photos import new_client, png_bytes, uploaded

# reads the clock only to pick a day ahead and travel to it: one instant is enough
pytestmark = pytest.mark.any_hour


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


def schedule_with(kristina, client_id: str, key: str, body: str = "Your paystub form"):
    from chalicelib.config import get_jurisdiction

    day = (real_now() + timedelta(days=2)).astimezone(get_jurisdiction().zone).date()
    kristina.get(f"/clients/{client_id}")
    form = {"body": body, "send_date": day.isoformat(), "send_time": "09:00"}
    return kristina.post(
        f"/clients/{client_id}/scheduled",
        form | {"attachment_key": key, "attachment_name": "a.png"},
    )


def signed_at(url: str) -> datetime:
    stamp = parse_qs(urlsplit(url).query)["X-Amz-Date"][0]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_a_scheduled_photo_is_kept_and_signed_at_send_time(kristina, stack, stores, sender):
    from chalicelib import bootstrap
    from chalicelib.services.sending import SendOrder, send_order

    client = new_client(stores)
    photo = png_bytes()
    key = uploaded(kristina, client.client_id, photo)
    answer = schedule_with(kristina, client.client_id, key)
    assert answer.status_code == 303, answer.body[:400]
    (text,) = stores.scheduled.pending_for_client(client.client_id)
    assert [(m.key, m.name, m.state.value) for m in text.media] == [(key, "a.png", "stored")]

    at_send = text.send_at + timedelta(minutes=1)
    with time_machine.travel(at_send, tick=True):
        outcome = send_order(
            SendOrder.of(text), replace(sender, media=bootstrap.media_bucket()), at_send
        )
        assert outcome == "sent"
        (message,) = stack.twilio.messages(to=client.phone)
        (url,) = stack.twilio.media_urls(message["sid"])
        assert abs(signed_at(url) - at_send) < timedelta(minutes=2)  # days after scheduling
        assert requests.get(url, timeout=10).content == photo
    entry = stores.conversations.newest(client.client_id)[0][0]
    assert [m.key for m in entry.media] == [key]
    assert message["body"] == "Your paystub form"


def test_scheduling_with_another_clients_upload_is_refused(kristina, stores):
    mine, theirs = new_client(stores), new_client(stores)
    their_key = uploaded(kristina, theirs.client_id, png_bytes())
    answer = schedule_with(kristina, mine.client_id, their_key)
    assert answer.status_code == 400
    assert "did not finish uploading" in answer.body.decode()
    assert stores.scheduled.pending_for_client(mine.client_id) == []


def test_a_scheduled_text_without_a_photo_sends_no_media(kristina, stack, stores, sender):
    from chalicelib.services.sending import SendOrder, send_order

    client = new_client(stores)
    day = (real_now() + timedelta(days=2)).date().isoformat()
    kristina.get(f"/clients/{client.client_id}")
    kristina.post(
        f"/clients/{client.client_id}/scheduled",
        {"body": "Words only " + secrets.token_hex(2), "send_date": day, "send_time": "09:00"},
    )
    (text,) = stores.scheduled.pending_for_client(client.client_id)
    assert text.media == ()
    with time_machine.travel(text.send_at + timedelta(minutes=1), tick=True):
        assert send_order(SendOrder.of(text), sender, text.send_at) == "sent"
    (message,) = stack.twilio.messages(to=client.phone)
    assert message["num_media"] == "0"


def test_the_waiting_text_says_it_carries_a_file(kristina, stores):
    client = new_client(stores)
    key = uploaded(kristina, client.client_id, png_bytes())
    schedule_with(kristina, client.client_id, key)
    page = kristina.get(f"/clients/{client.client_id}").body.decode()
    assert "With a file: a.png" in page
