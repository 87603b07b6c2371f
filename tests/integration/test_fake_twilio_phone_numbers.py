"""The fake Twilio's IncomingPhoneNumbers, driven through the official SDK as point_twilio
drives Twilio: list by number, fetch, update the SMS webhooks, and texts then go there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, FakeTwilio, sdk_client
from tests.integration.test_fake_twilio import Receiver, running_receivers

PROBATION = "+18015550100"
PRETRIAL = "+18015550200"
CLIENT_PHONE = "+13855550101"
OWNED = {PROBATION: "Probation", PRETRIAL: "Pretrial"}


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    """Where the numbers point first, and where they are pointed next."""
    with running_receivers(2) as (first, second):
        yield first, second


@pytest.fixture
def fake(receivers) -> Iterator[FakeTwilio]:
    first, _ = receivers
    instance = FakeTwilio(
        owned_numbers=OWNED,
        sms_webhook_url=first.base_url + "/sms",
        sms_fallback_url=first.base_url + "/fallback",
        callback_delay=0,
    ).start()
    yield instance
    instance.stop()


@pytest.fixture
def client(fake) -> Client:
    return sdk_client(fake.base_url)


def test_a_number_is_listed_by_its_phone_number_in_twilios_shape(client, fake):
    (found,) = client.incoming_phone_numbers.list(phone_number=PROBATION, limit=1)
    assert found.phone_number == PROBATION
    assert found.friendly_name == "Probation"
    assert found.sid.startswith("PN") and len(found.sid) == 34
    assert found.account_sid == LOCAL_ACCOUNT_SID
    assert (found.sms_url, found.sms_method) == (fake.sms_webhook_url, "POST")
    assert (found.sms_fallback_url, found.sms_fallback_method) == (fake.sms_fallback_url, "POST")
    assert found.capabilities["sms"] is True
    assert found.uri.endswith(f"/IncomingPhoneNumbers/{found.sid}.json")
    assert client.incoming_phone_numbers.list(phone_number="+18015550999") == []


def test_a_partial_number_with_wildcards_lists_every_match_across_pages(client):
    assert {n.phone_number for n in client.incoming_phone_numbers.list(phone_number="555")} == {
        PROBATION,
        PRETRIAL,
    }
    matches = client.incoming_phone_numbers.list(phone_number="801555**00", page_size=1)
    assert sorted(n.phone_number for n in matches) == [PROBATION, PRETRIAL]
    assert [n.phone_number for n in client.incoming_phone_numbers.list(phone_number="*200")] == [
        PRETRIAL
    ]


def test_updating_a_numbers_webhooks_sends_its_texts_there_and_no_other_numbers(
    client, fake, receivers
):
    first, second = receivers
    (record,) = client.incoming_phone_numbers.list(phone_number=PROBATION, limit=1)
    updated = record.update(
        sms_url=second.base_url + "/webhooks/twilio/sms#rc=2&rp=all",
        sms_method="POST",
        sms_fallback_url=second.base_url + "/webhooks/twilio/fallback",
        sms_fallback_method="POST",
    )
    assert updated.sms_url == second.base_url + "/webhooks/twilio/sms#rc=2&rp=all"
    fetched = client.incoming_phone_numbers(record.sid).fetch()
    assert fetched.sms_fallback_url == second.base_url + "/webhooks/twilio/fallback"

    assert fake.send_inbound(from_=CLIENT_PHONE, to=PROBATION, body="to probation").status_code
    assert fake.send_inbound(from_=CLIENT_PHONE, to=PRETRIAL, body="to pretrial").status_code
    assert [r["params"]["Body"] for r in second.requests] == ["to probation"]
    assert second.requests[0]["url"] == second.base_url + "/webhooks/twilio/sms"
    assert [r["params"]["Body"] for r in first.requests] == ["to pretrial"]


def test_an_invalid_webhook_url_is_refused_and_changes_nothing(client, fake):
    (record,) = client.incoming_phone_numbers.list(phone_number=PRETRIAL, limit=1)
    for bad in ("not a url", "ftp://example.gov/sms", "https://example.gov/sms#rc=9"):
        with pytest.raises(TwilioRestException) as refused:
            record.update(sms_url=bad)
        assert (refused.value.status, refused.value.code) == (400, 21402)
    with pytest.raises(TwilioRestException) as refused:
        record.update(sms_method="PUT")
    assert refused.value.status == 400
    assert client.incoming_phone_numbers(record.sid).fetch().sms_url == fake.sms_webhook_url


def test_an_unknown_number_sid_is_not_found_and_wrong_credentials_are_refused(fake):
    client = sdk_client(fake.base_url)
    with pytest.raises(TwilioRestException) as missing:
        client.incoming_phone_numbers("PN" + "0" * 32).fetch()
    assert missing.value.status == 404
    stranger = sdk_client(fake.base_url, auth_token="not-the-token")
    with pytest.raises(TwilioException) as refused:  # the SDK's listing raises the plain kind
        stranger.incoming_phone_numbers.list(phone_number=PROBATION)
    assert refused.value.args[1].status_code == 401
    assert '"code": 20003' in refused.value.args[1].text


def test_pointing_every_number_at_once_replaces_what_each_was_set_to(client, fake, receivers):
    first, second = receivers
    (record,) = client.incoming_phone_numbers.list(phone_number=PROBATION, limit=1)
    record.update(sms_url=second.base_url + "/one")
    fake.sms_webhook_url = first.base_url + "/every"
    assert fake.number_webhooks(PROBATION) == (first.base_url + "/every", fake.sms_fallback_url)
    assert fake.number_webhooks(PRETRIAL)[0] == first.base_url + "/every"
