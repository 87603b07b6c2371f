"""How a text's photos and files show: a thumbnail linked to the full photo, a link for a
PDF with its name and size, "Photo arriving…" until the copy is stored, the note of a
refused file; the print view draws the photos; every export lists them by name, type and
size and never holds a URL (issue 22, items 2 and 6)."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re

import pytest

from tests.helpers import WebVisitor, page_text
from tests.integration.test_media_views import PHOTO, Photos, new_photos

pytestmark = pytest.mark.any_hour

NO_URLS = ("http", "X-Amz", "amazonaws", "/media/")


@pytest.fixture()
def photos(stores) -> Photos:
    return new_photos(stores)


def test_the_conversation_shows_a_linked_thumbnail_a_pdf_an_arriving_photo_and_a_refusal(
    http, photos: Photos
):
    page = WebVisitor(http).sign_in("kristina").get(f"/clients/{photos.client.client_id}")
    body = page.body.decode()

    thumb = re.search(r'<a class="media-photo" href="([^"]+)"><img ([^>]+)>', body)
    assert thumb, body[:2000]
    assert thumb.group(1) == photos.path(0)
    attributes = html.unescape(thumb.group(2))
    assert f'src="{photos.path(0)}?size=thumb"' in attributes
    assert 'width="200" height="200"' in attributes
    assert re.search(r'alt="Photo from Ana, \w{3} \d{1,2}, \d{1,2}:\d{2} [AP]M"', attributes)
    assert f'href="{photos.path(1)}">file-2.pdf</a> <span class="muted">(PDF, 1.2 MB)' in body
    text = page_text(page)
    assert "Photo arriving…" in text
    assert "A file of type application/zip was not kept." in text
    assert "later release" not in text


def test_pages_may_load_images_from_the_bucket_origin_and_no_other(http, photos: Photos):
    page = WebVisitor(http).sign_in("kristina").get(f"/clients/{photos.client.client_id}")

    policy = page.headers["Content-Security-Policy"]
    (img_src,) = [p.strip() for p in policy.split(";") if p.strip().startswith("img-src")]
    assert img_src == f"img-src 'self' data: blob: {os.environ['AWS_ENDPOINT_URL'].rstrip('/')}"


def test_the_print_view_draws_each_photo_through_the_checked_route(http, photos: Photos):
    page = WebVisitor(http).sign_in("kristina").get(f"/clients/{photos.client.client_id}/print")

    body = page.body.decode()
    assert f'<img class="media-printed" src="{photos.path(0)}"' in body
    assert "file-2.pdf (application/pdf, 1.2 MB)" in page_text(page)


@pytest.mark.parametrize("fmt", ["csv", "txt", "json"])
def test_exports_list_media_by_name_type_and_size_and_never_a_url(http, photos: Photos, fmt):
    path = f"/clients/{photos.client.client_id}/export/{fmt}"
    exported = WebVisitor(http).sign_in("kristina").get(path).body.decode()

    listed = (
        f"photo-1.jpg (image/jpeg, {len(PHOTO)} bytes); file-2.pdf (application/pdf, 1.2 MB); "
        "photo-3.png (image/png, still arriving); "
        "file-4.bin (application/zip, not kept: A file of type application/zip was not kept.)"
    )
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(exported)))
        assert [r["attachments"] for r in rows if r["text"] == "my paystub"] == [listed]
    elif fmt == "json":
        entries = json.loads(exported)["entries"]
        assert [e["attachments"] for e in entries if e["text"] == "my paystub"] == [listed]
    else:
        assert f"    attachments: {listed}\n" in exported
    assert not any(word in exported for word in NO_URLS)


def test_the_disclosure_export_lists_the_media_of_each_text(http, photos: Photos):
    dana = WebVisitor(http).sign_in("dana")
    dana.get(f"/audit?client={photos.client.client_id}")
    exported = dana.post("/audit/export", {"client": photos.client.client_id})

    assert exported.status_code == 200, exported.body[:300]
    rows = list(csv.reader(io.StringIO(exported.body.decode())))
    (received,) = [r for r in rows if r[0] == "text received"]
    listed = f"my paystub\n[attachments: photo-1.jpg (image/jpeg, {len(PHOTO)} bytes);"
    assert received[6].startswith(listed)
    assert not any(word in received[6] for word in NO_URLS)
