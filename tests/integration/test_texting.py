"""Kristina and Michael: sending through the fake Twilio, replies, statuses, keywords."""

from __future__ import annotations

import re

import pytest

from infra.local.fake_twilio import LANDLINE_NUMBER, OPTED_OUT_NUMBER
from tests.helpers import fresh_phone, new_sid, outbound_entry, page_text, signed_webhook

# reads the clock, but conversation paging by time, not by the hour:
# one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour

PROBATION = "+18015550100"


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


def add_client(visitor, first="Test", last="Client", phone=None):
    visitor.get("/clients/new")
    made = visitor.post(
        "/clients", {"first_name": first, "last_name": last, "phone": phone or fresh_phone()}
    )
    assert made.status_code == 303, made.body[:400]
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    visitor.get(f"/clients/{client_id}")
    return client_id


def send(visitor, client_id, body):
    page = visitor.get(f"/clients/{client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    return visitor.post(f"/clients/{client_id}/messages", {"body": body, "draft_id": draft})


def test_a_text_goes_to_the_current_number_from_the_department_number(kristina, stack, stores):
    phone = fresh_phone()
    client_id = add_client(kristina, "Michael", "Sender", phone)
    response = send(kristina, client_id, "Can you make class Thursday?")
    assert response.status_code == 303
    stack.twilio.wait_for_callbacks()
    received = stack.twilio.messages(to=phone)
    assert [(m["from"], m["body"]) for m in received] == [
        (PROBATION, "Can you make class Thursday?")
    ]
    entries, _ = stores.conversations.newest(client_id)
    assert entries[0].body == "Can you make class Thursday?"
    assert entries[0].phone == phone and entries[0].sid == received[0]["sid"]
    assert entries[0].status == "delivered"  # queued -> sent -> delivered via signed callbacks


def test_resubmitting_the_same_form_sends_once(kristina, stack, stores):
    phone = fresh_phone()
    client_id = add_client(kristina, phone=phone)
    page = kristina.get(f"/clients/{client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for _ in range(3):
        kristina.post(
            f"/clients/{client_id}/messages", {"body": "Once only", "draft_id": draft}, csrf=token
        )
    stack.twilio.wait_for_callbacks()
    assert len(stack.twilio.messages(to=phone)) == 1
    assert len(stores.conversations.newest(client_id)[0]) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write a message first"),
        ("x" * 1601, "texts stop at 1600"),
    ],
)
def test_empty_and_overlong_texts_are_refused_and_the_draft_kept(kristina, stack, body, message):
    phone = fresh_phone()
    client_id = add_client(kristina, phone=phone)
    response = send(kristina, client_id, body)
    assert response.status_code == 400
    assert message in page_text(response)
    assert stack.twilio.messages(to=phone) == []


def test_html_in_a_text_is_shown_as_text(kristina, stack):
    client_id = add_client(kristina)
    send(kristina, client_id, "<img src=x onerror=alert(1)> see you")
    page = kristina.get(f"/clients/{client_id}").body.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; see you" in page


def test_michaels_reply_lands_in_his_conversation_with_its_tone(kristina, stack, stores):
    phone = fresh_phone()
    client_id = add_client(kristina, "Michael", "Replier", phone)
    result = stack.twilio.send_inbound(from_=phone, to=PROBATION, body="Thank you so much!")
    assert result.status_code == 200 and result.body.strip().endswith("<Response />")
    entries, _ = stores.conversations.newest(client_id)
    assert entries[0].body == "Thank you so much!" and entries[0].tone == "positive"
    client = stores.clients.get(client_id)
    assert client.unread_count == 1 and client.last_contact_at is not None
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Tone: positive" in page
    assert stores.clients.get(client_id).unread_count == 1  # opening is not reading
    seen = stores.unread.for_user("kristina")[client_id].newest_at.isoformat()
    kristina.post(f"/clients/{client_id}/read", {"seen_up_to": seen})
    assert stores.clients.get(client_id).unread_count == 0  # her reading clears the e-mail count


def test_a_twilio_retry_of_the_same_message_sid_is_stored_once(http, kristina, stores):
    phone = fresh_phone()
    client_id = add_client(kristina, phone=phone)
    params = {
        "MessageSid": new_sid(),
        "From": phone,
        "To": PROBATION,
        "Body": "Twice?",
        "NumMedia": "0",
        "AccountSid": "AC1",
    }
    first = signed_webhook(http, "/webhooks/twilio/sms", params)
    again = signed_webhook(http, "/webhooks/twilio/sms", params)
    assert first.status_code == again.status_code == 200
    entries, _ = stores.conversations.newest(client_id)
    assert [e.body for e in entries] == ["Twice?"]
    assert stores.clients.get(client_id).unread_count == 1


