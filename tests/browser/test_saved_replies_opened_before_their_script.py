"""A "Saved replies" picker opened before saved_replies.js ran (a deferred module: on a slow
connection or a busy phone the page is usable first) lists the replies once the script
runs. Its ``toggle`` event came and went with nobody listening, so the script loads a
picker it finds already open. The script is held back by the test until the picker is
open and its toggle has fired, so the order is forced, not left to chance."""

from __future__ import annotations

import re
import secrets
import time

import pytest
from playwright.sync_api import Route, expect

from tests.browser.signing_in import signed_in_page
from tests.browser.test_saved_replies_in_a_browser import spanish_speaking_client
from tests.browser.test_saved_replies_when_scheduling import save_my_reply

pytestmark = pytest.mark.browser
SCRIPT = "**/static/saved_replies.*js"  # by its hashed name
FORGET_KEPT_FILES = "() => caches.keys().then((ns) => Promise.all(ns.map((n) => caches.delete(n))))"
PATIENCE = 30.0  # seconds: a busy machine, never a measure of speed


def test_a_picker_opened_before_its_script_ran_lists_the_saved_replies(browser, base_url, contexts):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 375, height=740)
    name = f"Early {secrets.token_hex(3)}"
    save_my_reply(kristina, name)
    spanish_speaking_client(kristina, "Temprano", f"Abre{secrets.token_hex(3)}")
    client_page = kristina.url

    held: list[Route] = []
    # as on a first visit: the service worker keeps static files it fetched (the pages
    # above loaded this one) and would hand the script over at once, from its cache
    kristina.evaluate(FORGET_KEPT_FILES)
    # the context's route: it also sees what the service worker fetches for the page
    kristina.context.route(SCRIPT, lambda route: held.append(route))  # waits until released
    kristina.goto(client_page, wait_until="commit")
    picker = kristina.locator("form.reply-dock details.reply-picker")
    expect(picker.locator("summary")).to_be_visible()
    picker.evaluate("el => el.addEventListener('toggle', () => { window.toggled = true; })")
    picker.locator("summary").click()
    kristina.wait_for_function("() => window.toggled === true")  # the toggle nobody else heard
    deadline = time.monotonic() + PATIENCE
    while not held:  # the browser asked for the script (and is still waiting for it)
        assert time.monotonic() < deadline, "the page never asked for saved_replies.js"
        kristina.wait_for_timeout(50)
    expect(picker.get_by_role("link", name="Your saved replies")).to_be_visible()

    for route in held:
        route.continue_()
    kristina.context.unroute(SCRIPT)

    expect(picker.get_by_role("button", name=re.compile(name))).to_be_visible()
    assert picker.evaluate("el => el.open")
