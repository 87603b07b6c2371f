"""Phone first, measured in a real browser at 375 x 844: at least eight clients on one
screen, a conversation that opens at its newest text with the reply box in view and follows
texts as they are pushed, "Load older" that keeps what it loaded; and on a wide screen the
caseload beside the open conversation (an inbox), with the client's details beside them
from 1440 px. Every state passes axe. (The header and its menu:
test_phone_navigation_in_a_browser.py.)"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.signing_in import socket_open
from tests.browser.test_caseload_paging_in_a_browser import DEPARTMENT, listed, signed_in
from tests.browser.test_live_in_a_browser import text_from
from tests.browser.test_texting_in_a_browser import new_client
from tests.helpers import fresh_phone
from tests.integration.session_tools import new_staff

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 844}
PRETRIAL = "+18015550200"  # the department of this file's case managers
LONG = 35  # more than one page of the conversation (30)


def case_manager(browser, base_url, stack, stores, contexts, width: int = PHONE["width"]) -> Page:
    """A case manager of this test's own, in Pretrial: the demo caseloads, and Probation,
    which other tests count, stay as they are."""
    owner = new_staff(stack, stores, department=DEPARTMENT)
    return signed_in(browser, base_url, contexts, owner.user_id, width)


def fully_in_view(page: Page, selector: str) -> bool:
    """The element's whole box is inside the viewport (not merely in the DOM)."""
    return page.locator(selector).evaluate(
        """el => { const r = el.getBoundingClientRect();
                   return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""
    )


def newest_above_the_reply_box(page: Page) -> bool:
    """The newest text is on screen and not hidden under the docked reply box."""
    return page.evaluate(
        """() => { const n = document.querySelector('#conversation #newest');
                   const dock = document.querySelector('.reply-dock').getBoundingClientRect();
                   const r = n.getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= dock.top + 1; }"""
    )


def client_with_texts(page: Page, stack, last: str, count: int = LONG) -> tuple[str, str]:
    phone = fresh_phone()
    client_id = new_client(page, "Pia", last, phone)
    page.goto("about:blank")  # no open page follows (and reads) each of the texts below
    for n in range(1, count + 1):
        text_from(stack, phone, f"Text number {n} from Pia", PRETRIAL)
    return client_id, phone


def test_the_caseload_shows_at_least_eight_clients_on_a_phone_screen(
    now, browser, base_url, stack, stores, check_a11y, contexts
):
    from chalicelib.domain.clients import Client

    owner = new_staff(stack, stores, department=DEPARTMENT)
    for n in range(14):  # a mix of rows: unread, opted out, a failed text, never contacted
        stores.clients.add(
            Client(
                secrets.token_hex(10),
                DEPARTMENT,
                owner.user_id,
                f"Row{n:02d}",
                "Counted",
                listed(70 + n),
                unread_count=2 if n % 4 == 0 else 0,
                last_contact_at=now - timedelta(hours=n) if n % 3 else None,
                opted_out=n == 5,
                delivery_problem="The number is a landline." if n == 6 else "",
            )
        )
    page = signed_in(browser, base_url, contexts, owner.user_id, PHONE["width"])
    page.set_viewport_size(PHONE)
    in_view = page.locator("#caseload [data-client]").evaluate_all(
        """rows => rows.filter(r => {
             const b = r.getBoundingClientRect();
             return b.top >= 0 && b.bottom <= window.innerHeight; }).length"""
    )
    print(f"client rows wholly on the first screen at 375x844: {in_view}")
    assert in_view >= 8
    expect(page.get_by_label("Order")).to_be_hidden()  # folded: no filter in use
    check_a11y(page)
    page.get_by_text("Sort and filter").click()
    expect(page.get_by_label("Order")).to_be_visible()
    check_a11y(page)

    page.locator("#caseload .client-name").first.press("Enter")  # inbox order on a phone:
    expect(page.get_by_role("heading", name="Row01 Counted")).to_be_visible()  # latest contact


def test_a_conversation_opens_at_its_newest_text_and_follows_pushed_texts(
    browser, base_url, stack, stores, check_a11y, contexts
):
    manager = case_manager(browser, base_url, stack, stores, contexts)
    client_id, phone = client_with_texts(manager, stack, "Follows")
    manager.goto(f"/clients/{client_id}")
    socket_open(manager)
    expect(manager.locator("#newest")).to_contain_text(f"Text number {LONG} from Pia")
    assert newest_above_the_reply_box(manager)
    assert fully_in_view(manager, "#body")
    assert fully_in_view(manager, ".reply-dock button[type=submit]")
    check_a11y(manager)

    text_from(stack, phone, "Pushed while at the bottom", PRETRIAL)
    expect(manager.locator("#newest")).to_contain_text("Pushed while at the bottom")
    manager.wait_for_function(
        "() => { const r = document.querySelector('#newest').getBoundingClientRect();"
        " return r.bottom <= document.querySelector('.reply-dock')"
        ".getBoundingClientRect().top + 1 && r.top >= 0; }"
    )
    expect(manager.locator("#new-messages")).to_have_count(0)

    manager.evaluate("window.scrollTo(0, 0)")  # reading older texts
    text_from(stack, phone, "Pushed while scrolled up", PRETRIAL)
    pill = manager.get_by_role("button", name="New messages ↓")
    expect(pill).to_be_visible()
    assert not fully_in_view(manager, "#newest")
    assert fully_in_view(manager, "#new-messages")
    check_a11y(manager)
    pill.click()
    expect(pill).to_be_hidden()
    manager.wait_for_function(
        "() => document.querySelector('#newest').getBoundingClientRect().bottom"
        " <= window.innerHeight"
    )


def test_load_older_keeps_what_it_loaded_when_a_new_text_arrives(
    browser, base_url, stack, stores, check_a11y, contexts
):
    manager = case_manager(browser, base_url, stack, stores, contexts)
    client_id, phone = client_with_texts(manager, stack, "Older")
    manager.goto(f"/clients/{client_id}")
    socket_open(manager)
    texts = manager.locator("ol.conversation").first.locator(".text")
    expect(texts).to_have_count(30)
    expect(texts.first).to_contain_text("Text number 6 from")

    manager.get_by_role("link", name="Load older messages").click()
    expect(texts).to_have_count(LONG)
    expect(texts.first).to_contain_text("Text number 1 from")
    expect(manager.get_by_role("link", name="Load older messages")).to_have_count(0)
    expect(manager.locator("#older-status")).to_have_text(re.compile(r"^5 older messages"))
    assert manager.url.endswith(f"/clients/{client_id}")  # no reload
    check_a11y(manager)

    text_from(stack, phone, "Arrived after loading older", PRETRIAL)
    expect(texts).to_have_count(LONG + 1)
    expect(texts.first).to_contain_text("Text number 1 from")
    expect(texts.last).to_contain_text("Arrived after loading older")
    assert manager.locator("#newest").count() == 1
    check_a11y(manager)


def test_load_older_without_javascript_opens_the_older_page(
    browser, base_url, stack, stores, contexts
):
    manager = case_manager(browser, base_url, stack, stores, contexts)
    client_id, _ = client_with_texts(manager, stack, "Nojs")
    plain = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False)
    contexts.append(plain)
    plain.add_cookies(manager.context.cookies())
    page = plain.new_page()
    page.goto(f"/clients/{client_id}")
    page.get_by_role("link", name="Load older messages").click()
    expect(page).to_have_url(re.compile(r"\?before="))
    texts = page.locator("ol.conversation").first.locator(".text")
    expect(texts).to_have_count(LONG - 30)
    expect(texts.first).to_contain_text("Text number 1 from")
    expect(page.get_by_role("link", name="Back to the newest messages")).to_be_visible()
    expect(page.locator("#newest")).to_have_count(0)  # an older page has no "newest"


def test_a_wide_screen_shows_the_caseload_beside_the_open_conversation(
    browser, base_url, stack, stores, check_a11y, contexts
):
    manager = case_manager(browser, base_url, stack, stores, contexts, 1280)
    other_phone = fresh_phone()
    new_client(manager, "Bo", "Aardvark", other_phone)  # first by name: on the first page
    client_id, _ = client_with_texts(manager, stack, "Wide", count=12)
    manager.goto(f"/clients/{client_id}")
    socket_open(manager)
    inbox = manager.get_by_role("navigation", name="Caseload beside the conversation")
    # the open client, marked in the list (and among "Unread texts" too, until the page
    # has told the app the texts were read)
    current = inbox.locator('[aria-current="page"]').first
    expect(current).to_have_text("Wide, Pia")
    pane = inbox.bounding_box()
    main = manager.locator(".client-main").bounding_box()
    assert pane and main and pane["x"] + pane["width"] <= main["x"], "the list on the left"
    assert newest_above_the_reply_box(manager)
    assert fully_in_view(manager, "#body")
    check_a11y(manager)

    text_from(stack, other_phone, "Another client writes", PRETRIAL)  # its row changes
    expect(inbox.locator(".client-row").filter(has_text="Aardvark, Bo").first).to_contain_text(
        "1 unread"
    )
    expect(current).to_have_text("Wide, Pia")

    manager.set_viewport_size({"width": 1600, "height": 900})
    manager.reload()
    expect(current).to_have_text("Wide, Pia")  # laid out
    side = manager.locator(".client-side").bounding_box()
    main = manager.locator(".client-main").bounding_box()
    assert side and main and side["x"] >= main["x"] + main["width"], "details on the right"
    expect(manager.get_by_role("heading", name="About Pia")).to_be_in_viewport()
    check_a11y(manager)

    inbox.get_by_role("link", name="Aardvark, Bo").first.click()
    expect(manager.get_by_role("heading", name="Bo Aardvark", level=1)).to_be_visible()
    expect(manager.locator("#newest")).to_contain_text("Another client writes")


def test_a_phone_never_loads_the_caseload_beside_the_conversation(
    browser, base_url, stack, stores, contexts
):
    manager = case_manager(browser, base_url, stack, stores, contexts)
    client_id, _ = client_with_texts(manager, stack, "Narrow", count=2)
    asked: list[str] = []
    manager.on("request", lambda r: asked.append(r.url))
    manager.goto(f"/clients/{client_id}")
    socket_open(manager)
    assert not [url for url in asked if "/caseload/live" in url]
    expect(manager.locator(".inbox")).to_be_hidden()
