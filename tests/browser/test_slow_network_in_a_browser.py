"""The conversation page on a slow 3G connection (Chrome DevTools' own figures,
tests/slow_3g.py) with nothing cached: it becomes usable — its 30 texts on screen, the
compose box counting as one types, a text sent and shown — and its files arrive
gzip-compressed. A condition, never a time: bench/slow_network.py measures how long."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import page_weights, slow_3g
from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.browser
PATIENCE_MS = 120_000  # a slow connection on a busy machine; only a failure waits this long


def test_a_conversation_on_slow_3g_with_an_empty_cache_becomes_usable(
    browser, base_url, stack, stores, contexts, check_a11y, now
):
    owner = new_staff(stack, stores)
    client_id = page_weights.conversation_client(stores, owner.user_id, fresh_phone(), now)
    page = signed_in_page(browser, base_url, owner.user_id, contexts, 375, password=PASSWORD)
    session = slow_3g.throttle(page.context, page)
    slow_3g.empty_cache(session, base_url)

    page.goto(f"/clients/{client_id}", wait_until="commit")
    page.wait_for_function(slow_3g.at(slow_3g.USABLE), polling="raf", timeout=PATIENCE_MS)

    sheet = page.evaluate(
        """() => performance.getEntriesByType("resource")
             .filter((r) => /\\/static\\/app\\.[0-9a-f]+\\.css$/.test(r.name))
             .map((r) => [r.encodedBodySize, r.decodedBodySize])[0]"""
    )
    assert sheet and 0 < sheet[0] < sheet[1] / 2  # gzip, as API Gateway sends it
    box = page.locator("#body")
    box.fill("On my way, 10 minutes")
    expect(page.locator("#segment-count")).to_contain_text("21 / 1600 characters")
    page.get_by_role("button", name="Send text").click()
    sent = page.locator(".text-outbound .text-body").filter(has_text="On my way, 10 minutes")
    expect(sent).to_be_visible(timeout=PATIENCE_MS)
    check_a11y(page)
