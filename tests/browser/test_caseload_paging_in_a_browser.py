"""A caseload of any size in a real browser, at desktop width and at a phone's 375 px: it
comes in pages (Next page, First page), a search finds "Tran, Michael" and the last four
digits of a number, and a client is retired and reactivated from their page. Every state
passes axe. The case managers here are made for this file, in Pretrial, so the shared demo
caseloads and the Probation department other tests count are never changed."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.signing_in import signed_in_page
from tests.helpers import FRESH_AREAS
from tests.integration.session_tools import PASSWORD, new_staff

# one worker builds the 62-client caseload (long_caseload) for the whole module
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("caseload-paging-browser")]
DEPARTMENT = "pretrial"
WIDTHS = [1280, 375]
FILLERS = 60  # with the two named clients: a page of 50 and a page of 12


AREA = "628"  # this file's own: fresh_phone() never hands it out, nor does the seed
assert AREA not in FRESH_AREAS


def listed(last_two: int) -> str:
    """555-01xx numbers of this file's own area code (fresh_phone() came to use 312 once a
    worker had made 800 numbers, and a court import's client then found "its" number taken)."""
    return f"+1{AREA}55501{last_two:02d}"


def add_clients(stores, owner, people: list[tuple[str, str, str]]) -> list:
    from chalicelib.domain.clients import Client

    return [
        stores.clients.add(
            Client(secrets.token_hex(10), DEPARTMENT, owner.user_id, first, last, phone)
        )
        for first, last, phone in people
    ]


@pytest.fixture(scope="module")
def long_caseload(stack):
    """A case manager with 62 clients: Michael Tran, José Peña and 60 others."""
    from chalicelib import bootstrap

    stores = bootstrap.stores()
    owner = new_staff(stack, stores, department=DEPARTMENT)
    people = [("Michael", "Tran", listed(0)), ("José", "Peña", listed(42))]
    spare = [n for n in range(1, 100) if n != 42]
    people += [(f"Person{n:02d}", "Paging", listed(spare[n])) for n in range(FILLERS)]
    add_clients(stores, owner, people)
    return owner, len(people)


def signed_in(browser: Browser, base_url: str, contexts: list, username: str, width: int) -> Page:
    return signed_in_page(
        browser, base_url, username, contexts, width, height=844, password=PASSWORD
    )


def shows(page: Page) -> str:
    return page.locator("#caseload p[role=status]").inner_text()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_caseload_comes_in_pages_with_next_and_first_page(
    browser, base_url, check_a11y, contexts, long_caseload, width
):
    owner, total = long_caseload
    page = signed_in(browser, base_url, contexts, owner.user_id, width)
    names = page.locator("#caseload .client-name")
    expect(names).to_have_count(50)
    assert shows(page) == "Showing 1–50; more on the next page."
    first_page = names.all_inner_texts()
    assert first_page == sorted(first_page, key=str.casefold)
    expect(page.get_by_role("link", name="First page")).to_have_count(0)
    check_a11y(page)
    assert fits_the_screen(page)

    page.get_by_role("link", name="Next page").click()
    expect(names).to_have_count(total - 50)
    assert shows(page) == f"Showing 51–{total}: the end of the list."
    assert not set(names.all_inner_texts()) & set(first_page)
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    check_a11y(page)

    page.get_by_role("link", name="First page").click()
    expect(names).to_have_count(50)
    assert names.all_inner_texts() == first_page


@pytest.mark.parametrize("width", WIDTHS)
def test_a_search_finds_a_client_by_name_and_by_the_last_four_digits(
    browser, base_url, check_a11y, contexts, long_caseload, width
):
    owner, _ = long_caseload
    page = signed_in(browser, base_url, contexts, owner.user_id, width)
    search = page.get_by_label("Search by name, phone or id number")
    names = page.locator("#caseload .client-name")

    search.fill("Tran, Michael")
    page.get_by_role("button", name="Show").click()
    expect(names).to_have_text(["Tran, Michael"])
    assert "that match “Tran, Michael”" in shows(page)
    expect(search).to_have_value("Tran, Michael")
    check_a11y(page)

    search.fill("0142")  # José Peña's number ends in 0142
    page.get_by_role("button", name="Show").click()
    expect(names).to_have_text(["Peña, José"])
    expect(page.locator("#caseload .client-row")).to_contain_text(f"({AREA}) 555-0142")
    check_a11y(page)

    search.fill("nobody-by-this-name")
    page.get_by_role("button", name="Show").click()
    expect(names).to_have_count(0)
    assert shows(page) == "No clients match your search."
    check_a11y(page)
    assert fits_the_screen(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_client_is_retired_and_reactivated_from_their_page(
    browser, base_url, stack, stores, check_a11y, contexts, width
):
    owner = new_staff(stack, stores, department=DEPARTMENT)
    phone = listed(90 + WIDTHS.index(width))
    (client,) = add_clients(stores, owner, [("Rhea", f"Retiring{width}", phone)])
    page = signed_in(browser, base_url, contexts, owner.user_id, width)
    page.get_by_role("link", name=f"Retiring{width}, Rhea").click()
    expect(page.get_by_role("heading", name=f"Rhea Retiring{width}")).to_be_visible()

    page.get_by_text("Close case / retire client").click()
    page.get_by_label("Reason").select_option(label="Other")
    page.get_by_role("button", name="Retire client").click()  # "Other" needs a note
    expect(page.get_by_role("alert")).to_be_visible()
    check_a11y(page)
    page.goto(f"/clients/{client.client_id}")
    expect(page.get_by_role("button", name="Send text")).to_be_visible()  # nothing changed

    page.get_by_text("Close case / retire client").click()
    page.get_by_label("Reason").select_option(label="Case closed")
    page.get_by_role("button", name="Retire client").click()
    expect(page.get_by_role("status").filter(has_text="Client retired.")).to_be_visible()
    expect(page.get_by_role("heading", name="Retired: Case closed")).to_be_visible()
    expect(page.get_by_role("button", name="Send text")).to_have_count(0)
    expect(page.locator(".conversation")).to_contain_text(re.compile("Retired by Temp"))
    check_a11y(page)
    assert fits_the_screen(page)

    page.goto("/caseload")
    expect(page.locator("#caseload .client-name")).to_have_count(0)
    page.get_by_role("link", name="Retired clients").click()
    expect(page.get_by_role("heading", name="Retired clients")).to_be_visible()
    expect(page.locator(".client-name")).to_have_text([f"Retiring{width}, Rhea"])
    check_a11y(page)
    page.get_by_role("link", name=f"Retiring{width}, Rhea").click()

    page.get_by_label("Why reactivate").select_option(label="Closed by mistake")
    page.get_by_role("button", name="Reactivate client").click()
    expect(page.get_by_role("status").filter(has_text="Client reactivated.")).to_be_visible()
    expect(page.get_by_role("button", name="Send text")).to_be_visible()
    check_a11y(page)
    page.goto("/caseload")
    expect(page.locator("#caseload .client-name")).to_have_text([f"Retiring{width}, Rhea"])
