"""A photo texted in, through the running local stack: the signed MMS webhook, the
media-copy queue and its worker, moto's bucket, and Twilio's media (tests/media_host.py,
the contract the fake Twilio's media follows)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from io import BytesIO

import boto3
import pytest
from PIL import Image

from chalicelib.domain.media import MAX_BYTES, MediaState, too_big_note
from tests.helpers import fresh_phone, new_sid, signed_webhook
from tests.media_host import MediaHost

pytestmark = pytest.mark.any_hour  # nothing here depends on the hour
PROBATION = "+18015550100"
WAIT = 60.0  # generous: the worker long-polls, and a busy machine is slow


def wait_until(condition: Callable[[], object], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def copy_worker(stack):
    """The app's copy-media handler on the local SQS event source, as ``make run`` runs it
    (the test stack consumes no queue by itself)."""
    from pathlib import Path

    import app as app_module
    from chalicelib.config import MEDIA_COPY_QUEUE_NAME
    from infra.local.sqs_source import LocalSqsSource
    from infra.package.queues import REPORTS_ITEM_FAILURES
    from tests.helpers import ROOT

    queues = stack.resources.event_source_queues()
    assert queues[MEDIA_COPY_QUEUE_NAME] == stack.resources.media_copy_queue_url
    source = LocalSqsSource(
        app_module.app,
        {MEDIA_COPY_QUEUE_NAME: queues[MEDIA_COPY_QUEUE_NAME]},
        Path(ROOT),
        item_failures=REPORTS_ITEM_FAILURES,
    ).start()
    assert [b.name for b in source.bindings] == ["copy-media"]
    assert source.bindings[0].reports_item_failures
    yield source
    source.stop()


@pytest.fixture()
def host():
    served = MediaHost().start()
    yield served
    served.stop()


def new_client(stores):
    from chalicelib.domain.clients import Client

    name = "Photo" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )


def mms(http, sender: str, files: list[tuple[str, str]], sid: str = ""):
    params = {
        "MessageSid": sid or new_sid("MM"),
        "From": sender,
        "To": PROBATION,
        "Body": "my paystub",
        "NumMedia": str(len(files)),
    }
    for i, (url, kind) in enumerate(files):
        params[f"MediaUrl{i}"] = url
        params[f"MediaContentType{i}"] = kind
    return signed_webhook(http, "/webhooks/twilio/sms", params), params["MessageSid"]


def media_of(stores, partition: str, sid: str):
    entries, _ = stores.conversations.newest(partition, limit=20)
    found = [e for e in entries if e.sid == sid]
    return found[0].media if found else ()


def queue_drained(stack) -> bool:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack.resources.media_copy_queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(value == "0" for value in attributes.values())


def in_bucket(stack, prefix: str) -> list[str]:
    found = boto3.client("s3").list_objects_v2(Bucket=stack.resources.media_bucket, Prefix=prefix)
    return sorted(o["Key"] for o in found.get("Contents", []))


def test_a_photo_texted_in_is_kept_in_the_bucket_and_deleted_at_twilio(stack, http, stores, host):
    client = new_client(stores)
    url = host.add(jpeg())
    answer, sid = mms(http, client.phone, [(url, "image/jpeg")])
    assert answer.status_code == 200

    wait_until(lambda: host.deleted(url))
    [item] = media_of(stores, client.client_id, sid)
    assert item.state is MediaState.STORED
    assert item.key == f"media/{client.client_id}/{sid}/0.jpg"
    assert in_bucket(stack, f"media/{client.client_id}/{sid}/") == [item.key, item.thumb_key]
    assert (host.count("GET", url), host.count("DELETE", url)) == (1, 1)


def test_a_duplicate_webhook_never_copies_twice(stack, http, stores, host):
    client = new_client(stores)
    url = host.add(jpeg())
    first, sid = mms(http, client.phone, [(url, "image/jpeg")])
    again, _ = mms(http, client.phone, [(url, "image/jpeg")], sid)  # Twilio's retry
    assert (first.status_code, again.status_code) == (200, 200)
    wait_until(lambda: host.deleted(url))
    wait_until(lambda: queue_drained(stack))
    later, _ = mms(http, client.phone, [(url, "image/jpeg")], sid)  # once stored: no new job
    assert later.status_code == 200
    wait_until(lambda: queue_drained(stack))

    assert host.count("GET", url) == 1
    assert host.count("DELETE", url) == 1
    assert len(in_bucket(stack, f"media/{client.client_id}/{sid}/")) == 2  # photo + thumbnail


def test_a_file_type_we_do_not_keep_is_refused_and_never_fetched(stack, http, stores, host):
    client = new_client(stores)
    url = host.add(b"PK\x03\x04 an archive", "application/zip")
    answer, sid = mms(http, client.phone, [(url, "application/zip")])
    assert answer.status_code == 200
    [item] = media_of(stores, client.client_id, sid)
    assert item.state is MediaState.REFUSED
    assert item.note == "A file of type application/zip was not kept."
    wait_until(lambda: queue_drained(stack))
    assert host.calls == []


def test_a_file_over_five_megabytes_is_refused_and_nothing_is_stored(stack, http, stores, host):
    client = new_client(stores)
    url = host.add(b"%PDF" + b"x" * MAX_BYTES, "application/pdf")
    _, sid = mms(http, client.phone, [(url, "application/pdf")])
    wait_until(lambda: media_of(stores, client.client_id, sid)[0].state is not MediaState.ARRIVING)
    [item] = media_of(stores, client.client_id, sid)
    assert (item.state, item.note) == (MediaState.REFUSED, too_big_note(MAX_BYTES + 4))
    assert in_bucket(stack, f"media/{client.client_id}/") == []
    assert host.count("GET", url) == 1


def test_an_enqueue_that_fails_answers_503_and_twilios_retry_queues_the_photo(
    stack, http, stores, host, monkeypatch
):
    client = new_client(stores)
    url = host.add(jpeg())
    gone = stack.resources.media_copy_queue_url + "-missing"
    with monkeypatch.context() as patched:
        patched.setenv("MEDIA_COPY_QUEUE_URL", gone)
        first, sid = mms(http, client.phone, [(url, "image/jpeg")])
    assert first.status_code == 503
    [item] = media_of(stores, client.client_id, sid)  # the text itself is stored
    assert item.state is MediaState.ARRIVING

    retry, _ = mms(http, client.phone, [(url, "image/jpeg")], sid)
    assert retry.status_code == 200
    wait_until(lambda: host.deleted(url))
    [item] = media_of(stores, client.client_id, sid)
    assert item.state is MediaState.STORED


def test_a_photo_from_an_unknown_number_is_kept_for_the_department_and_moves_on_claim(
    stack, http, stores, host
):
    from chalicelib.store.partitions import unclaimed_partition

    stranger = fresh_phone()
    url = host.add(jpeg())
    answer, sid = mms(http, stranger, [(url, "image/jpeg")])
    assert answer.status_code == 200
    wait_until(lambda: host.deleted(url))
    [item] = media_of(stores, unclaimed_partition("probation", stranger), sid)
    assert item.state is MediaState.STORED
    assert item.key == f"media/unclaimed-probation/{sid}/0.jpg"

    client = new_client(stores)
    stores.unclaimed.move_to_client("probation", stranger, client.client_id)
    [moved] = media_of(stores, client.client_id, sid)
    assert moved == item  # stored, same key: the object did not move
    assert in_bucket(stack, item.key) == [item.key]


def test_no_media_url_or_byte_reaches_the_logs(stack, http, stores, host, caplog):
    import logging

    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    client = new_client(stores)
    marker = b"PAYSTUB-" + secrets.token_hex(8).encode()
    photo, broken = jpeg() + marker, host.add(b"\xff\xd8 broken " + marker)
    url = host.add(photo)
    answer, sid = mms(http, client.phone, [(url, "image/jpeg"), (broken, "image/jpeg")])
    assert answer.status_code == 200
    wait_until(lambda: host.deleted(broken))
    wait_until(lambda: host.deleted(url))

    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "media copies" in logged and sid in logged  # the flow was logged, by ids
    for secret in (url, broken, url.split("/Media/")[1], marker.decode()):
        assert secret not in logged
