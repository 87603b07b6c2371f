"""Unread is each person's own: a new text is unread for the case manager and for each
supervisor of the department; one of them reading it changes nothing for the others;
opening a page is not reading it; a newer text keeps it unread; "Mark unread" puts it back."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.domain.clients import Client
from tests.clock import real_now
from tests.helpers import WebVisitor, csrf_in, fresh_phone, new_sid, signed_webhook

PROBATION = "+18015550100"


def unread(visitor) -> int:
    return json.loads(visitor.get("/api/activity").body)["unread"]


def text_in(http, client: Client, body: str = "hello", sid: str | None = None):
    params = {"MessageSid": sid or new_sid(), "From": client.phone, "To": PROBATION, "Body": body}
    answer = signed_webhook(http, "/webhooks/twilio/sms", params)
    assert answer.status_code == 200
    return params["MessageSid"]


def seen_up_to(page: str) -> str:
    found = re.search(r'name="seen_up_to" value="([^"]+)"', page)
    assert found, "the page offers 'Mark read'"
    return found.group(1)


@pytest.fixture()
def client(stores) -> Client:
    token = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])  # letters only:
    # a word of mostly digits is searched as a number
    return stores.clients.add(
        Client(f"readstate-{token}", "probation", "kristina", "Una", f"Read {token}", fresh_phone())
    )


@pytest.fixture()
def people(http):
    return {name: WebVisitor(http).sign_in(name) for name in ("kristina", "dana", "marcus")}


def test_a_supervisor_reading_does_not_read_it_for_the_case_manager(http, people, client):
    kristina, dana, marcus = people["kristina"], people["dana"], people["marcus"]
    before = {name: unread(v) for name, v in people.items()}
    sid = text_in(http, client)
    text_in(http, client, sid=sid)  # Twilio's retry counts once
    assert unread(kristina) == before["kristina"] + 1
    assert unread(dana) == before["dana"] + 1  # supervisors get counts too
    assert unread(marcus) == before["marcus"]  # another caseload: nothing

    page = dana.get(f"/clients/{client.client_id}").body.decode()
    assert unread(dana) == before["dana"] + 1  # opening is not reading
    dana.post(f"/clients/{client.client_id}/read", {"seen_up_to": seen_up_to(page)})
    assert unread(dana) == before["dana"]
    assert unread(kristina) == before["kristina"] + 1  # still hers to read

    listing = kristina.get("/caseload?order=unread").body.decode()
    row = re.search(rf'data-client="{client.client_id}"[^>]*>(.*?)</li>', listing, re.S)
    assert row and "1 unread" in row.group(1)
    department = dana.get("/caseload?scope=department&q=" + client.last_name).body.decode()
    row = re.search(rf'data-client="{client.client_id}"[^>]*>(.*?)</li>', department, re.S)
    assert row, department[department.find("<main") :][:3000]
    assert row and "badge-unread" not in row.group(1)


def test_a_newer_text_than_the_one_seen_stays_unread(http, people, client):
    kristina = people["kristina"]
    base = unread(kristina)
    text_in(http, client, "first")
    page = kristina.get(f"/clients/{client.client_id}").body.decode()
    seen = seen_up_to(page)
    text_in(http, client, "second, not yet on screen")
    form = urlencode({"csrf_token": csrf_in(page), "seen_up_to": seen})
    headers = kristina._headers(
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    )
    answer = kristina.http.post(f"/clients/{client.client_id}/read", headers=headers, body=form)
    assert json.loads(answer.body) == {"read": False, "unread": base + 2}
    later = (real_now() + timedelta(seconds=1)).isoformat()
    kristina.post(f"/clients/{client.client_id}/read", {"seen_up_to": later})
    assert unread(kristina) == base


def test_mark_unread_puts_it_back_for_that_person_only(http, people, client):
    kristina, dana = people["kristina"], people["dana"]
    before_dana = unread(dana)
    base = unread(kristina)
    kristina.get(f"/clients/{client.client_id}")
    answer = kristina.post(f"/clients/{client.client_id}/unread", {})
    assert answer.status_code == 303 and "/caseload" in answer.headers["Location"]
    assert unread(kristina) == base + 1
    assert unread(dana) == before_dana


def test_nobody_marks_another_caseloads_client(http, people, client):
    marcus = people["marcus"]
    token = csrf_in(marcus.get("/caseload").body.decode())
    later = (real_now() + timedelta(seconds=1)).isoformat()
    for path, form in (("read", {"seen_up_to": later}), ("unread", {})):
        answer = marcus.post(f"/clients/{client.client_id}/{path}", form, csrf=token)
        assert answer.status_code in (403, 404)


def test_a_malformed_seen_time_is_refused_clearly(people, client):
    kristina = people["kristina"]
    kristina.get(f"/clients/{client.client_id}")
    answer = kristina.post(f"/clients/{client.client_id}/read", {"seen_up_to": "yesterday"})
    assert answer.status_code == 400
