"""Kristina keeps appointments from a client's page; the reminder reaches the phone, the
client answers "Y" and the caseload says Confirmed. The pages pass axe at desktop and
phone widths."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser
MADE: list[str] = []  # clients made by the running test


@pytest.fixture(autouse=True)
def nothing_left_waiting(stores):
    """Reminders are scheduled texts: a test's are finished when it ends, so no later
    sweep on the shared stack finds them due."""
    MADE.clear()
    yield
    for client_id in MADE:
        for text in stores.scheduled.pending_for_client(client_id):
            stores.scheduled.fail(text, "the test is over")


def staff_page(browser: Browser, base_url: str, contexts: list, width: int) -> Page:
    return signed_in_page(browser, base_url, "kristina", contexts, width)


def new_client(page: Page, first: str, last: str, phone: str | None = None) -> str:
    page.goto("/clients/new")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Mobile number").fill(phone or fresh_phone())
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=f"{first} {last}")).to_be_visible()
    client_id = page.url.split("/clients/")[1].split("?")[0]
    MADE.append(client_id)
    return client_id


def add_appointment(page: Page, day: str, at: str, place: str, kind: str = "Court date") -> None:
    page.get_by_label("Kind of appointment").select_option(label=kind)
    page.get_by_label("Day", exact=True).fill(day)
    page.get_by_label("Starts at").fill(at)
    page.get_by_label("Place (texted in the reminders)").fill(place)
    page.get_by_role("button", name="Add appointment").click()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def local_day(now: datetime, days: int) -> str:
    from chalicelib.config import get_jurisdiction

    zone = get_jurisdiction().zone
    return (now.astimezone(zone).date() + timedelta(days=days)).isoformat()


def began_yesterday(now: datetime, stores, client_id: str) -> None:
    """An appointment that has begun (the page only adds future ones): added through the
    use case as it was two hours before it began, when its reminders' times had passed."""
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.appointments import add_appointment, department_texts

    starts = (now - timedelta(days=1)).astimezone(get_jurisdiction().zone)
    form = {"kind": "treatment", "date": starts.date().isoformat(), "time": "10:00"}
    add_appointment(
        stores.users.get("kristina"),
        stores.clients,
        stores.appointments,
        department_texts(stores.department_texts, get_jurisdiction(), "probation"),
        client_id,
        form,
        starts.replace(hour=8).astimezone(UTC),
    )


@pytest.mark.parametrize("width", [375])  # its wide pages: test_wide_pages_in_a_browser
def test_kristina_adds_changes_and_closes_appointments_and_the_pages_pass_axe(
    now, browser, base_url, stores, check_a11y, width, contexts
):
    page = staff_page(browser, base_url, contexts, width)
    client_id = new_client(page, "Ana", f"Appointed{width}")
    section = page.locator("#appointments")
    expect(section).to_contain_text("Reminders are texted 7, 3 and 1 days before, at 9:00")

    add_appointment(page, "", "10:00", "<b>Room 5</b>")
    expect(page.locator("#appointment-date-error")).to_contain_text("Choose the date.")
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.get_by_label("Place (texted in the reminders)")).to_have_value("<b>Room 5</b>")
    check_a11y(page)
    assert fits_the_screen(page)

    add_appointment(page, local_day(now, 10), "10:30", "Courtroom W43, 450 S State St")
    expect(section).to_contain_text("Appointment added.")
    listed = section.locator(".appointment")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Court date")
    expect(listed).to_contain_text("10:30 AM")
    expect(listed).to_contain_text("Not confirmed")
    expect(listed).to_contain_text(re.compile(r"Reminders: .*9:00 AM \(scheduled\)"))

    began_yesterday(now, stores, client_id)
    page.reload()
    expect(section.locator(".appointment")).to_have_count(2)
    outcome = section.get_by_role("group", name=re.compile("^What happened at the treatment"))
    expect(outcome.get_by_role("button")).to_have_text(["Attended", "Missed", "Rescheduled"])
    check_a11y(page)
    assert fits_the_screen(page)

    page.get_by_role("link", name=re.compile(r"^Edit the court date on")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit the court date")
    check_a11y(page)
    assert fits_the_screen(page)
    page.get_by_label("Starts at").fill("14:15")
    page.get_by_role("button", name="Save changes").click()
    expect(section).to_contain_text("Appointment changed")
    expect(section).to_contain_text("2:15 PM")

    section.get_by_role("button", name="Missed").click()
    expect(section).to_contain_text("Outcome recorded.")
    expect(section.locator(".appointment")).to_have_count(1)
    section.get_by_text(re.compile(r"^Past and cancelled")).click()
    expect(section.locator(".closed-appointments")).to_contain_text("Missed")
    check_a11y(page)

    page.goto("/caseload")
    if width == 375:  # a phone folds the filters while none is in use
        page.get_by_text("Sort and filter").click()
    page.get_by_label("Appointment in the next 7 days").check()
    page.get_by_label("Order").select_option(label="Next appointment (within the page)")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".client-row").filter(has_text=f"Appointed{width}")).to_have_count(0)
    page.get_by_label("Appointment in the next 7 days").uncheck()
    page.get_by_label("Search by name, phone or id number").fill(f"Appointed{width}")
    page.get_by_role("button", name="Show").click()
    row = page.locator(".client-row").filter(has_text=f"Appointed{width}")
    expect(row).to_contain_text("Next: Court")
    expect(row).to_contain_text("2:15 PM")
    check_a11y(page)
    assert fits_the_screen(page)

    row.get_by_role("link").click()
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_label("Text Ana that it is cancelled").check()
    section.get_by_role("button", name=re.compile(r"^Cancel appointment")).click()
    expect(section).to_contain_text("Appointment cancelled")
    expect(section).to_contain_text("No upcoming appointments.")
    check_a11y(page)


