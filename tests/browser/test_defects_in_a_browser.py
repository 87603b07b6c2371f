"""Defects found in use (issue 11, item 10), each pinned in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser


def signed_in(browser: Browser, base_url: str, contexts: list, username: str = "kristina"):
    return signed_in_page(browser, base_url, username, contexts, 375, height=740)


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


def test_an_edit_conflict_keeps_the_typing_shows_both_and_saves_on_purpose(
    browser, base_url, contexts, check_a11y
):
    page = signed_in(browser, base_url, contexts)
    page.goto("/clients/new")
    page.get_by_label("First name").fill("Conflict")
    page.get_by_label("Last name").fill("Browser")
    page.get_by_label("Mobile number").fill(fresh_phone()[2:])
    page.get_by_role("button", name="Add client").click()
    client_path = page.url.split("?")[0]
    page.goto(client_path + "/edit")
    other = page.context.new_page()  # a colleague, or another tab, saves first
    other.goto(client_path + "/edit")
    other.get_by_label("Notes (optional)").fill("Theirs")
    other.get_by_role("button", name="Save changes").click()
    expect(other.get_by_role("status").filter(has_text="Changes saved.")).to_be_visible()

    page.get_by_label("Notes (optional)").fill("Mine, typed carefully")
    page.get_by_role("button", name="Save changes").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Someone else changed Conflict Browser")
    expect(alert.get_by_role("row", name="Notes")).to_contain_text("Theirs")
    expect(page.get_by_label("Notes (optional)")).to_have_value("Mine, typed carefully")
    check_a11y(page)

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Changes saved.")).to_be_visible()
    assert "saved=updated" in page.url


def test_a_disabled_send_looks_disabled_and_says_why(
    browser, base_url, stack, contexts, check_a11y
):
    page = signed_in(browser, base_url, contexts)
    phone = fresh_phone()
    page.goto("/clients/new")
    page.get_by_label("First name").fill("Stopped")
    page.get_by_label("Last name").fill("Browser")
    page.get_by_label("Mobile number").fill(phone[2:])
    page.get_by_role("button", name="Add client").click()
    enabled = page.get_by_role("button", name="Send text")
    enabled_background = enabled.evaluate("b => getComputedStyle(b).backgroundColor")
    stack.twilio.send_inbound(from_=phone, to="+18015550100", body="STOP")

    page.reload()
    send = page.get_by_role("button", name="Send text")
    expect(send).to_be_disabled()
    expect(page.get_by_role("textbox", name="Text to Stopped")).to_be_disabled()
    expect(page.locator("#send-off")).to_contain_text("Sending is off. Stopped texted STOP")
    style = send.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).cursor]")
    assert style[0] != enabled_background and style[1] == "not-allowed"
    expect(page.get_by_role("button", name="Schedule text")).to_be_disabled()
    check_a11y(page)


def test_automatic_replies_are_marked_in_the_conversation(
    browser, base_url, stack, contexts, check_a11y
):
    page = signed_in(browser, base_url, contexts)
    phone = fresh_phone()
    page.goto("/clients/new")
    page.get_by_label("First name").fill("Auto")
    page.get_by_label("Last name").fill("Replied")
    page.get_by_label("Mobile number").fill(phone[2:])
    page.get_by_role("button", name="Add client").click()
    stack.twilio.send_inbound(from_=phone, to="+18015550100", body="HELP")

    page.reload()
    reply = page.locator(".text-system").first
    expect(reply).to_contain_text("Automatic reply by ClientComm (HELP reply)")
    expect(page.locator(".text-system")).to_have_count(2)  # ours and Twilio's own
    check_a11y(page)
