"""Kristina schedules reminders from a client's page: a quick pick, an edit, a cancel; the
pages pass axe at desktop and phone widths."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.signing_in import signed_in_page
from tests.browser.test_phone_navigation_in_a_browser import open_menu
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser
MADE: list[str] = []  # clients made by the running test


@pytest.fixture(autouse=True)
def nothing_left_waiting(stores):
    """A text left waiting would be due for the next test that runs the sweep (the stack is
    shared): each test's texts are finished when it ends."""
    MADE.clear()
    yield
    for client_id in MADE:
        for text in stores.scheduled.pending_for_client(client_id):
            stores.scheduled.fail(text, "the test is over")


def staff_page(
    browser: Browser, base_url: str, contexts: list, width: int, username: str = "kristina"
) -> Page:
    return signed_in_page(browser, base_url, username, contexts, width)


def new_client(page: Page, first: str, last: str) -> None:
    page.goto("/clients/new")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Mobile number").fill(fresh_phone())
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=f"{first} {last}")).to_be_visible()
    MADE.append(page.url.split("/clients/")[1].split("?")[0])


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def local_day(now: datetime, days: int) -> str:
    from chalicelib.config import get_jurisdiction

    zone = get_jurisdiction().zone
    return (now.astimezone(zone).date() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("width", [375])  # its wide pages: test_wide_pages_in_a_browser
def test_kristina_schedules_with_a_quick_pick_edits_it_and_cancels_another(
    now, browser, base_url, check_a11y, width, contexts
):
    page = staff_page(browser, base_url, contexts, width)
    new_client(page, "Michael", f"Planned{width}")
    pending = page.locator("#scheduled")

    page.get_by_label("Text to send Michael later").fill("Court is Tuesday at 9. Bring ID.")
    expect(page.locator("#schedule-segment-count")).to_contain_text("1 segment (GSM-7)")
    page.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()
    expect(pending).to_contain_text("Court is Tuesday at 9. Bring ID.")
    expect(pending).to_contain_text("9:00 AM")
    expect(page.locator("#scheduled-status")).to_contain_text("Text scheduled.")
    expect(page.get_by_label("Text to send Michael later")).to_have_value("")
    check_a11y(page)
    assert fits_the_screen(page)

    page.get_by_role("link", name=re.compile(r"^Edit the text scheduled for")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit a scheduled text")
    check_a11y(page)
    assert fits_the_screen(page)
    page.get_by_label("Text to send Michael", exact=True).fill("Court moved to Wednesday at 10.")
    page.get_by_label("Date").fill(local_day(now, 2))
    page.get_by_label("Time (Mountain)").fill("10:00")
    page.get_by_role("button", name="Save changes").click()
    expect(pending).to_contain_text("Court moved to Wednesday at 10.")
    expect(pending).to_contain_text("10:00 AM")
    expect(pending).not_to_contain_text("Bring ID")

    page.get_by_label("Text to send Michael later").fill("Check in on Friday, please.")
    page.get_by_label("Date").fill(local_day(now, 3))
    page.get_by_label("Time (Mountain)").fill("15:30")
    page.get_by_role("button", name="Schedule text", exact=True).click()
    expect(pending.locator("li")).to_have_count(2)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile(r"^Cancel text scheduled for .*3:30 PM")).click()
    expect(page.locator("#scheduled-status")).to_contain_text("cancelled")
    expect(pending.locator("li")).to_have_count(1)
    expect(pending).to_contain_text("Court moved to Wednesday at 10.")
    check_a11y(page)


def test_a_refused_time_is_said_next_to_the_field_and_passes_axe(
    now, browser, base_url, check_a11y, contexts
):
    page = staff_page(browser, base_url, contexts, 375)
    new_client(page, "Michael", "Refused")
    page.get_by_label("Text to send Michael later").fill("Too early")
    page.get_by_label("Date").fill(local_day(now, -1))
    page.get_by_label("Time (Mountain)").fill("09:00")
    page.get_by_role("button", name="Schedule text", exact=True).click()
    expect(page.locator("#schedule-send_time-error")).to_contain_text("already passed")
    expect(page.locator("#schedule-errors")).to_be_focused()
    expect(page.get_by_label("Text to send Michael later")).to_have_value("Too early")
    check_a11y(page)
    assert fits_the_screen(page)


def test_dismissing_the_question_keeps_the_scheduled_text(browser, base_url, contexts):
    page = staff_page(browser, base_url, contexts, 1280)
    new_client(page, "Michael", "Kept")
    page.get_by_label("Text to send Michael later").fill("Stay scheduled")
    page.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name=re.compile(r"^Cancel text scheduled for")).click()
    page.reload()
    expect(page.locator("#scheduled")).to_contain_text("Stay scheduled")


