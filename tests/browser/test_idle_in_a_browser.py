"""An open, polling tab does not keep a session alive: after the idle timeout the page itself
goes to the sign-in page and says why."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from infra.local.seed import DEMO_PASSWORD
from tests.integration.session_tools import age, stored

pytestmark = pytest.mark.browser


def test_a_polling_caseload_page_is_signed_out_after_the_idle_timeout(browser, base_url):
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/signin")
        page.get_by_label("Username").fill("kristina")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
        cookie = next(c["value"] for c in context.cookies() if c["name"] == "cc_session")
        visitor = SimpleNamespace(cookies={"cc_session": cookie})

        age(visitor, last_active_at=timedelta(minutes=10))
        before = stored(visitor).last_active_at
        page.wait_for_timeout(4500)  # at least one poll
        assert stored(visitor).last_active_at == before  # polls are not activity

        age(visitor, last_active_at=timedelta(minutes=31))
        expect(page).to_have_url(re.compile(r"/signin\?reason=idle&next=%2Fcaseload"), timeout=9000)
        expect(page.get_by_text("signed out after a period without activity")).to_be_visible()
    finally:
        context.close()
