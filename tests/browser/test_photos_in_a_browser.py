"""Photos on the conversation page in a real browser: the thumbnail loads through the media
route from the private bucket (the CSP lets it), a phone never scrolls sideways, the page
is axe-clean, and a photo that finishes arriving while the page is open replaces "Photo
arriving…" by push (issue 22, item 2)."""

from __future__ import annotations

import io
import secrets
from dataclasses import replace

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.clients import Client
from chalicelib.domain.media import arriving, object_key, thumbnail_key
from tests.browser.signing_in import caught_up, signed_in_page
from tests.browser.test_live_in_a_browser import REGION_REFETCH
from tests.helpers import fresh_phone
from tests.integration.test_media_views import photo_text, put

pytestmark = pytest.mark.browser


def jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def stored_photo(owner: str, entry_id: str, index: int = 0):
    """A photo and its thumbnail in the bucket, as the media copy leaves them."""
    key = object_key(owner, entry_id, index, "image/jpeg")
    put(key, jpeg(1600, 1200), "image/jpeg")
    put(thumbnail_key(key), jpeg(320, 240), "image/jpeg")
    return arriving(index, "image/jpeg").stored(key, 200_000, thumbnail_key(key))


def new_client(stores) -> Client:
    name = "Photos" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Ana", name, fresh_phone())
    )


def thumbnail_loaded(page: Page) -> None:
    thumb = page.locator("img.media-thumb").first
    expect(thumb).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 320", arg=thumb.element_handle()
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_a_photo_shows_as_a_thumbnail_from_the_private_bucket_on_any_screen(
    browser, base_url, stores, check_a11y, contexts, width
):
    client = new_client(stores)
    entry = photo_text(client.client_id, client.client_id, client.phone)
    photo = stored_photo(client.client_id, entry.entry_id)  # a real JPEG in place of item 0
    entry = replace(entry, media=(photo, *entry.media[1:]))
    stores.conversations.add(entry)
    page = signed_in_page(browser, base_url, "kristina", contexts, width)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)

    page.goto(f"/clients/{client.client_id}")

    thumbnail_loaded(page)
    link = page.get_by_role("link", name="Photo from Ana")
    expect(link.first).to_be_visible()
    assert refused == []
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0
    check_a11y(page)


def test_a_photo_that_finishes_arriving_replaces_photo_arriving_on_the_open_page(
    browser, base_url, stores, contexts
):
    from chalicelib.store.conversations import to_row

    client = new_client(stores)
    entry = replace(
        photo_text(client.client_id, client.client_id, client.phone),
        media=(arriving(0, "image/jpeg"),),
    )
    stores.conversations.add(entry)
    page = signed_in_page(browser, base_url, "kristina", contexts)
    page.goto(f"/clients/{client.client_id}")
    expect(page.get_by_text("Photo arriving…")).to_be_visible()
    caught_up(page)
    page.context.route(REGION_REFETCH, lambda route: route.abort())  # only a push can do it

    # as the media copy finishes: the same entry, its item now stored (a stream MODIFY)
    to_row(replace(entry, media=(stored_photo(client.client_id, entry.entry_id),))).save()

    thumbnail_loaded(page)
    expect(page.get_by_text("Photo arriving…")).to_have_count(0)
