"""The auth token is rotated in the runbook's order while a client keeps texting, and no text
is refused, retried or sent to the fallback URL, and each is stored once.

A stack of the test's own: the app in two local Lambda containers (each with its own copy
of the secrets, as on AWS) reading its Twilio secrets from SSM in moto, and a fake Twilio
account that rotates its token as Twilio does. The steps are the runbook's
(docs/operations.md, "Rotate secrets"), without its wait between storing and promoting:
the containers still hold the old token when Twilio starts signing with the new one.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import boto3
import pytest

from chalicelib.domain.conversation import Direction
from infra.definitions import rotation_parameters, secret_parameters
from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, FakeTwilio, InboundResult
from infra.local.gateway import LocalApiGateway
from infra.ops import store_secrets
from infra.package.webhooks import CONNECTION_OVERRIDES
from tests.helpers import ROOT, fresh_phone

OLD = "01d70ce0" * 4
NEW = "0e770ce0" * 4
PROBATION = "+18015550100"
OWNED = {PROBATION: "Probation", "+18015550200": "Pretrial"}
PATIENCE = 120.0  # seconds for a few texts to arrive, on a busy machine


@dataclass
class Rotation:
    """The test's own app, Twilio account and secrets."""

    county: str
    app: LocalApiGateway
    twilio: FakeTwilio

    @property
    def ssm(self):
        return boto3.client("ssm")


@pytest.fixture
def rotation(stack) -> Iterator[Rotation]:
    county = f"rotating-{secrets.token_hex(4)}"
    store_secrets.store_secrets(boto3.client("ssm"), county, (LOCAL_ACCOUNT_SID, OLD))
    app = LocalApiGateway("127.0.0.1", 0, ROOT, max_workers=2, warm_workers=2)
    twilio = FakeTwilio(
        account_sid=LOCAL_ACCOUNT_SID,
        auth_token=OLD,
        owned_numbers=OWNED,
        sms_webhook_url=f"{app.url}/webhooks/twilio/sms{CONNECTION_OVERRIDES}",
        sms_fallback_url=f"{app.url}/webhooks/twilio/fallback",
        callback_delay=0.05,
    ).start()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
    }
    environment.update(secret_parameters(county))  # as the stack's template sets them
    environment.update(rotation_parameters(county))
    environment.update(PUBLIC_BASE_URL=app.url, TWILIO_API_BASE_URL=twilio.base_url)
    try:
        app.start(environment)
        app.wait_until_warm()
        yield Rotation(county, app, twilio)
    finally:
        twilio.stop()
        app.stop()


@dataclass
class Texter:
    """A client texting the department number, one text after another, until stopped."""

    twilio: FakeTwilio
    phone: str = field(default_factory=fresh_phone)
    results: list[InboundResult] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    failure: BaseException | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _more: threading.Condition = field(default_factory=threading.Condition)

    def run(self) -> None:
        try:
            while not self._stop.is_set():
                body = f"text {len(self.results) + 1}"
                result = self.twilio.send_inbound(from_=self.phone, to=PROBATION, body=body)
                with self._more:
                    self.bodies.append(body)
                    self.results.append(result)
                    self._more.notify_all()
        except BaseException as exc:  # reported by the test, not lost in a thread
            self.failure = exc

    def wait_for_more(self, count: int) -> None:
        """Until ``count`` more texts have been answered, whatever the answers."""
        with self._more:
            target = len(self.results) + count
            arrived = self._more.wait_for(
                lambda: len(self.results) >= target or self.failure is not None, PATIENCE
            )
        assert self.failure is None, self.failure
        assert arrived, f"only {len(self.results)} texts answered in {PATIENCE:.0f} s"

    def stop(self) -> None:
        self._stop.set()


@pytest.fixture
def texter(rotation) -> Iterator[Texter]:
    made = Texter(rotation.twilio)
    thread = threading.Thread(target=made.run, name="texter", daemon=True)
    thread.start()
    yield made
    made.stop()
    thread.join(timeout=PATIENCE)


def step(texter: Texter, action: Callable[[], object]) -> None:
    action()
    texter.wait_for_more(3)


@pytest.mark.any_hour
def test_texts_arriving_while_the_token_is_rotated_are_all_taken_once(rotation, texter, stores):
    ssm, county, twilio = rotation.ssm, rotation.county, rotation.twilio
    texter.wait_for_more(3)  # signed with OLD; every container now holds OLD
    step(texter, lambda: store_secrets.rotate_twilio_token(ssm, county, NEW))  # current NEW
    step(texter, lambda: twilio.create_secondary_auth_token(NEW))  # in the Twilio console
    step(texter, twilio.promote_secondary_auth_token)  # from now on signed with NEW
    step(texter, lambda: store_secrets.end_twilio_rotation(ssm, county))
    texter.stop()

    refused = [r for r in texter.results if (r.status_code, r.attempts) != (200, 1)]
    assert refused == [], f"{len(refused)} of {len(texter.results)} texts not taken at once"
    assert not any(r.used_fallback for r in texter.results)
    assert all(status == 200 for _, _, status in twilio.callback_log)
    stored = stores.unclaimed.texts("probation", texter.phone, 500)
    bodies = [entry.body for entry in stored if entry.direction is Direction.INBOUND]
    assert bodies == texter.bodies  # each stored once, in order (with one auto-reply)
