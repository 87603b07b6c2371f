"""A case manager in a real browser: sign in, caseload, add a client, a bad number, sign out.

Every page visited passes axe with no violations; the same flow runs at a phone's 375 px.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.clients import fold
from infra.local.seed import DEMO_PASSWORD
from tests.browser.test_phone_navigation_in_a_browser import open_menu
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request, page: Page) -> tuple[Page, str]:
    page.set_viewport_size(VIEWPORTS[request.param])
    return page, request.param.title()


def test_kristina_signs_in_adds_a_client_and_signs_out(sized_page, check_a11y):
    page, size = sized_page
    page.goto("/caseload")
    expect(page).to_have_url(re.compile(r"/signin\?reason=required"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_a11y(page)

    page.get_by_label("Username").fill("kristina")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    names = page.locator(".client-name").all_inner_texts()
    assert len(names) >= 30
    if size == "Desktop":  # a phone opens in inbox order (test_caseload_on_a_phone_...)
        assert names == sorted(names, key=lambda n: fold(n))  # "Peña" sorts as "Pena"
    else:
        expect(page.locator("#order")).to_have_value("inbox")
    check_a11y(page)

    page.get_by_role("link", name="Add client").first.click()
    expect(page.get_by_role("heading", name="Add a client")).to_be_visible()
    check_a11y(page)
    page.get_by_label("First name").fill(f"Browser{size}")
    page.get_by_label("Last name").fill("Tester")
    page.get_by_label("Mobile number").fill("555-12")
    page.get_by_label("Notes (optional)").fill("Prefers texts after 5pm")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("alert")).to_contain_text("not a valid phone number")
    expect(page.get_by_label("Notes (optional)")).to_have_value("Prefers texts after 5pm")
    expect(page.get_by_label("Mobile number")).to_have_attribute("aria-invalid", "true")
    check_a11y(page)

    number = fresh_phone()
    page.get_by_label("Mobile number").fill(number[2:])
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=f"Browser{size} Tester")).to_be_visible()
    # the client page at a wide screen also has the inbox's status line (its "Showing ...")
    expect(page.get_by_role("status").filter(has_text="Client added.")).to_be_visible()
    check_a11y(page)

    open_menu(page)  # on a phone the navigation is behind Menu
    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_label("Search by name, phone or id number").fill(f"browser{size}")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".client-name")).to_have_text([f"Tester, Browser{size}"])
    check_a11y(page)

    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out")
    page.goto("/caseload")
    expect(page).to_have_url(re.compile(r"/signin"))


def test_the_caseload_fits_a_phone_without_sideways_scrolling(page: Page):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto("/signin")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Department caseload")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_sign_in_form_works_from_the_keyboard(page: Page):
    page.goto("/signin")
    page.keyboard.press("Tab")  # skip link first
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("Username").focus()
    page.keyboard.type("kristina")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()


def test_a_new_hire_chooses_a_password_on_first_sign_in(page: Page, check_a11y):
    from infra.local.seed import NEW_HIRE_TEMPORARY_PASSWORD

    page.goto("/signin")
    page.get_by_label("Username").fill("newhire")
    page.get_by_label("Password").fill(NEW_HIRE_TEMPORARY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_a11y(page)
    page.get_by_label("New password", exact=True).fill("Weak")
    page.get_by_label("New password again").fill("Weak")
    page.get_by_role("button", name="Save password and sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("too weak")
    check_a11y(page)
    page.get_by_label("New password", exact=True).fill("A-good-long-pass-42")
    page.get_by_label("New password again").fill("A-good-long-pass-42")
    page.get_by_role("button", name="Save password and sign in").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
