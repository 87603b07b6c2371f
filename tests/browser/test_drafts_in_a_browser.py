"""Unsent drafts on a shared browser: kept for their writer, never shown to the next person."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.signing_in import sign_in
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser
DRAFT = "Private note about your hearing, do not share"


@pytest.fixture()
def shared_browser(browser, base_url):
    """One browser profile (one localStorage) used by two people in turn."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def kristina_starts_a_draft(context: BrowserContext, last_name: str) -> tuple[Page, str]:
    page = sign_in(context, "kristina")
    page.goto("/clients/new")
    page.get_by_label("First name").fill("Draft")
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Mobile number").fill(fresh_phone())
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=f"Draft {last_name}")).to_be_visible()
    client_path = "/clients/" + page.url.split("/clients/")[1].split("?")[0].split("#")[0]
    page.get_by_label("Text to Draft").fill(DRAFT)
    assert draft_keys(page) == [f"clientcomm-draft:kristina:{client_path.split('/')[-1]}"]
    return page, client_path


def draft_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('clientcomm-draft:'))"
    )


def test_signing_out_removes_drafts_and_the_next_person_starts_empty(shared_browser):
    kristina, client_path = kristina_starts_a_draft(shared_browser, "Signout")
    kristina.get_by_role("button", name="Sign out").click()
    expect(kristina.get_by_text("You are signed out.")).to_be_visible()
    assert draft_keys(kristina) == []
    kristina.close()

    dana = sign_in(shared_browser, "dana")  # her supervisor may open the same client
    dana.goto(client_path)
    expect(dana.get_by_label("Text to Draft")).to_have_value("")


def test_a_draft_left_behind_by_an_ended_session_is_not_shown_to_the_next_person(
    shared_browser,
):
    kristina, client_path = kristina_starts_a_draft(shared_browser, "Walkaway")
    kristina.close()
    shared_browser.clear_cookies()  # her session ended without her signing out

    dana = sign_in(shared_browser, "dana")
    dana.goto(client_path)
    expect(dana.get_by_label("Text to Draft")).to_have_value("")
    dana.get_by_role("button", name="Sign out").click()
    expect(dana.get_by_text("You are signed out.")).to_be_visible()
    assert draft_keys(dana) == []
