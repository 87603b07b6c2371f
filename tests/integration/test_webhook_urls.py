"""Twilio signs the URL it called: behind a stage path or a custom domain the check must use
the configured public URL, not what the Lambda sees."""

from __future__ import annotations

import pytest

from tests.helpers import new_sid, signed_webhook


@pytest.mark.parametrize(
    "public",
    [
        "https://abc123.execute-api.us-west-2.amazonaws.com/api",
        "https://texts.probation.example.gov",
    ],
)
def test_signatures_are_checked_against_the_public_url(http, monkeypatch, public):
    monkeypatch.setenv("PUBLIC_BASE_URL", public)
    params = {"MessageSid": new_sid(), "From": "+13035550177", "To": "+18015550999", "Body": "hi"}
    right = signed_webhook(
        http, "/webhooks/twilio/sms", params, url=public + "/webhooks/twilio/sms"
    )
    assert right.status_code == 200
    wrong = signed_webhook(
        http,
        "/webhooks/twilio/sms",
        {**params, "MessageSid": new_sid()},
        url="http://127.0.0.1:8000/webhooks/twilio/sms",
    )
    assert wrong.status_code == 403


def test_an_empty_inbound_answer_is_an_empty_twiml_response(http):
    params = {
        "MessageSid": new_sid(),
        "From": "+13035550176",
        "To": "+18015550999",
        "Body": "to nobody's number",
    }
    response = signed_webhook(http, "/webhooks/twilio/sms", params)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.body.decode().endswith("<Response />")


def test_a_malformed_inbound_post_is_refused_clearly(http):
    response = signed_webhook(http, "/webhooks/twilio/sms", {"Body": "no sid"})
    assert response.status_code == 400