@pytest.mark.parametrize("forgery", ["unsigned", "wrong token", "other url", "changed body"])
def test_a_forged_webhook_is_refused_and_nothing_is_stored(http, kristina, stores, forgery):
    phone = fresh_phone()
    client_id = add_client(kristina, phone=phone)
    params = {"MessageSid": new_sid(), "From": phone, "To": PROBATION, "Body": "forged"}
    if forgery == "unsigned":
        response = signed_webhook(http, "/webhooks/twilio/sms", params, signature="")
    elif forgery == "wrong token":
        response = signed_webhook(http, "/webhooks/twilio/sms", params, token="0" * 32)
    elif forgery == "other url":
        response = signed_webhook(
            http, "/webhooks/twilio/sms", params, url="https://evil.example/webhooks/twilio/sms"
        )
    else:
        import os

        from twilio.request_validator import RequestValidator

        from infra.local.fake_twilio import LOCAL_AUTH_TOKEN

        url = os.environ["PUBLIC_BASE_URL"] + "/webhooks/twilio/sms"
        sig = RequestValidator(LOCAL_AUTH_TOKEN).compute_signature(url, params)
        response = signed_webhook(
            http, "/webhooks/twilio/sms", {**params, "Body": "changed"}, signature=sig
        )
    assert response.status_code == 403
    assert stores.conversations.newest(client_id)[0] == []


def test_a_forged_status_callback_is_refused(http):
    response = signed_webhook(
        http,
        "/webhooks/twilio/status",
        {"MessageSid": new_sid(), "MessageStatus": "failed"},
        token="1" * 32,
    )
    assert response.status_code == 403


def test_statuses_never_move_backwards_and_duplicates_change_nothing(http, kristina, stack, stores):
    client_id = add_client(kristina)
    send(kristina, client_id, "Out of order")
    stack.twilio.wait_for_callbacks()
    entry = stores.conversations.newest(client_id)[0][0]
    assert entry.status == "delivered"
    for status in ("sent", "queued", "delivered", "sent"):
        late = signed_webhook(
            http, "/webhooks/twilio/status", {"MessageSid": entry.sid, "MessageStatus": status}
        )
        assert late.status_code == 204
    assert stores.conversations.newest(client_id)[0][0].status == "delivered"


def test_a_callback_that_beats_the_send_finds_its_text_by_the_id_in_its_url(http, stores):
    """Twilio can call back before the send recorded the sid (or after its Lambda died):
    the callback URL names the text, so its status lands, and the late record keeps it."""
    from chalicelib.domain.clients import Client
    from chalicelib.store.outbound import ref_for

    client = stores.clients.add(
        Client(
            "early-" + fresh_phone()[2:], "probation", "kristina", "Early", "Bird", fresh_phone()
        )
    )
    sid = new_sid()
    outbound_id = "e" * 32
    entry = outbound_entry(client, outbound_id)
    assert stores.outbound.start(entry, "digest") is None
    early = signed_webhook(
        http,
        f"/webhooks/twilio/status/{outbound_id}",
        {"MessageSid": sid, "MessageStatus": "delivered"},
    )
    assert early.status_code == 204
    stored = stores.conversations.newest(client.client_id)[0][0]
    assert (stored.status, stored.sid) == ("delivered", sid)
    stores.outbound.record_sent(ref_for(entry), outbound_id, "kristina", sid, "queued", 1)
    stored = stores.conversations.newest(client.client_id)[0][0]
    assert (stored.status, stored.sid, stored.segments) == ("delivered", sid, 1)
    assert stores.outbound.find_sid(sid).ref == ref_for(entry)


def test_a_callback_for_a_sid_nobody_knows_is_parked_not_dropped(http, stores):
    sid = new_sid()
    answer = signed_webhook(
        http, "/webhooks/twilio/status", {"MessageSid": sid, "MessageStatus": "sent"}
    )
    assert answer.status_code == 204
    parked = stores.outbound.find_sid(sid)
    assert parked.ref is None and parked.early_status == "sent"
    signed_webhook(http, "/webhooks/twilio/status", {"MessageSid": sid, "MessageStatus": "queued"})
    assert stores.outbound.find_sid(sid).early_status == "sent"  # never backwards


