"""Reading offline (issue 23): the officer's own caseload and the conversations of her own
clients she opened are kept by the service worker and shown with no connection under an
"Offline, as of ..." banner; a page not kept shows the offline page; nothing of another
officer's client, no export, print view or JSON is ever kept. The browser goes offline
with ``context.set_offline(True)``, which Chromium applies to the worker's fetches too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.offline_tools import (
    add_client,
    kept_page_paths,
    kept_urls,
    no_sideways_scroll,
    wait_until_kept,
    worker_in_charge,
)
from tests.browser.signing_in import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture()
def phone(browser, base_url, contexts) -> BrowserContext:
    """A phone-sized browser of its own (its own caches and databases)."""
    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 800})
    contexts.append(context)
    return context


def test_her_caseload_and_a_conversation_she_opened_are_readable_offline_under_a_banner(
    phone, check_a11y
):
    page = sign_in(phone, "kristina")
    worker_in_charge(page)
    wait_until_kept(page, "/caseload")  # the first page came before the worker: asked again
    opened = add_client(page, "Offline", "Reader")
    never_opened = add_client(page, "Offline", "Unopened")
    page.goto(opened)
    expect(page.locator("#offline-banner")).to_be_hidden()  # online: no banner
    page.goto("/caseload")
    wait_until_kept(page, opened)
    wait_until_kept(page, "/caseload")

    phone.set_offline(True)
    page.goto(opened)
    expect(page.get_by_role("heading", name="Offline Reader")).to_be_visible()
    banner = page.get_by_role("status").filter(has_text="Offline, as of")
    expect(banner).to_contain_text(re.compile(r"Offline, as of \d{1,2}:\d{2} [AP]M\."))
    no_sideways_scroll(page)
    check_a11y(page)
    page.goto("/caseload")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Reader, Offline")).to_be_visible()
    expect(banner).to_be_visible()

    page.goto(never_opened)  # added, but its plain page never opened: not on the device
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("this page was not saved on this device")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Offline.")).to_be_visible()
    no_sideways_scroll(page)
    check_a11y(page)

    phone.set_offline(False)
    page.goto("/caseload")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.locator("#offline-banner")).to_be_hidden()
    phone.set_offline(True)  # the connection drops under an open page
    expect(page.get_by_role("status").filter(has_text="Offline. New texts")).to_be_visible()
    phone.set_offline(False)
    expect(page.locator("#offline-banner")).to_be_hidden()


def test_the_app_installs_and_keeps_no_export_print_view_media_or_json(phone):
    page = sign_in(phone, "kristina")
    worker_in_charge(page)
    client = add_client(page, "Never", "Exported")
    page.goto(client)
    wait_until_kept(page, client)
    page.goto(client + "/print")
    expect(page.get_by_role("heading", name="Conversation with Never Exported")).to_be_visible()
    page.goto(client + "?saved=1")
    for path in (client + "/export/csv", "/api/activity", client + "/live"):
        status = page.evaluate("(p) => fetch(p).then((r) => r.status)", path)
        assert status == 200, path
    media = client + "/media/none/0"  # a photo's address (this text has none: refused)
    assert page.evaluate("(p) => fetch(p).then((r) => r.status)", media) >= 400
    page.goto("/caseload")
    wait_until_kept(page, "/caseload")
    kept = kept_page_paths(page)
    assert client in kept
    assert not [p for p in kept if "?" in p or p.endswith(("/print", "/csv", "/live"))], kept
    everything = kept_urls(page)
    assert not [u for u in everything if "/api/" in u or "/export/" in u or "/media/" in u]

    # Chromium's own verdict on the manifest, icon and worker; a test browser is always
    # "incognito" (a fresh profile), which alone would stop an install there
    cdp = phone.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    assert cdp.send("Page.getAppManifest")["errors"] == []


def test_a_supervisor_reading_another_officers_client_keeps_nothing_of_it(
    browser, base_url, contexts, phone
):
    officer = sign_in(phone, "kristina")
    client = add_client(officer, "Not", "Dana's")
    supervisor_browser = browser.new_context(base_url=base_url)
    contexts.append(supervisor_browser)
    supervisor = sign_in(supervisor_browser, "dana")
    worker_in_charge(supervisor)
    supervisor.goto(client)
    expect(supervisor.get_by_role("heading", name="Not Dana's")).to_be_visible()
    supervisor.goto("/caseload")  # her department's list: other officers' clients
    expect(supervisor.get_by_role("heading", level=1)).to_be_visible()
    assert kept_page_paths(supervisor) == []

    supervisor_browser.set_offline(True)
    supervisor.goto(client)
    expect(supervisor.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(supervisor.get_by_text("Not Dana's")).to_have_count(0)


def kept_something(page: Page) -> str:
    worker_in_charge(page)
    client = add_client(page, "Forget", "Me")
    page.goto(client)
    wait_until_kept(page, client)
    return client


def test_a_copy_kept_more_than_seven_days_ago_is_not_shown(phone):
    page = sign_in(phone, "kristina")
    worker_in_charge(page)
    client = add_client(page, "Eight", "Days")
    page.goto(client)
    wait_until_kept(page, client)
    page.evaluate(  # as if kept eight days ago
        """(path) => caches.open('clientcomm-pages').then(async (cache) => {
             const url = new URL(path, location.href).href;
             const kept = await cache.match(url);
             const headers = new Headers(kept.headers);
             headers.set('X-ClientComm-Kept-At', String(Date.now() - 8 * 24 * 3600 * 1000));
             await cache.put(url, new Response(await kept.text(), { headers: headers }));
           })""",
        client,
    )
    phone.set_offline(True)
    page.goto(client)
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert client not in kept_page_paths(page)  # and it is gone from the device
