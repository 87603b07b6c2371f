"""Our media adapter against the fake Twilio itself: basic auth on the MediaUrl, Twilio's
307 to a short-lived CDN URL, then the DELETE; and our credentials never follow a
redirect to another host (Twilio's CDN is not Twilio's API)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib.adapters.twilio_media import MediaGone, MediaUnavailable, TwilioMedia
from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, FakeTwilio
from infra.local.fake_twilio.samples import sample

pytestmark = pytest.mark.any_hour
DEPARTMENT = "+18015550100"
PHONE = "+13855550101"
MEDIA_PATH = f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages/MM{'a' * 32}/Media/ME{'b' * 32}"


@pytest.fixture()
def fake() -> Iterator[FakeTwilio]:
    running = FakeTwilio(owned_numbers={DEPARTMENT: "Probation"}).start()  # no webhook
    yield running
    running.stop()


def texted_photo(fake: FakeTwilio) -> tuple[str, str]:
    """A phone's MMS held at the fake: (its MediaUrl, the media's ME sid)."""
    sent = fake.send_inbound(PHONE, DEPARTMENT, "my paystub", media=["png"])
    (sid,) = fake.media_sids(sent.message_sid)
    url = f"{fake.base_url}/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages/"
    return f"{url}{sent.message_sid}/Media/{sid}", sid


def test_a_photo_is_downloaded_through_twilios_redirect_with_basic_auth(fake):
    url, sid = texted_photo(fake)
    media = TwilioMedia(LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, fake.base_url)

    assert media.download(url) == sample("png").data
    assert [(e.kind, e.status) for e in fake.media_events(sid)] == [
        ("get", 307),
        ("download", 200),
    ]
    wrong = TwilioMedia(LOCAL_ACCOUNT_SID, "not-the-token", fake.base_url)
    with pytest.raises(MediaUnavailable):
        wrong.download(url)  # 401 at the media URL: no redirect without the token


def test_a_deleted_photo_is_gone_at_the_fake_and_a_second_delete_is_done_too(fake):
    url, sid = texted_photo(fake)
    media = TwilioMedia(LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, fake.base_url)
    media.delete(url)
    assert fake.media_deleted_at(sid) is not None
    media.delete(url)  # 404 (20404): already gone is done
    with pytest.raises(MediaGone):
        media.download(url)


class RecordedAuth:
    """Two loopback servers as Twilio's API and its CDN under different host names: the
    API answers 307 to the CDN, each records the Authorization header it was sent."""

    def __init__(self) -> None:
        self.seen: dict[str, str | None] = {}
        self.servers = [self._serve("api"), self._serve("cdn")]

    def _serve(self, role: str) -> ThreadingHTTPServer:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.seen[role] = self.headers.get("Authorization")
                if role == "api":
                    self.send_response(307)
                    self.send_header("Location", f"http://localhost:{recorder.port('cdn')}/x")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"photo")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def port(self, role: str) -> int:
        return int(self.servers[0 if role == "api" else 1].server_address[1])

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def test_credentials_are_not_sent_to_the_host_a_download_is_redirected_to():
    hosts = RecordedAuth()
    try:
        base = f"http://127.0.0.1:{hosts.port('api')}"
        media = TwilioMedia(LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, base)
        assert media.download(base + MEDIA_PATH) == b"photo"
    finally:
        hosts.stop()
    assert (hosts.seen["api"] or "").startswith("Basic ")
    assert hosts.seen["cdn"] is None
