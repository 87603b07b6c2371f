"""Read state in real browsers: a text is read for a person only once it has been on screen
in a focused tab of theirs. A supervisor reading it leaves it unread for the case manager,
whose forgotten tab does not read it for her; focusing that tab does."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.signing_in import signed_in_page, socket_open
from tests.browser.test_live_in_a_browser import text_from
from tests.browser.test_texting_in_a_browser import new_client
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser


def open_as(browser, base_url, contexts, username: str, focused: bool = True) -> Page:
    return signed_in_page(browser, base_url, username, contexts, 1280, height=720, focused=focused)


def unread_of(stores, user: str, client_id: str) -> int:
    item = stores.unread.for_user(user).get(client_id)
    return item.count if item else 0


def eventually(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)


def test_a_supervisor_reading_leaves_it_unread_for_the_case_managers_forgotten_tab(
    browser, base_url, stack, stores, check_a11y, contexts
):
    kristina = open_as(browser, base_url, contexts, "kristina", focused=False)
    phone = fresh_phone()
    client_id = new_client(kristina, "Vera", "Unread", phone)
    dana = open_as(browser, base_url, contexts, "dana")
    dana.goto(f"/clients/{client_id}")
    socket_open(kristina)
    socket_open(dana)

    text_from(stack, phone, "Are we still on for Friday?")
    for page in (kristina, dana):
        expect(page.locator(".conversation").get_by_text("still on for Friday")).to_be_visible()
    dana.locator("li.text-inbound").last.scroll_into_view_if_needed()  # on her screen ...
    eventually(lambda: unread_of(stores, "dana", client_id) == 0)  # ... in a focused tab
    kristina.wait_for_timeout(1000)  # a window for a wrong report: the absence is checked
    assert unread_of(stores, "kristina", client_id) == 1  # her tab was not focused
    check_a11y(kristina)

    kristina.locator("li.text-inbound").last.scroll_into_view_if_needed()
    kristina.wait_for_timeout(500)  # a window for a wrong report: the absence is checked
    assert unread_of(stores, "kristina", client_id) == 1  # on screen, but never focused
    kristina.evaluate(
        "document.hasFocus = function () { return true; }; window.dispatchEvent(new Event('focus'))"
    )
    eventually(lambda: unread_of(stores, "kristina", client_id) == 0)
    expect(kristina.get_by_role("button", name=re.compile("Mark read"))).to_be_hidden()


def test_mark_unread_and_the_counts_that_must_agree(browser, base_url, stack, stores, contexts):
    kristina = open_as(browser, base_url, contexts, "kristina")
    phone = fresh_phone()
    client_id = new_client(kristina, "Walt", "Counted", phone)
    kristina.get_by_role("button", name="Mark unread").click()
    expect(kristina).to_have_url(re.compile(r"/caseload\?marked=unread"))
    assert unread_of(stores, "kristina", client_id) == 1
    total = sum(item.count for item in stores.unread.for_user("kristina").values())
    expect(kristina).to_have_title(re.compile(rf"^\({total}\) "))
    kristina.goto("/caseload?order=unread")
    row = kristina.locator(f'#caseload [data-client="{client_id}"]').first
    expect(row.get_by_text("1 unread")).to_be_visible()
