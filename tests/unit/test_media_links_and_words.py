"""Naming a text's photos: a link's entry ref finds exactly the stored entry, exports say
each item in words, and the one image origin pages allow is where the adapter signs."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from chalicelib.adapters.media_bucket import MediaBucket
from chalicelib.domain.conversation import sort_key
from chalicelib.domain.media import arriving
from chalicelib.domain.media_display import described, entry_ref, key_of_ref, listing, size_label
from chalicelib.web.media_links import bucket_origin

AT = datetime(2026, 12, 3, 17, 42, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize("entry_id", ["SM0123abcd", "4f2a9c1b00ee", "SMab12-auto_reply"])
def test_an_entry_ref_leads_back_to_the_entrys_own_sort_key(entry_id):
    ref = entry_ref(AT, entry_id)

    assert ref == f"20261203T174200123456Z-{entry_id}"
    assert key_of_ref(ref) == sort_key(AT, entry_id)


@pytest.mark.parametrize(
    "ref",
    ["", "not-a-ref", "20261303T174200123456Z-SM1", "20261203T174200123456Z-", "x/../y", "2026#1"],
)
def test_anything_else_is_no_ref(ref):
    assert key_of_ref(ref) is None


def test_items_are_described_by_name_type_size_and_why_not_kept():
    photo = arriving(0, "image/jpeg").stored("media/c/e/0.jpg", 1_300_000, "media/c/e/0.thumb.jpg")
    waiting = arriving(1, "image/heic")
    refused = arriving(2, "application/zip")

    assert described(photo) == "photo-1.jpg (image/jpeg, 1.2 MB)"
    assert described(waiting) == "photo-2.heic (image/heic, still arriving)"
    assert listing([photo, refused]) == (
        "photo-1.jpg (image/jpeg, 1.2 MB); "
        "file-3.bin (application/zip, not kept: A file of type application/zip was not kept.)"
    )
    assert listing([]) == ""
    assert [size_label(n) for n in (12, 2048, 5 * 1024 * 1024)] == ["12 bytes", "2 KB", "5.0 MB"]


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("us-west-2", None),
        ("us-east-1", None),
        ("us-gov-west-1", None),
        ("us-west-2", "http://127.0.0.1:45123"),
    ],
)
def test_pages_allow_images_from_exactly_where_view_urls_point(monkeypatch, region, endpoint):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", region)
    monkeypatch.setenv("MEDIA_BUCKET", "cc-demo-media")
    if endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    else:
        monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    bucket = MediaBucket("cc-demo-media", region, endpoint)
    signed = urlsplit(bucket.view_url("media/a/b/0.jpg", "x"))
    posted = urlsplit(bucket.upload_form("media/a/uploads/u.jpg", "image/jpeg").url)

    assert bucket_origin() == f" {signed.scheme}://{signed.netloc}"
    # the compose box posts uploads to the same origin, which the pages may connect to
    assert (posted.scheme, posted.netloc) == (signed.scheme, signed.netloc)


def test_without_a_bucket_pages_allow_no_other_image_origin(monkeypatch):
    monkeypatch.setenv("MEDIA_BUCKET", "")

    assert bucket_origin() == ""
