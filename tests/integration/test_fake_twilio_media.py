"""The fake Twilio keeps an inbound MMS's media as Twilio does: MediaUrl behind basic auth,
the Media resource and its list, DELETE, and faults on the media GET."""

from __future__ import annotations

import base64
import http.client
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, FakeTwilio, sdk_client
from infra.local.fake_twilio.samples import sample
from tests.integration.fake_media_tools import (
    BASIC_AUTH,
    PROBATION,
    Site,
    download,
    fake_for,
    get,
    running_site,
)

pytestmark = pytest.mark.any_hour  # the fake stamps its own dates; no hour matters here

PHONE = "+13855550101"
MEDIA_URL = re.compile(
    rf"^http://127\.0\.0\.1:\d+/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}"
    r"/Messages/(?P<message>MM[0-9a-f]{32})/Media/(?P<media>ME[0-9a-f]{32})$"
)


@pytest.fixture
def site() -> Iterator[Site]:
    with running_site() as running:
        yield running


@pytest.fixture
def fake(site: Site) -> Iterator[FakeTwilio]:
    instance = fake_for(site)
    yield instance
    instance.stop()


def mms(fake: FakeTwilio, site: Site, *media: str) -> dict[str, str]:
    """A phone sends pictures; returns the form the webhook got."""
    result = fake.send_inbound(from_=PHONE, to=PROBATION, body="my paystub", media=media)
    assert result.status_code == 200
    return next(form for _, form in site.posts if form["MessageSid"] == result.message_sid)


