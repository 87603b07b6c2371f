"""Defects found in use (issue 11, item 10), each pinned in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from infra.local.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture()
def contexts():
    opened = []
    yield opened
    for context in opened:
        context.close()


def signed_in(browser: Browser, base_url: str, contexts: list, username: str = "kristina"):
    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 740})
    contexts.append(context)
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def test_the_notification_button_stays_hidden_when_notifications_cannot_be_asked_for(
    browser, base_url, contexts
):
    page = signed_in(browser, base_url, contexts)
    page.add_init_script("delete window.Notification;")
    page.goto("/caseload")
    button = page.locator("#enable-notifications")
    expect(button).to_have_attribute("hidden", "")
    expect(button).to_be_hidden()


def test_an_element_marked_hidden_is_hidden_whatever_its_class(browser, base_url, contexts):
    page = signed_in(browser, base_url, contexts)
    for tag, cls in [("a", "button"), ("div", "facts"), ("p", "badge"), ("ul", "nav-list")]:
        shown = page.evaluate(
            """([tag, cls]) => {
                const el = document.createElement(tag);
                el.className = cls; el.hidden = true; el.textContent = "x";
                document.querySelector("main").appendChild(el);
                return getComputedStyle(el).display;
            }""",
            [tag, cls],
        )
        assert shown == "none", (tag, cls)
