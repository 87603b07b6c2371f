"""On a phone the caseload opens in inbox order, unread first and then the most recent
contact, with a full screen of clients; an order the reader picks is kept for their next
visit. A wide screen opens A to Z."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.clients import Client, fold
from tests.browser.signing_in import signed_in_page
from tests.browser.test_caseload_paging_in_a_browser import DEPARTMENT, signed_in
from tests.browser.test_live_in_a_browser import text_from
from tests.helpers import fresh_phone
from tests.integration.session_tools import new_staff

pytestmark = pytest.mark.browser
PRETRIAL = "+18015550200"  # DEPARTMENT's number
LONG_AGO = datetime(2024, 5, 1, 15, tzinfo=UTC)  # contacts in a known order, any day


def rows_in_view(page: Page) -> int:
    return page.locator("#caseload [data-client]").evaluate_all(
        """rows => rows.filter(r => { const b = r.getBoundingClientRect();
                                      return b.top >= 0 && b.bottom <= innerHeight; }).length"""
    )


def test_a_phone_opens_the_caseload_unread_first_then_most_recent(
    browser, base_url, stack, stores, contexts, check_a11y
):
    owner = new_staff(stack, stores, department=DEPARTMENT)
    clients = [
        stores.clients.add(
            Client(
                secrets.token_hex(10),
                DEPARTMENT,
                owner.user_id,
                f"Row{n:02d}",
                "Inbox",
                fresh_phone(),  # numbers no other test holds
                last_contact_at=LONG_AGO + timedelta(days=n) if n % 4 else None,
            )
        )
        for n in range(12)
    ]
    text_from(stack, clients[1].phone, "Running late", PRETRIAL)  # unread: pinned on top
    page = signed_in(browser, base_url, contexts, owner.user_id, 375)
    page.set_viewport_size({"width": 375, "height": 844})
    expect(page.locator("#order")).to_have_value("inbox")
    expect(page.get_by_label("Order")).to_be_hidden()  # folded: the phone's own default
    expect(page.get_by_role("heading", name="Unread texts")).to_be_visible()
    expect(page.get_by_role("heading", name="Everyone, most recent contact first")).to_be_visible()
    names = page.locator("#caseload .client-name")
    others = [c for c in clients[2:] if c.last_contact_at]
    recent = sorted(others, key=lambda c: c.last_contact_at, reverse=True)
    # pinned, then everyone: Row01 again (its text is the latest contact), then by contact
    expected = ["Inbox, Row01", "Inbox, Row01"] + [c.listed_name for c in recent]
    assert names.all_inner_texts()[: len(expected)] == expected
    print(f"client rows wholly on the first screen at 375x844: {rows_in_view(page)}")
    assert rows_in_view(page) >= 8
    check_a11y(page)

    page.get_by_text("Sort and filter").click()
    page.get_by_label("Order").select_option(label="Name (A–Z)")
    page.get_by_role("button", name="Show").click()
    expect(names.first).to_have_text("Inbox, Row00")
    page.goto("/caseload")  # the next visit: the order picked, not the phone's default
    expect(page.locator("#order")).to_have_value("name")
    expect(names.first).to_have_text("Inbox, Row00")


def test_a_wide_screen_opens_the_caseload_a_to_z(browser, base_url, contexts):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 1280)
    expect(kristina.locator("#order")).to_have_value("name")
    names = kristina.locator("#caseload .client-name").all_inner_texts()
    assert len(names) >= 30
    assert names == sorted(names, key=fold)
