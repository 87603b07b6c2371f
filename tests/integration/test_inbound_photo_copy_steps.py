"""The media-copy worker's steps against moto's table and bucket, Twilio's media served by
tests/media_host.py: copied before deleted, retried until stored once, failures shown."""

from __future__ import annotations

import itertools
import logging
import secrets
from datetime import datetime
from io import BytesIO

import boto3
import pytest
from PIL import Image

from chalicelib import bootstrap
from chalicelib.adapters.media_bucket import MediaBucket
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.media import MAX_BYTES, MediaState, arriving, too_big_note
from chalicelib.services.media_copy import (
    GAVE_UP_NOTE,
    GONE_NOTE,
    LEASE_SECONDS,
    Copier,
    CopyJob,
    CopyNotDone,
    copy_media,
)
from chalicelib.store.conversations import entry_key
from tests.helpers import new_sid
from tests.media_host import MediaHost

pytestmark = pytest.mark.any_hour  # the text's time is a key, nothing depends on the hour
AT = datetime.fromisoformat("2026-03-08T09:30:00+00:00")
EPOCH = 1_800_000_000  # the copier's clock (leases), fixed by each test


def jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (800, 600), (120, 60, 30)).save(out, "JPEG")
    return out.getvalue()


class CountingBucket(MediaBucket):
    """The real bucket adapter, counting the objects it is asked to keep."""

    def __init__(self, real: MediaBucket) -> None:
        super().__init__(real.bucket, real.region, real.endpoint_url)
        self.kept: list[str] = []

    def keep(self, key: str, body: bytes, content_type: str) -> None:
        self.kept.append(key)
        super().keep(key, body, content_type)


@pytest.fixture()
def host():
    served = MediaHost().start()
    yield served
    served.stop()


@pytest.fixture()
def copier(stack, host):
    return Copier(
        media=bootstrap.media_items(),
        bucket=CountingBucket(bootstrap.media_bucket()),
        twilio=bootstrap.twilio_media(),
        thumbnail=bootstrap.thumbnailer(),
        # each run comes after the last one's lease ran out, as a redelivery does
        clock=itertools.count(EPOCH, LEASE_SECONDS + 1).__next__,
    )


def a_text_with(stores, host, data: bytes, content_type: str = "image/jpeg") -> CopyJob:
    """A stored inbound text whose one file is arriving, and its copy job."""
    sid = new_sid("MM")
    client_id = "media" + secrets.token_hex(6)
    entry = ConversationEntry(
        client_id,
        sid,
        AT,
        EntryKind.TEXT,
        direction=Direction.INBOUND,
        sid=sid,
        status="received",
        media=(arriving(0, content_type),),
    )
    stores.conversations.add(entry)
    return CopyJob(client_id, entry_key(AT, sid), 0, host.add(data, content_type, sid), sid)


def item_of(job: CopyJob):
    found = bootstrap.media_items().find(job.partition, job.entry_key)
    return found.item(job.index)


def object_bytes(key: str) -> bytes:
    s3 = boto3.client("s3")
    return s3.get_object(Bucket=bootstrap.media_bucket().bucket, Key=key)["Body"].read()


def in_bucket(key: str) -> bool:
    s3 = boto3.client("s3")
    found = s3.list_objects_v2(Bucket=bootstrap.media_bucket().bucket, Prefix=key)
    return any(o["Key"] == key for o in found.get("Contents", []))


def test_nothing_is_deleted_at_twilio_before_the_copy_is_stored(stores, host, copier):
    photo = jpeg()
    job = a_text_with(stores, host, photo)
    seen_at_delete = []
    host.on_delete = lambda url: seen_at_delete.append(item_of(job))

    assert copy_media(job, copier) == "stored"

    [item] = seen_at_delete
    assert item.state is MediaState.STORED
    assert item.key == f"media/{job.partition}/{job.sid}/0.jpg"
    assert in_bucket(item.key) and in_bucket(item.thumb_key)
    assert [m for m, _ in host.calls] == ["GET", "DELETE"]
    assert host.deleted(job.url)
    assert item.size == len(photo)
    assert object_bytes(item.key) == photo


def test_a_failed_download_is_retried_and_the_file_is_then_stored_once(
    stores, host, copier, caplog
):
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    job = a_text_with(stores, host, jpeg())
    host.fail_next_gets = 1
    with pytest.raises(CopyNotDone):
        copy_media(job, copier)
    assert item_of(job).state is MediaState.ARRIVING
    assert copier.bucket.kept == [] and host.count("DELETE", job.url) == 0

    assert copy_media(job, copier) == "stored"
    assert copy_media(job, copier) == "already_done"  # the queue showed it once more
    assert host.count("GET", job.url) == 2
    key = item_of(job).key
    assert copier.bucket.kept == [key, key.replace(".jpg", ".thumb.jpg")]
    assert host.count("DELETE", job.url) == 1
    assert "media copy failed; it will be retried" in caplog.text
    logged = caplog.text + str([r.__dict__ for r in caplog.records])
    assert job.url.split("/Media/")[1] not in logged


