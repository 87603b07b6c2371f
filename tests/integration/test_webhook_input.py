"""What reaches /webhooks/twilio/: forged, oversized, malformed, or a number written another
way. Each gets a clear answer, and nothing Twilio really sent is lost."""

from __future__ import annotations

import time

import pytest

from tests.clock import real_now
from tests.helpers import FORM, fresh_phone, new_sid, page_text, signed_webhook

PROBATION = "+18015550100"


def webhook_routes(app) -> list[str]:
    return sorted(
        path.replace("{outbound_id}", "ab" * 16)
        for path in app.routes
        if path.startswith("/webhooks/twilio/")
    )


def test_every_twilio_route_refuses_a_request_without_a_valid_signature(http, chalice_app):
    routes = webhook_routes(chalice_app)
    assert len(routes) >= 4
    form = {"MessageSid": new_sid(), "From": fresh_phone(), "To": PROBATION, "Body": "hi"}
    for path in routes:
        unsigned = http.post(path, headers=FORM, body="&".join(f"{k}={v}" for k, v in form.items()))
        forged = signed_webhook(http, path, form, token="0" * 32)
        assert (unsigned.status_code, forged.status_code) == (403, 403), path


def test_a_five_megabyte_form_is_refused_as_too_large(http):
    huge = {
        "MessageSid": new_sid(),
        "From": fresh_phone(),
        "To": PROBATION,
        "Body": "x" * 5_000_000,
    }
    assert signed_webhook(http, "/webhooks/twilio/sms", huge).status_code == 413


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("MessageSid", "SM" + "a" * 5000),
        ("MessageSid", "not-a-sid"),
        ("Body", "y" * 1601),
        ("NumMedia", "50"),
        ("From", "+1" + "5" * 40),
    ],
)
def test_fields_twilio_could_not_have_sent_get_a_400(http, stores, field, value):
    phone = fresh_phone()
    form = {"MessageSid": new_sid(), "From": phone, "To": PROBATION, "Body": "hello", field: value}
    answer = signed_webhook(http, "/webhooks/twilio/sms", form)
    assert answer.status_code == 400 and field in answer.body.decode()
    assert stores.unclaimed.get("probation", phone) is None


@pytest.mark.parametrize(
    "written",
    ["{national}", "1{national}", "({area}) {exchange}-{line}", "+1 {area}-{exchange}-{line}"],
)
def test_a_known_clients_number_written_another_way_reaches_the_client(http, stores, written):
    import secrets

    from chalicelib.domain.clients import Client

    phone = fresh_phone()
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Other", "Way", phone)
    )
    national = phone[2:]
    sender = written.format(
        national=national, area=national[:3], exchange=national[3:6], line=national[6:]
    )
    sid = new_sid()
    form = {"MessageSid": sid, "From": sender, "To": PROBATION, "Body": "it's me"}
    assert signed_webhook(http, "/webhooks/twilio/sms", form).status_code == 200
    assert [e.sid for e in stores.conversations.newest(client.client_id)[0]] == [sid]
    assert stores.unclaimed.get("probation", sender) is None


def test_a_short_code_sender_waits_unclaimed_with_a_page_that_opens(http, web, stores):
    code = "8" + fresh_phone()[-4:]  # five digits, like a short code
    form = {"MessageSid": new_sid(), "From": code, "To": PROBATION, "Body": "Your code is 1234"}
    assert signed_webhook(http, "/webhooks/twilio/sms", form).status_code == 200
    assert stores.unclaimed.get("probation", code).count == 1
    marcus = web.sign_in("marcus")
    assert f"/unclaimed/{code}" in marcus.get("/unclaimed").body.decode()
    page = marcus.get(f"/unclaimed/{code}")
    assert page.status_code == 200 and "Your code is 1234" in page_text(page)
    client_id = stores.clients.caseload("marcus")[0].client_id
    refused = marcus.post(f"/unclaimed/{code}/attach", {"client_id": client_id})
    assert refused.status_code == 400 and "short code" in page_text(refused)


def test_a_request_kept_by_the_fallback_url_is_replayed_once(http, stores):
    import app as app_module
    from infra.local.scheduler import scheduled_event

    phone, sid = fresh_phone(), new_sid()
    form = {
        "MessageSid": sid,
        "From": phone,
        "To": PROBATION,
        "Body": "kept while the webhook was down",
        "ErrorCode": "11200",
        "ErrorUrl": "https://example.invalid/webhooks/twilio/sms",
    }
    answer = signed_webhook(http, "/webhooks/twilio/fallback", form)
    assert answer.status_code == 200 and answer.body.decode().endswith("<Response />")
    assert stores.unclaimed.get("probation", phone) is None  # kept, not yet stored
    time.sleep(0.05)
    replayed_at = real_now()
    first = app_module.replay_fallback(scheduled_event("replay-fallback"), None)
    assert first["replayed"] >= 1
    texts = stores.unclaimed.texts("probation", phone)
    assert [t.sid for t in texts] == [sid]
    assert texts[0].at < replayed_at  # it sits where it arrived, not where it was replayed
    second = app_module.replay_fallback(scheduled_event("replay-fallback"), None)
    assert second == {"replayed": 0, "left_for_later": 0, "discarded": 0}
    again = signed_webhook(http, "/webhooks/twilio/fallback", form)  # Twilio tried it twice
    assert again.status_code == 200
    app_module.replay_fallback(scheduled_event("replay-fallback"), None)
    assert [t.sid for t in stores.unclaimed.texts("probation", phone)] == [sid]


def test_a_replay_that_cannot_store_yet_leaves_the_request_on_the_queue(http, stores):
    import app as app_module
    from infra.local.scheduler import scheduled_event
    from tests.dynamodb_faults import failing_dynamodb

    phone, sid = fresh_phone(), new_sid()
    form = {"MessageSid": sid, "From": phone, "To": PROBATION, "Body": "replay me later please"}
    assert signed_webhook(http, "/webhooks/twilio/fallback", form).status_code == 200
    with failing_dynamodb(reason="TransactionConflict", times=100):
        report = app_module.replay_fallback(scheduled_event("replay-fallback"), None)
    assert report["left_for_later"] == 1 and report["replayed"] == 0
    assert stores.unclaimed.get("probation", phone) is None
