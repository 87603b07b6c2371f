"""Issue 20, item 1, in a browser on a phone (375 px): a supervisor uploads a spreadsheet
of clients, reads every row's verdict, adds the new ones and sees the page say it is done;
each page fits without sideways scrolling and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from chalicelib.domain.users import Role
from tests.browser.signing_in import signed_in_page
from tests.browser.test_court_formats_in_a_browser import PHONE, checked, choose_file, verdicts
from tests.helpers import fresh_phone
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.browser


def test_a_supervisor_imports_clients_on_a_phone(
    browser, base_url, stack, stores, check_a11y, contexts
):
    manager = new_staff(stack, stores)
    boss = new_staff(stack, stores, Role.SUPERVISOR)
    phones = [fresh_phone() for _ in range(3)]
    data = (
        "First Name,Last Name,Phone,Language,ID Number,Case Manager Username\n"
        f"Rosa,Márquez-Villanueva,{phones[0]},Spanish,,{manager.user_id}\n"
        f"Tim,Ode,{phones[1]},,,{manager.user_id}\n"
        f"Tim,Ode,{phones[1]},,,{manager.user_id}\n"
        f"Al,Nobody,{phones[2]},,,no-such-person\n"
    ).encode()
    page = signed_in_page(browser, base_url, boss.user_id, contexts, PHONE, password=PASSWORD)

    page.goto("/client-imports")
    checked(page, check_a11y)
    choose_file(page, "Spreadsheet of clients (CSV)", "clients.csv", data)
    page.get_by_role("button", name="Upload and preview").click()

    assert verdicts(page) == {
        "New client": "2",
        "Duplicate row": "1",
        "Unknown or inactive case manager": "1",
    }
    checked(page, check_a11y)
    page.get_by_role("button", name="Add these clients").click()
    expect(page.get_by_role("heading", name="Import applied")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("status").first).to_contain_text("2 clients added")
    checked(page, check_a11y)
    assert {c.phone for c in stores.clients.caseload(manager.user_id)} == set(phones[:2])
