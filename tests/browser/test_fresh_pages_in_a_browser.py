"""Open pages never go stale: a scheduled text that was sent leaves "Scheduled to send", a
START takes the opt-out note away, pushed lines stand in the order a reload shows, and a
page that missed a push catches up by itself when it is shown or focused again and when
its socket reconnects."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.clients import Client
from tests.browser.signing_in import signed_in_page
from tests.browser.test_live_in_a_browser import text_from
from tests.helpers import fresh_phone
from tests.integration.conftest import queue as queue  # a fixture
from tests.integration.conftest import sender as sender  # a fixture
from tests.integration.test_scheduled_sending import deliver, plan, sweep

pytestmark = pytest.mark.browser
PUSHED = 30_000  # ms: generous, the machine may be busy; how soon is the bench's job

# Lets a test lose pushes on purpose: while window.dropPushes is set, the page's socket
# messages are counted and thrown away, as if the post to the page had failed.
LOSE_PUSHES = """
(() => {
  window.dropPushes = false; window.droppedPushes = 0; window.sockets = [];
  const Native = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const socket = new Native(url, protocols);
    window.sockets.push(socket);
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  const add = Native.prototype.addEventListener;
  Native.prototype.addEventListener = function (type, listener, options) {
    if (type !== "message") { return add.call(this, type, listener, options); }
    return add.call(this, type, function (event) {
      if (window.dropPushes) { window.droppedPushes += 1; return; }
      return listener.call(this, event);
    }, options);
  };
})();
"""


@pytest.fixture()
def made(stores):
    """Clients of this test; a scheduled text of theirs still waiting is failed at the end,
    so no later sweep of the shared stack finds it due."""
    clients: list[Client] = []
    yield clients
    for client in clients:
        for text in stores.scheduled.pending_for_client(client.client_id):
            stores.scheduled.fail(text, "the test is over")


def own_client(stores, made: list, last: str) -> Client:
    client = Client(secrets.token_hex(10), "probation", "kristina", "Fran", last, fresh_phone())
    made.append(stores.clients.add(client))
    return client


def live(page: Page) -> None:
    """The page's socket is open and its first catch-up has been asked for."""
    page.wait_for_function("() => document.body.dataset.live === 'open'", timeout=PUSHED)


def conversation(page: Page):
    return page.locator("#conversation > ol.conversation")  # not the Scheduled to send list


def test_a_scheduled_text_that_was_sent_leaves_scheduled_to_send_on_the_open_page(
    browser, base_url, stores, queue, sender, now, made, contexts, check_a11y
):
    client = own_client(stores, made, "Sentlater")
    plan(stores, client, now - timedelta(seconds=30), "See you at group tonight")
    page = signed_in_page(browser, base_url, "kristina", contexts)
    page.goto(f"/clients/{client.client_id}")
    live(page)
    pending = page.locator("#scheduled")
    expect(pending.get_by_role("link", name=re.compile("^Edit"))).to_be_visible()

    sweep(stores, queue, now)
    assert deliver(queue, sender, client, now) == ["sent"]
    expect(conversation(page).get_by_text("See you at group tonight")).to_be_visible(timeout=PUSHED)
    expect(pending).to_have_count(0, timeout=PUSHED)
    check_a11y(page)


def test_a_start_takes_away_the_opt_out_notes_the_page_was_opened_with(
    browser, base_url, stack, stores, now, made, contexts, check_a11y
):
    client = own_client(stores, made, "Restarts")
    text_from(stack, client.phone, "STOP")
    plan(stores, client, now + timedelta(days=2), "Court on Thursday")
    page = signed_in_page(browser, base_url, "kristina", contexts, 375)
    page.goto(f"/clients/{client.client_id}")
    live(page)
    send = page.get_by_role("button", name="Send text")
    expect(send).to_be_disabled()
    expect(page.locator("#send-off")).to_contain_text("texted STOP")
    expect(page.locator("#scheduled")).to_contain_text("opted out")

    text_from(stack, client.phone, "START")
    expect(send).to_be_enabled(timeout=PUSHED)
    expect(page.locator("#send-off")).to_have_count(0)
    expect(page.locator("#schedule-off")).to_have_count(0)
    expect(page.locator("#scheduled")).not_to_contain_text("opted out", timeout=PUSHED)
    expect(page.get_by_label(re.compile("Text to Fran"))).not_to_have_attribute(
        "aria-describedby", re.compile("send-off")
    )
    check_a11y(page)


