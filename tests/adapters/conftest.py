"""An in-process fake Twilio and gateways pointed at it; no app, no AWS."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.adapters.twilio_gateway import (
    TwilioCredentials,
    TwilioGateway,
    TwilioTimeouts,
    rest_client,
)
from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, FakeTwilio

PROBATION = "+18015550100"
CLIENT_PHONE = "+13855550101"
QUICK = TwilioTimeouts(connect=1.0, read=1.0, total=4.0)

MakeGateway = Callable[..., TwilioGateway]


def closed_port_url(path: str = "/") -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    instance = FakeTwilio(owned_numbers={PROBATION: "Probation"}, callback_delay=0).start()
    yield instance
    instance.stop()


@pytest.fixture
def status_callback() -> str:
    return closed_port_url("/webhooks/twilio/status")


@pytest.fixture
def make_gateway(fake: FakeTwilio) -> MakeGateway:
    """A gateway on the real SDK and our bounded HTTP client, aimed at the fake."""

    def build(
        timeouts: TwilioTimeouts = QUICK, base_url: str | None = None, **options: Any
    ) -> TwilioGateway:
        creds = TwilioCredentials(LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, base_url or fake.base_url)
        return TwilioGateway(rest_client(creds, timeouts), timeouts=timeouts, **options)

    return build
