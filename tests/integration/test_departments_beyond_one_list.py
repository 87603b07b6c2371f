"""A department with more clients than one list holds (2,000): the court import finds every
client by id number, and the Scheduled page names every client with a waiting text. The
test cuts the department list to one client (``MAX_CASELOAD``), which is what a big
department looks like to code that reads the list; the fixed code no longer reads it."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from tests.helpers import page_text
from tests.integration.test_court_import_pages import (  # noqa: F401 - an autouse fixture
    DEMO_HEADER,
    MADE,
    apply_all,
    counts,
    day_ahead,
    new_client,
    nothing_left_waiting,
    upload,
)
from tests.integration.test_scheduled_sending import plan


@pytest.fixture()
def one_client_per_list(monkeypatch):
    monkeypatch.setattr("chalicelib.store.clients.MAX_CASELOAD", 1)


@pytest.fixture()
def dana(web):
    return web.sign_in("dana")


def test_every_row_finds_its_client_however_big_the_department(dana, stores, one_client_per_list):
    first, second = new_client(stores), new_client(stores)
    day = day_ahead(30)
    rows = [
        f"{first.id_number},{day.isoformat()},09:30,W43,,",
        f"{second.id_number.lower()},{day.isoformat()},10:00,W44,,",  # case does not matter
        f"NOBODY{secrets.token_hex(3)},{day.isoformat()},10:00,W44,,",
    ]
    import_id = upload(dana, (DEMO_HEADER + "\n".join(rows) + "\n").encode())
    found = counts(dana.get(f"/imports/{import_id}").body.decode())
    assert found["New"] == 2 and found["Unknown id number"] == 1
    apply_all(dana, import_id)
    for client in (first, second):
        assert len(stores.clients.get(client.client_id).appointments or {}) == 1


def test_an_id_number_two_clients_hold_is_still_named(dana, stores, one_client_per_list):
    first, second = new_client(stores), new_client(stores)
    stores.clients.update_details(
        second,
        __import__("chalicelib.domain.clients", fromlist=["ClientDetails"]).ClientDetails(
            second.first_name, second.last_name, second.phone, "", "en", first.id_number
        ),
        None,
    )
    day = day_ahead(31)
    import_id = upload(dana, (DEMO_HEADER + f"{first.id_number},{day},09:30,W1,,\n").encode())
    page = page_text(dana.get(f"/imports/{import_id}"))
    assert counts(dana.get(f"/imports/{import_id}").body.decode())["Unknown id number"] == 1
    assert f"More than one client has id number '{first.id_number}'" in page
    assert "More than one client has each of these id numbers" in page


def test_the_scheduled_page_names_every_client_however_big_the_department(
    now, dana, stores, one_client_per_list
):
    client = new_client(stores)
    plan(stores, client, now + timedelta(days=2), f"Bring your papers {secrets.token_hex(3)}")
    page = page_text(dana.get("/scheduled"))
    assert client.listed_name in page
    assert "A client no longer listed" not in page
    MADE.append(client.client_id)


@pytest.mark.parametrize("per_id_queries", [0, 8], ids=["paging the keys", "query per id"])
def test_the_id_number_lookup_finds_holders_either_way(stores, per_id_queries):
    from chalicelib.store.client_lookup import by_id_numbers

    first, second = new_client(stores), new_client(stores)
    keys = [first.id_number.casefold(), second.id_number.casefold(), "nobody-has-this"]
    found = by_id_numbers("probation", keys, per_id_queries=per_id_queries)
    assert found == {keys[0]: [first.client_id], keys[1]: [second.client_id]}
    assert by_id_numbers("pretrial", keys, per_id_queries=per_id_queries) == {}
