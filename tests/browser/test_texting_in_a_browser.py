"""The Michael and Kristina loop in real browsers: her conversation page, his simulator phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.segments import describe
from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser


def new_client(page: Page, first: str, last: str, phone: str) -> str:
    page.goto("/clients/new")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Mobile number").fill(phone)
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=f"{first} {last}")).to_be_visible()
    return page.url.split("/clients/")[1].split("?")[0]


@pytest.mark.parametrize("width", [1280, 375])
def test_kristina_texts_michael_and_his_reply_appears_without_reloading(
    browser, base_url, stack, check_a11y, width, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, width)
    phone = fresh_phone()
    new_client(kristina, "Michael", f"Story{width}", phone)
    check_a11y(kristina)

    box = kristina.get_by_label(re.compile("Text to Michael"))
    box.fill("Can you make class Thursday?")
    expect(kristina.locator("#segment-count")).to_contain_text("1 segment (GSM-7)")
    kristina.get_by_role("button", name="Send text").click()
    expect(kristina.locator(".text-outbound .text-body").last).to_have_text(
        "Can you make class Thursday?"
    )
    expect(kristina.locator(".text-outbound .status").last).to_have_text(
        re.compile("sent|delivered|queued")
    )

    phone_context = browser.new_context(viewport={"width": 375, "height": 740})
    contexts.append(phone_context)
    michael = phone_context.new_page()
    michael.goto(stack.twilio.base_url + "/")
    michael.get_by_label("This phone's number").fill(phone)
    michael.get_by_role("button", name="Use number").click()
    expect(michael.locator("#messages")).to_contain_text("Can you make class Thursday?")
    check_a11y(michael)
    michael.get_by_label("Message").fill("Yes I will be there, thank you!")
    michael.get_by_role("button", name="Send").click()

    reply = kristina.locator(".text-inbound").filter(has_text="Yes I will be there")
    expect(reply).to_be_visible()  # pushed to the open page; no reload
    expect(reply).to_contain_text("Tone: positive")
    expect(kristina.locator(".text-outbound .status").last).to_have_text("delivered")
    check_a11y(kristina)


def test_the_caseload_title_counts_unread_texts_as_they_arrive(browser, base_url, stack, contexts):
    marcus = signed_in_page(browser, base_url, "marcus", contexts)
    phone = fresh_phone()
    new_client(marcus, "Title", "Counter", phone)
    marcus.goto("/caseload?q=Counter")
    stack.twilio.send_inbound(from_=phone, to="+18015550100", body="I'm sick, can't make it")
    expect(marcus).to_have_title(re.compile(r"^\(\d+\) Caseload"))
    expect(marcus.locator(".client-row").filter(has_text="Counter, Title")).to_contain_text(
        "1 unread"
    )


def test_a_draft_survives_a_reload(browser, base_url, contexts):
    page = signed_in_page(browser, base_url, "kristina", contexts)
    client_id = new_client(page, "Draft", "Keeper", fresh_phone())
    page.get_by_label(re.compile("Text to Draft")).fill("Half-written when the bus lost signal")
    page.goto(f"/clients/{client_id}")
    expect(page.get_by_label(re.compile("Text to Draft"))).to_have_value(
        "Half-written when the bus lost signal"
    )


SAMPLES = [
    "",
    "Can you make class Thursday?",
    "x" * 160,
    "x" * 161,
    "{" * 80,
    "{" * 81,
    "See you 🙂",
    "ñ" * 160,
    "é€[]" * 40,
    "ü" * 70 + "🙂",
    "Ωmega " * 30,
    "Court on Monday at 9am. Bring ID. " * 10,
    "a" * 306,
    "a" * 307,
]


def test_the_browser_counts_segments_exactly_like_the_server(page: Page):
    page.goto("/signin")
    for sample in SAMPLES:
        in_browser = page.evaluate("s => window.clientcommSegments(s)", sample)
        assert in_browser == describe(sample), sample


def test_the_conversation_prints_without_navigation_or_forms(
    browser, base_url, check_a11y, contexts
):
    page = signed_in_page(browser, base_url, "kristina", contexts)
    client_id = new_client(page, "Print", "Me", fresh_phone())
    page.goto(f"/clients/{client_id}/print")
    expect(page.get_by_role("heading", name="Conversation with Print Me")).to_be_visible()
    check_a11y(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()


def test_unclaimed_and_settings_pages_pass_axe(browser, base_url, stack, check_a11y, contexts):
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to="+18015550100", body="who's this? <b>hi</b>")
    page = signed_in_page(browser, base_url, "dana", contexts)
    page.get_by_role("link", name="Unclaimed").click()
    expect(page.get_by_role("heading", name="Unclaimed texts")).to_be_visible()
    check_a11y(page)
    page.goto(f"/unclaimed/{stranger[1:]}")
    expect(page.locator(".text-inbound .text-body")).to_have_text("who's this? <b>hi</b>")
    expect(page.locator(".text-system")).to_contain_text("Automatic reply by ClientComm")
    check_a11y(page)
    page.goto("/settings")
    expect(page.get_by_label(re.compile("^E-mail me at"))).not_to_be_checked()
    check_a11y(page)
