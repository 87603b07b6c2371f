"""Timeouts and the per-call deadline that every Twilio request is held to."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest

from chalicelib.adapters.twilio_http import BoundedHttpClient
from chalicelib.adapters.twilio_timing import TwilioTimeouts, call_deadline, parse_retry_after

# reads the clock, but a Retry-After date a minute ahead: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour


def test_each_request_gets_a_connect_and_a_read_timeout() -> None:
    client = BoundedHttpClient(TwilioTimeouts(connect=3.0, read=5.0, total=8.0))

    assert client.timeout == (3.0, 5.0)


def test_inside_a_call_the_timeouts_shrink_to_what_is_left_of_its_deadline() -> None:
    client = BoundedHttpClient(TwilioTimeouts(connect=3.0, read=5.0, total=8.0))

    with call_deadline(1.0):
        connect, read = client.timeout
        with call_deadline(30.0):  # an inner block can't extend the outer one
            inner = client.timeout

    assert 0 < connect <= 1.0 and 0 < read <= 1.0 and max(inner) <= 1.0
    assert client.timeout == (3.0, 5.0)


def test_timeouts_are_read_from_the_environment_with_defaults_for_the_rest() -> None:
    timeouts = TwilioTimeouts.from_environment(
        {"TWILIO_CONNECT_TIMEOUT": "2", "TWILIO_TOTAL_TIMEOUT": "6.5"}
    )

    assert timeouts == TwilioTimeouts(connect=2.0, read=5.0, total=6.5)


def test_a_zero_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        TwilioTimeouts(read=0)


def test_retry_after_is_understood_as_seconds_or_as_an_http_date(
    now,
) -> None:
    in_a_minute = format_datetime(now + timedelta(seconds=60), usegmt=True)

    assert parse_retry_after("2") == 2.0
    assert 55 <= (parse_retry_after(in_a_minute) or 0) <= 60
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_without_explicit_timeouts_each_request_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = BoundedHttpClient()
    monkeypatch.setenv("TWILIO_READ_TIMEOUT", "1.5")
    monkeypatch.delenv("TWILIO_CONNECT_TIMEOUT", raising=False)

    assert client.timeout == (3.0, 1.5)


def test_a_timeout_setting_that_is_not_a_number_says_which_one() -> None:
    with pytest.raises(ValueError, match="TWILIO_READ_TIMEOUT"):
        TwilioTimeouts.from_environment({"TWILIO_READ_TIMEOUT": "5s"})
