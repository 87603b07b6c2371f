"""Issue 20, item 1, second pass, in a browser on a phone (375 px): a county's client
export the documented names miss shows its columns; the supervisor says which holds what
and saves it; the same file then reads at once. While a case manager's tab applies an
import, the supervisor's open page follows it to "Import applied" without a reload.
Every page fits without sideways scrolling and passes axe."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from chalicelib.domain.users import Role
from tests.browser.signing_in import caught_up, signed_in_page
from tests.browser.test_court_formats_in_a_browser import PHONE, checked, choose_file, verdicts
from tests.helpers import fresh_phone
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.browser


def test_a_supervisor_sets_up_a_county_client_export_on_a_phone(
    browser, base_url, stack, stores, check_a11y, contexts
):
    department = f"county{secrets.token_hex(4)}"
    boss = new_staff(stack, stores, Role.SUPERVISOR, department)
    manager = new_staff(stack, stores, department=department)
    phone = fresh_phone()
    data = (
        "Offender Number,Last,First,Cell,Officer Login,Primary Language\n"
        f"OF-{secrets.token_hex(3)},Ruiz,Ana,{phone},{manager.user_id},SPA\n"
    ).encode()
    page = signed_in_page(browser, base_url, boss.user_id, contexts, PHONE, password=PASSWORD)

    page.goto("/client-imports")
    choose_file(page, "Spreadsheet of clients (CSV)", "county.csv", data)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("alert")).to_contain_text("Columns not recognised: Offender Number")
    checked(page, check_a11y)
    page.get_by_role("button", name="Say which column holds what").click()

    expect(page.get_by_role("heading", name="The file's columns")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("3")  # by its header
    checked(page, check_a11y)
    page.get_by_label("Name of the format").fill("County offender export")
    page.get_by_label("Id number").select_option("1")
    page.get_by_label("Case manager username").select_option("5")
    page.get_by_label("Language").select_option("6")
    page.get_by_role("button", name="Save the format").click()
    expect(page.get_by_role("status")).to_contain_text("Format saved")
    checked(page, check_a11y)

    page.goto("/client-imports")
    choose_file(page, "Spreadsheet of clients (CSV)", "county.csv", data)
    page.get_by_role("button", name="Upload and preview").click()
    assert verdicts(page) == {"New client": "1"}


def test_the_supervisors_open_page_follows_an_import_applied_in_another_browser(
    browser, base_url, stack, stores, check_a11y, contexts
):
    own = new_staff(stack, stores)
    data = "first name,last name,phone\n" + "".join(
        f"Seen{i},Applied,{fresh_phone()}\n" for i in range(3)
    )
    uploader = signed_in_page(browser, base_url, own.user_id, contexts, password=PASSWORD)
    uploader.goto("/client-imports")
    choose_file(uploader, "Spreadsheet of clients (CSV)", "mine.csv", data.encode())
    uploader.get_by_role("button", name="Upload and preview").click()
    expect(uploader.get_by_role("button", name="Add these clients")).to_be_visible()

    watching = signed_in_page(browser, base_url, "dana", contexts, PHONE)
    watching.goto(uploader.url)
    caught_up(watching)
    watching.evaluate("window.notReloaded = true")
    uploader.get_by_role("button", name="Add these clients").click()
    expect(watching.get_by_role("heading", name="Import applied")).to_be_visible(timeout=30_000)
    expect(watching.get_by_text("3 clients added.")).to_be_visible()
    assert watching.evaluate("window.notReloaded === true")  # followed, never reloaded
    checked(watching, check_a11y)
