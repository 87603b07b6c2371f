"""The one way browser tests sign in (through the sign-in page, as a person does), and how
they wait for a page's socket."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

from infra.local.seed import DEMO_PASSWORD


def sign_in(
    context: BrowserContext, username: str = "kristina", password: str = DEMO_PASSWORD
) -> Page:
    """A new tab of ``context``, signed in as ``username``, on the page sign-in leads to."""
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)  # not refused
    return page


# A signed-in session per person, per local stack: a later test's page reuses it (its
# cookie) instead of signing in through the form again. Tests that sign out, or let a
# session end, sign in with ``sign_in`` on a context of their own.
_sessions: dict[tuple[str, str, str], list[Any]] = {}
KEPT_COOKIES = ("cc_session", "cc_csrf")
NARROW_PX = 767  # templates/static/layout.js: NARROW, (max-width: 47.99em)


def signed_in_page(
    browser: Browser,
    base_url: str,
    username: str,
    contexts: list[BrowserContext],
    width: int = 1280,
    *,
    height: int = 900,
    password: str = DEMO_PASSWORD,
    focused: bool = True,
    touch: bool = False,
) -> Page:
    """A browser of its own (``contexts`` closes it after the test) at ``width`` by
    ``height``, signed in, on the caseload. ``focused=False``: a tab left open behind
    others, visible to its scripts but never focused. ``touch``: a phone's touch screen
    (CSS ``pointer: coarse``), not a mouse."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": height},
        **({"has_touch": True, "is_mobile": True} if touch else {}),
    )
    if not focused:
        context.add_init_script("document.hasFocus = function () { return false; };")
    contexts.append(context)
    key = (base_url, username, password)
    if key in _sessions:
        screen = "narrow" if width <= NARROW_PX else "wide"  # as the page script says it
        told = {"name": "cc_screen", "value": screen, "url": base_url}
        context.add_cookies([*_sessions[key], told])
        page = context.new_page()
        page.goto("/caseload")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if "/signin" not in page.url:
            return page
        page.close()  # that session ended: sign in again
        context.clear_cookies()
    page = sign_in(context, username, password)
    _sessions[key] = [c for c in context.cookies() if c["name"] in KEPT_COOKIES]
    return page


def socket_open(page: Page) -> None:
    """Wait until the page's socket to the WebSocket API is open (``body[data-live]``), so
    a change made from now on is pushed to it."""
    expect(page.locator("body")).to_have_attribute("data-live", "open")


def caught_up(page: Page) -> None:
    """Wait until the page's socket is open and every region it refetched on opening has
    come back, so a change made from now on reaches the page by push alone."""
    socket_open(page)
    expect(page.locator('body[data-refreshing="0"]')).to_be_attached()
