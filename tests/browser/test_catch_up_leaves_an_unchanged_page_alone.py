"""A page's first catch-up (its socket opening just after it loads) brings, most of the
time, exactly what the page shows. Replacing the list anyway could split a tap under way:
pressed on the old link, released on its copy, so neither gets a click and the case manager's
tap does nothing (seen as a flaky browser test at 375 px). Unchanged, the list is left as it
is; a change still replaces it."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from chalicelib.domain.clients import Client
from tests.browser.signing_in import caught_up, signed_in_page
from tests.helpers import fresh_phone
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.browser

# Counts what leaves the caseload list from the moment the page's HTML is parsed.
WATCH_REMOVALS = """
window.__removed = 0;
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector("[data-live-src]");
  new MutationObserver((records) => {
    records.forEach((r) => { window.__removed += r.removedNodes.length; });
  }).observe(list, { childList: true, subtree: true });
});
"""


def test_the_first_catch_up_leaves_an_unchanged_caseload_alone(
    browser, base_url, stack, stores, contexts
):
    owner = new_staff(stack, stores, department="pretrial")
    stores.clients.add(
        Client(secrets.token_hex(10), "pretrial", owner.user_id, "Tapper", "Steady", fresh_phone())
    )
    page = signed_in_page(
        browser, base_url, owner.user_id, contexts, 375, height=844, password=PASSWORD
    )
    page.context.add_init_script(WATCH_REMOVALS)
    page.goto("/caseload")
    caught_up(page)

    assert page.evaluate("window.__removed") == 0
    expect(page.get_by_role("link", name="Steady, Tapper")).to_be_visible()


def test_a_catch_up_that_brings_a_change_still_shows_it(browser, base_url, stack, stores, contexts):
    owner = new_staff(stack, stores, department="pretrial")
    stores.clients.add(
        Client(secrets.token_hex(10), "pretrial", owner.user_id, "First", "Shown", fresh_phone())
    )
    page = signed_in_page(
        browser, base_url, owner.user_id, contexts, 375, height=844, password=PASSWORD
    )
    caught_up(page)
    stores.clients.add(
        Client(secrets.token_hex(10), "pretrial", owner.user_id, "Later", "Added", fresh_phone())
    )
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.get_by_role("link", name="Added, Later")).to_be_visible(timeout=30_000)