def test_a_landline_is_flagged_with_a_plain_explanation(kristina, stack, stores):
    # The demo client on the fake's landline number is on Kristina's caseload.
    lena = next(c for c in stores.clients.caseload("kristina") if c.phone == LANDLINE_NUMBER)
    send(kristina, lena.client_id, "Testing the landline")
    stack.twilio.wait_for_callbacks()
    entry = stores.conversations.newest(lena.client_id)[0][0]
    assert entry.status == "undelivered" and entry.error_code == 30006
    assert "landline" in entry.problem
    caseload = page_text(kristina.get("/caseload?q=Landline"))
    assert "Last text failed" in caseload


def test_sending_to_a_number_twilio_says_opted_out_marks_the_client(kristina, stores):
    stella = next(c for c in stores.clients.caseload("kristina") if c.phone == OPTED_OUT_NUMBER)
    response = send(kristina, stella.client_id, "Are you there?")
    assert response.status_code == 409
    assert "texted STOP" in page_text(response)
    assert stores.clients.get(stella.client_id).opted_out
    again = send(kristina, stella.client_id, "Again")
    assert again.status_code == 409 and "nothing can be sent" in page_text(again)


def test_the_stop_story(kristina, stack, stores):
    phone = fresh_phone()
    client_id = add_client(kristina, "Stop", "Story", phone)
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="stop")
    client = stores.clients.get(client_id)
    assert client.opted_out
    assert "Opted out" in page_text(kristina.get("/caseload?q=Story"))
    refused = send(kristina, client_id, "Please answer")
    assert refused.status_code == 409
    assert "texted STOP" in page_text(refused)
    assert [
        m["body"] for m in stack.twilio.messages(to=phone) if m["direction"] == "outbound-api"
    ] == []  # nothing reached the phone
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="START")
    assert not stores.clients.get(client_id).opted_out
    assert send(kristina, client_id, "Welcome back").status_code == 303
    markers = [e.marker for e in stores.conversations.newest(client_id)[0] if e.marker]
    assert "opted_out" in markers and "opted_in" in markers
    texts = [e for e in stores.conversations.newest(client_id)[0] if e.body.lower() == "stop"]
    assert texts[0].sentiment is None  # keywords are not scored


def test_help_gets_the_jurisdictions_help_text_in_the_clients_language(kristina, stack):
    kristina.get("/clients/new")
    phone = fresh_phone()
    kristina.post(
        "/clients",
        {"first_name": "Ayuda", "last_name": "Cliente", "phone": phone, "language": "es"},
    )
    result = stack.twilio.send_inbound(from_=phone, to=PROBATION, body="HELP")
    assert "Servicios de Justicia" in result.body


def test_the_number_change_story(kristina, stack, stores):
    old, new = fresh_phone(), fresh_phone()
    client_id = add_client(kristina, "Number", "Changer", old)
    stack.twilio.send_inbound(from_=old, to=PROBATION, body="this is my old phone")
    kristina.get(f"/clients/{client_id}/edit")
    kristina.post(
        f"/clients/{client_id}",
        {"first_name": "Number", "last_name": "Changer", "phone": new, "version": "1"},
    )
    send(kristina, client_id, "Got your new number")
    stack.twilio.wait_for_callbacks()
    assert [m["body"] for m in stack.twilio.messages(to=old) if m["direction"] != "inbound"] == []
    assert [m["body"] for m in stack.twilio.messages(to=new)] == ["Got your new number"]
    stack.twilio.send_inbound(from_=old, to=PROBATION, body="texting from the old one again")
    entries, _ = stores.conversations.newest(client_id)
    from_old = next(e for e in entries if e.body == "texting from the old one again")
    assert from_old.from_old_number
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Number changed from" in page and "Old numbers" in page and "(old number)" in page
    assert stores.unclaimed.get("probation", old) is None  # never unclaimed


