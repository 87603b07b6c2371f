"""A text's photos and files are seen only through the media route: the viewer is checked as
on the conversation page, every view (a thumbnail too) is in the audit trail with ids
only, and the answer is a redirect to a URL signed for 60 seconds (issue 22, item 2)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from chalicelib.config import get_settings
from chalicelib.domain.clients import Client
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.media import MediaItem, MediaState, arriving, object_key, thumbnail_key
from chalicelib.domain.media_display import entry_ref
from chalicelib.store.audit import client_subject
from tests.aws_calls import writes
from tests.clock import real_now
from tests.helpers import WebVisitor, fresh_phone

pytestmark = pytest.mark.any_hour

PHOTO = b"\xff\xd8\xff\xe0 a photo of a paystub"
SMALL = b"\xff\xd8\xff\xe0 its small copy"
PDF = b"%PDF-1.4 a court letter"


@dataclass(frozen=True)
class Photos:
    client: Client
    entry: ConversationEntry

    def path(self, index: int, thumb: bool = False) -> str:
        ref = entry_ref(self.entry.at, self.entry.entry_id)
        size = "?size=thumb" if thumb else ""
        return f"/clients/{self.client.client_id}/media/{ref}/{index}{size}"


def put(key: str, body: bytes, content_type: str) -> None:
    """As the media copy stores an object (helper code outside the app: the least-privilege
    check counts only the app's own calls)."""
    bucket = get_settings().media_bucket
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def stored_items(owner: str, entry_id: str) -> tuple[MediaItem, ...]:
    """A photo with its thumbnail and a PDF, put in the bucket; an arriving photo; a refused
    file."""
    photo_key = object_key(owner, entry_id, 0, "image/jpeg")
    put(photo_key, PHOTO, "image/jpeg")
    put(thumbnail_key(photo_key), SMALL, "image/jpeg")
    pdf_key = object_key(owner, entry_id, 1, "application/pdf")
    put(pdf_key, PDF, "application/pdf")
    return (
        arriving(0, "image/jpeg").stored(photo_key, len(PHOTO), thumbnail_key(photo_key)),
        arriving(1, "application/pdf").stored(pdf_key, 1_300_000),
        arriving(2, "image/png"),
        arriving(3, "application/zip"),
    )


def photo_text(partition: str, owner: str, phone: str) -> ConversationEntry:
    entry_id = "SM" + secrets.token_hex(16)
    return ConversationEntry(
        client_id=partition,
        entry_id=entry_id,
        at=real_now(),
        kind=EntryKind.TEXT,
        body="my paystub",
        direction=Direction.INBOUND,
        phone=phone,
        media=stored_items(owner, entry_id),
    )


def new_photos(stores) -> Photos:
    """A new client of Kristina's, Ana, whose text carries the items of ``stored_items``."""
    name = "Photo" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Ana", name, fresh_phone())
    )
    entry = photo_text(client.client_id, client.client_id, client.phone)
    stores.conversations.add(entry)
    return Photos(client, entry)


def signed_in(http, username: str) -> WebVisitor:
    return WebVisitor(http).sign_in(username)


def fetched(url: str) -> bytes:
    answer = requests.get(url, timeout=30)  # moto's S3, on this machine
    assert answer.status_code == 200, answer.text[:300]
    return answer.content


@pytest.fixture()
def photos(stores) -> Photos:
    return new_photos(stores)


@pytest.mark.parametrize("insider", ["kristina", "dana"])
def test_the_owner_and_her_supervisor_are_sent_to_a_url_signed_for_a_minute(http, photos, insider):
    viewer = signed_in(http, insider)

    full = viewer.get(photos.path(0))
    thumb = viewer.get(photos.path(0, thumb=True))

    assert full.status_code == 302 and thumb.status_code == 302
    assert full.headers["Cache-Control"] == "no-store"
    for answer, item_key, body in (
        (full, photos.entry.media[0].key, PHOTO),
        (thumb, photos.entry.media[0].thumb_key, SMALL),
    ):
        url = urlsplit(answer.headers["Location"])
        query = parse_qs(url.query)
        assert url.path.endswith("/" + item_key)
        assert query["X-Amz-Expires"] == ["60"]
        assert query["response-content-disposition"][0].startswith("inline")
        assert fetched(answer.headers["Location"]) == body


