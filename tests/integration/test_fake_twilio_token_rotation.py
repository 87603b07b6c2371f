"""The fake Twilio rotates its auth token as Twilio does: a secondary token opens the REST
API beside the primary; promoting it makes it sign every request, and the old primary
stops working. Driven through the official SDK (``accounts.v1``) and the fake's methods."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from infra.local.fake_twilio import LOCAL_AUTH_TOKEN, FakeTwilio, sdk_client
from tests.integration.test_fake_twilio import Receiver

PROBATION = "+18015550100"
CLIENT_PHONE = "+13855550101"
NEW = "0e770ce0" * 4


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    target = Receiver()
    target.thread.start()
    yield target
    target.server.shutdown()
    target.server.server_close()
    target.thread.join(timeout=5)


@pytest.fixture
def fake(receiver) -> Iterator[FakeTwilio]:
    instance = FakeTwilio(
        owned_numbers={PROBATION: "Probation"},
        sms_webhook_url=receiver.base_url + "/sms",
        callback_delay=0,
    ).start()
    yield instance
    instance.stop()


def signed_with(token: str, request: dict) -> bool:
    return RequestValidator(token).validate(request["url"], request["params"], request["signature"])


def send(fake: FakeTwilio, token: str, status_callback: str | None = None):
    extra = {"status_callback": status_callback} if status_callback else {}
    client = sdk_client(fake.base_url, auth_token=token)
    return client.messages.create(to=CLIENT_PHONE, from_=PROBATION, body="hi", **extra)


def test_a_secondary_token_opens_the_api_while_requests_stay_signed_with_the_primary(
    fake, receiver
):
    fake.create_secondary_auth_token(NEW)
    assert send(fake, NEW).status == "queued"
    assert send(fake, LOCAL_AUTH_TOKEN).status == "queued"
    fake.send_inbound(from_=CLIENT_PHONE, to=PROBATION, body="before the promotion")
    assert signed_with(LOCAL_AUTH_TOKEN, receiver.requests[-1])
    assert fake.auth_token == LOCAL_AUTH_TOKEN


def test_after_the_promotion_requests_are_signed_with_the_new_token_and_the_old_one_fails(
    fake, receiver
):
    fake.create_secondary_auth_token(NEW)
    assert fake.promote_secondary_auth_token() == NEW
    fake.send_inbound(from_=CLIENT_PHONE, to=PROBATION, body="after the promotion")
    assert signed_with(NEW, receiver.requests[-1])
    assert not signed_with(LOCAL_AUTH_TOKEN, receiver.requests[-1])

    send(fake, NEW, status_callback=receiver.base_url + "/status")
    fake.wait_for_callbacks()
    callbacks = [r for r in receiver.requests if r["url"].endswith("/status")]
    assert callbacks and all(signed_with(NEW, r) for r in callbacks)

    with pytest.raises(TwilioRestException) as refused:
        send(fake, LOCAL_AUTH_TOKEN)
    assert (refused.value.status, refused.value.code) == (401, 20003)
    assert fake.secondary_auth_token is None


def test_the_sdks_auth_token_calls_create_and_promote_a_secondary_token(fake, receiver):
    client = sdk_client(fake.base_url)
    made = client.accounts.v1.secondary_auth_token().create()
    assert made.secondary_auth_token == fake.secondary_auth_token
    promoted = client.accounts.v1.auth_token_promotion().update()
    assert promoted.auth_token == made.secondary_auth_token == fake.auth_token
    with pytest.raises(TwilioRestException) as nothing_to_promote:
        sdk_client(
            fake.base_url, auth_token=fake.auth_token
        ).accounts.v1.auth_token_promotion().update()
    assert nothing_to_promote.value.status == 400
