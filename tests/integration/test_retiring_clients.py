"""Retiring a client when the case closes, and reactivating them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import fresh_phone, page_text
from tests.integration.test_scheduled_sending import deliver, new_client, plan, sweep, texts_to

PROBATION = "+18015550100"


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


def add_client(visitor, first="Rita", last="Retiree", phone=None):
    visitor.get("/clients/new")
    made = visitor.post(
        "/clients", {"first_name": first, "last_name": last, "phone": phone or fresh_phone()}
    )
    assert made.status_code == 303
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    visitor.get(f"/clients/{client_id}")
    return client_id


def retire(visitor, client_id, version="1", reason="case_closed", note="Sentence completed"):
    visitor.get(f"/clients/{client_id}")
    return visitor.post(
        f"/clients/{client_id}/retire", {"reason": reason, "note": note, "version": version}
    )


def test_retiring_takes_the_client_off_the_caseload_and_keeps_the_history(kristina, stores):
    client_id = add_client(kristina, "Rita", "Retirewell")
    assert "Retirewell, Rita" in page_text(kristina.get("/caseload?q=retirewell"))
    response = retire(kristina, client_id)
    assert response.status_code == 303
    client = stores.clients.get(client_id)
    assert client.retired and client.retirement.reason.value == "case_closed"
    assert client.retirement.note == "Sentence completed" and client.version == 2
    assert "Retirewell" not in page_text(kristina.get("/caseload?q=retirewell"))
    assert client_id not in {c.client_id for c in stores.clients.caseload("kristina")}
    assert "Retirewell, Rita" in page_text(kristina.get("/caseload/retired"))
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Retired: Case closed" in page and 'name="body"' not in page  # no send form
    markers = [e for e in stores.conversations.newest(client_id)[0] if e.marker]
    assert markers[0].marker == "retired" and "Case closed" in markers[0].body
    trail = stores.audit.trail(f"client#{client_id}")
    assert any(e.action == "retire" and e.details["reason"] == "case_closed" for e in trail)
    assert kristina.get(f"/clients/{client_id}/export/csv").status_code == 200
    assert kristina.get(f"/clients/{client_id}/print").status_code == 200


def test_a_reason_is_required_and_a_stale_form_gets_409(kristina, stores):
    client_id = add_client(kristina)
    missing = retire(kristina, client_id, reason="")
    assert missing.status_code == 400 and "Choose why" in page_text(missing)
    other = retire(kristina, client_id, reason="other", note="")
    assert other.status_code == 400
    assert not stores.clients.get(client_id).retired
    assert retire(kristina, client_id, version="1").status_code == 303
    again = retire(kristina, client_id, version="1")
    assert again.status_code == 409
    kristina.get(f"/clients/{client_id}")
    stale = kristina.post(
        f"/clients/{client_id}/reactivate", {"reason": "new_case", "version": "1"}
    )
    assert stale.status_code == 409 and stores.clients.get(client_id).retired


def test_reactivating_brings_the_client_and_the_number_back(kristina, stores, stack):
    phone = fresh_phone()
    client_id = add_client(kristina, "Ray", "Returner", phone)
    retire(kristina, client_id)
    kristina.get(f"/clients/{client_id}")
    response = kristina.post(
        f"/clients/{client_id}/reactivate", {"reason": "closed_by_mistake", "version": "2"}
    )
    assert response.status_code == 303
    client = stores.clients.get(client_id)
    assert not client.retired and client.version == 3
    assert "Returner, Ray" in page_text(kristina.get("/caseload?q=returner"))
    assert stores.clients.holder_of("probation", phone) == client_id
    assert any(e.action == "reactivate" for e in stores.audit.trail(f"client#{client_id}"))


def test_a_retired_clients_number_is_free_and_reactivation_then_says_who_holds_it(
    kristina, web, stores
):
    phone = fresh_phone()
    client_id = add_client(kristina, "Nora", "Numberless", phone)
    retire(kristina, client_id)
    marcus = web.sign_in("marcus")
    add_client(marcus, "New", "Holder", phone)  # the number was freed
    kristina = web.sign_in("kristina")
    kristina.get(f"/clients/{client_id}")
    refused = kristina.post(
        f"/clients/{client_id}/reactivate", {"reason": "new_case", "version": "2"}
    )
    assert refused.status_code == 400
    assert "Marcus Lee" in page_text(refused) and stores.clients.get(client_id).retired


def test_others_are_refused(kristina, web, stores):
    client_id = add_client(kristina)
    for outsider in ("marcus", "priya", "tom"):
        visitor = web.sign_in(outsider)
        visitor.get("/caseload")
        refused = visitor.post(
            f"/clients/{client_id}/retire", {"reason": "case_closed", "version": "1"}
        )
        assert refused.status_code == 403
    assert not stores.clients.get(client_id).retired
    dana = web.sign_in("dana")  # Kristina's supervisor may
    assert retire(dana, client_id).status_code == 303


def test_a_retired_client_cannot_be_texted_now_or_later(now, kristina, stores):
    client_id = add_client(kristina)
    retire(kristina, client_id)
    kristina.get(f"/clients/{client_id}")
    sent = kristina.post(
        f"/clients/{client_id}/messages", {"body": "Hello?", "draft_id": "cd" * 16}
    )
    assert sent.status_code in (400, 409) and "retired" in page_text(sent)
    kristina.get(f"/clients/{client_id}")
    day = (now + timedelta(days=2)).strftime("%Y-%m-%d")
    later = kristina.post(
        f"/clients/{client_id}/scheduled",
        {"body": "Later?", "send_date": day, "send_time": "09:00"},
    )
    assert later.status_code == 400 and "retired" in page_text(later)


def test_a_text_scheduled_before_retiring_is_refused_by_the_sender(
    now, stores, queue, sender, twilio
):
    from chalicelib.domain.conversation import marker
    from chalicelib.domain.retirement import Retirement, RetireReason

    client = new_client(stores)
    plan(stores, client, now + timedelta(seconds=30))
    stores.clients.retire(
        client,
        Retirement(now, RetireReason.CASE_CLOSED, "kristina"),
        marker(client.client_id, "retired", "Retired"),
        {"reason": "case_closed"},
    )
    sweep(stores, queue, now + timedelta(minutes=1))
    assert deliver(queue, sender, client) == ["refused"]
    assert texts_to(twilio, client.phone) == []
