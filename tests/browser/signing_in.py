"""The one way browser tests sign in (through the sign-in page, as a person does), and how
they wait for a page's socket."""

from __future__ import annotations

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
) -> Page:
    """A browser of its own (``contexts`` closes it after the test) at ``width`` by ``height``,
    signed in. ``focused=False``: a tab left open behind others, visible to its scripts but
    never focused."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    if not focused:
        context.add_init_script("document.hasFocus = function () { return false; };")
    contexts.append(context)
    return sign_in(context, username, password)


def socket_open(page: Page) -> None:
    """Wait until the page's socket to the WebSocket API is open (``body[data-live]``), so
    a change made from now on is pushed to it."""
    expect(page.locator("body")).to_have_attribute("data-live", "open")
