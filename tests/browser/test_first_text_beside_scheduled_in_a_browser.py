"""The first text of a conversation that has only scheduled texts so far joins the
conversation, never the "Scheduled to send" list under it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import signed_in_page, socket_open
from tests.browser.test_fresh_pages_in_a_browser import made as made  # a fixture
from tests.browser.test_fresh_pages_in_a_browser import own_client
from tests.browser.test_live_in_a_browser import text_from
from tests.integration.test_scheduled_sending import plan

pytestmark = pytest.mark.browser


def test_a_first_reply_lands_in_the_conversation_not_in_the_scheduled_list(
    browser, base_url, stack, stores, now, made, contexts
):
    client = own_client(stores, made, "Firstreply")
    plan(stores, client, now + timedelta(days=2), "Court is on Thursday")
    page = signed_in_page(browser, base_url, "kristina", contexts)
    page.goto(f"/clients/{client.client_id}")
    socket_open(page)
    expect(page.locator("#conversation .conversation-empty")).to_be_visible()

    text_from(stack, client.phone, "Got it, thanks")

    texts = page.locator("#conversation > ol.conversation")
    expect(texts.get_by_text("Got it, thanks")).to_be_visible()
    scheduled = page.locator("#scheduled")
    expect(scheduled.get_by_text("Court is on Thursday")).to_be_visible()
    expect(scheduled.get_by_text("Got it, thanks")).to_have_count(0)
    expect(page.locator("#conversation .conversation-empty")).to_have_count(0)
