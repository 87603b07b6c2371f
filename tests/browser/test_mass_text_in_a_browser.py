"""Kristina ticks two clients on her caseload into a new group, texts the group with a
placeholder, checks the per-recipient preview, sends, and watches the progress reach 100 %
by push; a client's reply lands in that client's own conversation. Every page passes axe
at 375 px and fits the screen."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser
DEPARTMENT_NUMBER = "+18015550100"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def send_due_texts(stack, stores, client_ids: set[str]) -> None:
    """The sweep and the sender, as AWS runs them (the test stack runs no schedules)."""
    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.sending import Pacer, Sender, SendOrder, send_order, sweep
    from tests.clock import real_now

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
    sweep(stores.scheduled, queue, real_now())
    while batch := queue.receive(most=10):
        for message in batch:
            order = SendOrder.from_json(message.body)
            if order.client_id in client_ids:  # other tests' due texts are not ours
                send_order(order, sender, real_now())
            queue.delete(message.receipt)


def test_kristina_texts_a_group_and_watches_it_reach_everyone(
    browser, base_url, stack, stores, check_a11y, contexts
):
    from chalicelib.domain.clients import Client
    from tests.integration.mass_tools import written

    token = secrets.token_hex(3)
    last = f"Masstext{token}"
    clients = [
        stores.clients.add(
            Client(secrets.token_hex(10), "probation", "kristina", first, last, fresh_phone())
        )
        for first in ("Ana", "Ben")
    ]
    page = signed_in_page(browser, base_url, "kristina", contexts, 375)

    page.goto("/groups")
    page.get_by_label("Name").fill(f"Thursday class {token}")
    page.get_by_role("button", name="Make the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thursday class {token}")
    check_a11y(page)

    page.goto(f"/caseload?q={last}")
    page.get_by_role("button", name="Select").click()
    for client in clients:
        page.get_by_label(f"Tick {client.listed_name}").check()
    expect(page.locator("[data-picked-count]")).to_have_text("2 clients ticked.")
    check_a11y(page)
    assert fits_the_screen(page)
    page.get_by_role("button", name="Add ticked to a group").click()
    page.get_by_label(re.compile(f"Thursday class {token}")).check()
    check_a11y(page)
    page.get_by_role("button", name="Add to the group").click()
    expect(page.locator(".alert-success")).to_contain_text("Added to the group.")
    for client in clients:
        expect(page.locator("main")).to_contain_text(client.listed_name)
    check_a11y(page)
    page.get_by_role("link", name="Text this group").click()
    expect(page.get_by_label("A group")).to_be_checked()
    page.get_by_label("Text", exact=True).fill("Hi {first_name}, the office is closed Monday.")
    check_a11y(page)
    assert fits_the_screen(page)
    page.get_by_role("button", name="Preview").click()

    previews = page.locator("#preview-list")
    expect(previews).to_contain_text("Hi Ana, the office is closed Monday.")
    expect(previews).to_contain_text("Hi Ben, the office is closed Monday.")
    expect(previews).to_contain_text("1 segment")
    check_a11y(page)
    assert fits_the_screen(page)
    page.get_by_role("button", name="Send to 2 clients").click()

    expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-live", "open")
    check_a11y(page)
    assert fits_the_screen(page)
    written(stores, page.url.split("/mass-texts/")[1].split("?")[0])
    send_due_texts(stack, stores, {c.client_id for c in clients})
    expect(page.locator("#mass-percent")).to_have_attribute("data-percent", "100")
    expect(page.locator('[data-count="queued"] dd')).to_have_text("0")

    ana = clients[0]
    stack.twilio.send_inbound(from_=ana.phone, to=DEPARTMENT_NUMBER, body="Thanks, see you Tuesday")
    page.goto(f"/clients/{ana.client_id}")
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("Hi Ana, the office is closed Monday.")
    expect(conversation).to_contain_text("Thanks, see you Tuesday")
    page.goto(f"/clients/{clients[1].client_id}")
    expect(page.locator("#conversation")).to_contain_text("Hi Ben, the office is closed Monday.")
    expect(page.locator("#conversation")).not_to_contain_text("Thanks, see you Tuesday")
