"""Issue 21, item 1, in a browser: a supervisor opens the dashboard from the menu on a
phone (375 px), picks the last 30 days and reads the seeded history's charts and their
tables without sideways scrolling; on a desk (1280 px) each chart has its table beside
it. Both pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from chalicelib.domain.users import Role
from tests.browser.signing_in import signed_in_page
from tests.browser.test_court_formats_in_a_browser import PHONE, checked
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.browser


def test_a_supervisor_reads_the_dashboard_on_a_phone_and_at_a_desk(
    browser, base_url, stack, stores, check_a11y, contexts
):
    boss = new_staff(stack, stores, Role.SUPERVISOR)  # probation: the seeded history
    page = signed_in_page(browser, base_url, boss.user_id, contexts, PHONE, password=PASSWORD)

    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Department dashboard")).to_be_visible()
    page.get_by_label("Last 30 days").check()
    page.get_by_role("button", name="Show").click()

    expect(page.locator("#as-of")).to_contain_text("Last 30 days")
    expect(page.get_by_role("img", name="Texts sent and received, by day")).to_be_visible()
    sent = page.get_by_role("row", name="Texts sent", exact=False).first.get_by_role("cell").last
    assert int(sent.inner_text()) > 0  # the seeded history is counted
    checked(page, check_a11y)

    desk = signed_in_page(browser, base_url, boss.user_id, contexts, 1280, password=PASSWORD)
    desk.goto("/dashboard?period=30")
    chart = desk.get_by_role("img", name="Texts sent and received, by day").bounding_box()
    table = desk.get_by_role("region", name="Texts by day, as numbers").bounding_box()
    assert chart and table and table["x"] > chart["x"] + chart["width"] - 1  # side by side
    check_a11y(desk)
