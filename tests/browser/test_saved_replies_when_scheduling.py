"""Saved replies where a text is scheduled, on a phone's width: Kristina picks one with the
keyboard in the client page's "Schedule a text" box (filled in Spanish for the client, as
the compose box's picker does), schedules it, then adds it again on the edit page. Both
pickers of the client page open at once pass axe, and no id repeats."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.signing_in import signed_in_page
from tests.browser.test_saved_replies_in_a_browser import (
    fits_the_screen,
    spanish_speaking_client,
)
from tests.browser.test_scheduling_in_a_browser import MADE
from tests.browser.test_scheduling_in_a_browser import (
    nothing_left_waiting as nothing_left_waiting,  # each test's texts finished after it
)

pytestmark = pytest.mark.browser
SPANISH = "Hola {first_name}, recuerde su cita. <i>{case_manager}</i>"


def save_my_reply(page: Page, name: str) -> None:
    page.goto("/saved-replies/new?scope=mine")
    page.get_by_label("Name in the list (optional)").fill(name)
    page.get_by_label("English wording").fill("Hi {first_name}, remember your appointment.")
    page.get_by_label("Spanish wording (optional)").fill(SPANISH)
    page.get_by_role("button", name="Save reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply saved.")


def repeated_ids(page: Page) -> list[str]:
    return page.evaluate(
        """() => { const seen = new Set(), again = [];
        document.querySelectorAll("[id]").forEach((el) => {
          if (seen.has(el.id)) { again.push(el.id); } seen.add(el.id); });
        return again; }"""
    )


def pick_with_the_keyboard(page: Page, picker: Locator, name: str) -> None:
    """From the box (focused): Tab to its "Saved replies", open it, Tab to the reply,
    choose it."""
    page.keyboard.press("Tab")
    expect(picker.locator("summary")).to_be_focused()
    page.keyboard.press("Enter")
    choice = picker.get_by_role("button", name=re.compile(name))
    expect(choice).to_be_visible()
    for _ in range(60):  # Tab through the list (other tests' replies may come first)
        page.keyboard.press("Tab")
        if choice.evaluate("el => el === document.activeElement"):
            break
    expect(choice).to_be_focused()
    page.keyboard.press("Enter")


def test_a_saved_reply_is_picked_with_the_keyboard_when_scheduling_and_editing_a_text(
    browser, base_url, check_a11y, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 375, height=740)
    mark = secrets.token_hex(3)
    name = f"Cita {mark}"
    save_my_reply(kristina, name)
    spanish_speaking_client(kristina, "Lucía", f"Reyes{mark}")
    MADE.append(kristina.url.split("/clients/")[1].split("?")[0])
    filled = "Hola Lucía, recuerde su cita. <i>Kristina Alvarez</i>"

    schedule = kristina.locator("form#schedule")
    box = kristina.get_by_label("Text to send Lucía later")
    box.press_sequentially("Recordatorio: ")
    pick_with_the_keyboard(kristina, schedule.locator("details.reply-picker"), name)
    expect(box).to_have_value("Recordatorio: " + filled)  # filled by the server, as text
    expect(box).to_be_focused()  # back in the box, still editable
    expect(kristina.locator("#schedule-segment-count")).to_contain_text(
        f"{len('Recordatorio: ' + filled)} / 1600 characters"
    )
    expect(kristina.get_by_label(re.compile("Text to Lucía at"))).to_have_value("")

    compose = kristina.locator("form.reply-dock details.reply-picker")
    compose.locator("summary").click()  # both lists open: their ids must not repeat
    schedule.locator("summary", has_text="Saved replies").click()
    expect(compose.get_by_role("button", name=re.compile(name))).to_be_visible()
    expect(schedule.get_by_role("button", name=re.compile(name))).to_be_visible()
    assert repeated_ids(kristina) == []  # axe no longer checks this
    assert fits_the_screen(kristina)
    check_a11y(kristina)
    schedule.locator("summary", has_text="Saved replies").click()
    compose.locator("summary").click()

    kristina.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()
    pending = kristina.locator("#scheduled")
    expect(pending).to_contain_text("Recordatorio: " + filled)

    kristina.get_by_role("link", name=re.compile(r"^Edit the text scheduled for")).click()
    expect(kristina.get_by_role("heading", level=1)).to_contain_text("Edit a scheduled text")
    edit_box = kristina.get_by_label("Text to send Lucía", exact=True)
    kristina.get_by_role("link", name=re.compile("Back to Lucía")).focus()
    kristina.keyboard.press("Tab")  # into the box, passing through: no cursor placed in it
    expect(edit_box).to_be_focused()
    pick_with_the_keyboard(kristina, kristina.locator("details.reply-picker"), name)
    expect(edit_box).to_have_value(f"Recordatorio: {filled} {filled}")
    expect(edit_box).to_be_focused()
    assert fits_the_screen(kristina)
    check_a11y(kristina)
    kristina.get_by_role("button", name="Save changes").click()
    expect(kristina.locator("#scheduled")).to_contain_text(f"{filled} {filled}")
    assert fits_the_screen(kristina)
