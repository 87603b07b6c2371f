"""Logs carry ids, never what a client wrote or their phone number."""

from __future__ import annotations

import logging

from tests.helpers import fresh_phone, new_sid, signed_webhook

SECRET_BODY = "my parole officer cannot know about the 4th street apartment"


def test_webhook_logs_contain_no_message_bodies_or_phone_numbers(
    http, web, stack, capsys, caplog, monkeypatch
):
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    caplog.set_level(logging.INFO, logger="clientcomm")
    from chalicelib.observability import logger

    logger().setLevel("DEBUG")
    phone = fresh_phone()
    kristina = web.sign_in("kristina")
    kristina.get("/clients/new")
    kristina.post("/clients", {"first_name": "Private", "last_name": "Person", "phone": phone})
    sid = new_sid()
    capsys.readouterr()
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
    out = capsys.readouterr()
    ours = [r for r in caplog.records if r.name.startswith(("chalicelib", "clientcomm"))]
    logged = out.out + out.err + "\n".join(r.getMessage() + repr(r.__dict__) for r in ours)
    assert sid in logged  # the correlation id is there...
    for private in (SECRET_BODY, phone, phone[2:], stranger, "4th street"):
        assert private not in logged  # ...and nothing a person said or their number