def test_pushed_lines_stand_in_the_order_a_reload_shows(
    browser, base_url, stack, stores, made, contexts
):
    client = own_client(stores, made, "Ordered")
    page = signed_in_page(browser, base_url, "kristina", contexts)
    page.goto(f"/clients/{client.client_id}")
    live(page)
    text_from(stack, client.phone, "STOP")  # the text, Twilio's confirmation, a marker
    rows = conversation(page).locator(":scope > li")
    expect(rows).to_have_count(3, timeout=PUSHED)
    order = "els => els.map(e => e.className)"
    pushed = rows.evaluate_all(order)

    page.reload()
    live(page)
    expect(rows).to_have_count(3)
    assert rows.evaluate_all(order) == pushed


def open_losing_pushes(context, path: str) -> Page:
    """A page of ``context`` at ``path`` whose pushes the test can lose on purpose."""
    page = context.new_page()
    page.add_init_script(LOSE_PUSHES)
    page.goto(path)
    live(page)
    return page


def lose_the_push_of(page: Page, stack, phone: str, body: str) -> None:
    """``body`` arrives from ``phone``; the page's pushes about it are lost."""
    page.evaluate("window.dropPushes = true")
    text_from(stack, phone, body)
    page.wait_for_function("() => window.droppedPushes >= 1", timeout=PUSHED)


def test_a_page_that_missed_a_push_catches_up_when_it_is_focused_or_shown_again(
    browser, base_url, stack, stores, made, contexts
):
    client = own_client(stores, made, "Catchup")
    context = signed_in_page(browser, base_url, "kristina", contexts).context
    page = open_losing_pushes(context, f"/clients/{client.client_id}")
    lose_the_push_of(page, stack, client.phone, "Sent while the push was lost")
    expect(conversation(page).get_by_text("Sent while the push was lost")).to_have_count(0)
    page.evaluate("window.dropPushes = false; window.dispatchEvent(new Event('focus'))")
    expect(conversation(page).get_by_text("Sent while the push was lost")).to_be_visible(
        timeout=PUSHED
    )

    # Closed: open on the conversation, it would read the next text as soon as it came, and
    # within the same minute the caseload row would then look just as before (a flake).
    page.close()
    caseload = open_losing_pushes(context, "/caseload?q=Catchup")
    # its row; once the lost text is caught up the client is also pinned under "Unread
    # texts", above the list, and that first row is the one that must have changed
    row = caseload.locator(f'#caseload [data-client="{client.client_id}"]').first
    before = row.inner_text()
    lose_the_push_of(caseload, stack, client.phone, "Another lost one")
    assert row.inner_text() == before
    caseload.evaluate(
        "window.dropPushes = false; document.dispatchEvent(new Event('visibilitychange'))"
    )
    expect(row).not_to_have_text(before, timeout=PUSHED)


def test_a_page_that_missed_a_push_catches_up_when_its_socket_reconnects(
    browser, base_url, stack, stores, made, contexts
):
    client = own_client(stores, made, "Reconnects")
    context = signed_in_page(browser, base_url, "kristina", contexts).context
    page = open_losing_pushes(context, f"/clients/{client.client_id}")
    lose_the_push_of(page, stack, client.phone, "Lost before the drop")
    page.evaluate("window.dropPushes = false; window.sockets.at(-1).close()")
    expect(conversation(page).get_by_text("Lost before the drop")).to_be_visible(timeout=PUSHED)
