"""The navigation fits a phone: at 375 px every link and Sign out sit behind one labelled
Menu button, reached and left from the keyboard; no page scrolls sideways, even while an
unclaimed number waits; the count of waiting numbers shows on the button and follows
pushes. On a wide screen the links stand in the header as before."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.clients import Client
from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone
from tests.integration.test_scheduled_sending import plan

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 844}
PROBATION = "+18015550100"
PUSHED = 15_000  # ms: generous, the machine may be busy
LINKS = (
    "Caseload",
    "Add client",
    "Import clients",
    "Groups",
    "Mass texts",
    "Unclaimed",
    "Scheduled",
    "Court dates",
    "Reminder texts",
    "Audit trail",
    "Dashboard",
    "Settings",
)  # a supervisor's: the most there are (an admin's add Staff)


def on_a_phone(browser, base_url, contexts, username: str) -> Page:
    page = signed_in_page(browser, base_url, username, contexts, PHONE["width"])
    page.set_viewport_size(PHONE)
    return page


def menu_button(page: Page):
    return page.locator(".site-menu > summary")


def open_menu(page: Page) -> None:
    """On a phone the links and Sign out are behind Menu: open it (a wide screen shows
    them already)."""
    if menu_button(page).is_visible() and not page.locator(".site-menu[open]").count():
        menu_button(page).click()


def fits(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def a_number_waits(stack) -> str:
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="who is this?")
    return stranger


@pytest.fixture()
def client(stores):
    """A client of Kristina's with a text scheduled two days ahead (failed at the end, so
    no later sweep of the shared stack finds it due)."""
    made = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Wide", "Nowhere", fresh_phone())
    )
    yield made
    for text in stores.scheduled.pending_for_client(made.client_id):
        stores.scheduled.fail(text, "the test is over")


def test_no_page_scrolls_sideways_on_a_phone_while_a_number_waits(
    browser, base_url, stack, stores, contexts, client, now
):
    stranger = a_number_waits(stack)
    text = plan(stores, client, now + timedelta(days=2), "A text to edit later")
    anonymous = browser.new_context(base_url=base_url, viewport=PHONE)
    contexts.append(anonymous)
    signin = anonymous.new_page()
    signin.goto("/signin")
    assert fits(signin), "the sign-in page scrolls sideways at 375 px"
    dana = on_a_phone(browser, base_url, contexts, "dana")
    pages = [
        "/clients/no-such-client",  # the problem page
        f"/clients/{client.client_id}/scheduled/{text.scheduled_id}/edit",
        "/caseload",
        "/caseload?scope=mine&order=recent",
        "/caseload/retired",
        "/clients/new",
        f"/clients/{client.client_id}",
        f"/clients/{client.client_id}/edit",
        f"/clients/{client.client_id}/print",
        "/unclaimed",
        f"/unclaimed/{stranger[1:]}",
        "/scheduled",
        "/imports",
        "/reminder-texts",
        "/settings",
    ]
    for path in pages:
        dana.goto(path)
        assert fits(dana), f"{path} scrolls sideways at 375 px"
        if not dana.locator(".site-menu").count():
            continue  # the print view and the problem page have no navigation
        expect(menu_button(dana).locator(".nav-count")).to_be_visible()
        menu_button(dana).click()
        expect(dana.get_by_role("button", name="Sign out")).to_be_in_viewport()
        assert fits(dana), f"{path} with the menu open scrolls sideways at 375 px"
        menu_button(dana).click()


def test_the_menu_holds_every_link_and_sign_out_reached_from_the_keyboard(
    browser, base_url, stack, contexts, check_a11y
):
    a_number_waits(stack)
    dana = on_a_phone(browser, base_url, contexts, "dana")
    height = dana.locator(".site-header").evaluate("el => el.getBoundingClientRect().height")
    assert height <= 64, f"the header is {height:.0f} px tall at 375 px"
    expect(dana.get_by_role("link", name="Settings")).to_be_hidden()  # folded
    check_a11y(dana)

    dana.keyboard.press("Tab")
    expect(dana.get_by_role("link", name="Skip to main content")).to_be_focused()
    dana.keyboard.press("Tab")
    expect(dana.get_by_role("link", name="ClientComm")).to_be_focused()
    dana.keyboard.press("Tab")
    expect(menu_button(dana)).to_be_focused()
    expect(menu_button(dana)).to_have_text(re.compile(r"^Menu"))
    dana.keyboard.press("Enter")
    names = []
    for _ in range(len(LINKS) + 2):
        dana.keyboard.press("Tab")
        focused = dana.evaluate(
            """() => { const el = document.activeElement;
                       const r = el.getBoundingClientRect();
                       return [el.textContent.trim(), r.left >= 0 && r.right <= innerWidth
                               && r.top >= 0 && r.bottom <= innerHeight]; }"""
        )
        names.append(focused[0])
        assert focused[1], f"{focused[0]} focused but not wholly on screen"
        if focused[0] == "Sign out":
            break
    for link in (*LINKS, "Sign out"):
        assert any(name.startswith(link) for name in names), (link, names)
    assert fits(dana)
    check_a11y(dana)

    dana.keyboard.press("Escape")
    expect(menu_button(dana)).to_be_focused()
    expect(dana.get_by_role("link", name="Settings")).to_be_hidden()

    menu_button(dana).click()
    dana.get_by_role("button", name="Sign out").click()
    expect(dana.get_by_role("heading", name="Sign in")).to_be_visible()


def test_the_menu_counts_waiting_numbers_as_they_come(browser, base_url, stack, contexts):
    kristina = on_a_phone(browser, base_url, contexts, "kristina")
    kristina.wait_for_function("() => document.body.dataset.live === 'open'", timeout=PUSHED)
    shown = menu_button(kristina).inner_text()
    a_number_waits(stack)
    expect(menu_button(kristina).locator(".nav-count")).to_be_visible(timeout=PUSHED)
    expect(menu_button(kristina)).not_to_have_text(shown, timeout=PUSHED)
    menu_button(kristina).click()
    unclaimed = kristina.get_by_role("link", name=re.compile(r"^Unclaimed \S+ waiting$"))
    expect(unclaimed).to_be_visible()
    count = menu_button(kristina).locator(".nav-count").inner_text()
    expect(unclaimed.locator(".nav-count")).to_have_text(count)


def test_a_wide_screen_shows_every_link_in_the_header(browser, base_url, contexts, check_a11y):
    dana = signed_in_page(browser, base_url, "dana", contexts, 1280)
    expect(menu_button(dana)).to_be_hidden()
    header = dana.get_by_role("navigation", name="Main")
    for link in LINKS:
        expect(header.get_by_role("link", name=re.compile("^" + link))).to_be_visible()
    expect(dana.get_by_role("button", name="Sign out")).to_be_visible()
    assert fits(dana)
    check_a11y(dana)
    header.get_by_role("link", name="Scheduled").click()
    expect(dana.get_by_role("heading", name=re.compile("Scheduled"))).to_be_visible()
