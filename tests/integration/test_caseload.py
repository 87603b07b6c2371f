"""The caseload: alphabetical by default, other orders, search, adding and editing clients."""

from __future__ import annotations

import html
import re
import secrets
from datetime import timedelta

import pytest

from chalicelib.domain.clients import Client, fold
from chalicelib.domain.errors import StaleRecord
from tests.helpers import fresh_phone, page_text


def listed_names(body: str) -> list[str]:
    return re.findall(r'class="client-name" href="[^"]+">([^<]+)</a>', body)


def every_page(visitor, path: str) -> tuple[list[str], int]:
    """The names on every page of a list, following its "Next page" links; and the pages."""
    names: list[str] = []
    pages = 0
    while path:
        body = page_text(visitor.get(path))
        names += listed_names(body)
        pages += 1
        found = re.search(r'href="([^"]+)" rel="next"', body)
        path = html.unescape(found.group(1)) if found else ""
    return names, pages


def listed_ids(body: str) -> list[str]:
    """Client ids in the order listed: names repeat once other tests have added clients."""
    return re.findall(r'class="client-name" href="/clients/([^"]+)">', body)


def sort_key(name: str) -> tuple[str, str]:
    last, first = name.split(", ", 1)
    return (fold(last), fold(first))  # accents folded, as the caseload sorts


def test_a_case_manager_sees_only_her_own_clients_alphabetically_by_last_name(web, stores):
    names, _ = every_page(web.sign_in("kristina"), "/caseload")
    own = stores.clients.caseload("kristina")
    assert len(names) == len(own) >= 30
    assert names == sorted(names, key=sort_key)
    assert "Tran, Michael" in names
    others = {c.listed_name for c in stores.clients.caseload("marcus")}
    assert not others & set(names)


def test_unread_first_puts_clients_with_unread_texts_on_top(web, stores):
    body = page_text(web.sign_in("kristina").get("/caseload?order=unread"))
    mine = stores.unread.for_user("kristina")  # her own unread state, not anyone else's
    pinned = body.split('id="unread-heading"')[1].split('id="all-heading"')[0]
    pinned_ids = listed_ids(pinned)
    assert pinned_ids and set(pinned_ids) <= set(mine)
    newest = [mine[i].newest_at for i in pinned_ids]
    assert newest == sorted(newest, reverse=True)  # the newest unread text first
    everyone = listed_names(body.split('id="all-heading"')[1])  # then the list, by name
    assert everyone == sorted(everyone, key=sort_key)


def test_most_recent_contact_first(web, stores):
    body = page_text(web.sign_in("kristina").get("/caseload?order=recent"))
    by_id = {c.client_id: c for c in stores.clients.caseload("kristina")}
    times = [by_id[i].last_contact_at for i in listed_ids(body)]
    known = [t for t in times if t]
    assert known == sorted(known, reverse=True)
    never = times.index(None) if None in times else len(times)  # the page may hold none
    assert all(t is None for t in times[never:])  # never-contacted clients come last


@pytest.mark.any_hour
def test_never_contacted_clients_come_after_every_contacted_one(web, stores, now):
    """On a list of its own (a surname no one else has): the shared caseload's first page
    may hold only contacted clients once other tests have texted enough of them."""
    surname = f"Recency{secrets.token_hex(3)}"
    made = {
        first: stores.clients.add(
            Client(
                secrets.token_hex(10),
                "probation",
                "kristina",
                first,
                surname,
                fresh_phone(),
                last_contact_at=at,
            )
        ).client_id
        for first, at in (
            ("Never", None),
            ("Lately", now - timedelta(hours=1)),
            ("Earlier", now - timedelta(days=2)),
        )
    }
    body = page_text(web.sign_in("kristina").get(f"/caseload?order=recent&q={surname}"))
    assert listed_ids(body) == [made["Lately"], made["Earlier"], made["Never"]]


def test_search_by_name_ignores_case_and_accents(web):
    body = page_text(web.sign_in("kristina").get("/caseload?q=MICHAEL%20tr"))
    assert listed_names(body) == ["Tran, Michael"]


def test_search_by_part_of_the_number(web):
    body = page_text(web.sign_in("kristina").get("/caseload?q=555-0101"))
    assert "Tran, Michael" in listed_names(body)