def test_a_reminder_reaches_the_phone_and_a_y_shows_confirmed_on_the_caseload(
    now, browser, base_url, stack, stores, check_a11y, contexts
):
    """The court date is added on the page; its first reminder is moved to a few minutes
    from now (the shared stack's workers cannot be given REMINDER_MINUTES_PER_DAY), then
    the sweep and the sender run as AWS would, and the client answers from the simulator."""
    import time_machine

    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.sending import Pacer, Sender, SendOrder, send_order, sweep

    page = staff_page(browser, base_url, contexts, 1280)
    phone = fresh_phone()
    client_id = new_client(page, "Michael", "Courtdate", phone)
    add_appointment(page, local_day(now, 2), "10:00", "Courtroom W43")
    expect(page.locator("#appointments")).to_contain_text("(scheduled)")

    [appt] = stores.appointments.for_client(client_id)
    first = min(
        stores.appointments.reminders_of(client_id, appt.appointment_id), key=lambda r: r.send_at
    )
    soon = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    moved = stores.scheduled.edit(first, first.body, soon, "kristina")
    assert getattr(moved, "send_at", None) == soon

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
    with time_machine.travel(soon + timedelta(seconds=5), tick=False):
        sweep(stores.scheduled, queue, soon + timedelta(seconds=5))
        while batch := queue.receive(most=10):
            for message in batch:
                order = SendOrder.from_json(message.body)
                if order.client_id == client_id:  # other tests' due texts are not ours
                    send_order(order, sender, soon + timedelta(seconds=5))
                queue.delete(message.receipt)

    page.reload()
    expect(page.locator("#appointments")).to_contain_text("(sent)")

    phone_page = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    contexts.append(phone_page.context)
    phone_page.goto(stack.twilio.base_url + "/")
    phone_page.get_by_label("This phone's number").fill(phone)
    phone_page.get_by_role("button", name="Use number").click()
    messages = phone_page.locator("#messages")
    expect(messages).to_contain_text("reminder: your court date")
    expect(messages).to_contain_text("Courtroom W43")
    phone_page.get_by_label("Message").fill("Y")
    phone_page.get_by_role("button", name="Send").click()
    expect(messages).to_contain_text("Thank you, Michael")

    page.goto("/caseload?q=Courtdate")
    row = page.locator(".client-row").filter(has_text="Courtdate, Michael")
    expect(row).to_contain_text("Confirmed")
    expect(row).to_contain_text("Next: Court")
    check_a11y(page)
    page.set_viewport_size({"width": 375, "height": 900})
    check_a11y(page)
    assert fits_the_screen(page)
    page.goto(f"/clients/{client_id}")
    expect(page.locator("#appointments .badge-confirmed")).to_have_text("Confirmed")
    check_a11y(page)
    assert fits_the_screen(page)
