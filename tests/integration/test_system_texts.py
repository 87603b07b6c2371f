"""HELP replies, the unclaimed auto-reply and Twilio's opt-out confirmations are part of
the record: stored once per MessageSid with the text that caused them, marked as automatic
on the page, in exports, in print and in the audit trail."""

from __future__ import annotations

import csv
import io
import json

from chalicelib.domain.conversation import EntryKind
from infra.local.fake_twilio.constants import OPT_OUT_REPLY
from tests.helpers import fresh_phone, new_sid, page_text, signed_webhook
from tests.integration.test_texting import PROBATION, add_client


def help_text() -> str:
    from chalicelib.config import get_jurisdiction

    return get_jurisdiction().text("help", "en")


def system_entries(stores, owner_id: str):
    return [e for e in stores.conversations.newest(owner_id)[0] if e.kind is EntryKind.SYSTEM]


def test_help_is_recorded_with_the_words_the_phone_received(web, stack, stores):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    client_id = add_client(kristina, "Helen", "Helper", phone)

    answer = stack.twilio.send_inbound(from_=phone, to=PROBATION, body="HELP")
    stack.twilio.wait_for_callbacks()

    received = [m["body"] for m in stack.twilio.messages(to=phone)]
    ours = {e.details["reason"]: e for e in system_entries(stores, client_id)}
    assert set(ours) == {"help", "twilio_help"}
    assert ours["help"].body == help_text() and ours["help"].body in received
    assert answer.replies == (help_text(),)
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Automatic reply by ClientComm (HELP reply)" in page
    assert "Automatic reply by Twilio (Twilio's HELP reply)" in page
    live = kristina.get(f"/clients/{client_id}/live", {"X-ClientComm-Background": "1"})
    assert "Automatic reply by ClientComm (HELP reply)" in page_text(live)  # live refresh too


def test_a_retried_webhook_is_answered_again_and_recorded_once(web, http, stores):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    client_id = add_client(kristina, "Retry", "Helper", phone)
    params = {"MessageSid": new_sid(), "From": phone, "To": PROBATION, "Body": "help"}

    first = signed_webhook(http, "/webhooks/twilio/sms", params)
    retry = signed_webhook(http, "/webhooks/twilio/sms", params)  # the answer was lost

    assert first.status_code == retry.status_code == 200
    assert help_text() in first.body.decode() and help_text() in retry.body.decode()
    reasons = sorted(e.details["reason"] for e in system_entries(stores, client_id))
    assert reasons == ["help", "twilio_help"]
    trail = [a for a in stores.audit.trail(f"client#{client_id}") if a.action == "auto_reply"]
    assert sorted(a.actor for a in trail) == ["system:clientcomm", "system:twilio"]


def test_stop_records_that_twilio_confirmed_in_its_own_words(web, stack, stores):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    client_id = add_client(kristina, "Stan", "Stopper", phone)

    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="STOP")
    stack.twilio.wait_for_callbacks()

    assert OPT_OUT_REPLY in [m["body"] for m in stack.twilio.messages(to=phone)]  # Twilio's
    [note] = system_entries(stores, client_id)
    assert note.details == {
        "reason": "opt_out_confirmation",
        "sent_by": "twilio",
        "in_reply_to": note.details["in_reply_to"],
    }
    assert "Twilio" in note.body and OPT_OUT_REPLY not in note.body  # not invented by us


def test_automatic_replies_are_marked_in_every_export_and_the_print_view(web, stack, stores):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    client_id = add_client(kristina, "Exa", "Mple", phone)
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="HELP")

    rows = list(
        csv.DictReader(io.StringIO(kristina.get(f"/clients/{client_id}/export/csv").body.decode()))
    )
    marked = [r for r in rows if r["automatic_reply"]]
    assert [r["automatic_reply"] for r in marked] == [
        "Automatic reply by ClientComm (HELP reply)",
        "Automatic reply by Twilio (Twilio's HELP reply)",
    ]
    assert marked[0]["text"] == help_text()
    exported = json.loads(kristina.get(f"/clients/{client_id}/export/json").body)
    assert sum(1 for e in exported["entries"] if e["automatic_reply"]) == 2
    text = kristina.get(f"/clients/{client_id}/export/txt").body.decode()
    assert f"[Automatic reply by ClientComm (HELP reply)]: {help_text()}" in text
    printed = page_text(kristina.get(f"/clients/{client_id}/print"))
    assert "Automatic reply by ClientComm (HELP reply)" in printed


def test_the_unclaimed_auto_reply_stays_with_the_number_and_moves_with_it(web, stack, stores):
    from chalicelib.config import get_jurisdiction

    stranger = fresh_phone()
    words = get_jurisdiction().text("auto_reply")
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="who is this")
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="hello?")

    waiting = stores.unclaimed.texts("probation", stranger)
    assert [(e.kind, e.body) for e in waiting] == [
        (EntryKind.TEXT, "who is this"),
        (EntryKind.SYSTEM, words),
        (EntryKind.TEXT, "hello?"),
    ]
    assert stores.unclaimed.get("probation", stranger).count == 2
    kristina = web.sign_in("kristina")
    client_id = add_client(kristina, "Newly", "Known")
    page = page_text(kristina.get(f"/unclaimed/{stranger[1:]}"))
    assert "Automatic reply by ClientComm (auto-reply to an unknown number)" in page

    attached = kristina.post(f"/unclaimed/{stranger[1:]}/attach", {"client_id": client_id})
    assert attached.status_code == 303, attached.body[:300]
    [moved] = system_entries(stores, client_id)
    assert moved.body == words and moved.details["reason"] == "auto_reply"


def test_an_unknown_numbers_keywords_record_twilios_answer_and_one_auto_reply(stack, stores):
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="STOP")
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="START")
    second = stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="HELP")

    waiting = stores.unclaimed.texts("probation", stranger)
    assert [e.body if e.kind is EntryKind.TEXT else e.details["reason"] for e in waiting] == [
        "STOP",
        "opt_out_confirmation",  # Twilio's; our auto-reply would not have been delivered
        "START",
        "opt_in_confirmation",
        "auto_reply",
        "HELP",
        "twilio_help",  # the auto-reply went to START already: none for HELP
    ]
    assert second.replies == ()
    assert stores.unclaimed.get("probation", stranger).count == 3
