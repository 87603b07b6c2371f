"""Twilio's Media resource through our adapter: bounded downloads, deletes, and only our
own account's media URLs ever called (tests/media_host.py stands in for Twilio)."""

from __future__ import annotations

import pytest

from chalicelib.adapters.twilio_media import (
    MediaGone,
    MediaTooBig,
    MediaUnavailable,
    NotTwilioMedia,
    TwilioMedia,
)
from chalicelib.domain.media import MAX_BYTES
from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN
from tests.media_host import MediaHost


@pytest.fixture()
def host():
    served = MediaHost().start()
    yield served
    served.stop()


@pytest.fixture()
def media(host):
    return TwilioMedia(LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, "http://127.0.0.1:1")


def test_a_file_is_downloaded_with_the_accounts_basic_auth(host, media):
    url = host.add(b"\xff\xd8 a photo", "image/jpeg")
    assert media.download(url) == b"\xff\xd8 a photo"
    wrong = TwilioMedia(LOCAL_ACCOUNT_SID, "not-the-token", "http://127.0.0.1:1")
    with pytest.raises(MediaUnavailable):
        wrong.download(url)  # 401: never our bytes without the token


def test_a_file_over_five_megabytes_is_refused_by_its_declared_length(host, media):
    url = host.add(b"x" * (MAX_BYTES + 1))
    with pytest.raises(MediaTooBig) as refused:
        media.download(url)
    assert refused.value.size == MAX_BYTES + 1


def test_a_file_over_five_megabytes_without_a_length_is_cut_off_while_read(host, media):
    host.declare_length = False
    url = host.add(b"x" * (MAX_BYTES + 200_000))
    with pytest.raises(MediaTooBig) as refused:
        media.download(url)
    assert MAX_BYTES < refused.value.size < MAX_BYTES + 200_000


def test_a_file_of_exactly_five_megabytes_is_kept(host, media):
    url = host.add(b"x" * MAX_BYTES)
    assert len(media.download(url)) == MAX_BYTES


def test_media_twilio_no_longer_has_is_gone_and_a_server_error_is_worth_a_retry(host, media):
    url = host.add(b"photo")
    host.files.clear()
    with pytest.raises(MediaGone):
        media.download(url)
    url = host.add(b"photo")
    host.fail_next_gets = 1
    with pytest.raises(MediaUnavailable):
        media.download(url)
    assert media.download(url) == b"photo"


def test_a_delete_removes_the_media_and_a_second_delete_is_done_too(host, media):
    url = host.add(b"photo")
    media.delete(url)
    assert host.deleted(url)
    media.delete(url)  # 404: already gone is done
    assert host.count("DELETE", url) == 2


def test_urls_that_are_not_our_accounts_media_are_never_called(host, media):
    other_account = host.base + (
        "/2010-04-01/Accounts/AC" + "1" * 32 + "/Messages/MM" + "2" * 32 + "/Media/ME" + "3" * 32
    )
    not_media = host.base + f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages.json"
    elsewhere = host.add(b"photo").replace("127.0.0.1", "example.com")
    for url in (other_account, not_media, elsewhere):
        with pytest.raises(NotTwilioMedia):
            media.download(url)
        with pytest.raises(NotTwilioMedia):
            media.delete(url)
    assert host.calls == []


def test_on_twilio_itself_only_its_api_host_over_https_is_called():
    media = TwilioMedia(LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN)
    path = f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages/MM{'a' * 32}/Media/ME{'b' * 32}"
    assert media.is_ours("https://api.twilio.com" + path)
    assert not media.is_ours("http://api.twilio.com" + path)
    assert not media.is_ours("http://127.0.0.1:8001" + path)  # loopback only for a local stack
    assert not media.is_ours("https://api.twilio.com.example.com" + path)
