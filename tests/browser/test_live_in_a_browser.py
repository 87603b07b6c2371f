"""Pushed updates in a real browser, through the local WebSocket API: a reply shows on the
open conversation and caseload, patched from the push with no polling (how soon is
measured by bench/live_updates.py); a STOP arriving while the conversation is open disables
the reply box at once, with the reason."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.signing_in import caught_up, signed_in_page, socket_open
from tests.browser.test_texting_in_a_browser import new_client
from tests.helpers import fresh_phone, new_sid, signed_webhook
from tests.integration.test_bursts import PROBATION, SMS, OverTheWire

pytestmark = pytest.mark.browser


def text_from(stack, phone: str, body: str, to: str = PROBATION) -> None:
    answer = signed_webhook(
        OverTheWire(stack.app_url),
        SMS,
        {"MessageSid": new_sid(), "From": phone, "To": to, "Body": body},
    )
    assert answer.status_code == 200


def app_requests(page: Page, app_url: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.startswith(app_url) else None)
    return seen


# A live region's refetch: /caseload/live, /clients/{id}/live, /clients/{id}/appointments/live
REGION_REFETCH = re.compile(r"/live(\?|$)")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_reply_is_pushed_to_the_open_conversation_and_caseload(
    browser, base_url, stack, check_a11y, contexts, width
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, width)
    phone = fresh_phone()
    client_id = new_client(kristina, "Lina", f"Pushed{width}", phone)
    caseload = kristina.context.new_page()
    caseload.goto("/caseload?q=Pushed" + str(width))
    # The list must show the client before the text is sent, so what follows tests the push.
    # In a few full-suite runs the search found no client just after it was added (see the
    # issue 19 note): open the list again until it does, rather than testing a push to a row
    # that was never there.
    for _ in range(10):
        if caseload.locator(f'[data-client="{client_id}"]').count():
            break
        caseload.wait_for_timeout(500)
        caseload.reload()
    expect(caseload.locator(f'[data-client="{client_id}"]').first).to_be_attached()
    for page in (kristina, caseload):
        caught_up(page)
    if width > 1000:  # the inbox beside the conversation is loaded once, before any push
        expect(kristina.locator(".inbox #caseload")).to_be_attached()
    # From here on every refetch of a region fails, so what shows can only have come from a
    # push. (A page may still try one: a catch-up when a tab gains focus is its own feature.)
    kristina.context.route(REGION_REFETCH, lambda route: route.abort())

    # how soon is measured by bench/live_updates.py; here: it arrives, pushed, not refetched
    text_from(stack, phone, "On my way <now>")
    expect(kristina.locator(".conversation").get_by_text("On my way <now>")).to_be_visible()
    rows = caseload.locator(f'[data-client="{client_id}"]')  # on a phone also under Unread
    # the row is patched ("1 unread" may already be gone: the open conversation tab read it)
    expect(rows.filter(has_text="Last contact").first).to_be_visible()
    kristina.context.unroute(REGION_REFETCH)
    check_a11y(kristina)


def test_stop_while_the_conversation_is_open_disables_the_reply_box_at_once(
    browser, base_url, stack, check_a11y, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts)
    phone = fresh_phone()
    new_client(kristina, "Omar", "Stopping", phone)
    socket_open(kristina)
    send = kristina.get_by_role("button", name="Send text")
    expect(send).to_be_enabled()

    text_from(stack, phone, "STOP")
    expect(send).to_be_disabled()
    expect(kristina.get_by_role("alert")).to_contain_text(re.compile("Omar texted STOP"))
    expect(kristina.get_by_label(re.compile("Text to Omar"))).to_be_disabled()
    check_a11y(kristina)

    text_from(stack, phone, "START")
    expect(send).to_be_enabled()


def test_an_idle_open_tab_makes_no_requests_while_nothing_happens(
    browser, base_url, stack, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts)
    socket_open(kristina)
    requests = app_requests(kristina, stack.app_url)
    # nothing to wait for here: it is the absence of requests, over longer than the old
    # poll's 4 s period, that is checked
    kristina.wait_for_timeout(6000)
    assert requests == []
