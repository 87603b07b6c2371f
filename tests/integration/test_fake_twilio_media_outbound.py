"""An outbound MMS through the fake Twilio: accepted at once, its MediaUrls fetched
afterwards as Twilio fetches them, and a message whose media can't be taken fails with
Twilio's code through the status callback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from infra.local.fake_twilio import FakeTwilio, sdk_client
from infra.local.fake_twilio.samples import sample
from tests.integration.fake_media_tools import (
    PROBATION,
    Served,
    Site,
    fake_for,
    get,
    running_site,
)

pytestmark = pytest.mark.any_hour  # the fake stamps its own dates; no hour matters here

PHONE = "+13855550101"


@pytest.fixture
def site() -> Iterator[Site]:
    with running_site() as running:
        yield running


@pytest.fixture
def fake(site: Site) -> Iterator[FakeTwilio]:
    instance = fake_for(site)
    yield instance
    instance.stop()


@pytest.fixture
def client(fake: FakeTwilio) -> Client:
    return sdk_client(fake.base_url)


def send_mms(client: Client, site: Site, *urls: str) -> str:
    created = client.messages.create(
        to=PHONE,
        from_=PROBATION,
        body="your appointment letter",
        media_url=list(urls),
        status_callback=f"{site.base_url}/webhooks/twilio/status",
    )
    return str(created.sid)


def statuses(site: Site, sid: str) -> list[tuple[str, str | None]]:
    return [(f["MessageStatus"], f.get("ErrorCode")) for f in site.callbacks_for(sid)]


def test_an_mms_from_a_presigned_s3_url_is_fetched_and_shown_on_the_phone(
    stack, fake: FakeTwilio, client: Client, site: Site
) -> None:
    import boto3

    from chalicelib import bootstrap
    from chalicelib.config import get_settings

    settings = get_settings()
    picture, key = sample("jpeg").data, "media/test-fake/uploads/letter.jpg"
    s3 = boto3.client("s3", endpoint_url=settings.aws_endpoint_url, region_name=settings.region)
    s3.put_object(Bucket=settings.media_bucket, Key=key, Body=picture, ContentType="image/jpeg")
    url = bootstrap.media_bucket().view_url(key, "letter.jpg", seconds=600)  # as the app signs

    created = client.messages.create(to=PHONE, from_=PROBATION, body="", media_url=[url])
    fake.wait_for_callbacks(timeout=30)
    _, _, thread = get(f"{fake.base_url}/simulator/api/phones/{PHONE}/messages")
    shown = json.loads(thread)["messages"][-1]["media"]

    assert created.sid.startswith("MM") and created.num_media == "1"
    assert created.status == "queued"
    assert [(m.content_type, m.data) for m in fake.media_of(created.sid)] == [
        ("image/jpeg", picture)
    ]
    assert client.messages(created.sid).fetch().status == "delivered"
    assert [m["content_type"] for m in shown] == ["image/jpeg"]
    assert get(fake.base_url + shown[0]["url"])[2] == picture


def test_the_create_answers_before_a_slow_media_url_is_fetched(
    fake: FakeTwilio, client: Client, site: Site
) -> None:
    url = site.serve("/slow.png", Served("image/png", sample("png").data, delay=2.0))

    started = time.monotonic()
    sid = send_mms(client, site, url)
    answered = time.monotonic() - started
    fake.wait_for_callbacks(timeout=30)

    assert answered < 1.5
    assert statuses(site, sid) == [("sent", None), ("delivered", None)]
    assert fake.media_of(sid)[0].data == sample("png").data


@pytest.mark.parametrize(
    ("served", "code"),
    [
        (Served("image/png", b"", status=404), "11200"),
        (Served("image/png", b"", status=500), "11200"),
        (Served("text/html", b"<html>sign in</html>"), "12300"),
        (Served("image/jpeg", b"\xff" * (5 * 1024 * 1024 + 1)), "30019"),
    ],
    ids=["not-found", "server-error", "not-a-media-type", "over-5-mb"],
)
def test_media_twilio_cannot_take_fails_the_message_through_its_status_callback(
    fake: FakeTwilio, client: Client, site: Site, served: Served, code: str
) -> None:
    sid = send_mms(client, site, site.serve("/letter", served))
    fake.wait_for_callbacks(timeout=30)

    message = client.messages(sid).fetch()

    assert statuses(site, sid) == [("failed", code)]
    assert message.status == "failed" and str(message.error_code) == code
    assert fake.media_of(sid) == []


def test_an_unreachable_media_url_fails_the_message_with_11200(
    fake: FakeTwilio, client: Client, site: Site
) -> None:
    sid = send_mms(client, site, "http://127.0.0.1:9/gone.jpg")  # discard port: refused
    fake.wait_for_callbacks(timeout=30)

    assert statuses(site, sid) == [("failed", "11200")]


def test_more_than_ten_media_urls_are_refused_with_21623(client: Client, site: Site) -> None:
    urls = [site.serve(f"/{n}.png", Served("image/png", sample("png").data)) for n in range(11)]

    with pytest.raises(TwilioRestException) as refused:
        send_mms(client, site, *urls)

    assert refused.value.status == 400 and refused.value.code == 21623


def test_a_media_url_that_is_not_http_is_refused_with_21620(
    fake: FakeTwilio, client: Client, site: Site
) -> None:
    with pytest.raises(TwilioRestException) as refused:
        send_mms(client, site, "file:///etc/passwd")

    assert refused.value.status == 400 and refused.value.code == 21620
    assert fake.messages() == []
