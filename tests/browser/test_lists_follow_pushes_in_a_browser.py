"""Lists no single pushed row can patch follow the data too: a supervisor's scheduled
texts, the unclaimed queue and a waiting number's texts are fetched again when a push says
they changed (and, like every live region, when the page catches up)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from chalicelib.domain.clients import Client
from tests.browser.signing_in import signed_in_page, socket_open
from tests.browser.test_live_in_a_browser import text_from
from tests.helpers import fresh_phone
from tests.integration.test_scheduled_sending import plan

pytestmark = pytest.mark.browser


@pytest.fixture()
def own_client(stores):
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Lisa", "Listed", fresh_phone())
    )
    yield client
    for text in stores.scheduled.pending_for_client(client.client_id):
        stores.scheduled.fail(text, "the test is over")


def test_a_supervisors_scheduled_list_shows_a_text_scheduled_after_it_opened(
    browser, base_url, stores, now, own_client, contexts
):
    dana = signed_in_page(browser, base_url, "dana", contexts)
    dana.goto("/scheduled")
    socket_open(dana)
    body = f"Bring your pay stubs {secrets.token_hex(3)}"
    expect(dana.get_by_text(body)).to_have_count(0)

    plan(stores, own_client, now + timedelta(days=3), body)

    expect(dana.locator("#department-scheduled").get_by_text(body)).to_be_visible()


def test_the_unclaimed_queue_and_a_numbers_page_show_texts_that_arrive_while_open(
    browser, base_url, stack, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts)
    kristina.goto("/unclaimed")
    socket_open(kristina)
    stranger = fresh_phone()
    text_from(stack, stranger, "Is this the probation office?")
    listed = kristina.locator("#unclaimed-list").get_by_text("Is this the probation office?")
    expect(listed).to_be_visible()

    kristina.goto(f"/unclaimed/{stranger[1:]}")
    socket_open(kristina)
    text_from(stack, stranger, "I lost my officer's number")
    expect(
        kristina.locator("#unclaimed-thread").get_by_text("I lost my officer's number")
    ).to_be_visible()
