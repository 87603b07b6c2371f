"""Sessions end in every open tab at once: the idle timeout (noticed by the server's upkeep
and by the page's own clock), and signing out in one tab. An open tab's socket never keeps
a session alive, and a signed-out tab no longer shows anyone's name or texts."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.signing_in import sign_in, socket_open
from tests.integration.session_tools import age, stored

pytestmark = pytest.mark.browser


def visitor_of(context: BrowserContext) -> SimpleNamespace:
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "cc_session")
    return SimpleNamespace(cookies={"cc_session": cookie})


def connected(page: Page) -> None:
    """Wait until the page's socket is open (the local gateway has it registered)."""
    socket_open(page)


def expect_signed_out(page: Page, reason_text: str) -> None:
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
    expect(page.get_by_text(reason_text)).to_be_visible()
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    assert page.locator(".client-row, .conversation, nav").count() == 0  # nothing left to read


def test_the_idle_timeout_signs_out_every_open_tab_and_clears_them(
    browser, base_url, stack, check_a11y
):
    from chalicelib.jobs import entry_points

    context = browser.new_context(base_url=base_url)
    try:
        first = sign_in(context)
        second = context.new_page()
        second.goto("/caseload")
        for page in (first, second):
            connected(page)
        visitor = visitor_of(context)
        age(visitor, last_active_at=timedelta(minutes=10))
        before = stored(visitor).last_active_at
        entry_points.socket_upkeep()  # keep-alives and open sockets are not activity
        assert stored(visitor).last_active_at == before

        age(visitor, last_active_at=timedelta(minutes=31))
        closed = entry_points.socket_upkeep()  # the server notices and tells every tab
        assert closed["closed"] >= 2
        for page in (first, second):
            expect_signed_out(page, "signed out after a period without activity")
        check_a11y(first)
        first.get_by_role("link", name="Sign in again").click()
        expect(first.get_by_text("signed out after a period without activity")).to_be_visible()
    finally:
        context.close()


def test_a_minute_before_the_timeout_every_tab_warns_and_stay_signed_in_keeps_it(
    browser, base_url, stack, check_a11y
):
    context = browser.new_context(base_url=base_url)
    try:
        context.clock.install()
        first = sign_in(context)
        second = context.new_page()
        second.goto("/caseload")
        idle = stack_idle_minutes()
        context_pages = (first, second)
        context.clock.fast_forward(ms(minutes=idle - 2, seconds=5))  # one clock, every tab
        warning = first.get_by_role("alertdialog")
        expect(warning).to_contain_text("signed out in a minute")
        check_a11y(first)
        age(visitor_of(context), last_active_at=timedelta(minutes=idle - 2))
        before = stored(visitor_of(context)).last_active_at
        first.get_by_role("button", name="Stay signed in").click()
        expect(warning).to_be_hidden()
        expect(second.get_by_role("alertdialog")).to_be_hidden()  # every tab hears it
        assert stored(visitor_of(context)).last_active_at > before  # it counted as activity

        context.clock.fast_forward(ms(minutes=idle))
        for page in context_pages:
            expect_signed_out(page, "signed out after a period without activity")
    finally:
        context.close()


def test_signing_out_in_one_tab_signs_out_the_others(browser, base_url, stack):
    context = browser.new_context(base_url=base_url)
    try:
        first = sign_in(context)
        second = context.new_page()
        second.goto("/caseload")
        connected(second)
        second.evaluate("localStorage.setItem('clientcomm-draft:kristina:x', 'half a text')")
        first.get_by_role("button", name="Sign out").click()
        expect(first.get_by_text("You are signed out.")).to_be_visible()
        expect_signed_out(second, "You signed out in another tab or window.")
        assert second.evaluate("localStorage.getItem('clientcomm-draft:kristina:x')") is None
    finally:
        context.close()


def ms(**span: float) -> int:
    """Playwright's clock takes milliseconds (a timedelta is not understood)."""
    return int(timedelta(**span).total_seconds() * 1000)


def stack_idle_minutes() -> int:
    import os

    return int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30"))
