"""The send route answers the page's script in JSON (the outbox on the device acts on the
outcome) while the form posted without JavaScript still gets pages."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode

import pytest

from tests.helpers import fresh_phone
from tests.integration.test_send_truth import form_ids, new_client, texts_to

ASKS_JSON = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


def send_json(visitor, client_id: str, fields: dict[str, str]):
    headers = visitor._headers(ASKS_JSON)
    response = visitor.http.post(
        f"/clients/{client_id}/messages", headers=headers, body=urlencode(fields)
    )
    return response.status_code, json.loads(response.body)


def test_a_sent_text_answers_its_id_and_a_repeat_of_it_sends_nothing_more(kristina, stack):
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    draft, token = form_ids(kristina, client_id)
    fields = {"body": "See you at 9", "draft_id": draft, "to_phone": phone, "csrf_token": token}

    status, answer = send_json(kristina, client_id, fields)
    again_status, again = send_json(kristina, client_id, fields)  # the first answer was lost

    assert status == 200 and answer["outcome"] == "sent" and answer["entry_id"] == draft
    assert answer["message"].startswith("Sent to (")
    assert (again_status, again["outcome"], again["entry_id"]) == (200, "sent", draft)
    assert texts_to(stack.twilio, phone) == ["See you at 9"]


def test_a_text_written_for_another_number_is_refused_in_words(kristina, stack):
    phone = fresh_phone()
    client_id = new_client(kristina, phone)
    draft, token = form_ids(kristina, client_id)
    fields = {"body": "Hi", "draft_id": draft, "to_phone": fresh_phone(), "csrf_token": token}

    status, answer = send_json(kristina, client_id, fields)

    assert (status, answer["outcome"]) == (409, "refused")
    assert "has a new number since this was written; nothing was sent" in answer["reason"]
    assert texts_to(stack.twilio, phone) == []


def test_an_empty_text_is_invalid(kristina):
    client_id = new_client(kristina, fresh_phone())
    draft, token = form_ids(kristina, client_id)

    status, answer = send_json(
        kristina, client_id, {"body": " ", "draft_id": draft, "csrf_token": token}
    )

    assert (status, answer["outcome"]) == (400, "invalid") and answer["reason"]


def test_a_stale_form_token_is_a_clear_json_error(kristina):
    client_id = new_client(kristina, fresh_phone())
    draft, _ = form_ids(kristina, client_id)

    status, answer = send_json(
        kristina, client_id, {"body": "Hi", "draft_id": draft, "csrf_token": "stale"}
    )

    assert (status, answer["outcome"]) == (403, "stale_form")
    assert "Reload the page" in answer["reason"]


def test_a_signed_out_send_is_401_json(web):
    status, answer = send_json(
        web, "someone", {"body": "Hi", "draft_id": secrets.token_hex(16), "csrf_token": "x"}
    )

    assert (status, answer["error"]) == (401, "signed_out")