def test_dana_finds_the_departments_scheduled_texts_from_the_menu(
    browser, base_url, check_a11y, contexts
):
    kristina = staff_page(browser, base_url, contexts, 1280)
    new_client(kristina, "Michael", "Listed")
    kristina.get_by_label("Text to send Michael later").fill("Listed for Dana")
    kristina.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()
    expect(kristina.locator("#scheduled")).to_contain_text("Listed for Dana")

    dana = staff_page(browser, base_url, contexts, 375, username="dana")
    open_menu(dana)  # on a phone the navigation is behind Menu
    dana.get_by_role("navigation", name="Main").get_by_role("link", name="Scheduled").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Scheduled texts")
    expect(dana.locator(".scheduled-list")).to_contain_text("Listed for Dana")
    check_a11y(dana)
    assert fits_the_screen(dana)


def test_a_scheduled_text_goes_out_once_and_shows_on_the_page_and_the_phone(
    now, browser, base_url, stack, stores, check_a11y, contexts
):
    """Schedule it in the page, let its time come, run the sweep and the sender as AWS
    would (EventBridge, then the SQS event source), and find it sent on both ends."""
    import time_machine

    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.sending import Pacer, Sender, SendOrder, send_order, sweep

    page = staff_page(browser, base_url, contexts, 1280)
    phone = fresh_phone()
    page.goto("/clients/new")
    page.get_by_label("First name").fill("Michael")
    page.get_by_label("Last name").fill("Ontime")
    page.get_by_label("Mobile number").fill(phone)
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name="Michael Ontime")).to_be_visible()
    client_id = page.url.split("/clients/")[1].split("?")[0]
    MADE.append(client_id)

    zone = get_jurisdiction().zone
    at = (now + timedelta(minutes=3)).astimezone(zone)
    page.get_by_label("Text to send Michael later").fill("Group starts in ten minutes.")
    page.get_by_label("Date").fill(at.date().isoformat())
    page.get_by_label("Time (Mountain)").fill(at.strftime("%H:%M"))
    page.get_by_role("button", name="Schedule text", exact=True).click()
    expect(page.locator("#scheduled")).to_contain_text("Group starts in ten minutes.")

    queue = bootstrap.send_queue()
    sender = Sender(
        stores.clients,
        stores.scheduled,
        stores.outbound,
        bootstrap.twilio(),
        get_jurisdiction(),
        queue,
        stack.app_url + "/webhooks/twilio/status",
        Pacer(),
    )
    when = at.replace(second=5).astimezone(UTC)
    with time_machine.travel(when, tick=False):
        sweep(stores.scheduled, queue, when)
        while batch := queue.receive(most=10):
            for message in batch:
                order = SendOrder.from_json(message.body)
                if order.client_id == client_id:  # other tests' due texts are not ours
                    send_order(order, sender, when)
                queue.delete(message.receipt)

    page.reload()
    sent = page.locator(".text-outbound").filter(has_text="Group starts in ten minutes.")
    expect(sent).to_have_count(1)
    expect(sent.locator(".status")).to_have_text(re.compile("sent|delivered|queued"))
    still_pending = page.locator("#scheduled").filter(has_text="Group starts in ten minutes.")
    expect(still_pending).to_have_count(0)
    check_a11y(page)

    phone_page = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    contexts.append(phone_page.context)
    phone_page.goto(stack.twilio.base_url + "/")
    phone_page.get_by_label("This phone's number").fill(phone)
    phone_page.get_by_role("button", name="Use number").click()
    expect(phone_page.locator("#messages")).to_contain_text("Group starts in ten minutes.")
    bodies = [m["body"] for m in stack.twilio.messages(to=phone)]
    assert bodies.count("Group starts in ten minutes.") == 1
