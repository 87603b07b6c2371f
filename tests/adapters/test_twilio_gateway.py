"""TwilioGateway.send against the fake Twilio misbehaving: each fault has one named outcome."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest

from chalicelib.adapters.twilio_gateway import (
    InvalidRecipient,
    RecipientOptedOut,
    SentMessage,
    TwilioError,
    TwilioGateway,
    TwilioNotSent,
    TwilioOutcomeUnknown,
    TwilioRefused,
    TwilioTimeouts,
    TwilioUnavailable,
)
from infra.local.fake_twilio import OPTED_OUT_NUMBER, FakeTwilio

from .conftest import CLIENT_PHONE, PROBATION, MakeGateway, closed_port_url


def send(
    gateway: TwilioGateway, status_callback: str, to: str = CLIENT_PHONE, body: str = "Court 9am"
) -> SentMessage:
    return gateway.send(from_=PROBATION, to=to, body=body, status_callback=status_callback)


@pytest.fixture
def full_backlog_url() -> Iterator[str]:
    """A listener whose accept queue is full: new connections hang until they time out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}"
    for sock in [*fillers, listener]:
        sock.close()


def test_a_text_twilio_accepts_comes_back_with_its_sid_status_and_segments(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    sent = send(make_gateway(), status_callback)

    assert (sent.sid, sent.status, sent.segments) == (fake.messages()[0]["sid"], "queued", 1)


def test_a_hung_create_is_an_unknown_outcome_after_about_the_default_read_timeout(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.hang_next_creates(30)
    started = time.monotonic()

    with pytest.raises(TwilioOutcomeUnknown):
        send(make_gateway(TwilioTimeouts()), status_callback)

    elapsed = time.monotonic() - started
    assert 4.5 <= elapsed <= 6.5, elapsed  # the 5 s read timeout, not the 30 s hang
    assert fake.messages() == []  # no blind resend: a retry would have been created at once


def test_a_connection_dropped_before_twilio_answers_is_unknown_and_not_resent(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.drop_next_creates(count=3)

    with pytest.raises(TwilioOutcomeUnknown):
        send(make_gateway(), status_callback)

    assert len(fake.pending_faults) == 1 and fake.pending_faults[0]["count"] == 2


def test_a_refused_connection_is_not_sent_and_retried_within_the_budget(
    make_gateway: MakeGateway, status_callback: str
) -> None:
    started = time.monotonic()

    with pytest.raises(TwilioNotSent) as caught:
        send(make_gateway(base_url=closed_port_url()), status_callback)

    assert time.monotonic() - started < 2.0
    assert isinstance(caught.value.__cause__, OSError)


def test_a_connect_timeout_is_not_sent_and_each_attempt_stops_at_the_connect_timeout(
    make_gateway: MakeGateway, status_callback: str, full_backlog_url: str
) -> None:
    timeouts = TwilioTimeouts(connect=0.5, read=1.0, total=3.0)
    started = time.monotonic()

    with pytest.raises(TwilioNotSent):
        send(make_gateway(timeouts, base_url=full_backlog_url, attempts=2), status_callback)

    assert 1.0 <= time.monotonic() - started < 2.5  # two attempts of 0.5 s and a pause


def test_a_429_then_success_waits_for_retry_after_and_sends_once(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.fail_next_creates(429, retry_after=1)
    started = time.monotonic()

    sent = send(make_gateway(), status_callback)

    assert time.monotonic() - started >= 1.0
    assert [m["sid"] for m in fake.messages()] == [sent.sid]


def test_a_retry_after_beyond_the_budget_is_handed_to_the_caller_at_once(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.fail_next_creates(429, retry_after=30)
    started = time.monotonic()

    with pytest.raises(TwilioNotSent) as caught:
        send(make_gateway(), status_callback)

    assert (caught.value.code, caught.value.retry_after) == (20429, 30.0)
    assert time.monotonic() - started < 1.0 and fake.messages() == []


def test_503_every_time_gives_up_as_not_sent_after_the_allowed_attempts(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.fail_next_creates(503, count=5)

    with pytest.raises(TwilioNotSent) as caught:
        send(make_gateway(attempts=3), status_callback)

    assert caught.value.code == 20503
    assert fake.pending_faults[0]["count"] == 2  # three of five used: three attempts


def test_retries_never_run_past_the_total_budget(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.fail_next_creates(429, count=10, retry_after=1)
    timeouts = TwilioTimeouts(connect=1.0, read=1.0, total=2.5)
    started = time.monotonic()

    with pytest.raises(TwilioNotSent):
        send(make_gateway(timeouts, attempts=10), status_callback)

    assert time.monotonic() - started < 2.5
    assert fake.pending_faults[0]["count"] == 8  # 2 attempts fitted, not 10


def test_a_500_is_an_unknown_outcome_and_not_retried_by_default(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.fail_next_creates(500, count=2)

    with pytest.raises(TwilioOutcomeUnknown) as caught:
        send(make_gateway(), status_callback)

    assert caught.value.code == 20500
    assert fake.pending_faults[0]["count"] == 1


def test_a_500_twice_is_retried_and_sent_when_server_errors_count_as_not_sent(
    fake: FakeTwilio, make_gateway: MakeGateway, status_callback: str
) -> None:
    fake.fail_next_creates(500, count=2)

    sent = send(make_gateway(server_errors_not_sent=True, attempts=3), status_callback)

    assert [m["sid"] for m in fake.messages()] == [sent.sid]
    assert fake.pending_faults == []


@pytest.mark.parametrize(
    ("to", "error", "code"),
    [(OPTED_OUT_NUMBER, RecipientOptedOut, 21610), ("12345", InvalidRecipient, 21211)],
    ids=["opted out", "not a phone number"],
)
def test_refusals_of_the_recipient_are_permanent_and_not_retried(
    make_gateway: MakeGateway,
    status_callback: str,
    to: str,
    error: type[TwilioError],
    code: int,
) -> None:
    started = time.monotonic()

    with pytest.raises(error) as caught:
        send(make_gateway(), status_callback, to=to)

    assert caught.value.code == code and time.monotonic() - started < 0.5


def test_a_request_twilio_rejects_outright_is_refused_not_retried(
    make_gateway: MakeGateway, status_callback: str
) -> None:
    gateway = make_gateway()

    with pytest.raises(TwilioRefused) as caught:
        gateway.send(
            from_="+18015559999", to=CLIENT_PHONE, body="x", status_callback=status_callback
        )

    assert caught.value.code == 21606


def test_the_old_unavailable_name_still_catches_not_sent() -> None:
    assert TwilioUnavailable is TwilioNotSent
