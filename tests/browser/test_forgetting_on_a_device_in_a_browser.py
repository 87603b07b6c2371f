"""Whatever ClientComm kept on a device (Cache Storage, IndexedDB) is gone when its person's
session ends: signing out, the idle timeout, and another person signing in on the same
device; a kept copy opened after the idle timeout is forgotten instead of shown. After that
the service worker has nothing of anyone's to show offline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.offline_tools import (
    add_client,
    client_data_urls,
    clientcomm_databases,
    keep_texts_offline,
    kept_page_paths,
    texts_cannot_go,
    wait_until_forgotten,
    wait_until_kept,
    worker_in_charge,
)
from tests.browser.signing_in import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture()
def device(browser, base_url, contexts) -> BrowserContext:
    """One phone (one set of caches and databases) that people take turns on."""
    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 800})
    contexts.append(context)
    return context


def kristina_keeps_a_client(
    device: BrowserContext, last_name: str, waiting: int = 0
) -> tuple[Page, str]:
    """Kristina's device keeps a client's conversation and has used the outbox: one text
    written offline went when the connection came back, and ``waiting`` more still wait."""
    page = sign_in(device, "kristina")
    worker_in_charge(page)
    client = add_client(page, "Forget", last_name)
    page.goto(client)
    wait_until_kept(page, client)
    keep_texts_offline(page, "Written offline, sent later")
    expect(page.locator("#outbox li")).to_have_count(0)  # it went: nothing waits
    if waiting:
        texts_cannot_go(device)
        keep_texts_offline(page, *(f"Still waiting {n}" for n in range(1, waiting + 1)))
    assert clientcomm_databases(page) == ["clientcomm-outbox"]
    return page, client


def test_signing_out_leaves_no_client_data_and_nothing_to_read_offline(device):
    page, client = kristina_keeps_a_client(device, "Signout")
    page.get_by_text("Menu").click()  # a phone folds the menu
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    wait_until_forgotten(page, client)
    assert client_data_urls(page) == []
    assert clientcomm_databases(page) == []
    assert page.evaluate("() => localStorage.getItem('clientcomm-device-user')") is None

    # the sign-out's answer told the browser to forget the site's storage (Clear-Site-Data),
    # the service worker with it: offline, nothing on the device answers for the app at all
    page.wait_for_function(
        "() => navigator.serviceWorker.getRegistrations().then((all) => all.length === 0)"
    )
    device.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(client)
    expect(page.get_by_text("Forget Signout")).to_have_count(0)


def test_another_person_signing_in_on_the_device_clears_the_first_ones_data(device):
    page, client = kristina_keeps_a_client(device, "Handover")
    page.close()
    device.clear_cookies()  # she walked away without signing out
    marcus = sign_in(device, "marcus")
    wait_until_forgotten(marcus, client)  # his first page forgets hers, database and all
    marcus.goto("/caseload")
    wait_until_kept(marcus, "/caseload")
    assert kept_page_paths(marcus) == ["/caseload"]


def test_the_worker_itself_wipes_a_device_kept_for_someone_else(device):
    """Even when the page could not tell (its memory of the last person gone), the worker
    never keeps a page for one person beside another person's."""
    page, client = kristina_keeps_a_client(device, "Wiped")
    page.evaluate("() => localStorage.removeItem('clientcomm-device-user')")
    page.close()
    device.clear_cookies()
    marcus = sign_in(device, "marcus")
    marcus.goto("/caseload")
    wait_until_kept(marcus, "/caseload")
    assert client not in kept_page_paths(marcus)


def test_the_idle_timeout_in_an_open_tab_clears_the_device(device):
    device.clock.install()
    page, client = kristina_keeps_a_client(device, "Idle")
    device.clock.fast_forward(int(timedelta(minutes=30).total_seconds() * 1000))
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
    wait_until_forgotten(page, client)
    assert client_data_urls(page) == []


def test_a_kept_copy_opened_after_the_idle_timeout_is_forgotten_not_shown(device):
    page, client = kristina_keeps_a_client(device, "Later")
    long_ago = "() => localStorage.setItem('clientcomm-active-at', String(Date.now() - 3600000))"
    page.evaluate(long_ago)  # the phone lay in a pocket for an hour
    device.set_offline(True)
    page.goto(client)
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
    expect(page.get_by_text("Forget Later")).to_have_count(0)
    wait_until_forgotten(page, client)


def test_signing_out_with_texts_not_yet_sent_warns_first_and_the_idle_warning_says_so(device):
    device.clock.install()
    page, client = kristina_keeps_a_client(device, "Unsent", waiting=2)
    device.clock.fast_forward(int(timedelta(minutes=28, seconds=5).total_seconds() * 1000))
    expect(page.get_by_role("alertdialog")).to_contain_text(
        "2 texts written offline have not been sent; being signed out deletes them"
    )
    page.get_by_text("Menu").click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="Sign out").click()
    assert asked.value.message == (
        "2 texts written offline have not been sent; signing out deletes them from this device."
    )
    expect(page.get_by_role("heading", name="Forget Unsent")).to_be_visible()
    assert client in kept_page_paths(page)  # called off: nothing forgotten

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    wait_until_forgotten(page, client)
