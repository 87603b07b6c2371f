"""A photo texted in, through the running local stack: the fake Twilio posts the signed MMS
webhook as Twilio does, the app stores the text with its photo "arriving" and queues the
copy, the copy-media worker downloads it through the fake's basic auth and 307 to its
CDN, keeps it (and a thumbnail) in moto's bucket, and only then DELETEs it at the fake.

The fake stands in for Twilio throughout; tests/media_host.py is still used by the copy
steps' tests (tests/integration/test_inbound_photo_copy_steps.py), which need what the
fake cannot do: a hook that runs while a DELETE is answered, and DELETEs that fail."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO

import boto3
import pytest
from PIL import Image

from chalicelib.domain.media import MAX_BYTES, MediaState, too_big_note
from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, FakeTwilio, MediaFile
from tests.helpers import fresh_phone, signed_webhook
from tests.media_copy_worker import copy_worker as running_copy_worker

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
    with running_copy_worker(stack) as source:
        yield source


@pytest.fixture()
def fake(stack) -> FakeTwilio:
    return stack.twilio


def new_client(stores):
    from chalicelib.domain.clients import Client

    name = "Photo" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )


def texted(fake: FakeTwilio, phone: str, *files: MediaFile) -> tuple[str, list[str]]:
    """A phone's MMS through the fake to the app's webhook: (MessageSid, media sids)."""
    sent = fake.send_inbound(phone, PROBATION, "my paystub", media=list(files))
    assert sent.status_code == 200, sent.error
    return sent.message_sid, fake.media_sids(sent.message_sid)


@contextmanager
def webhook_off(fake: FakeTwilio) -> Iterator[None]:
    """The fake keeps a phone's texts without posting them: the test posts them itself."""
    kept = fake.sms_webhook_url
    fake.sms_webhook_url = None
    try:
        yield
    finally:
        fake.sms_webhook_url = kept


def held(fake: FakeTwilio, phone: str, *files: MediaFile) -> dict[str, str]:
    """An MMS the fake holds, and the form Twilio would post for it (to post by hand)."""
    with webhook_off(fake):
        sent = fake.send_inbound(phone, PROBATION, "my paystub", media=list(files))
    sid = sent.message_sid
    params = {"MessageSid": sid, "From": phone, "To": PROBATION, "Body": "my paystub"}
    params["NumMedia"] = str(len(files))
    base = f"{fake.base_url}/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages/{sid}/Media/"
    for i, (me, file) in enumerate(zip(fake.media_sids(sid), files, strict=True)):
        params[f"MediaUrl{i}"] = base + me
        params[f"MediaContentType{i}"] = file.content_type
    return params


def posted_form(fake: FakeTwilio, sid: str) -> dict[str, str]:
    """The signed form the fake posted for a text: what Twilio's retry posts again."""
    forms = [params for _, params, _ in fake.callback_log if params.get("MessageSid") == sid]
    return forms[0]


def events(fake: FakeTwilio, sid: str) -> list[tuple[str, int]]:
    return [(e.kind, e.status) for e in fake.media_events(sid)]


def deleted(fake: FakeTwilio, sid: str) -> Callable[[], bool]:
    return lambda: fake.media_deleted_at(sid) is not None


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


def test_a_photo_texted_in_is_kept_in_the_bucket_and_then_deleted_at_twilio(stack, stores, fake):
    client = new_client(stores)
    sid, [me] = texted(fake, client.phone, MediaFile("image/jpeg", jpeg()))

    wait_until(deleted(fake, me))
    [item] = media_of(stores, client.client_id, sid)
    assert item.state is MediaState.STORED
    assert item.key == f"media/{client.client_id}/{sid}/0.jpg"
    assert in_bucket(stack, f"media/{client.client_id}/{sid}/") == [item.key, item.thumb_key]
    # downloaded with basic auth through Twilio's redirect, and only then deleted
    assert events(fake, me) == [("get", 307), ("download", 200), ("delete", 204)]


def test_a_duplicate_webhook_never_copies_twice(stack, http, stores, fake):
    client = new_client(stores)
    sid, [me] = texted(fake, client.phone, MediaFile("image/jpeg", jpeg()))
    again = signed_webhook(http, "/webhooks/twilio/sms", posted_form(fake, sid))  # a retry
    assert again.status_code == 200
    wait_until(deleted(fake, me))
    wait_until(lambda: queue_drained(stack))
    later = signed_webhook(http, "/webhooks/twilio/sms", posted_form(fake, sid))
    assert later.status_code == 200  # once stored: no new job
    wait_until(lambda: queue_drained(stack))

    assert events(fake, me) == [("get", 307), ("download", 200), ("delete", 204)]
    assert len(in_bucket(stack, f"media/{client.client_id}/{sid}/")) == 2  # photo + thumbnail