def call(fake: FakeTwilio, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
    host, port = fake.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def test_a_picture_from_a_phone_reaches_the_webhook_as_twilio_posts_an_mms(
    fake: FakeTwilio, site: Site
) -> None:
    form = mms(fake, site, "jpeg", "png")

    assert form["NumMedia"] == "2"
    assert form["MessageSid"].startswith("MM") and len(form["MessageSid"]) == 34
    assert (form["MediaContentType0"], form["MediaContentType1"]) == ("image/jpeg", "image/png")
    first, second = MEDIA_URL.match(form["MediaUrl0"]), MEDIA_URL.match(form["MediaUrl1"])
    assert first and second and first["message"] == second["message"] == form["MessageSid"]
    assert fake.media_sids(form["MessageSid"]) == [first["media"], second["media"]]


def test_a_media_url_needs_the_account_credentials_while_basic_auth_is_on(
    fake: FakeTwilio, site: Site
) -> None:
    url = mms(fake, site, "jpeg")["MediaUrl0"]

    status, _, body = get(url)
    redirect_status, headers, _ = get(url, BASIC_AUTH)

    assert fake.media_basic_auth is True
    assert status == 401 and json.loads(body)["code"] == 20003
    assert redirect_status == 307 and headers["Location"].startswith(fake.base_url + "/mms-cdn/")
    assert download(url) == ("image/jpeg", sample("jpeg").data)


def test_with_basic_auth_off_a_media_url_opens_without_credentials(
    fake: FakeTwilio, site: Site
) -> None:
    url = mms(fake, site, "png")["MediaUrl0"]

    status, setting = call(fake, "POST", "/_fake/media", {"basic_auth": False})

    assert status == 200 and setting["basic_auth"] is False and not fake.media_basic_auth
    assert download(url, authorization=None) == ("image/png", sample("png").data)


def test_the_media_resource_and_its_list_have_twilios_fields_through_the_sdk(
    fake: FakeTwilio, site: Site
) -> None:
    form = mms(fake, site, "jpeg", "pdf")
    message, media_sid = form["MessageSid"], MEDIA_URL.match(form["MediaUrl0"])["media"]  # type: ignore[index]
    client = sdk_client(fake.base_url)

    fetched = client.messages(message).media(media_sid).fetch()
    listed = client.messages(message).media.list()

    assert (fetched.sid, fetched.parent_sid, fetched.account_sid) == (
        media_sid,
        message,
        LOCAL_ACCOUNT_SID,
    )
    assert fetched.content_type == "image/jpeg" and fetched.date_created is not None
    assert (
        fetched.uri
        == f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages/{message}/Media/{media_sid}.json"
    )
    assert [m.content_type for m in listed] == ["image/jpeg", "application/pdf"]
    assert client.messages(message).fetch().num_media == "2"


def test_deleted_media_is_gone_from_the_api_and_its_url_and_the_deletion_is_recorded(
    fake: FakeTwilio, site: Site
) -> None:
    form = mms(fake, site, "jpeg")
    url, message = form["MediaUrl0"], form["MessageSid"]
    media_sid = MEDIA_URL.match(url)["media"]  # type: ignore[index]
    client = sdk_client(fake.base_url)
    download(url)  # the app copies first ...

    assert client.messages(message).media(media_sid).delete() is True  # ... then deletes
    with pytest.raises(TwilioRestException) as gone:
        client.messages(message).media(media_sid).fetch()
    status, _, body = get(url, BASIC_AUTH)

    assert gone.value.status == 404 and gone.value.code == 20404
    assert status == 404 and json.loads(body)["code"] == 20404
    assert client.messages(message).media.list() == []
    assert fake.media_deleted_at(media_sid) is not None
    kinds = [(e.kind, e.status) for e in fake.media_events(media_sid)]
    assert kinds == [("get", 307), ("download", 200), ("delete", 204), ("get", 404)]
    _, report = call(fake, "GET", "/_fake/media")
    assert [e["kind"] for e in report["events"] if e["sid"] == media_sid][2] == "delete"
    assert report["media"][0]["deleted_at"] == fake.media_deleted_at(media_sid)


def test_a_second_delete_of_the_same_media_answers_404(fake: FakeTwilio, site: Site) -> None:
    form = mms(fake, site, "gif")
    media_sid = MEDIA_URL.match(form["MediaUrl0"])["media"]  # type: ignore[index]
    media = sdk_client(fake.base_url).messages(form["MessageSid"]).media(media_sid)

    media.delete()
    with pytest.raises(TwilioRestException) as again:
        media.delete()

    assert again.value.status == 404 and again.value.code == 20404


def test_deleting_a_message_deletes_its_media_as_twilio_does(fake: FakeTwilio, site: Site) -> None:
    form = mms(fake, site, "jpeg")
    media_sid = MEDIA_URL.match(form["MediaUrl0"])["media"]  # type: ignore[index]

    sdk_client(fake.base_url).messages(form["MessageSid"]).delete()

    assert fake.media_deleted_at(media_sid) is not None
    assert get(form["MediaUrl0"], BASIC_AUTH)[0] == 404


def test_media_faults_make_the_media_get_fail_404_or_slow_then_answer_again(
    fake: FakeTwilio, site: Site
) -> None:
    url = mms(fake, site, "jpeg")["MediaUrl0"]
    fake.fail_next_media_gets(500, count=2)
    fake.lose_next_media_gets()
    fake.slow_next_media_gets(0.5)

    statuses = [get(url, BASIC_AUTH)[0] for _ in range(3)]
    started = time.monotonic()
    slow = get(url, BASIC_AUTH)[0]
    waited = time.monotonic() - started

    assert statuses == [500, 500, 404] and slow == 307 and waited >= 0.5
    assert download(url)[1] == sample("jpeg").data and fake.pending_faults == []


def test_a_media_fault_set_over_http_applies_to_media_gets_only(
    fake: FakeTwilio, site: Site
) -> None:
    url = mms(fake, site, "png")["MediaUrl0"]
    media_sid = MEDIA_URL.match(url)["media"]  # type: ignore[index]

    status, listed = call(
        fake,
        "POST",
        "/_fake/faults",
        {"fault": "error", "status": 503, "on": "media", "sid": media_sid},
    )
    created = sdk_client(fake.base_url).messages.create(to=PHONE, from_=PROBATION, body="hi")

    assert status == 201 and listed["faults"] == [
        {
            "fault": "error",
            "count": 1,
            "on": "media",
            "sid": media_sid,
            "status": 503,
            "retry_after": None,
        }
    ]
    assert created.status == "queued" and len(fake.pending_faults) == 1
    assert get(url, BASIC_AUTH)[0] == 503 and get(url, BASIC_AUTH)[0] == 307


def test_a_create_fault_never_touches_a_media_get(fake: FakeTwilio, site: Site) -> None:
    url = mms(fake, site, "jpeg")["MediaUrl0"]
    fake.fail_next_creates(500)

    assert get(url, BASIC_AUTH)[0] == 307 and len(fake.pending_faults) == 1


def test_the_simulator_api_sends_an_attached_picture_and_the_phone_keeps_showing_it(
    fake: FakeTwilio, site: Site
) -> None:
    picture = sample("png").data
    status, answer = call(
        fake,
        "POST",
        "/simulator/api/inbound",
        {
            "from": PHONE,
            "to": PROBATION,
            "body": "",
            "media": [{"content_type": "image/png", "data": base64.b64encode(picture).decode()}],
        },
    )
    form = site.posts[-1][1]
    media_sid = MEDIA_URL.match(form["MediaUrl0"])["media"]  # type: ignore[index]
    sdk_client(fake.base_url).messages(answer["message_sid"]).media(media_sid).delete()
    _, thread = call(fake, "GET", f"/simulator/api/phones/{PHONE}/messages")
    shown = thread["messages"][-1]["media"]
    shown_status, headers, shown_bytes = get(fake.base_url + shown[0]["url"])

    assert status == 200 and form["NumMedia"] == "1" and form["MediaContentType0"] == "image/png"
    assert shown == [{"url": f"/simulator/media/{media_sid}", "content_type": "image/png"}]
    assert shown_status == 200 and headers["Content-Type"] == "image/png"
    assert shown_bytes == picture  # the phone's own copy outlives Twilio's


@pytest.mark.parametrize(
    "media",
    [
        [{"sample": "bmp"}],
        [{"content_type": "image/png", "data": "not base64!"}],
        [{"content_type": "a picture", "data": "aGk="}],
        [{"sample": "png"}] * 11,
    ],
)
def test_the_simulator_api_refuses_media_it_cannot_read(
    fake: FakeTwilio, media: list[dict[str, str]]
) -> None:
    status, answer = call(
        fake,
        "POST",
        "/simulator/api/inbound",
        {"from": PHONE, "to": PROBATION, "body": "hi", "media": media},
    )

    assert status == 400 and answer["error"] and fake.messages() == []
