"""A form larger than ClientComm takes gets a page that says so (413), not the
"Please try that again" page of a stale form: a person who pasted a whole document into
the send box needs to know to shorten it, not to reload."""

from __future__ import annotations

import uuid

import pytest

from chalicelib.domain.clients import Client
from tests.helpers import fresh_phone, page_text

SEVENTY_KB = "x" * (70 * 1024)


@pytest.fixture()
def own_client(stores) -> Client:
    token = uuid.uuid4().hex[:8]
    client = Client(
        f"big-{token}", "probation", "kristina", "Long", f"Paste {token}", fresh_phone()
    )
    return stores.clients.add(client)


def test_a_70_kb_text_gets_a_too_large_page_and_sends_nothing(web, own_client, stores):
    web.sign_in("kristina").get(f"/clients/{own_client.client_id}")
    answer = web.post(
        f"/clients/{own_client.client_id}/messages",
        {"body": SEVENTY_KB, "draft_id": uuid.uuid4().hex},
    )
    text = page_text(answer)
    assert answer.status_code == 413
    assert "too large" in text.lower() and "1,600 characters" in text
    assert "Please try that again" not in text
    assert stores.conversations.newest(own_client.client_id)[0] == []


def test_a_70_kb_sign_in_form_gets_the_same_answer(web):
    web.get("/signin")
    answer = web.post("/signin", {"username": "kristina", "password": SEVENTY_KB})
    assert answer.status_code == 413
    assert "too large" in page_text(answer).lower()
