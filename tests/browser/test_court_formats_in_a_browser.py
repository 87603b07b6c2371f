"""Issue 18 in a browser on a phone (375 px): a supervisor's county export has its location
column headed ``(expression)``. The import page shows the file's columns and "Set up this
format"; the supervisor maps the columns by position, uploads the court's courthouse table,
imports, then imports the next export without any table: nothing changes; a new wording
of the courthouse shows the date it changes before saving it. Every page is
usable at 375 px without sideways scrolling (the sample table scrolls inside its own box)
and passes axe."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.signing_in import signed_in_page
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_court_import_pages import MADE, day_ahead, tables, us
from tests.integration.test_court_import_pages import (
    nothing_left_waiting as nothing_left_waiting,  # each test's reminders finished after it
)
from tests.integration.test_import_formats_pages import county_client

pytestmark = pytest.mark.browser
PHONE = 375
HEADER = "ofndr_num,crt_dt,crt_tm,crt_rm,(expression),hrg_typ\n"
COURTHOUSES = b'code,description\nSLC3,"Matheson Courthouse, 450 S State St"\n'


def fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def checked(page: Page, check_a11y) -> None:
    assert fits(page), f"{page.url} scrolls sideways at {PHONE} px"
    check_a11y(page)


def choose_file(page: Page, label: str, name: str, data: bytes) -> None:
    page.get_by_label(label).set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )


def upload_court_file(page: Page, data: bytes) -> None:
    page.goto("/imports")
    choose_file(page, "Court calendar file (CSV)", "court.csv", data)
    page.get_by_role("button", name="Upload and preview").click()


def verdicts(page: Page) -> dict[str, str]:
    """The preview's counts as shown, those above zero."""
    expect(page.get_by_role("heading", name="What applying would do")).to_be_visible()
    shown = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.facts div')].map(
               d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]))"""
    )
    return {label: count for label, count in shown.items() if count != "0"}


def test_a_supervisor_sets_up_a_county_format_by_position_on_a_phone(
    browser, base_url, stack, stores, check_a11y, contexts
):
    from chalicelib.domain.users import Role

    department = f"county{secrets.token_hex(4)}"  # its own: no other test meets its format
    boss = new_staff(stack, stores, Role.SUPERVISOR, department)
    manager = new_staff(stack, stores, Role.CASE_MANAGER, department)
    client = county_client(stores, department, manager)
    MADE.append(client.client_id)
    court_file = (
        f"{HEADER}{client.id_number},{us(day_ahead(30))},09:30,W42,SLC3,Arraignment\n"
    ).encode()
    page = signed_in_page(browser, base_url, boss.user_id, contexts, PHONE, password=PASSWORD)

    upload_court_file(page, court_file)  # no format reads it yet: its columns, and set-up
    expect(page.locator("#court_file-error")).to_contain_text("5: (expression)")
    checked(page, check_a11y)
    page.get_by_role("button", name="Set up this format").click()

    expect(page.get_by_role("heading", name="The file's columns")).to_be_visible()
    expect(page.get_by_text("(matched by position)").first).to_be_visible()
    checked(page, check_a11y)
    page.get_by_label("Name of the format").fill("County export")
    for label, column in (
        ("Client's id number", "1"),
        ("Date (or date and time together)", "2"),
        ("Time", "3"),
        ("Room", "4"),
        ("Courthouse code", "5"),
        ("Kind of hearing", "6"),
    ):
        page.get_by_label(label, exact=True).select_option(column)
    page.get_by_label("How it writes dates").select_option("MM/DD/YYYY (or M/D/YYYY)")
    page.get_by_label("How it writes times").select_option("24-hour, HH:MM (14:30)")
    page.get_by_role("button", name="Save the format").click()
    expect(page.get_by_text("County export").first).to_be_visible()

    page.goto("/courthouses")
    choose_file(page, "Table of codes (CSV with a header row)", "codes.csv", COURTHOUSES)
    page.get_by_role("button", name="Upload the table").click()
    expect(page.get_by_text("Courthouse table saved.")).to_be_visible()
    expect(page.get_by_label("SLC3")).to_have_value("Matheson Courthouse, 450 S State St")
    checked(page, check_a11y)

    upload_court_file(page, court_file)
    assert verdicts(page) == {"New": "1"}
    checked(page, check_a11y)
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("heading", name="Import applied")).to_be_visible()
    [stored] = stores.appointments.for_client(client.client_id)
    assert stored.place == "Matheson Courthouse, 450 S State St, Room W42"
    assert stored.hearing == "Arraignment"

    before = tables("appointments", "scheduled-texts")
    upload_court_file(page, court_file)  # the next export, no courthouse table with it
    assert verdicts(page) == {"Unchanged": "1"}
    checked(page, check_a11y)
    apply = page.get_by_role("button", name="Apply these changes")
    if apply.count():  # offered or not (issue 18, i18-plans), applying changes nothing
        apply.click()
        expect(page.get_by_role("heading", name="Import applied")).to_be_visible()
    assert tables("appointments", "scheduled-texts") == before

    page.goto(f"/clients/{client.client_id}")
    expect(page.get_by_text("Arraignment").first).to_be_visible()

    page.goto("/courthouses")  # a new wording: the dates it changes are shown first
    page.get_by_label("SLC3").fill("Scott M. Matheson Courthouse, 450 South State Street")
    page.get_by_role("button", name="Save SLC3").click()
    expect(page.get_by_role("heading", name="Check the reminders this changes")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Matheson Courthouse, 450 S State St, Room W42")
    ).to_be_visible()
    checked(page, check_a11y)
    page.get_by_role("button", name="Save and change 1 court date").click()
    expect(page.get_by_text("1 upcoming court date and its waiting reminders")).to_be_visible()
    [reworded] = stores.appointments.for_client(client.client_id)
    assert reworded.place == "Scott M. Matheson Courthouse, 450 South State Street, Room W42"
