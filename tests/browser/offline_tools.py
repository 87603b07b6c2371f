"""What the offline-reading tests share: adding a client through the page, waiting for the
service worker, and looking into what this browser keeps (Cache Storage, IndexedDB)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.helpers import fresh_phone

KEPT_PAGES = "clientcomm-pages"


def add_client(page: Page, first: str, last: str) -> str:
    """A new client on the signed-in officer's caseload; returns its page's path."""
    page.goto("/clients/new")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Mobile number").fill(fresh_phone())
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name=f"{first} {last}")).to_be_visible()
    return "/clients/" + page.url.split("/clients/")[1].split("?")[0].split("#")[0]


def worker_in_charge(page: Page) -> None:
    """Wait until the service worker controls the page (later pages go through it)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def wait_until_kept(page: Page, path: str) -> None:
    page.wait_for_function(
        "(path) => caches.open('clientcomm-pages').then((c) => c.keys()).then((keys) => "
        "keys.map((r) => new URL(r.url)).some((u) => u.pathname + u.search === path))",
        arg=path,
    )


def kept_urls(page: Page) -> list[str]:
    """Every URL in every ClientComm cache of this browser."""
    return page.evaluate(
        """() => caches.keys().then((names) => Promise.all(
             names.filter((n) => n.startsWith('clientcomm')).map((n) =>
               caches.open(n).then((c) => c.keys()).then((keys) => keys.map((r) => r.url)))))
           .then((lists) => lists.flat())"""
    )


def kept_page_paths(page: Page) -> list[str]:
    """The paths (with any query) of the pages kept for reading offline."""
    return page.evaluate(
        """() => caches.has('clientcomm-pages').then((has) => !has ? [] :
             caches.open('clientcomm-pages').then((c) => c.keys()).then((keys) => keys
               .map((r) => new URL(r.url)).filter((u) => !u.pathname.endsWith('/kept-for'))
               .map((u) => u.pathname + u.search)))"""
    )


def client_data_urls(page: Page) -> list[str]:
    """Kept URLs that hold anyone's data (everything but the shell: static files, the
    offline page)."""
    return [u for u in kept_urls(page) if "/static/" not in u and not u.endswith("/offline")]


def clientcomm_databases(page: Page) -> list[str]:
    return page.evaluate(
        "() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name)"
        ".filter((n) => n && n.startsWith('clientcomm')))"
    )


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def keep_texts_offline(page: Page, *bodies: str) -> None:
    """Texts written on an open conversation with no connection: the outbox (outbox.js)
    keeps them on this device. Back online, they go unless the test keeps the send route
    failing (``texts_cannot_go``); the caller waits for what it needs."""
    page.context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")
    for body in bodies:
        page.locator("#body").fill(body)
        page.get_by_role("button", name="Send text").click()
        expect(page.locator("#outbox li").filter(has_text=body)).to_be_visible()
    page.context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")


def texts_cannot_go(device: BrowserContext) -> None:
    """Every send from this device fails as with no connection, though the browser
    believes it is online: what the outbox keeps stays waiting."""
    device.route("**/clients/*/messages", lambda route: route.abort("internetdisconnected"))


def wait_until_forgotten(page: Page, path: str) -> None:
    """Wait until no ClientComm cache holds ``path`` and no ClientComm database is left."""
    page.wait_for_function(
        """(path) => caches.keys()
             .then((names) => Promise.all(names.filter((n) => n.startsWith('clientcomm'))
               .map((n) => caches.open(n).then((c) => c.keys()))))
             .then((lists) => !lists.flat().some((r) => new URL(r.url).pathname === path))
             .then((gone) => gone && indexedDB.databases().then((dbs) =>
               !dbs.some((d) => d.name && d.name.startsWith('clientcomm'))))""",
        arg=path,
    )
