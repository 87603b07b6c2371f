"""The order the caseload opens in: on a phone, inbox order (unread first, then the most
recent contact), A to Z on a wider screen; and whatever order the reader picks is remembered
in this browser, for them and nobody else who signs in on it."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

import pytest

from chalicelib.domain.clients import Client
from tests.helpers import WebVisitor, fresh_phone
from tests.integration.session_tools import PASSWORD, new_staff

SCREEN = "cc_screen"  # the page script says "narrow" on a phone
ORDER = "cc_order"


@pytest.fixture()
def owner(stack, stores):
    """A case manager of their own, with three clients whose name and recent orders differ."""
    person = new_staff(stack, stores)
    people = [
        ("Ada", "Able", datetime(2024, 5, 1, 15, tzinfo=UTC)),
        ("Ben", "Baker", None),
        ("Cy", "Cole", datetime(2024, 5, 3, 15, tzinfo=UTC)),
    ]
    for first, last, contact in people:
        stores.clients.add(
            Client(
                secrets.token_hex(10),
                "probation",
                person.user_id,
                first,
                last,
                fresh_phone(),
                last_contact_at=contact,
            )
        )
    return person


def visitor(http, person, **cookies: str) -> WebVisitor:
    web = WebVisitor(http)
    web.cookies.update(cookies)
    return web.sign_in(person.user_id, PASSWORD)


def listed(page: str) -> list[str]:
    return re.findall(r'class="client-name"[^>]*>([^<]+)</a>', page)


def chosen(page: str) -> str:
    found = re.search(r'<option value="([a-z]+)" selected>', page)
    assert found, "the Order field shows the order"
    return found.group(1)


def test_a_phone_opens_the_caseload_in_inbox_order(http, owner):
    page = visitor(http, owner, **{SCREEN: "narrow"}).get("/caseload").body.decode()
    assert chosen(page) == "inbox"
    assert listed(page) == ["Cole, Cy", "Able, Ada", "Baker, Ben"]  # most recent first


def test_a_wide_screen_opens_it_a_to_z(http, owner):
    for cookies in ({}, {SCREEN: "wide"}):
        page = visitor(http, owner, **cookies).get("/caseload").body.decode()
        assert chosen(page) == "name"
        assert listed(page) == ["Able, Ada", "Baker, Ben", "Cole, Cy"]


def test_the_order_the_reader_picks_is_remembered(http, owner):
    web = visitor(http, owner, **{SCREEN: "narrow"})
    web.get("/caseload?order=name&q=")
    assert ORDER in web.cookies
    again = web.get("/caseload").body.decode()
    assert chosen(again) == "name"  # their choice beats the phone's default
    assert listed(again) == ["Able, Ada", "Baker, Ben", "Cole, Cy"]
    web.get("/caseload?order=recent")
    assert chosen(web.get("/caseload").body.decode()) == "recent"


def test_the_live_refresh_and_the_inbox_beside_a_conversation_change_no_choice(http, owner):
    web = visitor(http, owner)
    web.get("/caseload/live?order=unread", {"X-ClientComm-Background": "1"})
    assert ORDER not in web.cookies
    assert chosen(web.get("/caseload").body.decode()) == "name"


def test_one_persons_choice_is_not_the_next_persons_on_the_same_browser(http, stack, stores, owner):
    web = visitor(http, owner)
    web.get("/caseload?order=recent")
    web.post("/signout", {})
    other = new_staff(stack, stores)
    web.sign_in(other.user_id, PASSWORD)
    assert chosen(web.get("/caseload").body.decode()) == "name"
