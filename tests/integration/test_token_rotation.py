"""Rotating the Twilio auth token loses no text: the webhooks accept a signature made with
the current or the previous token, and a container that still holds the token it read
before the rotation reads it again when a signature does not check out, instead of
refusing Twilio for as long as its copy is cached.

These run the app in this process with its Twilio secrets in (moto's) SSM, as a deployed
stack keeps them; each test stores its own parameters, so no container copy is shared.
"""

from __future__ import annotations

import secrets

import boto3
import pytest

from tests.helpers import fresh_phone, new_sid, signed_webhook

SID = "AC" + "0123456789abcdef" * 2
OLD = "01d70ce0" * 4
NEW = "0e770ce0" * 4
DEPARTMENT_NUMBER = "+18015550100"


class Secrets:
    """The SecureStrings of one stack's Twilio account, in moto's SSM."""

    def __init__(self) -> None:
        self.root = f"/clientcomm/rotation-{secrets.token_hex(4)}/twilio"
        self.ssm = boto3.client("ssm")

    @property
    def environment(self) -> dict[str, str]:
        return {
            "TWILIO_ACCOUNT_SID_PARAMETER": f"{self.root}/account_sid",
            "TWILIO_AUTH_TOKEN_PARAMETER": f"{self.root}/auth_token",
            "TWILIO_PREVIOUS_AUTH_TOKEN_PARAMETER": f"{self.root}/previous_auth_token",
        }

    def put(self, name: str, value: str) -> None:
        self.ssm.put_parameter(
            Name=f"{self.root}/{name}", Value=value, Type="SecureString", Overwrite=True
        )

    def delete(self, name: str) -> None:
        self.ssm.delete_parameter(Name=f"{self.root}/{name}")


@pytest.fixture()
def in_ssm(stack, monkeypatch):
    """The app reads its Twilio secrets from SSM (as deployed), starting with OLD."""
    stored = Secrets()
    stored.put("account_sid", SID)
    stored.put("auth_token", OLD)
    monkeypatch.delenv("TWILIO_ACCOUNT_SID")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    for name, value in stored.environment.items():
        monkeypatch.setenv(name, value)
    return stored


def inbound(http, token: str):
    form = {"MessageSid": new_sid(), "From": fresh_phone(), "To": DEPARTMENT_NUMBER, "Body": "hi"}
    return signed_webhook(http, "/webhooks/twilio/sms", form, token=token)


@pytest.mark.any_hour
def test_a_text_signed_with_the_new_token_is_taken_right_after_it_is_stored(http, in_ssm):
    assert inbound(http, OLD).status_code == 200  # the container now holds OLD
    in_ssm.put("auth_token", NEW)
    in_ssm.put("previous_auth_token", OLD)

    assert inbound(http, NEW).status_code == 200  # Twilio promoted NEW at once
    assert inbound(http, OLD).status_code == 200  # a retry signed before the promotion


@pytest.mark.any_hour
def test_a_text_signed_with_the_previous_token_is_taken_until_it_is_cleared(http, in_ssm):
    in_ssm.put("auth_token", NEW)
    in_ssm.put("previous_auth_token", OLD)
    assert inbound(http, OLD).status_code == 200
    assert inbound(http, NEW).status_code == 200


@pytest.mark.any_hour
def test_a_signature_made_with_neither_token_is_refused(http, in_ssm):
    in_ssm.put("auth_token", NEW)
    in_ssm.put("previous_auth_token", OLD)
    assert inbound(http, "5eec7e70" * 4).status_code == 403
