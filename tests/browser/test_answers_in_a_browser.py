"""Marcus has a client's page open when the client answers a reminder: the appointment
says Confirmed (or Asked to reschedule) the moment the answer arrives, pushed, and a page
that missed that push shows it once it catches up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import signed_in_page
from tests.browser.test_fresh_pages_in_a_browser import (
    PUSHED,
    live,
    lose_the_push_of,
    open_losing_pushes,
)
from tests.browser.test_live_in_a_browser import text_from
from tests.integration.answer_tools import OWNER, reminded
from tests.integration.conftest import queue as queue  # a fixture
from tests.integration.conftest import sender as sender  # a fixture

pytestmark = pytest.mark.browser


@pytest.fixture()
def answering(stores, queue, sender, now):
    """A client whose first reminder went; their reminders still waiting are failed at the
    end, so no later sweep of the shared stack finds them due."""
    client, appt, _ = reminded(stores, queue, sender, now)
    yield client, appt
    for text in stores.scheduled.pending_for_client(client.client_id):
        stores.scheduled.fail(text, "the test is over")


@pytest.mark.any_hour
def test_a_yes_shows_confirmed_on_the_open_client_page_at_once(
    browser, base_url, stack, answering, contexts, check_a11y
):
    client, _ = answering
    page = signed_in_page(browser, base_url, OWNER, contexts)
    with page.expect_response(lambda r: "/appointments/live" in r.url, timeout=PUSHED):
        page.goto(f"/clients/{client.client_id}")  # and its first catch-up is over
    live(page)
    listed = page.locator("#appointment-list .appointment")
    expect(listed).to_contain_text("Not confirmed")
    text_from(stack, client.phone, "Y")
    expect(listed.locator(".appointment-state")).to_have_text("Confirmed", timeout=PUSHED)
    expect(listed).to_contain_text("see you")  # the day-before reminder asks nothing now
    check_a11y(page)


@pytest.mark.any_hour
def test_a_page_that_missed_the_answer_shows_it_when_it_catches_up(
    browser, base_url, stack, answering, contexts
):
    client, _ = answering
    context = signed_in_page(browser, base_url, OWNER, contexts).context
    page = open_losing_pushes(context, f"/clients/{client.client_id}")
    state = page.locator("#appointment-list .appointment .appointment-state")
    lose_the_push_of(page, stack, client.phone, "No")
    expect(state).to_have_text("Not confirmed")
    page.evaluate("window.dropPushes = false; window.dispatchEvent(new Event('focus'))")
    expect(state).to_have_text("Asked to reschedule", timeout=PUSHED)
