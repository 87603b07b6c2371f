"""Logs carry ids, never what a client wrote or their phone number.

The whole run is checked at its end (tests/log_watch.py); this test shows the watch sees
the app's structured lines, correlation ids included, and that a text's content stays out.
"""

from __future__ import annotations

from tests.helpers import fresh_phone, new_sid, signed_webhook
from tests.log_watch import leaks

SECRET_BODY = "my parole officer cannot know about the 4th street apartment"


def test_webhook_logs_contain_ids_but_no_message_bodies_or_phone_numbers(
    http, web, stack, log_watch
):
    phone = fresh_phone()
    kristina = web.sign_in("kristina")
    kristina.get("/clients/new")
    kristina.post("/clients", {"first_name": "Private", "last_name": "Person", "phone": phone})
    sid = new_sid()
    seen_before = len(log_watch.snapshot())
    signed_webhook(
        http,
        "/webhooks/twilio/sms",
        {"MessageSid": sid, "From": phone, "To": "+18015550100", "Body": SECRET_BODY},
    )
    signed_webhook(
        http,
        "/webhooks/twilio/status",
        {"MessageSid": sid, "MessageStatus": "delivered", "To": phone},
    )
    stranger = fresh_phone()
    signed_webhook(
        http,
        "/webhooks/twilio/sms",
        {"MessageSid": new_sid(), "From": stranger, "To": "+18015550100", "Body": SECRET_BODY},
    )
    lines = log_watch.snapshot()[seen_before:]
    assert any(sid in line and '"message_sid"' in line for line in lines)  # correlation id
    private = {SECRET_BODY, phone, phone[2:], stranger, "4th street"}
    assert leaks(lines, private) == []


def test_request_keys_do_not_outlive_their_request(http, log_watch):
    from chalicelib.observability import logger

    sid = new_sid()
    signed_webhook(
        http,
        "/webhooks/twilio/sms",
        {"MessageSid": sid, "From": fresh_phone(), "To": "+18015550100", "Body": "hello there"},
    )
    logger().info("after the request")
    assert sid not in log_watch.snapshot()[-1]
