"""The wide layout (1280 px) of the pages whose long flows are walked at a phone's 375 px
(appointments, scheduling, the unclaimed queue, retiring a client): each state the flows
reach passes axe here too and fits the screen. The flows themselves run once, on a phone,
where the layout is tighter; walking each again at 1280 px cost about a minute of a
worker's time for nothing the phone run does not check."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import signed_in_page
from tests.browser.test_appointments_in_a_browser import (
    MADE,
    add_appointment,
    fits_the_screen,
    local_day,
    new_client,
    nothing_left_waiting,  # noqa: F401 - its clients' reminders finished at the end
)
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser
WIDE = 1280


def test_the_wide_pages_of_the_phone_flows_pass_axe_and_fit(
    now: datetime, browser, base_url, stack, check_a11y, contexts
):
    page = signed_in_page(browser, base_url, "kristina", contexts, WIDE)
    new_client(page, "Wanda", "Widescreen")
    assert MADE

    def looks_right() -> None:
        check_a11y(page)
        assert fits_the_screen(page)

    section = page.locator("#appointments")
    add_appointment(page, local_day(now, 10), "10:30", "Courtroom W43")
    expect(section).to_contain_text("Appointment added.")
    page.get_by_label("Text to send Wanda later").fill("Court is Tuesday at 9.")
    page.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()
    expect(page.locator("#scheduled-status")).to_contain_text("Text scheduled.")
    looks_right()

    page.get_by_role("link", name=re.compile(r"^Edit the court date on")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit the court date")
    looks_right()
    page.go_back()
    page.get_by_role("link", name=re.compile(r"^Edit the text scheduled for")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit a scheduled text")
    looks_right()

    page.goto("/caseload")
    page.get_by_label("Search by name, phone or id number").fill("Widescreen")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".client-row").filter(has_text="Widescreen")).to_contain_text("Next: Court")
    looks_right()

    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to="+18015550100", body="new phone, it's Wanda")
    page.goto("/unclaimed")
    expect(page.get_by_role("heading", name="Unclaimed texts")).to_be_visible()
    page.locator(f'a[href="/unclaimed/{stranger[1:]}"]').click()
    expect(page.locator(".text-inbound .text-body")).to_have_text("new phone, it's Wanda")
    looks_right()