def test_a_file_type_we_do_not_keep_is_refused_and_never_fetched(stack, stores, fake):
    client = new_client(stores)
    sid, [me] = texted(fake, client.phone, MediaFile("application/zip", b"PK\x03\x04 zip"))
    [item] = media_of(stores, client.client_id, sid)
    assert item.state is MediaState.REFUSED
    assert item.note == "A file of type application/zip was not kept."
    wait_until(lambda: queue_drained(stack))
    assert events(fake, me) == []


def test_a_file_over_five_megabytes_is_refused_and_nothing_is_stored(stack, stores, fake):
    client = new_client(stores)
    big = MediaFile("application/pdf", b"%PDF" + b"x" * MAX_BYTES)
    sid, [me] = texted(fake, client.phone, big)
    wait_until(lambda: media_of(stores, client.client_id, sid)[0].state is not MediaState.ARRIVING)
    [item] = media_of(stores, client.client_id, sid)
    assert (item.state, item.note) == (MediaState.REFUSED, too_big_note(MAX_BYTES + 4))
    assert in_bucket(stack, f"media/{client.client_id}/") == []
    assert [kind for kind, _ in events(fake, me)].count("get") == 1


def test_an_enqueue_that_fails_answers_503_and_twilios_retry_queues_the_photo(
    stack, http, stores, fake, monkeypatch
):
    client = new_client(stores)
    form = held(fake, client.phone, MediaFile("image/jpeg", jpeg()))
    sid, me = form["MessageSid"], form["MediaUrl0"].rsplit("/", 1)[1]
    gone = stack.resources.media_copy_queue_url + "-missing"
    with monkeypatch.context() as patched:
        patched.setenv("MEDIA_COPY_QUEUE_URL", gone)
        first = signed_webhook(http, "/webhooks/twilio/sms", form)
    assert first.status_code == 503
    [item] = media_of(stores, client.client_id, sid)  # the text itself is stored
    assert item.state is MediaState.ARRIVING
    assert events(fake, me) == []

    retry = signed_webhook(http, "/webhooks/twilio/sms", form)
    assert retry.status_code == 200
    wait_until(deleted(fake, me))
    [item] = media_of(stores, client.client_id, sid)
    assert item.state is MediaState.STORED


def test_a_photo_from_an_unknown_number_is_kept_for_the_department_and_moves_on_claim(
    stack, stores, fake
):
    from chalicelib.store.partitions import unclaimed_partition

    stranger = fresh_phone()
    sid, [me] = texted(fake, stranger, MediaFile("image/jpeg", jpeg()))
    wait_until(deleted(fake, me))
    [item] = media_of(stores, unclaimed_partition("probation", stranger), sid)
    assert item.state is MediaState.STORED
    assert item.key == f"media/unclaimed-probation/{sid}/0.jpg"

    client = new_client(stores)
    stores.unclaimed.move_to_client("probation", stranger, client.client_id)
    [moved] = media_of(stores, client.client_id, sid)
    assert moved == item  # stored, same key: the object did not move
    assert in_bucket(stack, item.key) == [item.key]


def test_no_media_url_or_byte_reaches_the_logs(stack, http, stores, fake, caplog):
    """Posted from this process (not the stack's workers), so caplog sees the webhook's
    lines as well as the worker's."""
    import logging

    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    client = new_client(stores)
    marker = b"PAYSTUB-" + secrets.token_hex(8).encode()
    photo = MediaFile("image/jpeg", jpeg() + marker)
    broken = MediaFile("image/jpeg", b"\xff\xd8 broken " + marker)
    form = held(fake, client.phone, photo, broken)
    answer = signed_webhook(http, "/webhooks/twilio/sms", form)
    assert answer.status_code == 200
    for url in (form["MediaUrl0"], form["MediaUrl1"]):
        wait_until(deleted(fake, url.rsplit("/", 1)[1]))
    # the batch's summary line follows its last delete: wait for it, not for the delete alone
    wait_until(lambda: "media copies" in caplog.text)

    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "media copies" in logged and form["MessageSid"] in logged  # logged by ids
    for url in (form["MediaUrl0"], form["MediaUrl1"]):
        for secret in (url, url.split("/Media/")[1], "/mms-cdn/"):
            assert secret not in logged
    assert marker.decode() not in logged
