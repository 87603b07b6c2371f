"""Resolving an unknown outcome: find_sent asks Twilio whether the text went out after all."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.twilio_gateway import (
    TwilioCredentials,
    TwilioGateway,
    TwilioNotSent,
    TwilioOutcomeUnknown,
    TwilioRefused,
    rest_client,
)
from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, FakeTwilio

from .conftest import CLIENT_PHONE, PROBATION, QUICK, MakeGateway, closed_port_url

# reads the clock, but looking a text up by the time it was sent:
# one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour

BODY = "Your court date moved to Friday 9am."
ANY_TIME = datetime(2027, 1, 5, 16, tzinfo=UTC)  # where the time asked about does not matter


def test_a_drop_after_twilio_created_the_text_is_found_by_find_sent(
    now, fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    gateway = make_gateway()
    asked_at = now
    fake.drop_next_creates(after_create=True)

    with pytest.raises(TwilioOutcomeUnknown):
        gateway.send(from_=PROBATION, to=CLIENT_PHONE, body=BODY, status_callback=status_callback)
    fake.wait_for_callbacks()
    found = gateway.find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=asked_at, body=BODY)

    assert found is not None and found.sid == fake.messages()[0]["sid"]
    assert found.status == "delivered"


def test_a_drop_before_twilio_created_the_text_finds_nothing(
    now, fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    gateway = make_gateway()
    asked_at = now
    fake.drop_next_creates()

    with pytest.raises(TwilioOutcomeUnknown):
        gateway.send(from_=PROBATION, to=CLIENT_PHONE, body=BODY, status_callback=status_callback)

    assert (
        gateway.find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=asked_at, body=BODY) is None
    )


def test_find_sent_does_not_mistake_another_text_or_an_older_one_for_the_lost_one(
    now, fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    gateway = make_gateway()
    gateway.send(
        from_=PROBATION, to=CLIENT_PHONE, body="Other text", status_callback=status_callback
    )
    gateway.send(from_=PROBATION, to=CLIENT_PHONE, body=BODY, status_callback=status_callback)
    fake.wait_for_callbacks()
    later = now + timedelta(minutes=5)

    assert gateway.find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=later, body=BODY) is None
    assert (
        gateway.find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=now, body="Not sent") is None
    )


def test_a_text_still_queued_at_twilio_is_found_too(
    now, make_gateway: MakeGateway, status_callback: str
) -> None:
    """A queued message has no DateSent yet; looking it up must not depend on one, or an
    unknown send that Twilio is still holding would look unsent and be sent again."""
    slow = FakeTwilio(owned_numbers={PROBATION: "Probation"}, callback_delay=30).start()
    try:
        gateway = make_gateway(base_url=slow.base_url)
        asked_at = now
        sent = gateway.send(
            from_=PROBATION, to=CLIENT_PHONE, body=BODY, status_callback=status_callback
        )
        found = gateway.find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=asked_at, body=BODY)
    finally:
        slow.stop()

    assert found is not None and found.sid == sent.sid and found.status == "queued"


def test_looking_up_messages_logs_no_phone_numbers(
    fake: FakeTwilio, make_gateway: MakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    """The SDK's own client logs each request's query (To=..., From=...) at INFO."""
    caplog.set_level(logging.DEBUG)

    make_gateway().find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=ANY_TIME, body=BODY)

    ours = [r for r in caplog.records if r.name.startswith(("chalicelib", "twilio"))]
    informative = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert ours and all("3855550101" not in r.getMessage() for r in ours + informative)


def test_a_lookup_twilio_refuses_raises_our_named_error_not_the_sdks(fake: FakeTwilio) -> None:
    wrong = TwilioCredentials(LOCAL_ACCOUNT_SID, "not-the-token", fake.base_url)
    gateway = TwilioGateway(rest_client(wrong, QUICK), timeouts=QUICK)

    with pytest.raises(TwilioRefused) as caught:
        gateway.find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=ANY_TIME, body=BODY)

    assert caught.value.code == 20003


def test_a_lookup_that_cannot_connect_is_not_sent_so_it_can_be_asked_again(
    make_gateway: MakeGateway,
) -> None:
    gateway = make_gateway(base_url=closed_port_url())

    with pytest.raises(TwilioNotSent):
        gateway.find_sent(from_=PROBATION, to=CLIENT_PHONE, sent_after=ANY_TIME, body=BODY)
