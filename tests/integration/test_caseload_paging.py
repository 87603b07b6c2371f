"""Caseloads of any size: pages from the slim indexes, cursors, search and sorting."""

from __future__ import annotations

import html
import re
import secrets
from datetime import timedelta

import pytest

from tests.clock import real_now
from tests.helpers import fresh_phone, page_text

# one worker builds the 120-client caseload (big_caseload) for the whole module
pytestmark = pytest.mark.xdist_group("caseload-paging")


def listed_names(body: str) -> list[str]:
    return re.findall(r'class="client-name" href="[^"]+">([^<]+)</a>', body)


@pytest.fixture(scope="module")
def big_caseload(stack):
    """A case manager of her own (never signed in: the use case is called directly) with
    120 clients, a few with names worth searching for."""
    from chalicelib import bootstrap
    from chalicelib.domain.clients import Client
    from chalicelib.domain.users import Role, User

    stores = bootstrap.stores()

    owner = User(
        f"cm-{secrets.token_hex(4)}",
        "Big Caseload",
        "big@x.invalid",
        Role.CASE_MANAGER,
        "probation",
    )
    named = [("Michael", "Tran", "A-77001"), ("José", "Peña", "100999"), ("Trish", "Alvarado", "")]
    start = real_now() - timedelta(days=30)
    made = []
    for i in range(120):
        first, last, id_number = named[i] if i < len(named) else (f"Person{i:03d}", "Filler", "")
        made.append(
            stores.clients.add(
                Client(
                    secrets.token_hex(10),
                    "probation",
                    owner.user_id,
                    first,
                    last,
                    fresh_phone(),
                    id_number=id_number,
                    last_contact_at=start + timedelta(hours=i) if i % 2 else None,
                )
            )
        )
    return owner, made


def every_page(stores, owner, **asked):
    from chalicelib.services.caseload_lists import caseload_page

    pages = [caseload_page(owner, stores.client_lists, None, **asked)]
    while pages[-1].after is not None:
        pages.append(
            caseload_page(owner, stores.client_lists, None, after=pages[-1].after, **asked)
        )
    return pages


def test_a_caseload_of_120_comes_in_pages_of_50_with_nothing_left_out(stores, big_caseload):
    owner, made = big_caseload
    pages = every_page(stores, owner)
    assert [len(p.clients) for p in pages] == [50, 50, 20]
    assert all(p.round_trips == 1 for p in pages)  # Limit 51: one Query a page
    names = [c.listed_name for p in pages for c in p.clients]
    assert sorted(names, key=str.casefold) == sorted(
        (c.listed_name for c in made), key=str.casefold
    )
    assert len(set(names)) == 120


def test_most_recent_contact_first_then_the_never_contacted_by_name(stores, big_caseload):
    owner, _ = big_caseload
    listed = [c for p in every_page(stores, owner, order="recent") for c in p.clients]
    contacted = [c.last_contact_at for c in listed if c.last_contact_at]
    assert len(listed) == 120 and len(contacted) == 60
    assert contacted == sorted(contacted, reverse=True)
    assert all(c.last_contact_at is None for c in listed[60:])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Tran, Michael", ["Tran, Michael"]),
        ("Michael Tran", ["Tran, Michael"]),
        ("mich", ["Tran, Michael"]),
        ("tra", ["Tran, Michael"]),  # "Trish Alvarado" has no "tra" in it
        ("pena", ["Peña, José"]),
        ("JOSE PEÑA", ["Peña, José"]),
        ("100999", ["Peña, José"]),
        ("a-77001", ["Tran, Michael"]),
    ],
)
def test_search_finds_names_in_any_order_partial_accent_free_and_id_numbers(
    stores, big_caseload, query, expected
):
    owner, _ = big_caseload
    pages = every_page(stores, owner, query=query)
    assert [c.listed_name for p in pages for c in p.clients] == expected


def test_search_by_the_last_four_digits_of_the_current_number(stores, big_caseload):
    owner, made = big_caseload
    target = made[60]
    pages = every_page(stores, owner, query=target.phone[-4:])
    found = [c.client_id for p in pages for c in p.clients]
    assert target.client_id in found
    assert all(
        c.phone.endswith(target.phone[-4:]) or target.phone[-4:] in c.phone
        for p in pages
        for c in p.clients
    )


def test_a_search_that_matches_many_pages_too(stores, big_caseload):
    owner, _ = big_caseload
    pages = every_page(stores, owner, query="filler")
    assert [len(p.clients) for p in pages] == [50, 50, 17]


def test_the_next_page_link_round_trips_and_a_forged_cursor_gets_a_clear_400(web):
    dana = web.sign_in("dana")
    first = page_text(dana.get("/caseload"))
    link = html.unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1))
    second = dana.get(link)
    assert second.status_code == 200
    assert not set(listed_names(first)) & set(listed_names(page_text(second)))
    assert "Showing 51–" in page_text(second)
    cursor = link.split("after=")[1]
    for forged in (cursor[:-3] + "abc", "not-a-cursor", "x" * 5000):
        refused = dana.get(link.replace(cursor, forged))
        assert refused.status_code == 400
        assert "This list link is damaged or out of date" in page_text(refused)
    # a good cursor for another list (another search) is refused too
    borrowed = dana.get(link.replace("q=&", "q=tran&"))
    assert borrowed.status_code == 400


def test_another_persons_cursor_is_refused(web):
    dana = web.sign_in("dana")
    link = html.unescape(
        re.search(r'href="([^"]+)" rel="next"', page_text(dana.get("/caseload"))).group(1)
    )
    priya = web.sign_in("priya")
    assert priya.get(link).status_code == 400
