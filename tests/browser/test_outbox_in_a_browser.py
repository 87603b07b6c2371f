"""The outbox (issue 23): a text written without a connection waits on the device, shown
in the conversation, and goes exactly once, in order, when the connection returns; one the
rules now refuse is not sent and says why. Other forms are refused offline, keeping what
was typed. The page is open before the connection goes: no service worker is needed."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.signing_in import caught_up, signed_in_page
from tests.browser.test_live_in_a_browser import text_from
from tests.browser.test_photos_in_a_browser import new_client
from tests.helpers import fresh_phone
from tests.integration.test_send_truth import texts_to

pytestmark = pytest.mark.browser
SENDS = "**/clients/*/messages"
OFFLINE_WORDS = "You are offline: scheduling and appointment changes need a connection."


@pytest.fixture()
def made(stores):
    """Clients a test made; any text it scheduled is finished when it ends (the stack is
    shared, and a text left waiting would be due for another test's sweep)."""
    clients: list = []
    yield clients
    for client in clients:
        for text in stores.scheduled.pending_for_client(client.client_id):
            stores.scheduled.fail(text, "the test is over")


def open_conversation(browser, base_url, stores, contexts, made, width=375):
    client = new_client(stores)
    made.append(client)
    page = signed_in_page(browser, base_url, "kristina", contexts, width)
    page.goto(f"/clients/{client.client_id}")
    caught_up(page)
    return client, page


UNSENT = """() => import(document.querySelector('link[rel=modulepreload][href*="/static/outbox."]')
  .href).then((outbox) => outbox.unsentCount())"""


def unsent(page: Page) -> int:
    """The outbox's own count, from the module instance the page runs (its hashed name)."""
    return page.evaluate(UNSENT)


def go_offline(page: Page, offline: bool = True) -> None:
    page.context.set_offline(offline)
    page.wait_for_function(
        "() => navigator.onLine === false" if offline else "() => navigator.onLine"
    )


def write(page: Page, body: str) -> None:
    page.get_by_label(re.compile(r"^Text to Ana at")).fill(body)
    page.get_by_role("button", name="Send text").click()


def waiting(page: Page, body: str):
    return page.locator("#outbox li").filter(has_text=body)


def sent_in_conversation(page: Page, body: str) -> None:
    expect(
        page.locator("#conversation .text-outbound .text-body").filter(has_text=body)
    ).to_have_count(1)


def test_a_text_written_offline_waits_and_goes_once_when_the_connection_returns(
    browser, base_url, stack, stores, contexts, made, check_a11y
):
    client, page = open_conversation(browser, base_url, stores, contexts, made)
    go_offline(page)

    write(page, "Running late, there by 3")

    bubble = waiting(page, "Running late, there by 3")
    expect(bubble).to_contain_text("Waiting for a connection")
    expect(bubble.get_by_role("button", name=re.compile("^Edit"))).to_be_visible()
    expect(bubble.get_by_role("button", name=re.compile("^Discard"))).to_be_visible()
    expect(page.get_by_label(re.compile(r"^Text to Ana at"))).to_have_value("")
    expect(page.locator("#send-status")).to_contain_text("Kept on this device")
    assert unsent(page) == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    check_a11y(page)
    assert texts_to(stack.twilio, client.phone) == []

    go_offline(page, False)

    sent_in_conversation(page, "Running late, there by 3")
    expect(page.locator("#outbox li")).to_have_count(0)
    assert texts_to(stack.twilio, client.phone) == ["Running late, there by 3"]
    assert unsent(page) == 0


def test_a_send_whose_answer_was_lost_is_retried_under_its_id_and_goes_once(
    browser, base_url, stack, stores, contexts, made
):
    client, page = open_conversation(browser, base_url, stores, contexts, made, 1280)
    sent_ids: list[str] = []  # the one-time id of each request

    def answer_lost_once(route: Route) -> None:
        sent_ids.append(parse_qs(route.request.post_data or "")["draft_id"][0])
        if len(sent_ids) > 1:
            route.continue_()
            return
        route.fetch()  # the server got it and sent the text...
        route.abort()  # ...but the answer never reached the page

    page.route(SENDS, answer_lost_once)
    write(page, "Your hearing is at 10")

    bubble = waiting(page, "Your hearing is at 10")
    expect(
        bubble.or_(page.locator("#conversation .text-body").filter(has_text="Your hearing"))
    ).not_to_have_count(0)
    expect(page.locator("#outbox li button", has_text="Edit")).to_have_count(0)  # attempted
    sent_in_conversation(page, "Your hearing is at 10")
    expect(page.locator("#outbox li")).to_have_count(0)
    assert len(sent_ids) >= 2 and len(set(sent_ids)) == 1  # retried under its own id
    assert texts_to(stack.twilio, client.phone) == ["Your hearing is at 10"]


def test_two_texts_written_offline_go_in_the_order_they_were_written(
    browser, base_url, stack, stores, contexts, made
):
    client, page = open_conversation(browser, base_url, stores, contexts, made)
    go_offline(page)
    write(page, "First: the office moved")
    write(page, "Second: it is on Main St")
    expect(page.locator("#outbox li")).to_have_count(2)
    expect(page.locator("#outbox li .text-body")).to_have_text(
        ["First: the office moved", "Second: it is on Main St"]
    )

    go_offline(page, False)

    sent_in_conversation(page, "Second: it is on Main St")
    expect(page.locator("#outbox li")).to_have_count(0)
    assert texts_to(stack.twilio, client.phone) == [  # the fake lists newest first
        "Second: it is on Main St",
        "First: the office moved",
    ]


def test_a_waiting_text_can_be_edited_or_discarded_before_it_goes(
    browser, base_url, stack, stores, contexts, made, check_a11y
):
    client, page = open_conversation(browser, base_url, stores, contexts, made)
    go_offline(page)
    write(page, "See you Tuesdy")
    write(page, "Never mind this one")

    waiting(page, "See you Tuesdy").get_by_role("button", name=re.compile("^Edit")).click()
    box = page.get_by_label("Change the waiting text")
    expect(box).to_be_focused()
    check_a11y(page)
    box.fill("See you Tuesday")
    page.get_by_role("button", name="Save change").click()
    expect(waiting(page, "See you Tuesday")).to_contain_text("Waiting for a connection")
    discard = waiting(page, "Never mind this one").get_by_role(
        "button", name=re.compile("^Discard")
    )
    discard.focus()
    page.keyboard.press("Enter")
    expect(waiting(page, "Never mind this one")).to_have_count(0)

    go_offline(page, False)

    sent_in_conversation(page, "See you Tuesday")
    expect(page.locator("#outbox li")).to_have_count(0)
    assert texts_to(stack.twilio, client.phone) == ["See you Tuesday"]


def test_a_text_waiting_while_the_client_opts_out_is_not_sent_and_says_why(
    browser, base_url, stack, stores, contexts, made, check_a11y
):
    client, page = open_conversation(browser, base_url, stores, contexts, made)
    go_offline(page)
    write(page, "Court is Friday")
    text_from(stack, client.phone, "STOP")  # while the page has no connection

    go_offline(page, False)

    bubble = waiting(page, "Court is Friday")
    expect(bubble).to_contain_text("Not sent: Ana texted STOP")
    expect(bubble.get_by_role("button", name=re.compile("^Edit"))).to_have_count(0)
    check_a11y(page)
    assert "Court is Friday" not in texts_to(stack.twilio, client.phone)
    bubble.get_by_role("button", name=re.compile("^Discard")).click()
    expect(page.locator("#outbox li")).to_have_count(0)


def test_scheduling_offline_says_nothing_was_saved_and_keeps_what_was_typed(
    browser, base_url, stores, contexts, made, check_a11y
):
    client, page = open_conversation(browser, base_url, stores, contexts, made)
    later = page.get_by_label("Text to send Ana later")
    later.fill("Bring your paystub")
    go_offline(page)

    page.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()

    expect(page.get_by_role("alert").filter(has_text=OFFLINE_WORDS)).to_be_visible()
    expect(later).to_have_value("Bring your paystub")
    check_a11y(page)
    assert stores.scheduled.pending_for_client(client.client_id) == []

    go_offline(page, False)
    page.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()
    expect(page.locator("#scheduled")).to_contain_text("Bring your paystub")


def test_a_schedule_post_lost_for_lack_of_a_connection_comes_back_with_what_was_typed(
    browser, base_url, stores, contexts, made
):
    client, page = open_conversation(browser, base_url, stores, contexts, made)
    page.get_by_label("Text to send Ana later").fill("Bring your ID")
    page.route("**/clients/*/scheduled", lambda route: route.abort("internetdisconnected"))

    page.get_by_role("button", name=re.compile(r"^Tomorrow 9:00")).click()
    page.wait_for_url("chrome-error://**")  # the browser's own "No internet" page
    page.go_back()

    expect(page.get_by_role("alert").filter(has_text=OFFLINE_WORDS)).to_be_visible()
    expect(page.get_by_label("Text to send Ana later")).to_have_value("Bring your ID")
    assert stores.scheduled.pending_for_client(client.client_id) == []


def test_a_text_waiting_while_the_number_changes_is_not_sent_to_the_new_one(
    browser, base_url, stack, stores, contexts, made
):
    from chalicelib.domain.clients import ClientDetails

    client, page = open_conversation(browser, base_url, stores, contexts, made)
    go_offline(page)
    write(page, "Your appointment moved")
    new_phone = fresh_phone()
    stores.clients.update_details(  # a colleague changes it while the page has no connection
        stores.clients.get(client.client_id),
        ClientDetails("Ana", client.last_name, new_phone),
        None,
    )

    go_offline(page, False)

    expect(waiting(page, "Your appointment moved")).to_contain_text(
        "has a new number since this was written; nothing was sent"
    )
    assert texts_to(stack.twilio, new_phone) == []
    assert "Your appointment moved" not in texts_to(stack.twilio, client.phone)