def test_a_supervisor_sees_the_whole_department_with_case_managers(web, stores):
    dana = web.sign_in("dana")
    body = page_text(dana.get("/caseload"))
    department = stores.clients.department("probation")
    names, pages = every_page(dana, "/caseload")
    # every client once (names may repeat: other tests add clients), 50 to a page
    assert len(names) == len(department) >= 58 and pages == -(-len(department) // 50)
    assert names == sorted(names, key=sort_key)
    assert "Kristina Alvarez" in body and "Marcus Lee" in body
    assert not any(c.department_id != "probation" for c in department)


def test_adding_a_client_normalises_the_number_to_e164(web, stores):
    web.sign_in("kristina").get("/clients/new")
    number = fresh_phone()
    national = f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    response = web.post(
        "/clients",
        {
            "first_name": " Ana ",
            "last_name": "Peña",
            "phone": national,
            "language": "es",
            "notes": "Works nights",
            "id_number": "CR-2026-001",
        },
    )
    assert response.status_code == 303
    client_id = response.headers["Location"].split("/")[2].split("?")[0]
    client = stores.clients.get(client_id)
    assert (client.first_name, client.last_name, client.phone) == ("Ana", "Peña", number)
    assert (client.language, client.id_number, client.case_manager_id) == (
        "es",
        "CR-2026-001",
        "kristina",
    )
    assert "Client added." in page_text(web.get(response.headers["Location"]))


def test_an_invalid_number_is_refused_with_a_clear_error_and_nothing_saved(web, stores):
    web.sign_in("kristina").get("/clients/new")
    before = len(stores.clients.caseload("kristina"))
    response = web.post(
        "/clients",
        {"first_name": "Bad", "last_name": "Number", "phone": "555-12", "notes": "keep me"},
    )
    body = page_text(response)
    assert response.status_code == 400
    assert "is not a valid phone number" in body or "is not a phone number" in body
    assert "keep me" in body and 'value="Bad"' in body  # nothing the person typed is lost
    assert len(stores.clients.caseload("kristina")) == before


def test_html_in_a_name_is_shown_as_text_never_run(web, stores):
    web.sign_in("kristina").get("/clients/new")
    response = web.post(
        "/clients",
        {"first_name": "<script>alert(1)</script>", "last_name": "Zz<b>", "phone": fresh_phone()},
    )
    page = web.get(response.headers["Location"]).body.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_number_already_held_names_the_case_manager_who_holds_it(web, stores):
    web.sign_in("marcus").get("/clients/new")
    michael = next(c for c in stores.clients.caseload("kristina") if c.first_name == "Michael")
    response = web.post(
        "/clients", {"first_name": "Copy", "last_name": "Cat", "phone": michael.phone}
    )
    assert response.status_code == 400
    assert "Kristina Alvarez" in page_text(response)


def test_the_same_number_may_be_used_in_another_department(web, stores):
    web.sign_in("tom").get("/clients/new")
    michael = next(c for c in stores.clients.caseload("kristina") if c.first_name == "Michael")
    response = web.post(
        "/clients", {"first_name": "Other", "last_name": "Department", "phone": michael.phone}
    )
    assert response.status_code == 303


def test_editing_a_client_keeps_the_conversation_and_marks_a_number_change(web, stores):
    web.sign_in("kristina").get("/clients/new")
    old = fresh_phone()
    created = web.post("/clients", {"first_name": "Edit", "last_name": "Me", "phone": old})
    client_id = created.headers["Location"].split("/")[2].split("?")[0]
    form = web.get(f"/clients/{client_id}/edit")
    assert 'name="version" value="1"' in page_text(form)
    new = fresh_phone()
    saved = web.post(
        f"/clients/{client_id}",
        {"first_name": "Edited", "last_name": "Me", "phone": new, "version": "1"},
    )
    assert saved.status_code == 303
    client = stores.clients.get(client_id)
    assert (client.first_name, client.phone, client.version) == ("Edited", new, 2)
    assert stores.clients.holder_of("probation", new) == client_id
    assert stores.clients.holder_of("probation", old) is None  # kept only as an old route
    page = page_text(web.get(f"/clients/{client_id}"))
    assert "Number changed from" in page and "Kristina Alvarez" in page


def test_a_stale_edit_form_is_refused_and_the_typing_is_kept(web, stores):
    web.sign_in("kristina").get("/clients/new")
    created = web.post(
        "/clients", {"first_name": "Stale", "last_name": "Form", "phone": fresh_phone()}
    )
    client_id = created.headers["Location"].split("/")[2].split("?")[0]
    web.get(f"/clients/{client_id}/edit")
    phone = stores.clients.get(client_id).phone
    first = web.post(
        f"/clients/{client_id}",
        {"first_name": "One", "last_name": "Form", "phone": phone, "version": "1"},
    )
    assert first.status_code == 303
    web.get(f"/clients/{client_id}/edit")
    typed = {"first_name": "Two", "last_name": "Form", "phone": phone, "notes": "Typed <b>"}
    second = web.post(f"/clients/{client_id}", {**typed, "version": "1"})

    assert second.status_code == 409
    page, raw = page_text(second), second.body.decode()
    assert "Someone else changed" in page and "nothing was lost" in page
    assert input_value(raw, "first_name") == "Two"  # what was typed stays in the form
    assert "Typed &lt;b&gt;</textarea>" in raw  # escaped, kept
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td>", raw)
    assert ("First name", "One", "Two") in rows  # theirs beside yours
    assert ("Notes", "(empty)", "Typed &lt;b&gt;") in rows
    assert input_value(raw, "version") == "2"  # their version: a second save is deliberate
    assert stores.clients.get(client_id).first_name == "One"

    again = web.post(f"/clients/{client_id}", {**typed, "version": "2"})
    assert again.status_code == 303
    saved = stores.clients.get(client_id)
    assert (saved.first_name, saved.notes, saved.version) == ("Two", "Typed <b>", 3)


def input_value(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def test_a_supervisor_moves_a_client_and_the_move_is_recorded(web, stores):
    web.sign_in("kristina").get("/clients/new")
    created = web.post(
        "/clients", {"first_name": "Moving", "last_name": "Client", "phone": fresh_phone()}
    )
    client_id = created.headers["Location"].split("/")[2].split("?")[0]
    supervisor = type(web)(web.http).sign_in("dana")
    supervisor.get(f"/clients/{client_id}")
    moved = supervisor.post(
        f"/clients/{client_id}/reassign", {"case_manager_id": "marcus", "version": "1"}
    )
    assert moved.status_code == 303
    assert stores.clients.get(client_id).case_manager_id == "marcus"
    entries, _ = stores.conversations.newest(client_id)
    marker = entries[0]
    assert marker.marker == "transferred"
    assert marker.details == {"from": "kristina", "to": "marcus", "by": "dana"}
    assert "Dana Whitfield" in marker.body


def test_store_refuses_an_update_with_an_old_version(stores):
    from dataclasses import replace

    import pytest

    from chalicelib.domain.clients import Client, ClientDetails

    client = stores.clients.add(
        Client("c-stale-store", "probation", "kristina", "A", "B", fresh_phone())
    )
    details = ClientDetails("A2", "B", client.phone)
    stores.clients.update_details(client, details, None)
    with pytest.raises(StaleRecord):
        stores.clients.update_details(replace(client, version=1), details, None)


def test_two_clients_can_never_hold_one_number_the_condition_decides(stores):
    """``add`` reads nothing before writing: the route's conditional put is the only check,
    so eight attempts released at the same instant leave exactly one holder. (The local
    DynamoDB applies one request at a time, as DynamoDB applies each transaction.)"""
    import threading

    from chalicelib.domain.clients import Client
    from chalicelib.store.clients import NumberInUse

    phone = fresh_phone()
    racers = 8
    start = threading.Barrier(racers)
    outcomes: dict[int, str] = {}

    def race(i: int) -> None:
        start.wait()
        try:
            stores.clients.add(
                Client(f"race-{i}-{phone}", "probation", "kristina", "R", f"Racer{i}", phone)
            )
            outcomes[i] = "added"
        except NumberInUse:
            outcomes[i] = "refused"

    threads = [threading.Thread(target=race, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [i for i, outcome in outcomes.items() if outcome == "added"]
    assert len(outcomes) == racers and len(winners) == 1
    assert stores.clients.holder_of("probation", phone) == f"race-{winners[0]}-{phone}"
    assert [stores.clients.get(f"race-{i}-{phone}") is not None for i in range(racers)] == [
        i == winners[0] for i in range(racers)
    ]