def test_a_pdf_opens_inline_and_is_signed_for_its_own_key(http, photos):
    answer = signed_in(http, "kristina").get(photos.path(1))

    assert answer.status_code == 302
    url = urlsplit(answer.headers["Location"])
    assert url.path.endswith("/" + photos.entry.media[1].key)
    assert fetched(answer.headers["Location"]) == PDF


def test_every_view_writes_an_audit_row_with_ids_and_never_the_url(http, stores, photos):
    kristina = signed_in(http, "kristina")
    before = stores.audit.trail(client_subject(photos.client.client_id), limit=50)

    locations = [
        kristina.get(photos.path(0, thumb=True)).headers["Location"],
        kristina.get(photos.path(0)).headers["Location"],
    ]

    trail = stores.audit.trail(client_subject(photos.client.client_id), limit=50)
    views = [row for row in trail if row not in before and row.action == "view_media"]
    assert sorted(row.details["size"] for row in views) == ["full", "thumb"]
    for row in views:
        assert row.actor == "kristina"
        assert row.details["entry"] == photos.entry.entry_id
        assert row.details["item"] == "0"
        written = repr(row)
        assert "http" not in written and "X-Amz" not in written
        assert all(location not in written for location in locations)


@pytest.mark.parametrize("outsider", ["marcus", "tom", "priya"])
def test_viewers_from_another_caseload_or_department_are_refused_and_nothing_is_written(
    http, photos, outsider
):
    viewer = signed_in(http, outsider)
    for path in (photos.path(0), photos.path(0, thumb=True), photos.path(1)):
        with writes() as written:
            answer = viewer.get(path)
        assert answer.status_code == 403, path
        assert "Location" not in answer.headers
        assert written == []


def test_items_not_stored_or_not_there_are_not_found_and_not_audited(http, photos):
    kristina = signed_in(http, "kristina")
    client_id = photos.client.client_id
    ref = entry_ref(photos.entry.at, photos.entry.entry_id)
    for path in (
        photos.path(2),  # still arriving
        photos.path(3),  # refused
        photos.path(4),  # no such item
        photos.path(1, thumb=True),  # a PDF has no small copy
        f"/clients/{client_id}/media/{ref[:-1]}x/0",  # no such entry
        f"/clients/{client_id}/media/not-a-ref/0",
    ):
        with writes() as written:
            answer = kristina.get(path)
        assert answer.status_code == 404, path
        assert written == []


def test_a_waiting_numbers_photo_is_seen_by_its_department_only(http, stores, stack):
    from chalicelib.store.partitions import unclaimed_partition

    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to="+18015550100", body="whose number is this")
    entry = photo_text(unclaimed_partition("probation", stranger), "unclaimed-probation", stranger)
    stores.conversations.add(entry)
    path = f"/unclaimed/{stranger[1:]}/media/{entry_ref(entry.at, entry.entry_id)}/0"

    colleague = signed_in(http, "marcus")
    page = colleague.get(f"/unclaimed/{stranger[1:]}").body.decode()
    assert f'src="{path}?size=thumb"' in page
    answer = colleague.get(path)
    assert answer.status_code == 302
    assert fetched(answer.headers["Location"]) == PHOTO
    trail = stores.audit.trail(unclaimed_partition("probation", stranger), limit=20)
    assert [r.details["entry"] for r in trail if r.action == "view_media"] == [entry.entry_id]

    assert signed_in(http, "tom").get(path).status_code == 404  # not in his department's queue


def test_a_photo_whose_copy_failed_is_not_found(http, stores, photos):
    """An item marked failed keeps no key a viewer could be sent to."""
    failed = MediaItem(0, "image/jpeg", MediaState.FAILED, note="Twilio's copy was gone.")
    entry = photo_text(photos.client.client_id, photos.client.client_id, photos.client.phone)
    entry = ConversationEntry(**{**entry.__dict__, "media": (failed,)})
    stores.conversations.add(entry)
    ref = entry_ref(entry.at, entry.entry_id)

    answer = signed_in(http, "kristina").get(f"/clients/{photos.client.client_id}/media/{ref}/0")

    assert answer.status_code == 404
