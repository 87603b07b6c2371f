"""Numbers a client may not have, extensions kept, and warnings about an old number cleared."""

from __future__ import annotations

import re

import pytest

from infra.local.fake_twilio import LANDLINE_NUMBER
from tests.helpers import fresh_phone, page_text
from tests.jurisdiction_files import running_jurisdiction, use_jurisdiction


def client_id_of(response) -> str:
    assert response.status_code == 303, response.body[:400]
    return response.headers["Location"].split("/")[2].split("?")[0]


def add(visitor, phone: str, first: str = "Num", last: str = "Bers", **more):
    visitor.get("/clients/new")
    return visitor.post(
        "/clients", {"first_name": first, "last_name": last, "phone": phone, **more}
    )


def kept_everything(body: str, phone: str) -> bool:
    return 'value="Keep"' in body and "keep these notes" in body and f'value="{phone}"' in body


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("801-555-0100", "this department's own texting number"),
        ("(801) 555-0200", "the texting number of Pretrial"),
        ("+44 20 7946 0958", "a number in United Kingdom"),
    ],
    ids=["own number", "other department's number", "non-US"],
)
def test_a_number_the_department_may_not_text_is_refused_next_to_the_field(
    web, stores, phone, message
):
    web.sign_in("kristina")
    before = len(stores.clients.caseload("kristina"))
    response = add(web, phone, first="Keep", notes="keep these notes")
    body = page_text(response)
    assert response.status_code == 400
    assert re.search(r'id="phone-error">[^<]*' + re.escape(message), body)
    assert kept_everything(body, phone)
    assert len(stores.clients.caseload("kristina")) == before


def test_editing_to_the_departments_own_number_is_refused_and_nothing_changes(web, stores):
    web.sign_in("kristina")
    phone = fresh_phone()
    client_id = client_id_of(add(web, phone))
    web.get(f"/clients/{client_id}/edit")
    response = web.post(
        f"/clients/{client_id}",
        {"first_name": "Num", "last_name": "Bers", "phone": "+18015550100", "version": "1"},
    )
    assert response.status_code == 400
    assert "own texting number" in page_text(response)
    assert stores.clients.get(client_id).phone == phone


def test_a_country_the_jurisdiction_allows_is_accepted(web, stores, monkeypatch, tmp_path):
    config = running_jurisdiction()
    use_jurisdiction(monkeypatch, tmp_path, {**config, "allowed_countries": ["US", "GB"]})
    web.sign_in("kristina")
    london = f"+44 20 7946 {len(stores.clients.caseload('kristina')) % 1000:04d}"
    client = stores.clients.get(client_id_of(add(web, london, first="Abroad")))
    assert client.phone.startswith("+44207946")


def test_a_number_taken_by_a_client_the_visitor_may_open_links_to_that_client(web, stores):
    web.sign_in("kristina")
    phone = fresh_phone()
    first = client_id_of(add(web, phone, first="Already", last="Here"))
    response = add(web, phone, first="Second", last="Try")
    body = response.body.decode()
    assert response.status_code == 400
    assert "already the number of Already Here" in page_text(response)
    assert f'href="/clients/{first}" class="number-holder-link"' in body
    # her supervisor may open the client too, so she gets the link as well
    web.sign_in("dana")
    response = add(web, phone, first="Third", last="Try", case_manager_id="marcus")
    assert f'href="/clients/{first}"' in response.body.decode()


def test_a_number_taken_on_someone_elses_caseload_names_only_the_case_manager(web, stores):
    web.sign_in("kristina")
    phone = fresh_phone()
    holder = client_id_of(add(web, phone, first="Private", last="Person"))
    web.sign_in("marcus")
    response = add(web, phone, first="Copy", last="Cat")
    body = page_text(response)
    assert response.status_code == 400
    assert "Kristina Alvarez" in body
    assert holder not in body and "Private" not in body and "Person" not in body


def test_an_extension_typed_with_the_number_is_kept_and_shown_with_a_warning(web, stores):
    web.sign_in("kristina")
    phone = fresh_phone()
    typed = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]} ext 5 - front desk"
    client_id = client_id_of(add(web, typed, first="Office"))
    client = stores.clients.get(client_id)
    assert (client.phone, client.phone_note) == (phone, "ext. 5, front desk")
    page = page_text(web.get(f"/clients/{client_id}"))
    assert "ext. 5, front desk" in page and "an extension cannot receive texts" in page
    form = page_text(web.get(f"/clients/{client_id}/edit"))
    assert 'name="phone_note" type="text" value="ext. 5, front desk"' in form
    web.post(
        f"/clients/{client_id}",
        {"first_name": "Office", "last_name": "Bers", "phone": phone, "version": "1"},
    )
    assert stores.clients.get(client_id).phone_note == ""  # emptied on purpose, not lost


def test_a_landline_warning_clears_when_the_number_changes(web, stack, stores):
    web.sign_in("tom")  # Pretrial: the fake's landline is no Pretrial client's number
    client_id = client_id_of(add(web, LANDLINE_NUMBER, first="Desk", last="Phone"))
    page = web.get(f"/clients/{client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    web.post(f"/clients/{client_id}/messages", {"body": "Landline?", "draft_id": draft})
    stack.twilio.wait_for_callbacks()
    assert "landline" in stores.clients.get(client_id).delivery_problem
    web.get(f"/clients/{client_id}/edit")
    new = fresh_phone()
    saved = web.post(
        f"/clients/{client_id}",
        {"first_name": "Desk", "last_name": "Phone", "phone": new, "version": "1"},
    )
    assert saved.status_code == 303
    client = stores.clients.get(client_id)
    assert client.phone == new and client.delivery_problem == ""
    assert "Delivery problem" not in page_text(web.get(f"/clients/{client_id}"))
