"""Older texts asked for just before the page catches up (it was focused, or its socket
came back) are shown once they arrive, not put into the list the catch-up replaced."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Route, expect

from tests.browser.signing_in import caught_up
from tests.browser.test_live_in_a_browser import text_from
from tests.browser.test_phone_first_in_a_browser import (
    LONG,
    PRETRIAL,
    case_manager,
    client_with_texts,
)

pytestmark = pytest.mark.browser


def test_older_texts_that_arrive_after_a_catch_up_are_shown(
    browser, base_url, stack, stores, contexts
):
    manager = case_manager(browser, base_url, stack, stores, contexts)
    client_id, phone = client_with_texts(manager, stack, "Caughtup")
    held: list[Route] = []

    def older_page(route: Route) -> None:  # the first ask waits for the test; later ones go
        if held:
            route.continue_()
        else:
            held.append(route)

    manager.route("**/live?before=*", older_page)
    manager.goto(f"/clients/{client_id}")
    # The socket's opening catch-up must be over: one that came back after the push below
    # would already show it, and the focus catch-up, finding nothing new, would rightly
    # leave the list alone.
    caught_up(manager)
    texts = manager.locator("ol.conversation").first.locator(".text")
    expect(texts).to_have_count(30)

    manager.get_by_role("link", name="Load older messages").click()
    deadline = time.monotonic() + 30
    while not held:  # the page asked for the older texts
        assert time.monotonic() < deadline, "Load older asked for nothing"
        manager.wait_for_timeout(50)
    text_from(stack, phone, "Pushed meanwhile", PRETRIAL)  # the catch-up will differ
    expect(texts.last).to_contain_text("Pushed meanwhile")
    manager.evaluate("window.listBefore = document.querySelector('#conversation ol')")
    manager.evaluate("window.dispatchEvent(new Event('focus'))")  # the page catches up
    manager.wait_for_function(
        "() => document.querySelector('#conversation ol') !== window.listBefore"
    )  # the catch-up replaced the list the older texts were asked for
    held[0].continue_()

    expect(texts).to_have_count(LONG + 1)
    expect(texts.first).to_contain_text("Text number 1 from")  # and none missing between:
    expect(manager.locator("#older-status")).to_have_text(
        f"{LONG + 1 - 30} older messages loaded: this is the start of the conversation."
    )
