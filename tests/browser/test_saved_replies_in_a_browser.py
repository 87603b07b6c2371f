"""Saved replies in a real browser on a phone's width: Kristina saves one with a Spanish
wording, picks it with the keyboard on a Spanish-speaking client's page, and sends it."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def spanish_speaking_client(page: Page, first: str, last: str) -> None:
    page.goto("/clients/new")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Mobile number").fill(fresh_phone())
    page.get_by_label("Preferred language").select_option("es")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=f"{first} {last}")).to_be_visible()


def test_a_saved_reply_is_picked_with_the_keyboard_filled_in_spanish_and_sent(
    browser, base_url, check_a11y, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 375, height=740)
    mark = secrets.token_hex(3)
    kristina.goto("/settings")
    kristina.get_by_role("link", name="Saved replies").click()
    kristina.get_by_role("link", name="Add a reply of my own").click()
    kristina.get_by_label("Name in the list (optional)").fill(f"Oficina {mark}")
    kristina.get_by_label("English wording").fill("Hi {first_name}, the office is closed Monday.")
    kristina.get_by_label("Spanish wording (optional)").fill(
        "Hola {first_name}, la oficina cierra el lunes. <b>{case_manager}</b>"
    )
    assert fits_the_screen(kristina)
    check_a11y(kristina)
    kristina.get_by_role("button", name="Save reply").click()
    expect(kristina.get_by_role("status")).to_contain_text("Reply saved.")
    expect(kristina.get_by_role("heading", name=f"Oficina {mark}")).to_be_visible()
    assert fits_the_screen(kristina)
    check_a11y(kristina)

    spanish_speaking_client(kristina, "Lucía", f"Ortega{mark}")
    box = kristina.get_by_label(re.compile("Text to Lucía"))
    box.press_sequentially("Buenos días. ")
    kristina.keyboard.press("Tab")  # to "Send text"
    kristina.keyboard.press("Tab")  # to "Saved replies"
    picker = kristina.locator("form.reply-dock summary", has_text="Saved replies")
    expect(picker).to_be_focused()
    kristina.keyboard.press("Enter")
    expected = "Hola Lucía, la oficina cierra el lunes. <b>Kristina Alvarez</b>"
    choice = kristina.get_by_role("button", name=re.compile(f"Oficina {mark}"))
    expect(choice).to_contain_text(expected)  # filled by the server, shown as text
    assert fits_the_screen(kristina)
    check_a11y(kristina)
    for _ in range(60):  # Tab through the list (other tests' replies may come first)
        kristina.keyboard.press("Tab")
        if choice.evaluate("el => el === document.activeElement"):
            break
    expect(choice).to_be_focused()
    kristina.keyboard.press("Enter")

    expect(box).to_have_value("Buenos días. " + expected)
    expect(box).to_be_focused()  # back in the box, still editable
    expect(kristina.locator("#segment-count")).to_contain_text(
        f"{len('Buenos días. ' + expected)} / 1600 characters"
    )
    kristina.keyboard.press("Tab")
    expect(kristina.get_by_role("button", name="Send text")).to_be_focused()
    kristina.keyboard.press("Enter")
    expect(kristina.locator(".text-outbound .text-body").last).to_have_text(
        "Buenos días. " + expected
    )
    assert fits_the_screen(kristina)
