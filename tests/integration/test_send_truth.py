"""What the page says after a send is what happened: a repeated form gets the first
attempt's real outcome, a reused one-time id is refused, and a Twilio that fails, hangs or
drops the connection leaves the text visibly in the state that is true."""

from __future__ import annotations

import re

import pytest

from tests.helpers import fresh_phone, page_text


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


@pytest.fixture()
def twilio(stack):
    yield stack.twilio
    stack.twilio.clear_faults()


def new_client(visitor, phone: str) -> str:
    visitor.get("/clients/new")
    made = visitor.post("/clients", {"first_name": "Send", "last_name": "Truth", "phone": phone})
    assert made.status_code == 303, made.body[:300]
    return made.headers["Location"].split("/")[2].split("?")[0]


def form_ids(visitor, client_id: str) -> tuple[str, str]:
    page = visitor.get(f"/clients/{client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return draft, token


def post(visitor, client_id: str, body: str, draft: str, token: str):
    return visitor.post(
        f"/clients/{client_id}/messages", {"body": body, "draft_id": draft}, csrf=token
    )


def status_becomes(stores, client_id: str, wanted: str, seconds: float = 15) -> str:
    """Wait for a callback that the fake sends only after its own delay."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        status = stores.conversations.newest(client_id)[0][0].status
        if status == wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def texts_to(twilio, phone: str) -> list[str]:
    return [m["body"] for m in twilio.messages(to=phone) if m["direction"] == "outbound-api"]


def test_a_double_click_after_twilio_failed_says_not_sent_and_sends_nothing(
    kristina, twilio, stores
):
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    draft, token = form_ids(kristina, client_id)
    twilio.fail_next_creates(503, count=20, to=phone)
    first = post(kristina, client_id, "Court moved to 10am", draft, token)
    assert first.status_code == 409 and "not sent" in page_text(first)
    twilio.clear_faults()
    second = post(kristina, client_id, "Court moved to 10am", draft, token)
    assert second.status_code == 409
    assert "was not sent" in page_text(second) and "Sent to" not in page_text(second)
    assert texts_to(twilio, phone) == []
    text = stores.conversations.newest(client_id)[0][0]
    assert text.status == "not_sent" and "Send it again" in text.problem
    assert "Send it again" in page_text(kristina.get(f"/clients/{client_id}"))


def test_a_one_time_id_reused_for_another_text_is_refused(kristina, twilio, stores):
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    draft, token = form_ids(kristina, client_id)
    assert post(kristina, client_id, "See you Monday", draft, token).status_code == 303
    reused = post(kristina, client_id, "Something else entirely", draft, token)
    assert reused.status_code == 409
    assert "already used to send a different text" in page_text(reused)
    other_id = new_client(kristina, fresh_phone())
    elsewhere = post(kristina, other_id, "See you Monday", draft, token)
    assert elsewhere.status_code == 409
    twilio.wait_for_callbacks()
    assert texts_to(twilio, phone) == ["See you Monday"]


def test_repeating_a_sent_form_reports_sent_and_sends_once(kristina, twilio, stores):
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    draft, token = form_ids(kristina, client_id)
    answers = [post(kristina, client_id, "Once only", draft, token) for _ in range(3)]
    assert [a.status_code for a in answers] == [303, 303, 303]
    twilio.wait_for_callbacks()
    assert texts_to(twilio, phone) == ["Once only"]


def test_a_twilio_that_hangs_leaves_the_text_unknown_then_its_callback_resolves_it(
    kristina, twilio, stores, monkeypatch
):
    monkeypatch.setenv("TWILIO_READ_TIMEOUT", "1")
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    draft, token = form_ids(kristina, client_id)
    twilio.hang_next_creates(3, to=phone)  # answers (and sends) after our read timeout
    answer = post(kristina, client_id, "Are you coming today?", draft, token)
    assert answer.status_code == 202
    assert "did not answer in time" in page_text(answer)
    assert stores.conversations.newest(client_id)[0][0].status == "unknown"
    again = post(kristina, client_id, "Are you coming today?", draft, token)
    assert again.status_code == 202 and "Sent to" not in page_text(again)
    assert status_becomes(stores, client_id, "delivered") == "delivered"
    assert stores.conversations.newest(client_id)[0][0].sid  # the callback named the text
    assert texts_to(twilio, phone) == ["Are you coming today?"]


def test_a_connection_dropped_after_twilio_sent_is_resolved_by_the_callback(
    kristina, twilio, stores
):
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    draft, token = form_ids(kristina, client_id)
    twilio.drop_next_creates(after_create=True, to=phone)
    answer = post(kristina, client_id, "Dropped but sent", draft, token)
    assert answer.status_code == 202
    assert status_becomes(stores, client_id, "delivered") == "delivered"
    assert texts_to(twilio, phone) == ["Dropped but sent"]


def test_a_body_of_only_invisible_characters_is_refused(kristina, twilio, stores):
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    for body in ("\x00\x00", "\u200b\u200b\u2060", " \ufeff \t"):
        draft, token = form_ids(kristina, client_id)
        answer = post(kristina, client_id, body, draft, token)
        assert answer.status_code == 400 and "Write a message first" in page_text(answer)
    assert texts_to(twilio, phone) == []