def test_a_failed_delete_is_retried_without_copying_again(stores, host, copier):
    job = a_text_with(stores, host, jpeg())
    host.fail_next_deletes = 1
    with pytest.raises(CopyNotDone):
        copy_media(job, copier)
    assert item_of(job).state is MediaState.STORED  # kept: only the delete is left
    assert copy_media(job, copier) == "deleted"
    assert (host.count("GET", job.url), host.count("DELETE", job.url)) == (1, 2)
    assert len(copier.bucket.kept) == 2


def test_a_file_twilio_no_longer_has_shows_failed(stores, host, copier):
    job = a_text_with(stores, host, jpeg())
    host.files.clear()
    assert copy_media(job, copier) == "gone"
    item = item_of(job)
    assert (item.state, item.note) == (MediaState.FAILED, GONE_NOTE)
    assert copier.bucket.kept == []


def test_the_last_try_marks_the_file_failed_instead_of_retrying(stores, host, copier):
    job = a_text_with(stores, host, jpeg())
    host.fail_next_gets = 1
    assert copy_media(job, copier, last_try=True) == "gave_up"
    item = item_of(job)
    assert (item.state, item.note) == (MediaState.FAILED, GAVE_UP_NOTE)
    assert host.count("DELETE", job.url) == 0  # Twilio's copy is all there is: kept


def test_a_file_over_five_megabytes_is_refused_and_nothing_is_kept(stores, host, copier):
    job = a_text_with(stores, host, b"x" * (MAX_BYTES + 1), "application/pdf")
    assert copy_media(job, copier) == "too_big"
    item = item_of(job)
    assert (item.state, item.note, item.key) == (
        MediaState.REFUSED,
        too_big_note(MAX_BYTES + 1),
        "",
    )
    assert copier.bucket.kept == []


def test_a_broken_photo_is_kept_without_a_preview(stores, host, copier):
    job = a_text_with(stores, host, b"\xff\xd8\xff not a picture")
    assert copy_media(job, copier) == "stored"
    item = item_of(job)
    assert (item.state, item.thumb_key, item.note) == (MediaState.STORED, "", "no preview")
    assert in_bucket(item.key)


def test_a_heic_photo_is_kept_as_sent_with_a_jpeg_thumbnail(stores, host, copier):
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = BytesIO()
    Image.new("RGB", (900, 600), (20, 160, 20)).save(out, "HEIF")
    job = a_text_with(stores, host, out.getvalue(), "image/heic")
    assert copy_media(job, copier) == "stored"
    item = item_of(job)
    assert item.key.endswith("/0.heic") and item.thumb_key.endswith("/0.thumb.jpg")
    assert Image.open(BytesIO(object_bytes(item.thumb_key))).format == "JPEG"


def test_a_second_run_leaves_an_item_another_run_is_copying_alone(stores, host, copier):
    job = a_text_with(stores, host, jpeg())
    media = bootstrap.media_items()
    assert media.claim(job.partition, job.entry_key, 0, 0, EPOCH, EPOCH + LEASE_SECONDS)
    parts = (copier.media, copier.bucket, copier.twilio, copier.thumbnail)
    assert copy_media(job, Copier(*parts, clock=lambda: EPOCH + 1)) == "in_progress"
    assert host.calls == [] and item_of(job).state is MediaState.ARRIVING
    # the first run's own message comes back after the lease: it copies then
    later = Copier(*parts, clock=lambda: EPOCH + LEASE_SECONDS + 1)
    assert copy_media(job, later) == "stored"
    assert (host.count("GET", job.url), host.count("DELETE", job.url)) == (1, 1)


def test_a_photo_still_arriving_when_its_number_is_claimed_lands_in_the_clients_text(
    stores, host, copier
):
    from chalicelib.store.partitions import unclaimed_partition
    from tests.helpers import fresh_phone

    stranger, sid = fresh_phone(), new_sid("MM")
    entry = ConversationEntry(
        "",
        sid,
        AT,
        EntryKind.TEXT,
        direction=Direction.INBOUND,
        phone=stranger,
        sid=sid,
        status="received",
        media=(arriving(0, "image/jpeg"),),
    )
    assert stores.unclaimed.record("probation", entry).stored
    partition = unclaimed_partition("probation", stranger)
    job = CopyJob(partition, entry_key(AT, sid), 0, host.add(jpeg(), "image/jpeg", sid), sid)
    client_id = "claimed" + secrets.token_hex(6)
    stores.unclaimed.move_to_client("probation", stranger, client_id)

    assert copy_media(job, copier) == "stored"
    found = bootstrap.media_items().find(client_id, job.entry_key)
    item = found.item(0)
    assert (item.state, item.key) == (MediaState.STORED, f"media/{client_id}/{sid}/0.jpg")
    assert host.deleted(job.url)