def test_unknown_senders_wait_unclaimed_with_one_auto_reply(web, stack, stores):
    stranger = fresh_phone()
    first = stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="hi who is this")
    second = stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="hello?")
    assert "a case manager will get back to you" in first.body
    assert "<Message>" not in second.body
    waiting = stores.unclaimed.get("probation", stranger)
    assert waiting.count == 2
    marcus = web.sign_in("marcus")
    queue = page_text(marcus.get("/unclaimed"))
    assert stranger[-4:] in queue
    client_id = add_client(marcus, "Was", "Unknown")
    marcus.get(f"/unclaimed/{stranger[1:]}")
    attached = marcus.post(f"/unclaimed/{stranger[1:]}/attach", {"client_id": client_id})
    assert attached.status_code == 303
    client = stores.clients.get(client_id)
    assert client.phone == stranger
    bodies = [e.body for e in stores.conversations.newest(client_id)[0]]
    assert "hi who is this" in bodies and "hello?" in bodies
    assert stores.unclaimed.get("probation", stranger) is None


def test_a_new_client_can_be_made_from_an_unclaimed_number(kristina, stack, stores):
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="new here")
    form = page_text(kristina.get(f"/clients/new?phone={stranger.replace('+', '%2B')}"))
    national = stranger[2:]  # offered as the form's hint asks: 10 digits, like 801-555-0123
    assert f'value="{national[:3]}-{national[3:6]}-{national[6:]}"' in form
    made = kristina.post("/clients", {"first_name": "New", "last_name": "Here", "phone": stranger})
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    entries = stores.conversations.newest(client_id)[0]
    assert [e.body for e in entries if e.kind == "text"] == ["new here"]
    assert [e.details["reason"] for e in entries if e.kind == "system"] == ["auto_reply"]


def test_exports_carry_every_entry_and_are_audited(kristina, stack, stores):
    phone = fresh_phone()
    client_id = add_client(kristina, "Export", "Me", phone)
    send(kristina, client_id, "=HYPERLINK(bad)")
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="I lost my job today")
    import csv
    import io
    import json

    txt = kristina.get(f"/clients/{client_id}/export/txt").body.decode()
    assert "I lost my job today" in txt and "America/Denver" in txt
    rows = list(
        csv.DictReader(io.StringIO(kristina.get(f"/clients/{client_id}/export/csv").body.decode()))
    )
    assert {r["text"] for r in rows} >= {"'=HYPERLINK(bad)", "I lost my job today"}
    assert next(r for r in rows if r["direction"] == "inbound")["tone"] == "negative"
    data = json.loads(kristina.get(f"/clients/{client_id}/export/json").body)
    assert data["client"]["current_number"] == phone
    assert kristina.get(f"/clients/{client_id}/export/exe").status_code == 404
    actions = [row.action for row in stores.audit.trail(f"client#{client_id}")]
    assert actions.count("export") == 3 and "view" in actions and "send" in actions


def test_long_conversations_are_paged_newest_first(now, kristina, stores):
    from datetime import timedelta

    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind

    client_id = add_client(kristina, "Long", "Talker")
    start = now - timedelta(days=30)
    for i in range(120):
        stores.conversations.add(
            ConversationEntry(
                client_id,
                f"{i:032x}",
                start + timedelta(minutes=i),
                EntryKind.TEXT,
                body=f"message number {i}",
                direction=Direction.INBOUND,
                phone="+18015550199",
            )
        )
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "message number 119" in page and "message number 90" in page
    assert "message number 89" not in page
    older = re.search(r'href="(/clients/[^"]+\?before=[^"]+)"', page).group(1)
    older_page = page_text(kristina.get(older.replace("&amp;", "&")))
    assert "message number 89" in older_page and "message number 119" not in older_page


def test_the_live_check_changes_when_a_text_arrives_and_when_it_is_read(kristina, stack):
    import json

    phone = fresh_phone()
    client_id = add_client(kristina, "Live", "Update", phone)
    before = json.loads(kristina.get("/api/activity").body)
    assert json.loads(kristina.get("/api/activity").body) == before  # nothing happened
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="ping")
    after = json.loads(kristina.get("/api/activity").body)
    assert after["seq"] != before["seq"] and after["unread"] == before["unread"] + 1
    page = kristina.get(f"/clients/{client_id}").body.decode()
    opened = json.loads(kristina.get("/api/activity").body)
    assert opened == after  # opening is not reading: the page reports what was on screen
    seen = re.search(r'name="seen_up_to" value="([^"]+)"', page)
    assert seen, "the page offers to mark the newest text read"
    kristina.post(f"/clients/{client_id}/read", {"seen_up_to": seen.group(1)})
    read = json.loads(kristina.get("/api/activity").body)
    assert read["seq"] != after["seq"] and read["unread"] == before["unread"]
