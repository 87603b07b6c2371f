"""Working the unclaimed queue in a real browser, and a taken number that links to its
holder. Every state passes axe, at desktop width and at a phone's 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import signed_in_page
from tests.browser.test_phone_navigation_in_a_browser import open_menu
from tests.browser.test_texting_in_a_browser import new_client
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375])  # its wide pages: test_wide_pages_in_a_browser
def test_kristina_answers_an_unknown_number_and_attaches_it_as_an_old_number(
    browser, base_url, stack, check_a11y, width, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, width)
    phone = fresh_phone()
    client_id = new_client(kristina, "Uma", f"Attach{width}", phone)
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to="+18015550100", body="it's Uma, new phone?")

    kristina.goto("/caseload")
    open_menu(kristina)  # on a phone the navigation is behind Menu
    count = kristina.get_by_role("navigation", name="Main").locator(".nav-count")
    expect(count).to_be_visible()
    assert int(re.match(r"\d+", count.inner_text()).group(0)) >= 1
    kristina.get_by_role("link", name=re.compile("^Unclaimed")).click()
    expect(kristina.get_by_role("heading", name="Unclaimed texts")).to_be_visible()
    check_a11y(kristina)
    kristina.locator(f'a[href="/unclaimed/{stranger[1:]}"]').click()
    expect(kristina.locator(".text-inbound .text-body")).to_have_text("it's Uma, new phone?")
    check_a11y(kristina)

    kristina.get_by_label("Reply from the department's number").fill("Hi, this is Kristina.")
    kristina.get_by_role("button", name="Send reply").click()
    expect(kristina.get_by_role("status")).to_contain_text("Reply sent")
    reply = kristina.locator(".text-outbound:not(.text-system) .text-body")
    expect(reply).to_have_text("Hi, this is Kristina.")
    check_a11y(kristina)
    stack.twilio.wait_for_callbacks()
    assert [m["body"] for m in stack.twilio.messages(to=stranger, from_="+18015550100")].count(
        "Hi, this is Kristina."
    ) == 1

    kristina.get_by_label("Find a client by name or whole number").fill(f"attach{width}")
    kristina.get_by_role("button", name="Search").click()
    expect(kristina.get_by_label(re.compile(f"Attach{width}, Uma"))).to_be_checked()
    expect(kristina.get_by_label(re.compile("^Their current number"))).to_be_checked()
    check_a11y(kristina)
    kristina.get_by_label(re.compile("^An old number")).check()
    kristina.get_by_role("button", name="Attach texts").click()
    expect(kristina.get_by_role("heading", name=f"Uma Attach{width}")).to_be_visible()
    expect(kristina.locator(".current-number")).to_have_text(re.compile(phone[-4:]))
    expect(kristina.get_by_text("it's Uma, new phone?")).to_be_visible()
    check_a11y(kristina)

    # the same client's number typed for a new client: refused, with a way to her
    kristina.goto("/clients/new")
    kristina.get_by_label("First name").fill("Uma")
    kristina.get_by_label("Last name").fill("Again")
    kristina.get_by_label("Mobile number").fill(phone[2:])
    kristina.get_by_role("button", name="Add client").click()
    expect(kristina.get_by_role("alert")).to_contain_text("already the number of Uma")
    expect(kristina.get_by_label("Last name")).to_have_value("Again")
    check_a11y(kristina)
    kristina.get_by_role("link", name=f"Open Uma Attach{width}").click()
    expect(kristina).to_have_url(re.compile(f"/clients/{client_id}$"))


def test_marcus_dismisses_spam_on_a_phone_and_is_asked_for_a_note_first(
    browser, base_url, stack, check_a11y, contexts
):
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to="+18015550100", body="Cheap loans, reply YES")
    marcus = signed_in_page(browser, base_url, "marcus", contexts, 375)
    marcus.goto(f"/unclaimed/{stranger[1:]}")
    marcus.get_by_label("Reason").select_option(label="Other")
    marcus.get_by_role("button", name="Dismiss").click()
    expect(marcus.get_by_role("alert")).to_contain_text("Say in a few words")
    check_a11y(marcus)
    marcus.get_by_label(re.compile("^Note")).fill("loan advert")
    marcus.get_by_role("button", name="Dismiss").click()
    expect(marcus.get_by_role("status")).to_contain_text("Number dismissed")
    expect(marcus.locator(f'a[href="/unclaimed/{stranger[1:]}"]')).to_have_count(0)
    check_a11y(marcus)
